/*
 * ct_locks.h - what the student's code does with mutexes, and a deadlock
 * watchdog that draws who holds and who waits for which lock.
 *
 * Test programs are linked with -Wl,--wrap for the mutex calls (lock,
 * trylock, timedlock, unlock, init, destroy) and the condition variable
 * calls (wait, timedwait, signal, broadcast: ct_conds.h) (see ct_wraps.h),
 * so every one the student's object makes passes through ct_locks.c and
 * ct_conds.c, which record, per thread:
 *   - the mutexes it holds, each with the code address of the call that
 *     took it;
 *   - the mutex it is waiting for right now, if any, and where;
 *   - since ct_lock_log_start(), every distinct mutex it locked.
 * A successful trylock or timedlock takes a mutex as lock does.  A thread
 * in pthread_cond_wait or timedwait does not hold the wait's mutex while it
 * waits, and holds it again once the call returns.
 * Grader code that wants to name a mutex in messages calls ct_name_lock().
 *
 * Three knobs make timing bugs show every time instead of once in a while;
 * they act only in threads created through pthread_create (the student's
 * threads and the test's workers) and in processes forked through fork(),
 * never in the test's own thread:
 *   - ct_set_lock_hold(ns): after taking any mutex, sleep ns while holding
 *     it, so critical sections overlap, or visibly take turns;
 *   - ct_set_yield_at_locks(true): sched_yield() before every lock and after
 *     every unlock, so that another thread runs in any gap just before or
 *     after a critical section: a read made before taking the lock, or a
 *     read-modify-write split into two critical sections, then loses
 *     updates even when all the threads share one CPU;
 *   - ct_set_lock_lockstep(ns, parties): before every lock, trylock,
 *     timedlock and unlock, wait until the current window closes: the
 *     first call to arrive when none is open opens one, which closes ns
 *     later, or as soon as `parties` calls have joined it (0: no such
 *     limit), and every call that arrives meanwhile waits for that moment
 *     too.  Threads that reach their calls within ns of each other then
 *     make them together, every call of one window before any call of the
 *     next: threads that back off for the same fixed time stay in step for
 *     good (a livelock), while a random back-off spread over more than ns
 *     puts them out of step.  With parties = the number of threads, a
 *     thread that the machine holds up does not fall out of step: its
 *     window waits for it (up to ns).
 * A fourth knob, ct_set_unlock_pause(ns), sleeps ns after every unlock (in
 * the same threads): a thread waiting for the lock then takes it and
 * writes before the unlocking thread goes on, so a read made just after
 * the unlock sees that write every time.
 *
 * The watchdog (started for every test by ct_test_init) looks every 100 ms
 * at the wait-for graph.  If some threads are blocked for good (a cycle of
 * threads each waiting for a lock the next one holds, or a thread waiting
 * for a lock that its holder will never release because the holder is the
 * thread itself or has ended; or every thread of the test waiting, on a
 * mutex, condition variable, semaphore or join, with none left to wake the
 * others: ct_conds.h), and the same picture is seen twice in a row with no
 * thread having moved, it writes the picture to deadlock-TEST.txt and ends
 * the test with a failure.  Code addresses in the picture are written as "@0xOFFSET" (an
 * offset into the test program) for the harness to turn into
 * function, file and line (grader/harness/symbolize.c).
 *
 * Thread records: each thread writes only its own record; the watchdog reads
 * all of them without locking (every field is atomic), and only trusts a
 * picture it has seen twice.
 */
#ifndef CT_LOCKS_H
#define CT_LOCKS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "ct_timing.h"

/* A thread holds at most this many tracked mutexes at once (more are not tracked). */
#define CT_MAX_HELD 16

/* Forgets lock names, knobs and logs.  Call with no student thread running. */
void ct_locks_reset(void);
/* Gives mutex m a name for messages ("accounts[3].lock"); up to 128 names. */
void ct_name_lock(const pthread_mutex_t *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The name given to m, or NULL. */
const char *ct_lock_name(const pthread_mutex_t *m);
/* Describes m into buf: its name, or "a mutex at 0x... that the test did not give you (...)". */
const char *ct_describe_lock(const pthread_mutex_t *m, char *buf, size_t len);

void ct_set_lock_hold(uint64_t ns);
void ct_set_yield_at_locks(bool on);
void ct_set_unlock_pause(uint64_t ns);
void ct_set_lock_lockstep(uint64_t ns, int parties);

/*
 * The advice the watchdog writes under the picture of a cycle (what to do
 * about it in this exercise); NULL: the default (one global lock order).
 * The text is copied.
 */
void ct_set_deadlock_advice(const char *text);

/*
 * Whether pthread_mutex_init (or pthread_mutex_destroy) succeeded on m
 * since ct_locks_reset(), from any thread of this process (the last 64
 * such calls are remembered).
 */
bool ct_mutex_initialised(const pthread_mutex_t *m);
bool ct_mutex_destroyed(const pthread_mutex_t *m);

/* The tracked mutexes the calling thread holds now; returns how many (fills up to max). */
int ct_locks_held(const pthread_mutex_t **out, int max);
/*
 * What one thread is seen doing with the tracked mutexes right now, for a
 * test that must describe threads that make no progress without blocking
 * (a livelock, or a trylock loop that never lets go): the watchdog only
 * sees threads blocked in a lock.
 */
struct ct_lock_view {
	int slot;                           /* ct_current_thread() of the thread; -1: the test's own */
	int nheld;                          /* mutexes it holds (the first CT_MAX_HELD are in held) */
	const pthread_mutex_t *held[CT_MAX_HELD];
	const pthread_mutex_t *waiting;     /* the mutex it is blocked on in a lock, or NULL */
	const pthread_mutex_t *tried;       /* its last trylock, if that returned EBUSY; else NULL */
	unsigned long busy;                 /* its trylocks that returned EBUSY, since it started */
};
/* The threads seen so far, in the order they first used a mutex (fills up to max); returns how many. */
int ct_locks_snapshot(struct ct_lock_view *out, int max);

/* Starts (empties) the calling thread's log of mutexes it locks. */
void ct_lock_log_start(void);
/* The distinct mutexes the calling thread locked since ct_lock_log_start(). */
int ct_lock_log(const pthread_mutex_t **out, int max);
/* Whether the calling thread locked m since ct_lock_log_start(). */
bool ct_lock_log_has(const pthread_mutex_t *m);
/*
 * Whether, since ct_lock_log_start(), the calling thread took `taken`
 * while it held `held`: the order that can deadlock, as opposed to two
 * locks taken one after the other, each alone (first 128 pairs kept).
 */
bool ct_lock_log_nested(const pthread_mutex_t *held, const pthread_mutex_t *taken);

/*
 * Records the calling thread's critical sections from now on: each time it
 * goes from holding no tracked mutex to holding one, an interval starts;
 * when it holds none again, the interval ends and is stored in buf (at most
 * max).  Intervals from several threads then show whether their critical
 * sections overlapped (ct_concurrency) whatever the number of locks taken.
 */
void ct_cs_log_start(struct ct_interval *buf, int max);
/* Number of critical sections the calling thread has recorded since ct_cs_log_start(). */
int ct_cs_log_count(void);

/*
 * "@0xOFFSET": the code address addr as an offset into the test program,
 * for the harness to resolve into function, file and line; "(in a
 * library)" for an address outside it.  Returns buf.
 */
const char *ct_code_token(uintptr_t addr, char *buf, size_t len);

/*
 * fn(arg) runs once, in the calling thread, right after the next unlock
 * that leaves it holding no tracked mutex: the first moment at which any
 * other thread could take every lock it had.  A test uses it to act as
 * another thread would there (say, start a transfer that takes those
 * locks), in a run where the code under test is called from the test's own
 * thread, so that what the code does after letting go is seen every time.
 * fn may lock and unlock mutexes itself; it is forgotten once it has run.
 * NULL: none (ct_locks_reset also forgets it).
 */
void ct_on_next_release(void (*fn)(void *), void *arg);

/*
 * The pthread_mutex_init and pthread_mutex_destroy calls made by any thread
 * of the process since ct_mutex_events_start() (or ct_locks_reset()), in
 * the order they were made, with what each returned.  An init failed by an
 * injected fault (ct_fault.h) is listed with that error; a destroy failed
 * so is not listed.  Up to 256 are kept; returns how many there were
 * (fills up to max).
 */
enum ct_mutex_event_kind { CT_MUTEX_INIT, CT_MUTEX_DESTROY };
struct ct_mutex_event {
	const pthread_mutex_t *m;
	enum ct_mutex_event_kind kind;
	int err; /* what the call returned */
};
void ct_mutex_events_start(void);
int ct_mutex_events(struct ct_mutex_event *out, int max);

/*
 * Starts the deadlock watchdog for the running test (once per process).
 * Call it from the test's own thread: the watchdog calls a lost wake-up
 * only while that thread is blocked too (ct_conds.h).
 */
void ct_deadlock_watch_start(const char *test_name);
/* Lets the watchdog act (the default) or not, for tests of the watchdog's own pictures. */
void ct_deadlock_watch_enable(bool on);
/* The name given to a mutex, condition variable or semaphore (ct_name_lock, ct_name_object), or NULL. */
const char *ct_object_name(const void *p);

#endif
