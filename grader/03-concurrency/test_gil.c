/*
 * test_gil.c - grader suite for lesson 03, exercise "gil" (gil.h).
 *
 * The grader's compute() records whether another compute() was running at
 * the same moment; the first compute() of each thread also waits (briefly)
 * at a rendezvous for the others, so that code without the lock lets them
 * in together every time, while code with it lets nobody in.  wait_io()
 * sleeps.  Every call records its interval, for the overlap measures and
 * the timeline.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "ct_test.h"
#include "ct_timeline.h"
#include "gil.h"
#include "work.h"

CT_SUITE(gil);

#define THREADS 4
#define ROUNDS 3
#define COMPUTE_MS 2
#define IO_MS 15

/* Each slot is written by one thread; read after run_with_gil returns (joins). */
static struct ct_interval compute_when[THREADS][ROUNDS], io_when[THREADS][ROUNDS];
static int compute_calls[THREADS], io_calls[THREADS];
static atomic_int inside, most_inside, bad_index;
static struct ct_rendezvous meet;
static _Thread_local bool met;

static void compute(int i)
{
	if (i < 0 || i >= THREADS) {
		atomic_store(&bad_index, 1);
		return;
	}
	int now = atomic_fetch_add(&inside, 1) + 1;
	if (!met) {
		met = true;
		ct_rendezvous_arrive(&meet);
		now = atomic_load(&inside);
	}
	uint64_t start = ct_now_ns();
	for (int seen = atomic_load(&most_inside); now > seen && !atomic_compare_exchange_weak(&most_inside, &seen, now);)
		;
	work_cpu_ms(COMPUTE_MS);
	atomic_fetch_sub(&inside, 1);
	if (compute_calls[i] < ROUNDS)
		compute_when[i][compute_calls[i]] = (struct ct_interval){start, ct_now_ns()};
	compute_calls[i]++;
}

static void wait_io(int i)
{
	if (i < 0 || i >= THREADS) {
		atomic_store(&bad_index, 1);
		return;
	}
	uint64_t start = ct_now_ns();
	ct_sleep_ns(IO_MS * CT_MS);
	if (io_calls[i] < ROUNDS)
		io_when[i][io_calls[i]] = (struct ct_interval){start, ct_now_ns()};
	io_calls[i]++;
}

static const struct gil_task task = {ROUNDS, compute, wait_io};

static int run(void)
{
	work_calibrate();
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

	flatten(cpu, compute_when);
	flatten(io, io_when);
	for (int k = 0; k < THREADS * ROUNDS; k++)
		row[k] = k / ROUNDS;
	struct ct_timeline_group g[] = {{"compute (holds the lock)", cpu, row, THREADS * ROUNDS, THREADS},
					{"wait_io (without it)", io, row, THREADS * ROUNDS, THREADS}};
	ct_timeline_save(file, title, g, 2, false);
}

CT_TEST(gil, correct_every_round_of_every_thread_runs)
{
	run();
	CT_CHECK(ct_count(CT_CALL_pthread_create) == THREADS, "run_with_gil(%d, task) created %d threads; expected %d", THREADS,
		 ct_count(CT_CALL_pthread_create), THREADS);
	for (int t = 0; t < THREADS; t++) {
		CT_CHECK(compute_calls[t] == ROUNDS && io_calls[t] == ROUNDS,
			 "thread %d called compute %d times and wait_io %d times; with rounds = %d, expected %d each", t,
			 compute_calls[t], io_calls[t], ROUNDS, ROUNDS);
		CT_CHECK(ct_thread(t).joined, "thread %d of %d was never joined: join every thread before returning", t + 1,
			 THREADS);
	}
	ct_pass();
}

CT_TEST(gil, correct_compute_never_runs_in_two_threads_at_once)
{
	run();
	CT_CHECK(most_inside == 1,
		 "compute() ran in %d threads at the same moment: every call of compute must hold the global lock "
		 "(lock it before compute, unlock it after)",
		 (int)most_inside);
	ct_pass();
}

CT_TEST(gil, timing_cpu_work_does_not_overlap)
{
	struct ct_interval all[THREADS * ROUNDS];

	run();
	flatten(all, compute_when);
	double c = ct_concurrency(all, THREADS * ROUNDS);
	char title[160];
	snprintf(title, sizeof title, "run_with_gil: %d threads x %d rounds (compute %d ms under the lock, wait_io %d ms); "
		 "compute concurrency %.2f", THREADS, ROUNDS, COMPUTE_MS, IO_MS, c);
	save("timing_cpu_work_does_not_overlap", title);
	CT_CHECK(ct_max_overlap(all, THREADS * ROUNDS) <= 1,
		 "the CPU work of different threads overlapped (concurrency %.2f; with a global lock it is 1.00): "
		 "hold the lock for the whole of every compute()",
		 c);
	ct_pass();
}

CT_TEST(gil, timing_io_waits_still_overlap)
{
	struct ct_interval all[THREADS * ROUNDS];

	run();
	flatten(all, io_when);
	double c = ct_concurrency(all, THREADS * ROUNDS);
	char title[160];
	snprintf(title, sizeof title, "run_with_gil: %d threads x %d rounds; wait_io concurrency %.2f", THREADS, ROUNDS, c);
	save("timing_io_waits_still_overlap", title);
	CT_CHECK(c >= 1.5,
		 "the IO waits of the threads did not overlap (concurrency %.2f, where 1.00 means one at a time): "
		 "release the global lock before wait_io(), as CPython releases its GIL around blocking IO",
		 c);
	ct_pass();
}
