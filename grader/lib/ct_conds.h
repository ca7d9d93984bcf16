/*
 * ct_conds.h - what the student's code does with condition variables and
 * semaphores, and knobs that make their classic bugs show in every run.
 *
 * Test programs are linked with -Wl,--wrap for pthread_cond_wait,
 * timedwait, signal, broadcast, init and destroy and for sem_init,
 * destroy, wait, trywait, timedwait and post (ct_wraps.h).  Their wrappers
 * (ct_conds.c) feed the lock tracker (ct_locks.h):
 *   - a thread in pthread_cond_wait does not hold the wait's mutex, and
 *     holds it again once the call returns (also on a timeout);
 *   - which condition variable or semaphore each thread is waiting on right
 *     now, with which mutex, and where (ct_thread_wait below), and which
 *     thread each test thread is joining;
 *   - for each condition variable and semaphore: how many threads wait on
 *     it, how often it was signalled, broadcast or posted, and who did it
 *     last, from where, and how many threads waited then.
 * The deadlock watchdog uses them: when every thread of the test is
 * blocked (on a mutex, a condition variable, a semaphore or a join) and
 * none is left to wake the others (a lost wake-up, or a thread that sleeps
 * holding the lock its waker needs), it ends the test with a picture of who
 * waits on what and who last signalled it, instead of a bare timeout.
 *
 * Three knobs, which act (like those of ct_locks.h) only in threads
 * created through pthread_create and in forked children, never in the
 * test's own thread; ct_test_init turns them all off:
 *   - ct_set_spurious_wakeups(true): the 1st, 3rd, 5th... pthread_cond_wait
 *     or timedwait of each thread returns 0 at once, without a signal,
 *     having let go of the mutex and taken it back (POSIX allows such a
 *     spurious wake-up at any time).  Code that waits in an `if` instead of
 *     a `while` then goes on with its condition false, in every run;
 *   - ct_set_fifo_conds(true): the grader runs every condition variable
 *     itself: pthread_cond_signal wakes the thread that has waited longest
 *     (POSIX lets it wake any), and a woken thread goes on only once the
 *     thread that woke it has blocked again or ended (or after 50 ms), as
 *     a scheduler may choose.  A test that starts its threads in a known
 *     order then knows which thread every signal wakes and what it finds,
 *     and a signal that wakes the wrong kind of waiter loses a wake-up
 *     every time.  Set it before any thread waits, and leave it for the
 *     whole test;
 *   - ct_set_wake_pause(ns): after every sem_post, pthread_cond_signal and
 *     pthread_cond_broadcast, the caller sleeps ns, so that the thread it
 *     woke runs first: a semaphore posted before the item is stored, or a
 *     signal sent before the state changes, is then caught in every run.
 */
#ifndef CT_CONDS_H
#define CT_CONDS_H

#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stdint.h>

void ct_set_spurious_wakeups(bool on);
void ct_set_fifo_conds(bool on);
void ct_set_wake_pause(uint64_t ns);
/* Turns the three knobs off (ct_test_init). */
void ct_conds_reset(void);

/* Gives a condition variable or semaphore a name for messages ("b->not_full"), like ct_name_lock. */
void ct_name_object(const void *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* What a thread is blocked on. */
enum ct_wait_kind {
	CT_WAIT_NONE,  /* running, or not seen */
	CT_WAIT_MUTEX, /* locking a mutex (also taking it back after a condition wait) */
	CT_WAIT_COND,  /* in pthread_cond_wait or timedwait */
	CT_WAIT_SEM,   /* in sem_wait or sem_timedwait */
	CT_WAIT_JOIN,  /* in pthread_join */
};

struct ct_wait {
	enum ct_wait_kind kind;
	const void *on;              /* the mutex, condition variable or semaphore */
	const pthread_mutex_t *lock; /* CT_WAIT_COND: the wait's mutex */
	bool timed;                  /* a timed wait */
};

/*
 * What the thread of that slot (its ct_current_thread(), 0 for the first
 * thread created) is blocked on now; CT_WAIT_NONE if it is not, or has
 * never made a tracked call.
 */
struct ct_wait ct_thread_wait(int slot);
/* The tracked mutexes the thread of that slot holds now (fills up to max); returns how many. */
int ct_thread_holds(int slot, const pthread_mutex_t **out, int max);

/* Calls on one condition variable or semaphore since the test started. */
struct ct_sync_counts {
	int signals, broadcasts; /* a condition variable's */
	int posts;               /* a semaphore's */
	int waits;               /* waits that started (pthread_cond_wait/timedwait, sem_wait/timedwait) */
};
struct ct_sync_counts ct_sync_counts(const void *obj);

/* The real calls, uncounted and never made to fail, for the grader's own use. */
int ct_real_sem_init(sem_t *s, int pshared, unsigned value);
int ct_real_sem_destroy(sem_t *s);
int ct_real_pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *a);
int ct_real_pthread_cond_destroy(pthread_cond_t *c);

#endif
