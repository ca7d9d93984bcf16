/*
 * test_sum.c - grader suite for lesson 02, exercise "sum" (sum.h).
 *
 * The terms are the grader's: each call records which thread computed
 * which index.  Every new thread starts a few milliseconds late (see
 * ct_set_thread_start_delay), so arguments that point at the loop variable
 * or into a frame that has already returned are caught every time.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>

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

static long value(size_t i) { return (long)((i * 37) % 101) + 1; }

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

/* Runs parallel_sum(n, term, t) and checks its return value and total. */
static void sum_and_check(size_t n, int t, sum_term term)
{
	long total = -12345;

	reset_records();
	int ret = parallel_sum(n, term, t, &total);
	CT_CHECK(ret == 0, "parallel_sum(%zu, term, %d, &total) returned %d; expected 0", n, t, ret);
	CT_CHECK(total == expected_sum(n), "parallel_sum(%zu, term, %d, &total) stored %ld; expected %ld", n, t,
		 total, expected_sum(n));
}

CT_TEST(sum, correct_total)
{
	static const struct { size_t n; int t; } cases[] = {
		{1000, 4}, {997, 7}, {10, 3}, {1, 1}, {0, 2}, {3, 8}, {64, 64},
	};

	ct_set_thread_start_delay(2 * CT_MS);
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
		sum_and_check(cases[k].n, cases[k].t, recording_term);
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
	CT_CHECK(ct_count(CT_CALL_pthread_create) == t,
		 "parallel_sum(%zu, term, %d, &total) called pthread_create %d times; expected %d", n, t,
		 ct_count(CT_CALL_pthread_create), t);
	for (size_t i = 0; i < n; i++) {
		CT_CHECK(who[i] >= 0,
			 "term(%zu) was computed by the calling thread; every term must be computed by one of "
			 "the new threads",
			 i);
		CT_CHECK(who[i] < CT_MAX_THREADS, "the terms were computed by more than %d threads", CT_MAX_THREADS);
		if (!used[who[i]]) {
			used[who[i]] = true;
			nused++;
		}
	}
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
 */
struct sum_call {
	int t, ret;
	long total;
	atomic_int stage; /* 1: parallel_sum returned; 2: the helper may end */
};

static void *call_sum(void *arg)
{
	struct sum_call *c = arg;

	c->ret = parallel_sum(500, recording_term, c->t, &c->total);
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

CT_TEST(sum, correct_every_thread_joined)
{
	static struct sum_call c = {.t = 5};
	pthread_t helper;

	reset_records();
	CT_CHECK(ct_real_pthread_create(&helper, NULL, call_sum, &c) == 0, "grader error: cannot create a thread");
	for (uint64_t t0 = ct_now_ns(); atomic_load(&c.stage) != 1 && ct_now_ns() - t0 < 4000 * CT_MS;)
		ct_sleep_ns(CT_MS);
	CT_CHECK(atomic_load(&c.stage) == 1, "parallel_sum(500, term, %d, &total) did not return within 4 s", c.t);
	int created = ct_threads_created();
	for (int i = 0; i < created; i++) {
		struct ct_thread_record r = ct_thread(i);
		CT_CHECK(r.joined,
			 "thread %d of %d (in creation order) was never joined%s: call pthread_join on every thread "
			 "you created before parallel_sum returns, so that its result is complete and its "
			 "resources are freed",
			 i + 1, created, r.detached || r.created_detached ? " (it was detached)" : "");
	}
	CT_CHECK(created == c.t, "parallel_sum(500, term, %d, &total) created %d threads; expected %d", c.t, created,
		 c.t);
	for (uint64_t t0 = ct_now_ns(); !all_threads_ended() && ct_now_ns() - t0 < 2000 * CT_MS;)
		ct_sleep_ns(CT_MS);
	atomic_store(&c.stage, 2);
	ct_real_pthread_join(helper, NULL);
	CT_CHECK(c.ret == 0 && c.total == expected_sum(500),
		 "parallel_sum(500, term, %d, &total) returned %d and stored %ld; expected 0 and %ld", c.t, c.ret,
		 c.total, expected_sum(500));
	ct_pass();
}

/* Timing: every thread waits at a rendezvous on its first term. */
#define MEET_T 4
static struct ct_rendezvous meet;
static _Thread_local int arrived_here;

static long meeting_term(size_t i)
{
	if (!arrived_here) {
		arrived_here = 1;
		ct_rendezvous_arrive(&meet);
	}
	ct_sleep_ns(2 * CT_MS);
	return value(i);
}

CT_TEST(sum, timing_threads_work_at_the_same_time)
{
	size_t n = MEET_T * 5;
	struct ct_interval iv[MEET_T];

	ct_rendezvous_init(&meet, MEET_T, 2000 * CT_MS);
	sum_and_check(n, MEET_T, meeting_term);
	int created = ct_threads_created();
	for (int i = 0; i < MEET_T; i++) {
		struct ct_thread_record r = ct_thread(i);
		iv[i] = (struct ct_interval){r.start_ns, r.end_ns};
	}
	double c = created == MEET_T ? ct_concurrency(iv, MEET_T) : 0.0;
	size_t most = created == MEET_T ? ct_max_overlap(iv, MEET_T) : 0;
	CT_CHECK(ct_rendezvous_met(&meet),
		 "the %d threads of parallel_sum(%zu, term, %d, &total) were never all working at the same "
		 "time: at most %zu overlapped (concurrency %.2f, where 1.00 means one after another). Create "
		 "all the threads first, then join them.",
		 MEET_T, n, MEET_T, most, c);
	ct_pass();
}
