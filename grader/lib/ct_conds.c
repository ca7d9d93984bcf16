/*
 * ct_conds.c - the condition variable and semaphore wrappers, their knobs
 * and counters (ct_conds.h), and the records of waits that are not for a
 * mutex (ct_locks_internal.h).
 *
 * DESIGN.  Each condition variable or semaphore the test program uses gets
 * an entry in objects[] on first use, found by its address; entries are
 * only ever appended (objects_lock serialises the appending), so the
 * watchdog can read them without a lock.  Every counter is atomic.
 *
 * With ct_set_fifo_conds(true), a condition variable is not handed to the
 * C library at all: each waiter queues a record of its own (on its stack)
 * on the variable's entry, gives the mutex back, and sleeps on a futex in
 * that record; a signal takes the oldest record off the queue and wakes
 * it, a broadcast all of them.  fifo_lock protects every queue.  A waiter
 * that saw itself woken takes fifo_lock once before it returns, so that
 * its record outlives the signaller's wake-up call.  The waiter is queued
 * while it still holds the mutex, so a signal sent after it checked its
 * condition (under that mutex) always finds it: nothing is lost that POSIX
 * would not lose.  A timed wait reads the clock the variable was
 * initialised with (pthread_condattr_setclock) from glibc's own field.
 */
#define _GNU_SOURCE
#include "ct_conds.h"

#include <errno.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ct_clock.h"
#include "ct_locks_internal.h"
#include "ct_wrapper.h"

static atomic_bool spurious, fifo;
static _Atomic uint64_t wake_pause_ns;

/* A waiter of a condition variable run by the grader (fifo mode); lives on the waiter's stack. */
struct fifo_waiter {
	struct fifo_waiter *next;          /* under fifo_lock */
	atomic_uint woken;                 /* 0 while queued; set to 1, under fifo_lock, as it leaves the queue */
	_Atomic(struct lock_thread *) waker; /* who woke it (set before woken) */
};

#define MAX_OBJECTS 128
static struct sync_object {
	_Atomic(const void *) addr;
	atomic_int kind; /* CT_WAIT_COND or CT_WAIT_SEM */
	atomic_int waiting, waits, signals, broadcasts, posts;
	/* Waiters a signal or broadcast may already have woken (not yet returned): not blocked for good. */
	atomic_int pending;
	atomic_int last_slot; /* who signalled, broadcast or posted last: ct_current_thread(); CT_NOBODY: none yet */
	_Atomic uintptr_t last_pc;
	atomic_bool last_broadcast;
	atomic_int waiting_at_last; /* threads waiting on it then */
	struct fifo_waiter *head, *tail; /* fifo mode: the queue, oldest first, under fifo_lock */
} objects[MAX_OBJECTS];
static atomic_int nobjects;
static pthread_mutex_t objects_lock = PTHREAD_MUTEX_INITIALIZER; /* serialises appending to objects[] */
static pthread_mutex_t fifo_lock = PTHREAD_MUTEX_INITIALIZER;    /* protects every fifo queue */

#define CT_NOBODY (-2)

/* fork() takes both locks first, so that a child never starts with one held by a thread it does not have. */
static void lock_both(void)
{
	__real_pthread_mutex_lock(&objects_lock);
	__real_pthread_mutex_lock(&fifo_lock);
}
static void unlock_both(void)
{
	__real_pthread_mutex_unlock(&fifo_lock);
	__real_pthread_mutex_unlock(&objects_lock);
}

__attribute__((constructor)) static void register_fork_handlers(void)
{
	int err = pthread_atfork(lock_both, unlock_both, unlock_both);

	if (err)
		fprintf(stderr, "ct_conds: pthread_atfork: %s\n", strerror(err));
}

void ct_set_spurious_wakeups(bool on) { spurious = on; }
void ct_set_fifo_conds(bool on) { fifo = on; }
void ct_set_wake_pause(uint64_t ns) { wake_pause_ns = ns; }

void ct_conds_reset(void)
{
	spurious = false;
	fifo = false;
	wake_pause_ns = 0;
	__real_pthread_mutex_lock(&objects_lock);
	nobjects = 0;
	__real_pthread_mutex_unlock(&objects_lock);
}

static void clear_counts(struct sync_object *o)
{
	o->waiting = o->waits = o->signals = o->broadcasts = o->posts = o->pending = 0;
	o->last_slot = CT_NOBODY;
	o->last_pc = 0;
	o->waiting_at_last = 0;
}

/* The entry of obj, appended on first use (NULL once the table is full). */
static struct sync_object *object_of(const void *obj, enum ct_wait_kind kind)
{
	int n = nobjects;

	for (int i = 0; i < n; i++)
		if (objects[i].addr == obj)
			return &objects[i];
	__real_pthread_mutex_lock(&objects_lock);
	struct sync_object *o = NULL;
	n = nobjects;
	for (int i = 0; i < n && !o; i++)
		if (objects[i].addr == obj)
			o = &objects[i];
	if (!o && n < MAX_OBJECTS) {
		o = &objects[n];
		clear_counts(o);
		o->head = o->tail = NULL;
		o->kind = kind;
		o->addr = obj;
		nobjects = n + 1; /* published last: the watchdog reads only entries below nobjects */
	}
	__real_pthread_mutex_unlock(&objects_lock);
	return o;
}

/* The entry of obj if it has one (for the watchdog: never appends). */
static struct sync_object *find_object(const void *obj)
{
	int n = nobjects;

	for (int i = 0; i < n; i++)
		if (objects[i].addr == obj)
			return &objects[i];
	return NULL;
}

struct ct_sync_counts ct_sync_counts(const void *obj)
{
	struct sync_object *o = find_object(obj);

	if (!o)
		return (struct ct_sync_counts){0};
	return (struct ct_sync_counts){o->signals, o->broadcasts, o->posts, o->waits};
}

bool ct_conds_view(const void *obj, struct ct_sync_view *v)
{
	struct sync_object *o = find_object(obj);

	if (!o)
		return false;
	*v = (struct ct_sync_view){.kind = o->kind,
				   .waiting = o->waiting,
				   .signals = o->signals,
				   .broadcasts = o->broadcasts,
				   .posts = o->posts,
				   .pending = o->pending,
				   .last_slot = o->last_slot,
				   .last_pc = o->last_pc,
				   .last_broadcast = o->last_broadcast,
				   .waiting_at_last = o->waiting_at_last,
				   .nobody = o->last_slot == CT_NOBODY};
	return true;
}

uint64_t ct_conds_fingerprint(void)
{
	uint64_t f = 0;
	int n = nobjects;

	for (int i = 0; i < n; i++)
		f = f * 1000003u + (uint64_t)(objects[i].signals + objects[i].broadcasts + objects[i].posts +
					      objects[i].waits + objects[i].waiting);
	return f;
}

/* ---- the records of waits that are not for a mutex ----------------------- */

void ct_locks_block(struct lock_thread *t, enum ct_wait_kind kind, const void *on, const pthread_mutex_t *m,
		    uintptr_t pc, bool timed)
{
	if (!t)
		return;
	t->blocked_on = on;
	t->cond_lock = m;
	t->blocked_pc = pc;
	t->timed = timed;
	t->progress++;
	t->blocked = kind; /* last: the watchdog trusts the other fields once it sees this */
}

void ct_locks_unblock(struct lock_thread *t)
{
	if (!t)
		return;
	t->blocked = CT_WAIT_NONE;
	t->progress++;
}

void ct_locks_join_begin(int slot, uintptr_t pc)
{
	struct lock_thread *t = ct_locks_self();

	if (t)
		t->join_slot = slot;
	ct_locks_block(t, CT_WAIT_JOIN, NULL, NULL, pc, false);
}

void ct_locks_join_end(void) { ct_locks_unblock(ct_locks_self()); }

struct ct_wait ct_thread_wait(int slot)
{
	int n;
	struct lock_thread *r = ct_locks_records(&n);

	for (int i = 0; i < n; i++) {
		if (r[i].slot != slot)
			continue;
		const pthread_mutex_t *m = r[i].waiting;
		if (m)
			return (struct ct_wait){CT_WAIT_MUTEX, m, NULL, false};
		enum ct_wait_kind kind = r[i].blocked;
		if (kind == CT_WAIT_NONE)
			return (struct ct_wait){0};
		return (struct ct_wait){kind, r[i].blocked_on, r[i].cond_lock, r[i].timed};
	}
	return (struct ct_wait){0};
}

int ct_thread_holds(int slot, const pthread_mutex_t **out, int max)
{
	int n;
	struct lock_thread *r = ct_locks_records(&n);

	for (int i = 0; i < n; i++) {
		if (r[i].slot != slot)
			continue;
		int k = r[i].nheld;
		for (int h = 0; h < k && h < max && h < CT_MAX_HELD; h++)
			out[h] = r[i].held[h].m;
		return k;
	}
	return 0;
}

/* ---- condition variables ------------------------------------------------ */

/* The 1st, 3rd, 5th... wait of each thread, when the spurious knob is on. */
static bool spurious_due(void)
{
	static _Thread_local unsigned waits;

	return spurious && ct_locks_knobs_apply() && waits++ % 2 == 0;
}

/* Takes m back after a wait, seen by the watchdog as waiting for it meanwhile. */
static int retake(pthread_mutex_t *m, struct lock_thread *t, uintptr_t pc)
{
	if (t) {
		t->waiting_pc = pc;
		t->waiting = m;
	}
	int err = __real_pthread_mutex_lock(m);
	if (t)
		t->waiting = NULL;
	return err;
}

/* A spurious wake-up: lets go of m, lets another thread run, and takes m back. */
static int wake_up_spuriously(pthread_mutex_t *m, struct lock_thread *t, uintptr_t pc)
{
	int err = __real_pthread_mutex_unlock(m);

	if (err)
		return err;
	sched_yield();
	return retake(m, t, pc);
}

static long futex(atomic_uint *word, int op, unsigned val, const struct timespec *abstime)
{
	return syscall(SYS_futex, word, op, val, abstime, NULL, FUTEX_BITSET_MATCH_ANY);
}

/* The clock a condition variable's timed waits use (glibc keeps it in bit 1 of __wrefs). */
static bool uses_realtime(const pthread_cond_t *c) { return (c->__data.__wrefs & 2) == 0; }

/* Whether w is still queued on o; removes it if it is.  Caller holds fifo_lock. */
static bool dequeue(struct sync_object *o, struct fifo_waiter *w)
{
	for (struct fifo_waiter **p = &o->head, *prev = NULL; *p; prev = *p, p = &(*p)->next)
		if (*p == w) {
			*p = w->next;
			if (o->tail == w)
				o->tail = prev;
			return true;
		}
	return false;
}

/*
 * A woken thread goes on only once its waker has blocked (on a condition
 * variable, a semaphore or a join) or ended, or after 50 ms: as if the
 * scheduler ran the waker first, which it may.  So the waker always gets
 * to wait again before the thread it woke looks at the state.
 */
static void let_waker_go_first(struct lock_thread *waker)
{
	uint64_t until = ct_now_ns() + 50 * CT_MS;

	while (waker && ct_now_ns() < until) {
		int kind = waker->blocked, slot = waker->slot;
		if (kind == CT_WAIT_COND || kind == CT_WAIT_SEM || kind == CT_WAIT_JOIN ||
		    (slot >= 0 && ct_thread(slot).end_ns))
			return;
		ct_sleep_ns(CT_MS / 5);
	}
}

/* A wait on a condition variable run by the grader (fifo mode): see DESIGN. */
static int fifo_wait(struct sync_object *o, pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abstime,
		     struct lock_thread *t, uintptr_t pc)
{
	struct fifo_waiter w = {NULL, 0, NULL};
	int timed_out = 0;

	__real_pthread_mutex_lock(&fifo_lock);
	if (o->tail)
		o->tail->next = &w;
	else
		o->head = &w;
	o->tail = &w;
	__real_pthread_mutex_unlock(&fifo_lock);
	int err = __real_pthread_mutex_unlock(m);
	if (err) { /* m was not locked: as the C library, fail at once */
		__real_pthread_mutex_lock(&fifo_lock);
		dequeue(o, &w);
		__real_pthread_mutex_unlock(&fifo_lock);
		return err;
	}
	int op = FUTEX_WAIT_BITSET_PRIVATE | (uses_realtime(c) ? FUTEX_CLOCK_REALTIME : 0);
	while (!w.woken) {
		if (futex(&w.woken, op, 0, abstime) == -1 && errno == ETIMEDOUT) {
			__real_pthread_mutex_lock(&fifo_lock);
			bool queued = dequeue(o, &w);
			__real_pthread_mutex_unlock(&fifo_lock);
			if (queued) {
				timed_out = ETIMEDOUT;
				break;
			}
		}
	}
	/* Whoever woke w has finished with it once it lets go of fifo_lock. */
	__real_pthread_mutex_lock(&fifo_lock);
	__real_pthread_mutex_unlock(&fifo_lock);
	if (!timed_out)
		let_waker_go_first(w.waker);
	err = retake(m, t, pc);
	return err ? err : timed_out;
}

/* Wakes the oldest waiter of o (all of them if all), in fifo mode. */
static void fifo_wake(struct sync_object *o, bool all)
{
	__real_pthread_mutex_lock(&fifo_lock);
	do {
		struct fifo_waiter *w = o->head;
		if (!w)
			break;
		o->head = w->next;
		if (!o->head)
			o->tail = NULL;
		w->waker = ct_locks_self();
		w->woken = 1;
		futex(&w->woken, FUTEX_WAKE_PRIVATE, 1, NULL);
	} while (all);
	__real_pthread_mutex_unlock(&fifo_lock);
}

/*
 * A wait on c with m, timed if abstime is not NULL.  The tracker forgets
 * m for the wait (for a moment nobody is seen holding it, never two
 * threads) and takes it back after, with the wait's own call site as
 * where it was taken.  A wait ends a critical section (ct_cs_log_start)
 * and its return starts a new one.  The wait is not a lock: the lock knobs
 * do not act on it, and it is not logged (ct_lock_log_start).  A wait that
 * fails at once (EINVAL, EPERM: m was not held) changes nothing.
 */
static int cond_wait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abstime, uintptr_t pc)
{
	struct lock_thread *t = ct_locks_self();
	struct sync_object *o = object_of(c, CT_WAIT_COND);
	bool held = t && ct_locks_pop_held(t, m);
	int err;

	if (o)
		o->waits++;
	if (held && spurious_due()) {
		if (t)
			t->progress++;
		err = wake_up_spuriously(m, t, pc);
	} else {
		ct_locks_block(t, CT_WAIT_COND, c, m, pc, abstime != NULL);
		if (o)
			o->waiting++;
		if (fifo && o)
			err = fifo_wait(o, c, m, abstime, t, pc);
		else
			err = abstime ? __real_pthread_cond_timedwait(c, m, abstime) : __real_pthread_cond_wait(c, m);
		if (o) {
			o->waiting--;
			int p = o->pending;
			while (p > 0 && !atomic_compare_exchange_weak(&o->pending, &p, p - 1))
				;
		}
		ct_locks_unblock(t);
	}
	if (held)
		ct_locks_push_held(t, m, pc);
	return err;
}

int __wrap_pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
	CT_ENTER(pthread_cond_wait);
	return cond_wait(c, m, NULL, (uintptr_t)__builtin_return_address(0));
}

int __wrap_pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abstime)
{
	CT_ENTER(pthread_cond_timedwait);
	return cond_wait(c, m, abstime, (uintptr_t)__builtin_return_address(0));
}

/* Who woke o, from where, and how many waited then; then the pause knob. */
static void record_wake(struct sync_object *o, bool broadcast, uintptr_t pc)
{
	struct lock_thread *t = ct_locks_self();

	if (t)
		t->progress++;
	if (o) {
		int waiting = o->waiting;
		if (o->kind == CT_WAIT_COND) {
			if (broadcast)
				o->pending = waiting;
			else if (o->pending < waiting)
				o->pending++;
		}
		o->waiting_at_last = waiting;
		o->last_broadcast = broadcast;
		o->last_pc = pc;
		o->last_slot = ct_current_thread();
	}
}

static void wake_pause(void)
{
	uint64_t ns = wake_pause_ns;

	if (ns && ct_locks_knobs_apply())
		ct_sleep_ns(ns);
}

static int cond_wake(pthread_cond_t *c, bool all, uintptr_t pc)
{
	struct sync_object *o = object_of(c, CT_WAIT_COND);
	int err = 0;

	if (o && all)
		o->broadcasts++;
	else if (o)
		o->signals++;
	record_wake(o, all, pc);
	if (fifo && o)
		fifo_wake(o, all);
	else
		err = all ? __real_pthread_cond_broadcast(c) : __real_pthread_cond_signal(c);
	wake_pause();
	return err;
}

int __wrap_pthread_cond_signal(pthread_cond_t *c)
{
	CT_ENTER(pthread_cond_signal);
	return cond_wake(c, false, (uintptr_t)__builtin_return_address(0));
}

int __wrap_pthread_cond_broadcast(pthread_cond_t *c)
{
	CT_ENTER(pthread_cond_broadcast);
	return cond_wake(c, true, (uintptr_t)__builtin_return_address(0));
}

int __wrap_pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *a)
{
	CT_ENTER(pthread_cond_init);
	int err = __real_pthread_cond_init(c, a);
	struct sync_object *o = err ? NULL : object_of(c, CT_WAIT_COND);

	if (o)
		clear_counts(o); /* a new condition variable at an address used before */
	return err;
}

int __wrap_pthread_cond_destroy(pthread_cond_t *c)
{
	CT_ENTER(pthread_cond_destroy);
	return __real_pthread_cond_destroy(c);
}

/* ---- semaphores ---------------------------------------------------------- */

int __wrap_sem_init(sem_t *s, int pshared, unsigned value)
{
	CT_ENTER(sem_init);
	int r = __real_sem_init(s, pshared, value), saved = errno;
	struct sync_object *o = r == 0 ? object_of(s, CT_WAIT_SEM) : NULL;

	if (o)
		clear_counts(o);
	errno = saved;
	return r;
}

int __wrap_sem_destroy(sem_t *s)
{
	CT_ENTER(sem_destroy);
	return __real_sem_destroy(s);
}

/* A wait on s, timed if abstime is not NULL; errno is the C library's. */
static int sem_wait_tracked(sem_t *s, const struct timespec *abstime, uintptr_t pc)
{
	struct lock_thread *t = ct_locks_self();
	struct sync_object *o = object_of(s, CT_WAIT_SEM);

	if (o) {
		o->waits++;
		o->waiting++;
	}
	ct_locks_block(t, CT_WAIT_SEM, s, NULL, pc, abstime != NULL);
	int r = abstime ? __real_sem_timedwait(s, abstime) : __real_sem_wait(s), saved = errno;
	ct_locks_unblock(t);
	if (o)
		o->waiting--;
	errno = saved;
	return r;
}

int __wrap_sem_wait(sem_t *s)
{
	CT_ENTER(sem_wait);
	return sem_wait_tracked(s, NULL, (uintptr_t)__builtin_return_address(0));
}

int __wrap_sem_timedwait(sem_t *s, const struct timespec *abstime)
{
	CT_ENTER(sem_timedwait);
	return sem_wait_tracked(s, abstime, (uintptr_t)__builtin_return_address(0));
}

int __wrap_sem_trywait(sem_t *s)
{
	CT_ENTER(sem_trywait);
	struct lock_thread *t = ct_locks_self();

	if (t)
		t->progress++;
	return __real_sem_trywait(s);
}

int __wrap_sem_post(sem_t *s)
{
	CT_ENTER(sem_post);
	struct sync_object *o = object_of(s, CT_WAIT_SEM);

	if (o)
		o->posts++;
	record_wake(o, false, (uintptr_t)__builtin_return_address(0));
	int r = __real_sem_post(s), saved = errno;
	wake_pause();
	errno = saved;
	return r;
}

int ct_real_sem_init(sem_t *s, int pshared, unsigned value) { return __real_sem_init(s, pshared, value); }
int ct_real_sem_destroy(sem_t *s) { return __real_sem_destroy(s); }
int ct_real_pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *a) { return __real_pthread_cond_init(c, a); }
int ct_real_pthread_cond_destroy(pthread_cond_t *c) { return __real_pthread_cond_destroy(c); }
