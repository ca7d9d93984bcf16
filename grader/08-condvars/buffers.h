/*
 * buffers.h - what the two suites of lesson 08 (bbuf and sbuf) share: a
 * bounded buffer seen through its put and get, single calls made in
 * threads of their own and watched from the test's thread, a stress run of
 * producers and consumers that checks every delivery, and the measure of
 * what a blocked thread costs.
 *
 * Every call of the student's code runs in a worker thread created through
 * the wrapped pthread_create, so the lock tracker's knobs act on it
 * (ct_locks.h, ct_conds.h) and the test's own thread stays free to watch.
 * The test's thread joins with pthread_join, in which the watchdog sees it
 * blocked: when every worker waits too, with none left to wake the others,
 * the test ends at once with the picture of who waits on what.
 */
#ifndef BUFFERS_H
#define BUFFERS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "ct_conds.h"
#include "ct_fault.h"
#include "ct_sched.h"

/* A buffer under test: its functions, behind the same two signatures. */
struct buffer {
	const char *put_name, *get_name; /* "bbuf_put", "bbuf_get" */
	const char *var;                 /* what messages call the buffer: "b" */
	int (*put)(void *b, long item);
	int (*get)(void *b, long *item);
	void *b;
	const void *not_full, *not_empty; /* what a blocked put and get wait on (a condition variable or semaphore) */
	const char *not_full_name, *not_empty_name;
	const void *lock; /* the buffer's mutex */
	/* What to do about a put or get that went on when it had to wait. */
	const char *wait_advice;
};

/* One put or get, made in a worker thread of its own. */
struct call {
	const struct buffer *buf;
	bool is_get;
	long item;     /* put: what to store; get: what came out (POISON until it returns) */
	int result;    /* what put or get returned, once `returned` */
	atomic_bool started, returned;
	atomic_int tid, slot; /* the worker's thread id and its ct_current_thread() */
	uint64_t returned_ns;  /* ct_now_ns() when it returned */
	struct ct_sched_times at_return; /* the worker's own account, read as it returned */
	pthread_t thread;
	bool joined;
};

/* What a get leaves in *item before the call writes it: no item the tests put looks like it. */
#define POISON (-0x5eed5eedL)

/* Starts put(item) (is_get false) or get in a new worker thread; does not wait for it. */
void call_start(struct call *c, const struct buffer *buf, bool is_get, long item);
/* Waits up to timeout_ns for c to have started and be blocked (on anything), or to have returned. */
struct ct_wait call_wait_blocked(struct call *c, uint64_t timeout_ns);
/* pthread_join: blocks until the call returns (a lost wake-up ends the test with the watchdog's picture). */
void call_join(struct call *c);
/* "bbuf_put(b, 12)" or "bbuf_get(b, &item)". */
const char *call_name(const struct call *c, char *buf, size_t len);

/*
 * Checks that the call c, started on a buffer where it must block, is
 * blocked: it has not returned after `ms` milliseconds (a put that stored
 * into a full buffer, or a get that took from an empty one, went on with
 * its condition false: `state` describes the buffer, e.g. "held 2 items
 * (capacity 2)"), and, if it sleeps in a wait, that it waits on
 * `expected` holding no lock.
 */
void expect_blocked(struct call *c, int ms, const char *state, const void *expected, const char *expected_name);

/*
 * The timing check of a call that must sleep while it waits: c is started
 * on a buffer where it blocks; over window_ms its thread must be neither
 * runnable most of the time (busy-waiting) nor wake up over and over
 * (sleep-polling), measured from the grader's side.  Then unblock(arg)
 * (a put or get by the test's thread) must let it go on at once: it may
 * not sleep on for long after it (a slow polling loop).  Skips the test if
 * the thread's activity cannot be read.  `state` describes the buffer.
 */
void expect_sleeps_while_blocked(struct call *c, int window_ms, const char *state, void (*unblock)(void *arg),
				 void *arg);

/* One of a buffer's initialisations, made to fail (ct_fault.h). */
struct init_fault {
	enum ct_call call; /* its nth call fails with err */
	int nth, err;
	const char *what; /* "the first sem_init failing with ENOSYS" */
	const char *how;  /* how that error reaches init: "sem_init's errno" */
};
/* What init makes and must destroy again after an error. */
struct init_made {
	enum ct_call init, destroy;
	const char *things; /* "semaphore(s)" */
};

/*
 * For each capacity 0, -1 and max + 1, init must return EINVAL; then, for
 * each fault of f[0..n-1], init(4) (called `call`, "sbuf_init(s, 4)") must
 * make that call, return the injected error, and have destroyed each kind
 * of thing of m[0..nm-1] as many times as it made one.  `needs` says what
 * init makes ("two semaphores and one mutex").
 */
void expect_init_errors(int (*init)(int capacity), const char *call, int max, const char *needs,
			const struct init_fault *f, int n, const struct init_made *m, int nm);

/* A stress run: `producers` threads each put per_producer items, `consumers` threads get them all. */
struct stress {
	int producers, consumers, per_producer;
	int capacity; /* for messages: the buffer's, as the test made it */
};

/*
 * Runs s on buf and checks that every item was delivered exactly once,
 * that no consumer got a value no producer put, and that each consumer got
 * each producer's items in the order they were put.  While it runs, the
 * test's thread calls sample(arg, why, len) now and then (if not NULL),
 * which returns false with a reason when the buffer breaks a promise
 * (more items than its capacity).
 */
void stress_run(const struct buffer *buf, const struct stress *s, bool (*sample)(void *arg, char *why, size_t len),
		void *arg);

/*
 * The tests both suites share, each on one buffer type.  A suite gives
 * how to make a buffer of a capacity (on memory full of garbage, checked,
 * filling *buf), destroy it, check that it holds nothing (after `after`),
 * and, if it can, a check to make while a stress run goes on.  Spurious
 * wake-ups are on in all of them but the timing test (ct_conds.h): a
 * buffer that waits on a semaphore never sees one.
 */
struct buffer_suite {
	struct buffer *buf;
	void (*open)(int capacity);
	void (*destroy)(void);
	void (*expect_empty)(int capacity, const char *after);
	bool (*sample)(void *arg, char *why, size_t len);
};

/* put(item) by the test's own thread, which must not block and must return want. */
void expect_put_returns(const struct buffer *buf, long item, int want);
/* get by the test's own thread, which must not block and must return 0 with want_item. */
void expect_get_returns(const struct buffer *buf, long want_item);

/* A put into a full buffer (capacity 1, then 2) waits until a get frees a slot, then stores. */
void test_put_waits_while_full(const struct buffer_suite *s);
/* A get from an empty buffer waits until a put, then returns that item. */
void test_get_waits_while_empty(const struct buffer_suite *s);
/* The stress runs of plans[0..n-1], each on a new buffer of the plan's capacity. */
void test_stress(const struct buffer_suite *s, const struct stress *plans, int n);
/* A get on an empty buffer and a put on a full one sleep while they wait (expect_sleeps_while_blocked). */
void test_waiting_uses_no_cpu(const struct buffer_suite *s);

#endif
