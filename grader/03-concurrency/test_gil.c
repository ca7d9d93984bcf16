/*
 * test_gil.c - grader suite for lesson 03, exercise "gil" (gil.h).
 *
 * The grader's compute() records whether another compute() was running at
 * the same moment; the first compute() of each thread also waits (briefly)
 * at a rendezvous for the others, so that code without the lock lets them
 * in together every time, while code with it lets nobody in.  wait_io()
 * sleeps.  Every call records its interval, for the overlap measures and
 * the timeline, and asks the lock tracker (ct_locks.h) which mutexes its
 * thread holds: compute() must run under the global lock, one and the same
 * mutex in every thread and every call, and wait_io() under none.
 *
 * Two calls of run_with_gil are recorded apart (call 0 and call 1, each
 * with compute and wait_io functions of its own), for the test of a second
 * call and of two calls at the same time.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "ct_locks.h"
#include "ct_test.h"
#include "ct_timeline.h"
#include "gil.h"
#include "work.h"

CT_SUITE(gil);

#define THREADS 4
#define ROUNDS 3
#define COMPUTE_MS 2
#define IO_MS	   15
#define CALLS	   2

/* What one call's compute and wait_io saw; each slot is written by one thread, read after run_with_gil returns. */
struct seen {
	struct ct_interval compute_when[THREADS][ROUNDS], io_when[THREADS][ROUNDS];
	int compute_calls[THREADS], io_calls[THREADS];
};
static struct seen seen[CALLS];
static atomic_int inside, most_inside, bad_index, out_of_order, compute_unlocked, io_locked;
static _Atomic(const pthread_mutex_t *) first_lock, other_lock; /* the mutexes compute() ran under */
static struct ct_rendezvous meet;
static bool meeting; /* the first compute() of each thread waits at `meet` */
static _Thread_local bool met;

static void reset(void)
{
	memset(seen, 0, sizeof seen);
	inside = most_inside = bad_index = out_of_order = compute_unlocked = io_locked = 0;
	first_lock = other_lock = NULL;
	meeting = false;
	ct_api_reset();
}

/* The newest mutex the calling thread holds, or NULL. */
static const pthread_mutex_t *held_lock(int *nheld)
{
	const pthread_mutex_t *held[CT_MAX_HELD];

	*nheld = ct_locks_held(held, CT_MAX_HELD);
	return *nheld ? held[*nheld < CT_MAX_HELD ? *nheld - 1 : CT_MAX_HELD - 1] : NULL;
}

static void compute_in(int call, int i)
{
	if (i < 0 || i >= THREADS) {
		atomic_store(&bad_index, 1);
		return;
	}
	struct seen *s = &seen[call];
	int nheld;
	const pthread_mutex_t *lock = held_lock(&nheld), *none = NULL;
	if (!lock)
		atomic_store(&compute_unlocked, 1);
	else if (atomic_compare_exchange_strong(&first_lock, &none, lock))
		ct_name_lock(lock, "the global lock"); /* for the deadlock picture */
	else if (none != lock)
		atomic_store(&other_lock, lock);
	if (s->io_calls[i] != s->compute_calls[i])
		atomic_store(&out_of_order, 1);
	int now = atomic_fetch_add(&inside, 1) + 1;
	if (meeting && !met) {
		met = true;
		ct_rendezvous_arrive(&meet);
		now = atomic_load(&inside);
	}
	uint64_t start = ct_now_ns();
	for (int seen_most = atomic_load(&most_inside);
	     now > seen_most && !atomic_compare_exchange_weak(&most_inside, &seen_most, now);)
		;
	work_cpu_ms(COMPUTE_MS);
	atomic_fetch_sub(&inside, 1);
	if (s->compute_calls[i] < ROUNDS)
		s->compute_when[i][s->compute_calls[i]] = (struct ct_interval){start, ct_now_ns()};
	s->compute_calls[i]++;
}

static void wait_io_in(int call, int i)
{
	if (i < 0 || i >= THREADS) {
		atomic_store(&bad_index, 1);
		return;
	}
	struct seen *s = &seen[call];
	int nheld;
	held_lock(&nheld);
	if (nheld)
		atomic_store(&io_locked, nheld);
	if (s->compute_calls[i] != s->io_calls[i] + 1)
		atomic_store(&out_of_order, 1);
	uint64_t start = ct_now_ns();
	ct_sleep_ns(IO_MS * CT_MS);
	if (s->io_calls[i] < ROUNDS)
		s->io_when[i][s->io_calls[i]] = (struct ct_interval){start, ct_now_ns()};
	s->io_calls[i]++;
}

static void compute_0(int i)
{
	compute_in(0, i);
}
static void wait_io_0(int i)
{
	wait_io_in(0, i);
}
static void compute_1(int i)
{
	compute_in(1, i);
}
static void wait_io_1(int i)
{
	wait_io_in(1, i);
}

static const struct gil_task task = {ROUNDS, compute_0, wait_io_0};
static const struct gil_task tasks[CALLS] = {{2, compute_0, wait_io_0}, {2, compute_1, wait_io_1}}; /* 2 rounds */
static const struct gil_task one_round = {1, compute_0, wait_io_0};

/* The checks every call must pass: its return value, the indexes, and rounds of compute then wait_io. */
static void check_call(const char *what, int ret, int call, int n, int rounds)
{
	CT_CHECK(ret == 0, "%s returned %d; expected 0", what, ret);
	for (int t = 0; t < ct_threads_created(); t++)
		CT_CHECK(ct_thread(t).joined, "%s: thread %d of %d was never joined: join every thread before returning",
			 what, t + 1, ct_threads_created());
	CT_CHECK(!bad_index, "%s called compute or wait_io with an index outside 0..%d", what, n - 1);
	for (int t = 0; t < n; t++)
		CT_CHECK(
		    seen[call].compute_calls[t] == rounds && seen[call].io_calls[t] == rounds,
		    "%s: thread %d called compute %d times and wait_io %d times; with rounds = %d, expected %d each",
		    what, t, seen[call].compute_calls[t], seen[call].io_calls[t], rounds, rounds);
	CT_CHECK(!out_of_order,
		 "%s: a thread called compute and wait_io out of turn; each round is compute(i), then wait_io(i)",
		 what);
}

static int run(void)
{
	work_calibrate();
	reset();
	meeting = true;
	ct_rendezvous_init(&meet, THREADS, 150 * CT_MS);
	int ret = run_with_gil(THREADS, &task);
	CT_CHECK(ret == 0, "run_with_gil(%d, task) returned %d; expected 0", THREADS, ret);
	CT_CHECK(!bad_index, "compute or wait_io was called with an index outside 0..%d", THREADS - 1);
	return ret;
}

/* All compute (or all wait_io) intervals of every thread, flattened. */
static void flatten(struct ct_interval out[THREADS * ROUNDS], struct ct_interval in[THREADS][ROUNDS])
{
	for (int t = 0; t < THREADS; t++)
		for (int r = 0; r < ROUNDS; r++)
			out[t * ROUNDS + r] = in[t][r];
}

/* One row per thread, for compute and for wait_io, on the clock of the run. */
static void save(const char *file, const char *title)
{
	static struct ct_interval cpu[THREADS * ROUNDS], io[THREADS * ROUNDS];
	static int row[THREADS * ROUNDS];

	flatten(cpu, seen[0].compute_when);
	flatten(io, seen[0].io_when);
	for (int k = 0; k < THREADS * ROUNDS; k++)
		row[k] = k / ROUNDS;
	struct ct_timeline_group g[] = {{"compute (holds the lock)", cpu, row, THREADS * ROUNDS, THREADS},
					{"wait_io (without it)", io, row, THREADS * ROUNDS, THREADS}};
	ct_timeline_save(file, title, g, 2, false);
}

CT_TEST(gil, correct_every_round_of_every_thread_runs)
{
	run();
	CT_CHECK(ct_count(CT_CALL_pthread_create) == THREADS, "run_with_gil(%d, task) created %d threads; expected %d",
		 THREADS, ct_count(CT_CALL_pthread_create), THREADS);
	check_call("run_with_gil(4, task)", 0, 0, THREADS, ROUNDS);
	CT_CHECK(!io_locked,
		 "wait_io() was called while its thread held %d lock%s: wait_io blocks, and must run without the "
		 "global lock (release it before wait_io(), as CPython releases its GIL around blocking IO)",
		 (int)io_locked, io_locked == 1 ? "" : "s");
	ct_pass();
}

CT_TEST(gil, correct_compute_never_runs_in_two_threads_at_once)
{
	run();
	CT_CHECK(!compute_unlocked,
		 "compute() was called while its thread held no lock: every call of compute must hold the global lock "
		 "(lock it before compute, unlock it after)");
	CT_CHECK(!other_lock,
		 "compute() ran under two different mutexes (at %p in one thread, at %p in another): the global lock "
		 "is one mutex shared by all threads, a static variable of gil.c, not one per thread",
		 (void *)first_lock, (void *)other_lock);
	CT_CHECK(most_inside == 1,
		 "compute() ran in %d threads at the same moment: every call of compute must hold the global lock "
		 "(lock it before compute, unlock it after)",
		 (int)most_inside);
	ct_pass();
}

/* A caller of run_with_gil in a thread of the grader's own. */
static void *call_in_thread(void *slot)
{
	int call = (int)(intptr_t)slot;

	return (void *)(intptr_t)run_with_gil(2, &tasks[call]);
}

CT_TEST(gil, correct_second_and_simultaneous_calls_share_one_lock)
{
	reset();
	check_call("the first call of run_with_gil(2, task)", run_with_gil(2, &tasks[0]), 0, 2, 2);
	CT_CHECK(!other_lock,
		 "run_with_gil(2, task) ran compute() under two different mutexes (at %p in one thread, at %p in "
		 "another): the global lock is one mutex shared by all threads, a static variable of gil.c, not one "
		 "per thread",
		 (void *)first_lock, (void *)other_lock);
	check_call("a second call of run_with_gil(2, task), after the first had returned", run_with_gil(2, &tasks[1]),
		   1, 2, 2);
	CT_CHECK(!other_lock,
		 "a second call of run_with_gil ran compute() under another mutex than the first call (at %p, then at "
		 "%p): the global lock is one mutex shared by all calls, a static variable of gil.c",
		 (void *)first_lock, (void *)other_lock);

	pthread_t callers[CALLS];
	void *ret[CALLS];
	reset();
	meeting = true;
	ct_rendezvous_init(&meet, 2 * CALLS, 100 * CT_MS);
	for (int c = 0; c < CALLS; c++) {
		int err = ct_real_pthread_create(&callers[c], NULL, call_in_thread, (void *)(intptr_t)c);
		CT_CHECK(err == 0, "grader error: pthread_create failed (%d)", err);
	}
	for (int c = 0; c < CALLS; c++)
		ct_real_pthread_join(callers[c], &ret[c]);
	for (int c = 0; c < CALLS; c++)
		check_call("one of two calls of run_with_gil(2, task) made at the same time", (int)(intptr_t)ret[c], c,
			   2, 2);
	CT_CHECK(most_inside == 1 && !other_lock,
		 "two calls of run_with_gil(2, task), made at the same time from two threads, computed at the same "
		 "moment (compute() ran in %d threads at once%s): the global lock is one mutex shared by all calls, "
		 "like CPython's GIL, a static variable of gil.c, not one made for each call",
		 (int)most_inside, other_lock ? ", under two different mutexes" : "");
	ct_pass();
}

/* One call of run_with_gil, made through ct_call_keeping_frame. */
struct call {
	int n;
	const struct gil_task *task;
	int ret;
};

static void make_call(void *p)
{
	struct call *c = p;

	c->ret = run_with_gil(c->n, c->task);
}

/*
 * run_with_gil(n, task) with its stack frame kept after it returns
 * (ct_call_keeping_frame) until the threads it started and did not join have ended,
 * so that code returning early is told so instead of crashing them.
 */
static int call_held(int n, const struct gil_task *t)
{
	struct call c = {n, t, 0};
	int err = ct_call_keeping_frame(make_call, &c, 1000 * CT_MS);

	CT_CHECK(err == 0, "grader error: pthread_create failed (%d)", err);
	return c.ret;
}

CT_TEST(gil, correct_failed_pthread_calls_are_reported)
{
	reset();
	ct_fail_call(CT_CALL_pthread_create, 3, EAGAIN);
	int ret = call_held(THREADS, &one_round);
	ct_faults_reset();
	int started = ct_threads_created();
	CT_CHECK(
	    ret == EAGAIN,
	    "run_with_gil(%d, task): the 3rd pthread_create() failed with EAGAIN (the grader made it fail, as when "
	    "the system runs out of threads), and run_with_gil returned %d; expected EAGAIN (%d), the error number "
	    "that pthread_create returned",
	    THREADS, ret, EAGAIN);
	for (int t = 0; t < started; t++)
		CT_CHECK(
		    ct_thread(t).joined,
		    "run_with_gil(%d, task): after the 3rd pthread_create() failed, it returned without joining thread "
		    "%d of the %d it had started: join every thread before returning, also when one fails to start",
		    THREADS, t + 1, started);

	reset();
	ct_fail_call(CT_CALL_pthread_join, 2, EINVAL);
	ret = call_held(THREADS, &one_round);
	int failed = ct_faults_injected(CT_CALL_pthread_join);
	ct_faults_reset();
	int unjoined = 0;
	for (int t = 0; t < ct_threads_created(); t++) {
		struct ct_thread_record r = ct_thread(t);
		if (!r.joined && !r.detached && !r.created_detached) {
			unjoined++;
			ct_real_pthread_join(r.id, NULL);
		}
	}
	CT_CHECK(failed == 1, "run_with_gil(%d, task) called pthread_join() %d times; expected %d, once per thread",
		 THREADS, ct_count(CT_CALL_pthread_join), THREADS);
	CT_CHECK(ret == EINVAL,
		 "run_with_gil(%d, task): its 2nd pthread_join() failed with EINVAL (the grader made it fail), and "
		 "run_with_gil returned %d; expected EINVAL (%d). The result is the error number of whichever pthread "
		 "call failed, pthread_join included: check what it returns.",
		 THREADS, ret, EINVAL);
	CT_CHECK(unjoined <= 1,
		 "run_with_gil(%d, task): after its 2nd pthread_join() failed, it returned with %d other threads not "
		 "joined: join the others before returning the error",
		 THREADS, unjoined - 1);
	ct_pass();
}

CT_TEST(gil, timing_cpu_work_does_not_overlap)
{
	struct ct_interval all[THREADS * ROUNDS];

	run();
	flatten(all, seen[0].compute_when);
	double c = ct_concurrency(all, THREADS * ROUNDS);
	char title[160];
	snprintf(title, sizeof title, "run_with_gil: %d threads x %d rounds (compute %d ms under the lock, wait_io %d ms); "
		 "compute concurrency %.2f", THREADS, ROUNDS, COMPUTE_MS, IO_MS, c);
	save("timing_cpu_work_does_not_overlap", title);
	bool overlapped = ct_max_overlap(all, THREADS * ROUNDS) > 1;
	CT_CHECK(!overlapped || !compute_unlocked,
		 "the CPU work of different threads overlapped (concurrency %.2f; with a global lock it is 1.00): "
		 "compute() ran while its thread held no lock. Take the global lock before every compute().",
		 c);
	CT_CHECK(!overlapped || !other_lock,
		 "the CPU work of different threads overlapped (concurrency %.2f; with a global lock it is 1.00): "
		 "compute() ran under different mutexes in different threads. The global lock is one mutex shared by "
		 "all of them.",
		 c);
	CT_CHECK(!overlapped,
		 "the CPU work of different threads overlapped (concurrency %.2f; with a global lock it is 1.00): "
		 "hold the lock for the whole of every compute()",
		 c);
	ct_pass();
}

CT_TEST(gil, timing_io_waits_still_overlap)
{
	struct ct_interval all[THREADS * ROUNDS];

	run();
	flatten(all, seen[0].io_when);
	double c = ct_concurrency(all, THREADS * ROUNDS);
	char title[160];
	snprintf(title, sizeof title, "run_with_gil: %d threads x %d rounds; wait_io concurrency %.2f", THREADS, ROUNDS, c);
	save("timing_io_waits_still_overlap", title);
	/* Say why, from what the threads did: they never lived at the same time, or waited holding a lock. */
	struct ct_interval lives[THREADS];
	int n = ct_threads_created() < THREADS ? ct_threads_created() : THREADS;
	for (int t = 0; t < n; t++)
		lives[t] = (struct ct_interval){ct_thread(t).start_ns, ct_thread(t).end_ns};
	CT_CHECK(c >= 1.5 || n < 2 || ct_max_overlap(lives, (size_t)n) > 1,
		 "the IO waits of the threads did not overlap (concurrency %.2f, where 1.00 means one at a time): the "
		 "threads themselves ran one after another, each ending before the next began. Start all the threads, "
		 "then join them.",
		 c);
	CT_CHECK(c >= 1.5 || !io_locked,
		 "the IO waits of the threads did not overlap (concurrency %.2f, where 1.00 means one at a time): "
		 "wait_io() ran while its thread held a lock. Release the global lock before wait_io(), as CPython "
		 "releases its GIL around blocking IO.",
		 c);
	CT_CHECK(c >= 1.5,
		 "the IO waits of the threads did not overlap (concurrency %.2f, where 1.00 means one at a time), "
		 "although the threads ran at the same time and held no lock in wait_io(): something else makes each "
		 "wait for the others (a lock or a join around the rounds?)",
		 c);
	ct_pass();
}
