/*
 * test_lazy.c - grader suite for lesson 04, exercise "lazy" (lazy.h).
 *
 * The grader's build() is slow on purpose (it sleeps) and counts its calls,
 * and the racing threads meet at a rendezvous just before lazy_get: every
 * thread then checks while the first one is still building, so a check
 * and an act that are not one critical section build several times in
 * every run.  The timing test measures the CPU time the process uses
 * while one thread builds: threads that wait blocked in
 * pthread_mutex_lock use none, threads that spin use a CPU each.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "ct_locks.h"
#include "ct_test.h"
#include "ct_timeline.h"
#include "lazy.h"

CT_SUITE(lazy);

#define RACERS 6
#define WAITERS 4

static struct lazy shared;
static int table[16]; /* what build() returns: the "expensive" value */
static atomic_int builds;
static _Atomic uint64_t build_ms;
static struct ct_interval build_when;
static struct ct_rendezvous start;

static void *build(void *arg)
{
	uint64_t t0 = ct_now_ns();

	atomic_fetch_add(&builds, 1);
	ct_sleep_ns(build_ms * CT_MS);
	build_when = (struct ct_interval){t0, ct_now_ns()};
	return arg;
}

static void init(uint64_t ms)
{
	build_ms = ms;
	int err = lazy_init(&shared, build, table);
	CT_CHECK(err == 0, "lazy_init(l, build, arg) returned %d; expected 0", err);
	ct_name_lock(&shared.lock, "l->lock");
}

CT_TEST(lazy, correct_builds_on_first_use_only)
{
	init(1);
	CT_CHECK(builds == 0, "lazy_init(l, build, arg) called build(); it must only remember it (the first lazy_get builds)");
	void *v = lazy_get(&shared);
	CT_CHECK(builds == 1, "the first lazy_get(l) called build() %d times; expected once", (int)builds);
	CT_CHECK(v == table, "the first lazy_get(l) returned %p; expected what build(arg) returned, %p", v, (void *)table);
	v = lazy_get(&shared);
	CT_CHECK(builds == 1, "the second lazy_get(l) called build() again; the value was already built, so return it");
	CT_CHECK(v == table, "the second lazy_get(l) returned %p; expected the value built the first time, %p", v,
		 (void *)table);
	const pthread_mutex_t *held[4];
	int nh = ct_locks_held(held, 4);
	CT_CHECK(nh == 0, "lazy_get(l) returned still holding %d lock%s: unlock before returning, on every path", nh,
		 nh == 1 ? "" : "s");
	lazy_destroy(&shared);
	ct_pass();
}

/* Each racer: meet the others, then ask for the value. */
static struct ct_interval get_when[RACERS];
static void *racer(void *slot)
{
	int i = (int)(intptr_t)slot;

	ct_rendezvous_arrive(&start);
	get_when[i].start_ns = ct_now_ns();
	void *v = lazy_get(&shared);
	get_when[i].end_ns = ct_now_ns();
	return v;
}

/* Starts n racers, joins them; every result must be the table. */
static void race(int n)
{
	pthread_t t[RACERS];
	void *got[RACERS];

	ct_rendezvous_init(&start, n, 500 * CT_MS);
	for (int i = 0; i < n; i++) {
		int err = pthread_create(&t[i], NULL, racer, (void *)(intptr_t)i);
		CT_CHECK(err == 0, "grader error: pthread_create failed (%d)", err);
	}
	for (int i = 0; i < n; i++)
		pthread_join(t[i], &got[i]);
	for (int i = 0; i < n; i++)
		CT_CHECK(got[i] == table, "lazy_get(l) returned %p in thread %d; every caller must get the one value that "
			 "build(arg) returned, %p", got[i], i + 1, (void *)table);
}

CT_TEST(lazy, correct_builds_once_when_threads_race)
{
	init(20);
	race(RACERS);
	CT_CHECK(builds == 1,
		 "%d threads called lazy_get(l) at the same moment and build() ran %d times; expected once. Every thread "
		 "checked \"is it built?\" before the first one had finished building: the check and the build must "
		 "happen under l->lock together (check-then-act)",
		 RACERS, (int)builds);
	ct_pass();
}

CT_TEST(lazy, timing_waiting_threads_sleep)
{
	const uint64_t ms = 100;

	init(ms);
	uint64_t cpu0 = ct_process_cpu_ns(), t0 = ct_now_ns();
	race(WAITERS);
	uint64_t cpu = ct_process_cpu_ns() - cpu0, wall = ct_now_ns() - t0;

	int row[WAITERS + 1];
	struct ct_interval segs[WAITERS + 1];
	for (int i = 0; i < WAITERS; i++) {
		segs[i] = get_when[i];
		row[i] = i;
	}
	struct ct_timeline_group g[] = {{"lazy_get (each thread)", segs, row, WAITERS, WAITERS},
					{"build (the one call)", &build_when, NULL, 1, 1}};
	char title[200];
	snprintf(title, sizeof title, "%d threads call lazy_get while build() takes %d ms: %.0f ms of CPU in %.0f ms",
		 WAITERS, (int)ms, (double)cpu / 1e6, (double)wall / 1e6);
	ct_timeline_save("timing_waiting_threads_sleep", title, g, 2, false);
	CT_CHECK(builds == 1, "build() ran %d times; expected once (the correctness tests say why)", (int)builds);
	CT_CHECK(cpu * 5 < wall,
		 "while build() slept for %d ms, the %d threads calling lazy_get(l) used %.0f ms of CPU in %.0f ms: "
		 "threads that wait for the value must block (in pthread_mutex_lock on l->lock), not spin in a loop "
		 "that keeps checking",
		 (int)ms, WAITERS, (double)cpu / 1e6, (double)wall / 1e6);
	ct_pass();
}
