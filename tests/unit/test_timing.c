/*
 * test_timing.c - unit tests of the grader's timing toolkit (ct_timing.h,
 * ct_clock.h): the concurrency measure, the overlap count, the rendezvous
 * for threads and for processes, and the raw clocks.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ct_clock.h"
#include "ct_timing.h"

Test(concurrency, is_one_for_intervals_one_after_another)
{
	struct ct_interval iv[] = {{0, 10}, {10, 20}, {25, 30}};

	cr_assert_float_eq(ct_concurrency(iv, 3), 1.0, 1e-9);
	cr_assert_eq(ct_max_overlap(iv, 3), 1);
}

Test(concurrency, is_n_for_n_identical_intervals)
{
	struct ct_interval iv[] = {{5, 15}, {5, 15}, {5, 15}, {5, 15}};

	cr_assert_float_eq(ct_concurrency(iv, 4), 4.0, 1e-9);
	cr_assert_eq(ct_max_overlap(iv, 4), 4);
}

Test(concurrency, is_busy_time_over_union_for_partial_overlap)
{
	/* busy 10 + 10 = 20, union [0, 15) = 15 */
	struct ct_interval iv[] = {{5, 15}, {0, 10}};

	cr_assert_float_eq(ct_concurrency(iv, 2), 20.0 / 15.0, 1e-9);
	cr_assert_eq(ct_max_overlap(iv, 2), 2);
}

Test(concurrency, ignores_unfinished_intervals_and_handles_none)
{
	struct ct_interval iv[] = {{5, 0}, {3, 3}};

	cr_assert_float_eq(ct_concurrency(iv, 2), 0.0, 1e-9);
	cr_assert_float_eq(ct_concurrency(NULL, 0), 0.0, 1e-9);
	cr_assert_eq(ct_max_overlap(iv, 2), 0);
}

/* The kernel's count of CPU time, read directly: what the kit's clocks are checked against. */
static uint64_t raw_cpu_ns(clockid_t which)
{
	struct timespec ts;

	cr_assert_eq(clock_gettime(which, &ts), 0);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static struct ct_rendezvous meet;

static void *arrive(void *arg)
{
	*(bool *)arg = ct_rendezvous_arrive(&meet);
	return NULL;
}

Test(rendezvous, is_met_when_all_threads_are_in_flight, .timeout = 10)
{
	pthread_t t[4];
	bool ok[4];

	ct_rendezvous_init(&meet, 4, 2000 * CT_MS);
	for (int i = 0; i < 4; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, arrive, &ok[i]), 0);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		cr_assert(ok[i], "thread %d missed the rendezvous", i);
	}
	cr_assert(ct_rendezvous_met(&meet));
}

Test(rendezvous, is_missed_by_workers_that_run_one_after_another, .timeout = 10)
{
	bool ok[3];
	uint64_t t0 = ct_now_ns();

	ct_rendezvous_init(&meet, 3, 200 * CT_MS);
	for (int i = 0; i < 3; i++) {
		pthread_t t;
		cr_assert_eq(pthread_create(&t, NULL, arrive, &ok[i]), 0);
		pthread_join(t, NULL);
		cr_assert_not(ok[i]);
	}
	cr_assert_not(ct_rendezvous_met(&meet));
	/* Only the first arrival waits for the deadline; later ones return at once. */
	cr_assert_lt(ct_now_ns() - t0, 1000 * CT_MS);
}

Test(rendezvous, works_across_processes_in_shared_memory, .timeout = 10)
{
	struct ct_rendezvous *r = ct_shared_alloc(sizeof *r);
	pid_t pids[3];

	ct_rendezvous_init(r, 3, 2000 * CT_MS);
	for (int i = 0; i < 3; i++) {
		pids[i] = fork();
		cr_assert_neq(pids[i], -1);
		if (pids[i] == 0)
			ct_exit_now(ct_rendezvous_arrive(r) ? 0 : 1);
	}
	for (int i = 0; i < 3; i++) {
		int status;
		cr_assert_eq(waitpid(pids[i], &status, 0), pids[i]);
		cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	cr_assert(ct_rendezvous_met(r));
	ct_shared_free(r, sizeof *r);
}

Test(clock, sleeps_about_as_long_as_asked_and_cpu_time_stays_low)
{
	uint64_t t0 = ct_now_ns(), c0 = ct_process_cpu_ns();

	ct_sleep_ns(50 * CT_MS);
	uint64_t wall = ct_now_ns() - t0, cpu = ct_process_cpu_ns() - c0;
	cr_assert_geq(wall, 50 * CT_MS);
	cr_assert_lt(wall, 2000 * CT_MS);
	cr_assert_lt(cpu, 20 * CT_MS, "sleeping used %llu ns of CPU", (unsigned long long)cpu);
}

Test(clock, counts_cpu_time_of_a_busy_thread)
{
	uint64_t c0 = ct_thread_cpu_ns(), t0 = ct_now_ns(), r0 = raw_cpu_ns(CLOCK_THREAD_CPUTIME_ID);
	volatile unsigned long x = 0;

	/* Spin for 30 ms of CPU time as the kernel counts it (a busy machine stretches the wall time). */
	while (raw_cpu_ns(CLOCK_THREAD_CPUTIME_ID) - r0 < 30 * CT_MS && ct_now_ns() - t0 < 5000 * CT_MS)
		x++;
	cr_assert_gt(ct_thread_cpu_ns() - c0, 25 * CT_MS);
}

Test(clock, counts_cpu_time_of_waited_for_children)
{
	uint64_t c0 = ct_children_cpu_ns();
	pid_t pid = fork();

	cr_assert_neq(pid, -1);
	if (pid == 0) {
		uint64_t t0 = ct_now_ns(), r0 = raw_cpu_ns(CLOCK_PROCESS_CPUTIME_ID);
		volatile unsigned long x = 0;
		while (raw_cpu_ns(CLOCK_PROCESS_CPUTIME_ID) - r0 < 40 * CT_MS && ct_now_ns() - t0 < 5000 * CT_MS)
			x++;
		ct_exit_now(0);
	}
	cr_assert_eq(waitpid(pid, NULL, 0), pid);
	cr_assert_gt(ct_children_cpu_ns() - c0, 30 * CT_MS);
}
