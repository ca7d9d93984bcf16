/*
 * test_sum.c - grader suite for lesson 02, exercise "sum" (sum.h).
 *
 * The terms are the grader's: each call records which thread computed
 * which index.  Every new thread starts a few milliseconds late (see
 * ct_set_thread_start_delay), so arguments that point at the loop variable
 * or into a frame that has already returned are caught every time.
 * Beyond the plain cases: shares must be contiguous, a pthread_create that
 * fails part-way (ct_fault.h) must still see every started thread joined,
 * two calls made at the same moment from two threads must not mix, and
 * a timing failure names its cause (fewer threads, idle threads, a lock
 * held around term(), or threads that never coexisted).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ct_locks.h"
#include "ct_test.h"
#include "sum.h"

CT_SUITE(sum);

#define MAX_N 2048

/*
 * calls[i] counts term(i); who[i] is the creation index of the thread that
 * computed it last (ct_current_thread(): -1 for the caller).
 */
static atomic_int calls[MAX_N];
static int who[MAX_N];

static long value(size_t i)
{
	return (long)((i * 37) % 101) + 1;
}

static long recording_term(size_t i)
{
	if (i < MAX_N) {
		atomic_fetch_add(&calls[i], 1);
		who[i] = ct_current_thread();
	}
	return value(i);
}

static long expected_sum(size_t n)
{
	long s = 0;

	for (size_t i = 0; i < n; i++)
		s += value(i);
	return s;
}

static void reset_records(void)
{
	for (size_t i = 0; i < MAX_N; i++)
		atomic_store(&calls[i], 0);
	for (size_t i = 0; i < MAX_N; i++)
		who[i] = -2;
	ct_api_reset();
}

static const char *nth_call(int call)
{
	return ct_nth_call("parallel_sum", call);
}

/* "22 (EINVAL)" for the error numbers parallel_sum may plausibly return, else just the number. */
static const char *error_text(int err)
{
	static char buf[64];

	if (err == EINVAL || err == EAGAIN || err == ENOMEM || err == EPERM)
		snprintf(buf, sizeof buf, "%d (%s)", err, strerrorname_np(err));
	else
		snprintf(buf, sizeof buf, "%d", err);
	return buf;
}

/* Runs parallel_sum(n, term, t) and checks its return value and total; call counts the calls of the test. */
static void sum_and_check_call(size_t n, int t, sum_term term, int call)
{
	long total = -12345;

	reset_records();
	int ret = parallel_sum(n, term, t, &total);
	CT_CHECK(ret == 0, "parallel_sum(%zu, term, %d, &total)%s returned %s; expected 0", n, t, nth_call(call),
		 error_text(ret));
	CT_CHECK(total == expected_sum(n), "parallel_sum(%zu, term, %d, &total)%s stored %ld; expected %ld%s", n, t,
		 nth_call(call), total, expected_sum(n),
		 total == -12345 + expected_sum(n)
		     ? ": it added the sum to what *total held before instead of storing it"
		     : "");
}

static void sum_and_check(size_t n, int t, sum_term term)
{
	sum_and_check_call(n, t, term, 1);
}

CT_TEST(sum, correct_total)
{
	static const struct {
		size_t n;
		int t;
	} cases[] = {
	    {1000, 4}, {997, 7}, {10, 3}, {1, 1}, {64, 64}, {1000, 4},
	};

	ct_set_thread_start_delay(2 * CT_MS);
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
		sum_and_check_call(cases[k].n, cases[k].t, recording_term, (int)k + 1);
	ct_pass();
}

CT_TEST(sum, correct_n_zero_or_below_nthreads)
{
	static const struct {
		size_t n;
		int t;
	} cases[] = {{0, 2}, {3, 8}, {0, 64}, {1, 64}, {63, 64}};

	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		size_t n = cases[k].n;
		int t = cases[k].t;
		long total = -12345;

		reset_records();
		int ret = parallel_sum(n, recording_term, t, &total);
		for (size_t i = n; i < MAX_N && i < n + 64; i++)
			CT_CHECK(
			    atomic_load(&calls[i]) == 0,
			    "parallel_sum(%zu, term, %d, &total)%s computed term(%zu), which is not below n: with "
			    "fewer indexes than threads, some threads have no work (an empty share), and no thread "
			    "may go past n-1",
			    n, t, nth_call((int)k + 1), i);
		CT_CHECK(ret == 0, "parallel_sum(%zu, term, %d, &total)%s returned %s; expected 0", n, t,
			 nth_call((int)k + 1), error_text(ret));
		CT_CHECK(total == expected_sum(n), "parallel_sum(%zu, term, %d, &total)%s stored %ld; expected %ld", n,
			 t, nth_call((int)k + 1), total, expected_sum(n));
	}
	ct_pass();
}

CT_TEST(sum, correct_each_thread_gets_one_contiguous_share)
{
	size_t n = 1000;
	int t = 4;

	ct_set_thread_start_delay(2 * CT_MS);
	sum_and_check(n, t, recording_term);
	/* Walking the indexes up, each thread's indexes must follow one another without a gap. */
	size_t last[CT_MAX_THREADS];
	bool seen[CT_MAX_THREADS] = {false};
	for (size_t i = 0; i < n; i++) {
		int w = who[i];
		if (w < 0 || w >= CT_MAX_THREADS)
			continue; /* the caller, or no one: the other tests say so */
		CT_CHECK(!seen[w] || last[w] == i - 1,
			 "parallel_sum(%zu, term, %d, &total): thread %d (in creation order) computed term(%zu) and "
			 "then term(%zu), but not the %zu indexes in between: each thread must compute one contiguous "
			 "share of the indexes (a first and a last index, and every index in between), not every "
			 "%d-th index.",
			 n, t, w + 1, last[w], i, i - last[w] - 1, t);
		seen[w] = true;
		last[w] = i;
	}
	ct_pass();
}

CT_TEST(sum, correct_each_index_computed_once)
{
	size_t n = 1000;

	ct_set_thread_start_delay(5 * CT_MS);
	reset_records();
	long total = 0;
	int ret = parallel_sum(n, recording_term, 4, &total);
	CT_CHECK(ret == 0, "parallel_sum(%zu, term, 4, &total) returned %d; expected 0", n, ret);
	for (size_t i = 0; i < n; i++) {
		int c = atomic_load(&calls[i]);
		CT_CHECK(c == 1,
			 "parallel_sum(%zu, term, 4, &total) computed term(%zu) %d times; expected once. Does each "
			 "thread get its own argument, one that is still valid when the thread runs (not a pointer "
			 "to the loop variable or to a local of a function that has returned)?",
			 n, i, c);
	}
	ct_pass();
}

CT_TEST(sum, correct_work_done_by_the_new_threads)
{
	size_t n = 400;
	int t = 4;
	bool used[CT_MAX_THREADS] = {false};
	int nused = 0;

	ct_set_thread_start_delay(2 * CT_MS);
	sum_and_check(n, t, recording_term);
	for (size_t i = 0; i < n; i++) {
		CT_CHECK(who[i] != -1,
			 "parallel_sum(%zu, term, %d, &total): term(%zu) was computed by the calling thread; every "
			 "term must be computed by one of the new threads",
			 n, t, i);
		CT_CHECK(who[i] >= 0, "parallel_sum(%zu, term, %d, &total) never computed term(%zu)", n, t, i);
		CT_CHECK(who[i] < CT_MAX_THREADS, "the terms were computed by more than %d threads", CT_MAX_THREADS);
		if (!used[who[i]]) {
			used[who[i]] = true;
			nused++;
		}
	}
	CT_CHECK(ct_count(CT_CALL_pthread_create) == t,
		 "parallel_sum(%zu, term, %d, &total) called pthread_create %d times; expected %d", n, t,
		 ct_count(CT_CALL_pthread_create), t);
	CT_CHECK(nused == t,
		 "parallel_sum(%zu, term, %d, &total): %d of the %d threads computed terms; give each of them "
		 "its own share",
		 n, t, nused, t);
	ct_pass();
}

/*
 * parallel_sum runs in a helper thread that stays alive until every thread
 * it started has ended: a thread that was never joined may still write into
 * parallel_sum's frame after it returned, and must not hit the test's stack.
 * A helper may first wait at `start` with the other helpers, so that two
 * calls begin at the same moment.
 */
struct sum_call {
	size_t n;
	int t, ret;
	sum_term term;
	long total;
	struct ct_rendezvous *start; /* NULL: begin at once */
	atomic_int stage;	     /* 1: parallel_sum returned; 2: the helper may end */
};

/*
 * Calls parallel_sum 64 KiB below the helper's frame, so that what the
 * helper calls afterwards never uses the stack where parallel_sum's frame
 * was: a thread left running may still write there.
 */
__attribute__((noinline)) static void call_sum_deep(struct sum_call *c)
{
	volatile char pad[64 * 1024];

	pad[0] = 0;
	__asm__ volatile("" : : "r"(pad) : "memory");
	c->total = -12345;
	c->ret = parallel_sum(c->n, c->term, c->t, &c->total);
}

static void *call_sum(void *arg)
{
	struct sum_call *c = arg;

	if (c->start)
		ct_rendezvous_arrive(c->start);
	call_sum_deep(c);
	atomic_store(&c->stage, 1);
	while (atomic_load(&c->stage) != 2)
		ct_sleep_ns(CT_MS);
	return NULL;
}

static bool all_threads_ended(void)
{
	for (int i = 0; i < ct_threads_created(); i++)
		if (ct_thread(i).end_ns == 0)
			return false;
	return true;
}

/*
 * Starts the helpers of calls[0..n); returns whether every call returned
 * within ms.  If one did not, its helper can never be joined: the test
 * must fail at once, without end_calls.
 */
static bool run_calls(struct sum_call *calls, pthread_t *helpers, int n, unsigned ms)
{
	for (int k = 0; k < n; k++)
		CT_CHECK(ct_real_pthread_create(&helpers[k], NULL, call_sum, &calls[k]) == 0,
			 "grader error: cannot create a thread");
	bool all = false;
	for (uint64_t t0 = ct_now_ns(); !all && ct_now_ns() - t0 < ms * CT_MS; ct_sleep_ns(CT_MS)) {
		all = true;
		for (int k = 0; k < n; k++)
			all = all && atomic_load(&calls[k].stage) == 1;
	}
	return all;
}

/* Lets the helpers end, once every thread the calls created has ended (at most 2 s). */
static void end_calls(struct sum_call *calls, pthread_t *helpers, int n)
{
	for (uint64_t t0 = ct_now_ns(); !all_threads_ended() && ct_now_ns() - t0 < 2000 * CT_MS;)
		ct_sleep_ns(CT_MS);
	for (int k = 0; k < n; k++) {
		atomic_store(&calls[k].stage, 2);
		ct_real_pthread_join(helpers[k], NULL);
	}
}

/* Checks that every thread created since the reset was joined; context names the call. */
static void check_all_joined(const char *context)
{
	int created = ct_threads_created();

	for (int i = 0; i < created; i++) {
		struct ct_thread_record r = ct_thread(i);
		CT_CHECK(r.joined,
			 "%s: thread %d of %d (in creation order) was never joined%s: call pthread_join on every "
			 "thread you created before parallel_sum returns, so that its result is complete and its "
			 "resources are freed",
			 context, i + 1, created, r.detached || r.created_detached ? " (it was detached)" : "");
	}
}

CT_TEST(sum, correct_every_thread_joined)
{
	static struct sum_call c = {.n = 500, .t = 5, .term = recording_term};
	pthread_t helper;

	reset_records();
	CT_CHECK(run_calls(&c, &helper, 1, 4000), "parallel_sum(500, term, %d, &total) did not return within 4 s", c.t);
	int blocks;
	size_t bytes = ct_heap_in_use(&blocks);
	check_all_joined("parallel_sum(500, term, 5, &total)");
	int created = ct_threads_created();
	CT_CHECK(created == c.t, "parallel_sum(500, term, %d, &total) created %d threads; expected %d", c.t, created,
		 c.t);
	end_calls(&c, &helper, 1);
	CT_CHECK(c.ret == 0 && c.total == expected_sum(500),
		 "parallel_sum(500, term, %d, &total) returned %s and stored %ld; expected 0 and %ld", c.t,
		 error_text(c.ret), c.total, expected_sum(500));
	CT_CHECK(bytes == 0 && blocks == 0,
		 "parallel_sum(500, term, 5, &total) returned still holding %zu bytes in %d heap block(s) it had "
		 "allocated: free what you allocate before returning (called in a loop, it would use more and more "
		 "memory)",
		 bytes, blocks);
	ct_pass();
}

CT_TEST(sum, correct_failed_create_joins_the_threads_started)
{
	static struct sum_call c = {.n = 500, .t = 5, .term = recording_term};
	pthread_t helper;
	const char *what =
	    "The grader made the 3rd pthread_create() of parallel_sum(500, term, 5, &total) fail with "
	    "EAGAIN (as when the system has no room for another thread), with 2 threads already running.";

	reset_records();
	ct_set_thread_start_delay(5 * CT_MS);
	ct_fail_call(CT_CALL_pthread_create, 3, EAGAIN);
	bool returned = run_calls(&c, &helper, 1, 4000);
	int created = ct_threads_created(), tries = ct_count(CT_CALL_pthread_create);
	ct_fault_clear(CT_CALL_pthread_create);
	int blocks;
	size_t bytes = ct_heap_in_use(&blocks);
	bool ended_before = all_threads_ended();
	CT_CHECK(returned, "%s parallel_sum did not return within 4 s.", what);
	check_all_joined("parallel_sum(500, term, 5, &total), whose 3rd pthread_create failed");
	end_calls(&c, &helper, 1);
	CT_CHECK(ended_before,
		 "%s parallel_sum returned while one of the threads it had started was still running: "
		 "join every thread already started before returning the error.",
		 what);
	CT_CHECK(c.ret == EAGAIN,
		 "%s parallel_sum returned %s; expected EAGAIN (11), the error number "
		 "pthread_create returned%s.",
		 what, error_text(c.ret),
		 c.ret == -1		   ? " (pthreads functions return their error number; they do not set errno)"
		 : c.ret == 0 && tries > 3 ? ", after trying again: give up at the first failure"
					   : "");
	CT_CHECK(created == 2,
		 "%s parallel_sum went on to create %d threads in all; expected it to stop at the "
		 "failure, with 2",
		 what, created);
	CT_CHECK(bytes == 0 && blocks == 0,
		 "%s parallel_sum returned still holding %zu bytes in %d heap block(s) "
		 "it had allocated: free them on the error path too.",
		 what, bytes, blocks);
	ct_pass();
}

/* Terms of the two calls made at once: different values, so that mixed-up shares show. */
static long term_a(size_t i)
{
	return value(i);
}
static long term_b(size_t i)
{
	return 1000 + value(i);
}

CT_TEST(sum, correct_two_calls_at_once)
{
	static struct ct_rendezvous start;
	static struct sum_call calls[2] = {{.n = 600, .t = 3, .term = term_a, .start = &start},
					   {.n = 900, .t = 4, .term = term_b, .start = &start}};
	static const char *const names[2] = {"parallel_sum(600, term_a, 3, &total)",
					     "parallel_sum(900, term_b, 4, &total)"};
	const long want[2] = {expected_sum(600), expected_sum(900) + 900 * 1000};
	pthread_t helpers[2];

	/* Both calls hand out their shares before any of their threads reads one. */
	ct_set_thread_start_delay(15 * CT_MS);
	/* Each call alone first, so that a failure together is about the two calls. */
	for (int k = 0; k < 2; k++) {
		struct sum_call alone = calls[k];
		alone.start = NULL;
		reset_records();
		CT_CHECK(run_calls(&alone, &helpers[k], 1, 1000), "%s did not return within 1 s", names[k]);
		end_calls(&alone, &helpers[k], 1);
		CT_CHECK(alone.ret == 0 && alone.total == want[k], "%s returned %s and stored %ld; expected 0 and %ld",
			 names[k], error_text(alone.ret), alone.total, want[k]);
	}
	reset_records();
	ct_rendezvous_init(&start, 2, 2000 * CT_MS);
	CT_CHECK(run_calls(calls, helpers, 2, 2000),
		 "two threads called parallel_sum at the same moment: %s and %s. Each returned when called alone, "
		 "but together they did not both return within 2 s. The two calls shared something, such as a "
		 "static array of thread ids (so that one call joined the other's threads): each call needs its "
		 "own (in its own stack frame, or allocated), since callers in other threads may be using theirs "
		 "at the same time.",
		 names[0], names[1]);
	end_calls(calls, helpers, 2);
	for (int k = 0; k < 2; k++)
		CT_CHECK(calls[k].ret == 0 && calls[k].total == want[k],
			 "two threads called parallel_sum at the same moment: %s and %s. Each gave the right total "
			 "when called alone, but together %s returned %s and stored %ld; expected 0 and %ld. The two "
			 "calls shared something, such as a static array of thread arguments: each call needs its "
			 "own (in its own stack frame, or allocated), since callers in other threads may be using "
			 "theirs at the same time.",
			 names[0], names[1], names[k], error_text(calls[k].ret), calls[k].total, want[k]);
	ct_pass();
}

/*
 * Timing: every thread waits at a rendezvous on its first term.  Each
 * term also notes which threads computed terms, and whether a thread
 * computing one held a mutex, so that a failure names its cause.
 */
#define MEET_T 4
static struct ct_rendezvous meet;
static _Thread_local int arrived_here;
static atomic_int term_threads, terms_under_lock;

static long meeting_term(size_t i)
{
	if (!arrived_here) {
		arrived_here = 1;
		atomic_fetch_add(&term_threads, 1);
		if (ct_locks_held(NULL, 0) > 0)
			atomic_fetch_add(&terms_under_lock, 1);
		ct_rendezvous_arrive(&meet);
	}
	ct_sleep_ns(2 * CT_MS);
	return value(i);
}

CT_TEST(sum, timing_threads_work_at_the_same_time)
{
	size_t n = MEET_T * 5;
	struct ct_interval iv[MEET_T] = {{0, 0}};

	ct_rendezvous_init(&meet, MEET_T, 2000 * CT_MS);
	sum_and_check(n, MEET_T, meeting_term);
	if (ct_rendezvous_met(&meet))
		ct_pass();
	int created = ct_threads_created();
	CT_CHECK(created == MEET_T, "parallel_sum(%zu, term, %d, &total) created %d threads; expected %d", n, MEET_T,
		 created, MEET_T);
	for (int i = 0; i < MEET_T; i++) {
		struct ct_thread_record r = ct_thread(i);
		iv[i] = (struct ct_interval){r.start_ns, r.end_ns};
	}
	size_t alive = ct_max_overlap(iv, MEET_T);
	int working = atomic_load(&term_threads), locked = atomic_load(&terms_under_lock);
	CT_CHECK(working >= MEET_T,
		 "the %d threads of parallel_sum(%zu, term, %d, &total) were never all working at the same time: "
		 "only %d of them computed any term. Give each thread its own share of the indexes.",
		 MEET_T, n, MEET_T, working);
	CT_CHECK(locked == 0,
		 "the %d threads of parallel_sum(%zu, term, %d, &total) were all alive at once, but %d of them held "
		 "a mutex while computing term(), so they computed one after another. Call term() without holding "
		 "a lock: each thread sums into its own variable, and only the combining of results, if any, needs "
		 "protection.",
		 MEET_T, n, MEET_T, locked);
	CT_CHECK(alive >= MEET_T,
		 "the %d threads of parallel_sum(%zu, term, %d, &total) were never all working at the same time: at "
		 "most %zu of them were alive at once (concurrency %.2f, where 1.00 means one after another). "
		 "Create all the threads first, then join them.",
		 MEET_T, n, MEET_T, alive, ct_concurrency(iv, MEET_T));
	CT_CHECK(false,
		 "the %d threads of parallel_sum(%zu, term, %d, &total) were alive at the same time, each computed "
		 "terms, and none held a mutex while doing so, yet they never all computed a term at the same "
		 "moment within 2 s. Does something else make them wait for one another?",
		 MEET_T, n, MEET_T);
	ct_pass();
}
