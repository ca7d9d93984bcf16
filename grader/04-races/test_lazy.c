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
 *
 * Each struct lazy is filled with garbage before lazy_init, as memory from
 * malloc may be; two of them are used at once, so that state kept outside
 * the struct shows; pthread_mutex_init is made to fail once; and the value
 * lazy_destroy must leave alone is a heap block the grader watches.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "ct_locks.h"
#include "ct_test.h"
#include "ct_timeline.h"
#include "lazy.h"

CT_SUITE(lazy);

#define RACERS 6
#define WAITERS 4

static struct lazy shared, other;
static int table[16], other_table[16]; /* what build() returns: the "expensive" value */
static atomic_int builds, other_builds;
static _Atomic uint64_t build_ms;
static struct ct_interval build_when[RACERS]; /* the first RACERS builds */
static struct ct_rendezvous start;
static atomic_bool gate_closed; /* build() waits while it is set */

/* Returns its argument, after build_ms; counts the builds of the other value apart. */
static void *build(void *arg)
{
	uint64_t t0 = ct_now_ns();

	if (arg == other_table) {
		atomic_fetch_add(&other_builds, 1);
		return arg;
	}
	int k = atomic_fetch_add(&builds, 1);
	ct_sleep_ns(build_ms * CT_MS);
	while (atomic_load(&gate_closed))
		ct_sleep_ns(CT_MS / 2);
	if (k < RACERS)
		build_when[k] = (struct ct_interval){t0, ct_now_ns()};
	return arg;
}

/* lazy_init(l, build, arg) on memory full of other bytes, as a struct lazy from malloc may be. */
static void init_one(struct lazy *l, void *arg)
{
	memset(l, 0xa5, sizeof *l);
	int err = lazy_init(l, build, arg);
	CT_CHECK(err == 0, "lazy_init(l, build, arg) returned %d; expected 0", err);
	CT_CHECK(
	    ct_mutex_initialised(&l->lock),
	    "lazy_init(l, build, arg) did not initialise l->lock with pthread_mutex_init(): a struct lazy may hold "
	    "anything before lazy_init (the grader filled it with 0xa5 bytes)");
	ct_name_lock(&l->lock, "l->lock");
}

static void init(uint64_t ms)
{
	build_ms = ms;
	init_one(&shared, table);
}

/* What lazy_init stored, and lazy_get must have left: build, arg, and value (NULL until built). */
static void check_fields(const struct lazy *l, void *arg, const char *when)
{
	CT_CHECK(l->build == build && l->arg == arg,
		 "%s, l->build is %p and l->arg %p; expected the build function (%p) and arg (%p) given to lazy_init: "
		 "lazy_init remembers them, and nothing changes them afterwards",
		 when, (void *)l->build, l->arg, (void *)build, arg);
}

CT_TEST(lazy, correct_builds_on_first_use_only)
{
	init(1);
	init_one(&other, other_table);
	CT_CHECK(builds == 0,
		 "lazy_init(l, build, arg) called build(); it must only remember it (the first lazy_get builds)");
	CT_CHECK(
	    shared.value == NULL,
	    "after lazy_init(l, build, arg), l->value is %p; expected NULL, nothing built yet (the grader filled the "
	    "struct with 0xa5 bytes before lazy_init)",
	    shared.value);
	check_fields(&shared, table, "after lazy_init(l, build, arg)");
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
	check_fields(&shared, table, "after two calls of lazy_get(l)");
	void *w = lazy_get(&other);
	CT_CHECK(
	    w == other_table && other_builds == 1 && lazy_get(&shared) == table,
	    "two lazy values are not independent: after the first was built, lazy_get on a second one (with its own "
	    "arg) returned %p and built it %d times; expected its own value %p, built once. Keep all the state in "
	    "the struct lazy you are given, not in globals or statics",
	    w, (int)other_builds, (void *)other_table);
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

/* A caller of the grader's that records when lazy_get returned, and what. */
struct call {
	void *got;
	uint64_t returned_ns;
};

static void *getter(void *p)
{
	struct call *c = p;

	c->got = lazy_get(&shared);
	c->returned_ns = ct_now_ns();
	return NULL;
}

/* One thread builds, held inside build() until the grader opens the gate; a second arrives meanwhile. */
CT_TEST(lazy, correct_a_caller_arriving_during_the_build_waits_for_it)
{
	pthread_t first, second;
	struct call a = {0}, b = {0};

	init(0);
	gate_closed = true;
	CT_CHECK(pthread_create(&first, NULL, getter, &a) == 0, "grader error: pthread_create failed");
	uint64_t deadline = ct_now_ns() + 1000 * CT_MS;
	while (builds == 0 && ct_now_ns() < deadline)
		ct_sleep_ns(CT_MS / 2);
	bool building = builds == 1;
	if (building) {
		CT_CHECK(pthread_create(&second, NULL, getter, &b) == 0, "grader error: pthread_create failed");
		ct_sleep_ns(30 * CT_MS); /* the second caller arrives while the first builds */
	}
	uint64_t opened_ns = ct_now_ns();
	gate_closed = false;
	pthread_join(first, NULL);
	if (building)
		pthread_join(second, NULL);
	CT_CHECK(building, "a thread called lazy_get(l) on a value not built yet, and build() was not called within 1 s");
	CT_CHECK(b.got == table && b.returned_ns >= opened_ns,
		 "a thread that called lazy_get(l) while another thread was building returned %p, %.0f ms before the "
		 "build had finished: a caller that arrives during the build waits (blocked in pthread_mutex_lock on "
		 "l->lock) until the value is ready, and returns it (%p)",
		 b.got, b.returned_ns < opened_ns ? (double)(opened_ns - b.returned_ns) / 1e6 : 0.0, (void *)table);
	CT_CHECK(builds == 1 && a.got == table,
		 "while one thread built, a second caller of lazy_get(l) built again (build() ran %d times): the check "
		 "and the build must happen under l->lock together",
		 (int)builds);
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
	int nbuilds = builds < RACERS ? (int)builds : RACERS;
	char build_label[40];
	snprintf(build_label, sizeof build_label, "build (%d call%s)", (int)builds, builds == 1 ? "" : "s");
	struct ct_timeline_group g[] = {{"lazy_get (each thread)", segs, row, WAITERS, WAITERS},
					{build_label, build_when, NULL, nbuilds, nbuilds}};
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

/* ---- the lock's life ---- */

CT_TEST(lazy, correct_init_reports_a_failed_mutex_init)
{
	memset(&shared, 0xa5, sizeof shared);
	ct_fail_call(CT_CALL_pthread_mutex_init, 1, ENOMEM);
	int err = lazy_init(&shared, build, table);
	int failed = ct_faults_injected(CT_CALL_pthread_mutex_init);
	ct_faults_reset();
	CT_CHECK(failed == 1,
		 "lazy_init(l, build, arg) did not call pthread_mutex_init(): it must initialise l->lock with it");
	CT_CHECK(err == ENOMEM,
		 "lazy_init(l, build, arg): pthread_mutex_init() failed with ENOMEM (the grader made it fail), and "
		 "lazy_init returned %d; expected ENOMEM (%d), the error number that pthread_mutex_init returned%s",
		 err, ENOMEM,
		 err == -1 ? ". A pthread function returns its error number; it neither returns -1 nor sets errno"
			   : "");
	ct_pass();
}

CT_TEST(lazy, correct_destroy_destroys_the_lock_and_leaves_the_value)
{
	build_ms = 0;
	int *value = malloc(64); /* through the wrapper: the grader sees whether it is freed */
	CT_CHECK(value != NULL, "grader error: malloc failed");
	init_one(&shared, value);
	CT_CHECK(lazy_get(&shared) == value, "lazy_get(l) did not return what build(arg) returned");
	lazy_destroy(&shared);
	bool kept = ct_heap_has(value);
	if (kept)
		free(value);
	CT_CHECK(ct_mutex_destroyed(&shared.lock),
		 "lazy_destroy(l) did not destroy l->lock: call pthread_mutex_destroy(&l->lock)");
	CT_CHECK(kept,
		 "lazy_destroy(l) freed the value (l->value, the block build() returned): the value belongs to the "
		 "caller, who may go on using it; lazy_destroy destroys only the lock");
	ct_pass();
}
