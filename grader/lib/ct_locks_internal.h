/*
 * ct_locks_internal.h - the lock tracker's thread records, shared by its
 * three files: ct_locks.c (mutexes, knobs, the watchdog), ct_conds.c
 * (condition variables and semaphores) and ct_stuck.c (the picture of
 * threads that all wait for one another).  Not for suites.
 *
 * Each record is written only by the thread it describes; the watchdog
 * reads all of them without locking (every field is atomic), and only
 * trusts what it has seen twice, unchanged (the progress counter moves at
 * every tracked call).
 */
#ifndef CT_LOCKS_INTERNAL_H
#define CT_LOCKS_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "ct_api.h"
#include "ct_conds.h"
#include "ct_locks.h"

struct lock_thread {
	atomic_int slot; /* ct_current_thread() of the thread: -1 for the test's own thread */
	/* The mutex it is waiting to lock right now (lock, or the retake after a condition wait), and where. */
	_Atomic(const pthread_mutex_t *) waiting;
	_Atomic uintptr_t waiting_pc;
	atomic_int nheld;
	struct {
		_Atomic(const pthread_mutex_t *) m;
		_Atomic uintptr_t pc;
	} held[CT_MAX_HELD];
	/* A wait that is not for a mutex: a condition variable, a semaphore or a join (ct_conds.h). */
	atomic_int blocked;                         /* enum ct_wait_kind; CT_WAIT_NONE when not blocked so */
	_Atomic(const void *) blocked_on;           /* the condition variable or semaphore */
	_Atomic(const pthread_mutex_t *) cond_lock; /* a condition wait's mutex */
	atomic_int join_slot;                       /* a join's thread, as ct_current_thread() numbers it; -1: unknown */
	_Atomic uintptr_t blocked_pc;
	atomic_bool timed; /* the wait ends by itself (timedwait): never blocked for good */
	_Atomic(const pthread_mutex_t *) tried; /* the last trylock, if it returned EBUSY */
	atomic_ulong busy;                      /* trylocks that returned EBUSY */
	atomic_ulong progress; /* moves at every tracked call, on the way in and out */
	atomic_bool is_main;   /* the thread that ran ct_test_init: the test's own */
};

#define CT_LOCK_RECORDS (CT_MAX_THREADS + 64)

/* The calling thread's record, created on first use; NULL once the table is full. */
struct lock_thread *ct_locks_self(void);
/* The records made so far (*n of them, at most CT_LOCK_RECORDS). */
struct lock_thread *ct_locks_records(int *n);

/* The calling thread forgets that it holds m (false if it was not seen holding it). */
bool ct_locks_pop_held(struct lock_thread *t, const pthread_mutex_t *m);
/* The calling thread now holds m, taken at pc. */
void ct_locks_push_held(struct lock_thread *t, const pthread_mutex_t *m, uintptr_t pc);
/* The record that holds m and where it took it; -1 if no thread is seen holding it. */
int ct_locks_holder_of(const pthread_mutex_t *m, int n, uintptr_t *pc);
/* Whether the knobs act in the calling thread: created through pthread_create, or in a forked child. */
bool ct_locks_knobs_apply(void);

/* Around a wait on a condition variable, a semaphore or a join (t may be NULL: nothing is recorded). */
void ct_locks_block(struct lock_thread *t, enum ct_wait_kind kind, const void *on, const pthread_mutex_t *m,
		    uintptr_t pc, bool timed);
void ct_locks_unblock(struct lock_thread *t);
/* For ct_api.c's pthread_join: the calling thread waits for the thread of that slot (-1: unknown). */
void ct_locks_join_begin(int slot, uintptr_t pc);
void ct_locks_join_end(void);

/* "thread 2", or "the test's own thread". */
void ct_locks_describe_thread(const struct lock_thread *t, char *buf, size_t len);
/* A call's return address as a code token for the harness (ct_code_token of the call itself). */
void ct_locks_describe_pc(uintptr_t pc, char *buf, size_t len);

/* ct_conds.c: what is known of one condition variable or semaphore (false: nothing). */
struct ct_sync_view {
	enum ct_wait_kind kind; /* CT_WAIT_COND or CT_WAIT_SEM */
	int waiting;            /* threads in a wait on it now */
	int signals, broadcasts, posts;
	int pending;          /* waiters a signal or broadcast may have woken that have not returned yet */
	bool nobody;          /* never signalled, broadcast nor posted */
	int last_slot;        /* who did it last (ct_current_thread()) */
	uintptr_t last_pc;    /* from where (a return address) */
	bool last_broadcast;  /* the last was a broadcast */
	int waiting_at_last;  /* threads waiting on it then */
};
bool ct_conds_view(const void *obj, struct ct_sync_view *v);
/* Moves whenever any condition variable or semaphore is waited on, signalled or posted. */
uint64_t ct_conds_fingerprint(void);

/*
 * ct_stuck.c: if every thread of the test is blocked (on a mutex, a
 * condition variable, a semaphore or a join) and at least one waits on a
 * condition variable or a semaphore, writes the picture (first line
 * "stuck") into buf and returns true.  *fingerprint then changes whenever
 * any thread has moved since.
 */
bool ct_find_stuck(char *buf, size_t len, uint64_t *fingerprint);

#endif
