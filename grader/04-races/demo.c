/*
 * demo.c - `make demo LESSON=4`: the two races of lesson 04, made visible.
 *
 * 1. Lost updates.  NTHREADS threads each add 1 to one shared counter ADDS
 *    times, started together.  First through racy_add(), which does
 *    `*value = *value + 1` on a `volatile long` with no lock (the function is
 *    never inlined, so the compiler cannot fold the loop into one add, and
 *    volatile forces a real load and a real store every time: that is all
 *    volatile does, and it does not help).  Then through the reference
 *    counter_add() (solutions/04-races/counter.c), which never loses one.
 * 2. Check-then-act.  NLAZY threads ask for a lazily built value at the same
 *    moment, while the build sleeps BUILD_MS: first through racy_lazy_get()
 *    (check, then build, no lock), then through the reference lazy_get().
 *
 * DESIGN: a barrier releases the workers of each run together, so that they
 * really overlap; every pthread call's result is checked (ct_demo.h), and
 * a failure ends the demo with the call's name and error.  The racy
 * functions here are deliberately wrong: they are the "before" picture of
 * the exercises.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "counter.h"
#include "ct_clock.h"
#include "ct_demo.h"
#include "lazy.h"

#define NTHREADS 4
#define ADDS	 1000000L
#define RUNS	 5
#define NLAZY	 6
#define BUILD_MS 20

/* ---- 1. lost updates ------------------------------------------------- */

static volatile long racy_value; /* shared, protected by nothing: the bug */
static struct counter safe;	 /* the reference counter */
static pthread_barrier_t start;	 /* NTHREADS workers + main */

/* BROKEN on purpose: a load, an add and a store that other threads slip between. */
__attribute__((noinline)) static void racy_add(volatile long *value)
{
	*value = *value + 1;
}

static void *racy_worker(void *arg)
{
	(void)arg;
	demo_barrier_wait(&start);
	for (long i = 0; i < ADDS; i++)
		racy_add(&racy_value);
	return NULL;
}

static void *safe_worker(void *arg)
{
	(void)arg;
	demo_barrier_wait(&start);
	for (long i = 0; i < ADDS; i++)
		counter_add(&safe, 1);
	return NULL;
}

/* Runs NTHREADS copies of worker, released together; returns the wall time in ns. */
static uint64_t run_workers(void *(*worker)(void *))
{
	pthread_t t[NTHREADS];

	for (int i = 0; i < NTHREADS; i++)
		demo_pthread_create(&t[i], NULL, worker, NULL);
	demo_barrier_wait(&start);
	uint64_t t0 = ct_now_ns();
	for (int i = 0; i < NTHREADS; i++)
		demo_pthread_join(t[i], NULL);
	return ct_now_ns() - t0;
}

static void lost_updates(void)
{
	const long expected = NTHREADS * ADDS;
	uint64_t racy_ns = 0, safe_ns = 0;

	printf("1. Lost updates: %d threads each add 1 to one counter %ld times (expected %ld).\n\n", NTHREADS, ADDS,
	       expected);
	printf("   %-3s | %-34s | %-34s\n", "", "racy_add: volatile long, no lock",
	       "counter_add: the reference (mutex)");
	printf("   %-3s | %9s %9s %6s %7s | %9s %9s %6s %7s\n", "run", "got", "lost", "lost%", "time", "got", "lost",
	       "lost%", "time");
	demo_barrier_init(&start, NULL, NTHREADS + 1);
	for (int r = 1; r <= RUNS; r++) {
		racy_value = 0;
		uint64_t rt = run_workers(racy_worker);
		long racy_got = racy_value;

		demo_check(counter_init(&safe), "counter_init");
		uint64_t st = run_workers(safe_worker);
		long safe_got = counter_get(&safe);
		counter_destroy(&safe);

		racy_ns += rt;
		safe_ns += st;
		printf("   %-3d | %9ld %9ld %5.1f%% %4.0f ms | %9ld %9ld %5.1f%% %4.0f ms\n", r, racy_got,
		       expected - racy_got, 100.0 * (double)(expected - racy_got) / (double)expected, (double)rt / 1e6,
		       safe_got, expected - safe_got, 100.0 * (double)(expected - safe_got) / (double)expected,
		       (double)st / 1e6);
	}
	demo_barrier_destroy(&start);
	printf("\n   Average time per run: racy %.0f ms, counter_add %.0f ms: %.1f times slower, and right.\n"
	       "   Every add now takes the one lock, so the threads queue for it. How many times slower\n"
	       "   depends on the machine and its load (8 to 52 times on the kit's 2-CPU build machine).\n\n",
	       (double)racy_ns / RUNS / 1e6, (double)safe_ns / RUNS / 1e6, (double)safe_ns / (double)racy_ns);
}

/* ---- 2. check-then-act ----------------------------------------------- */

static pthread_mutex_t builds_lock = PTHREAD_MUTEX_INITIALIZER;
static int builds; /* how many times slow_build ran; protected by builds_lock */

static void *slow_build(void *arg)
{
	(void)arg;
	demo_mutex_lock(&builds_lock);
	builds++;
	demo_mutex_unlock(&builds_lock);
	ct_sleep_ns(BUILD_MS * CT_MS); /* a slow build: a file read, a connection */
	return demo_malloc(64);
}

/* BROKEN on purpose: the check and the act are two steps with no lock. */
struct racy_lazy {
	void *value;
	lazy_builder build;
	void *arg;
};

static struct racy_lazy racy_l;
static struct lazy safe_l;
static pthread_barrier_t lazy_start; /* NLAZY workers */

static void *racy_lazy_get(struct racy_lazy *l)
{
	if (l->value == NULL)		     /* check ...                          */
		l->value = l->build(l->arg); /* ... act, while the others check too */
	return l->value;
}

static void *racy_lazy_worker(void *arg)
{
	(void)arg;
	demo_barrier_wait(&lazy_start);
	return racy_lazy_get(&racy_l);
}

static void *safe_lazy_worker(void *arg)
{
	(void)arg;
	demo_barrier_wait(&lazy_start);
	return lazy_get(&safe_l);
}

/* Runs NLAZY workers together; prints builds, distinct pointers, wall and CPU time. */
static void lazy_run(const char *name, void *(*worker)(void *))
{
	pthread_t t[NLAZY];
	void *got[NLAZY];
	int distinct = 0;

	builds = 0;
	uint64_t c0 = ct_process_cpu_ns(), t0 = ct_now_ns();
	for (int i = 0; i < NLAZY; i++)
		demo_pthread_create(&t[i], NULL, worker, NULL);
	for (int i = 0; i < NLAZY; i++)
		demo_pthread_join(t[i], &got[i]);
	uint64_t wall = ct_now_ns() - t0, cpu = ct_process_cpu_ns() - c0;
	for (int i = 0; i < NLAZY; i++) {
		int seen = 0;
		for (int j = 0; j < i; j++)
			seen = seen || got[j] == got[i];
		if (!seen)
			distinct++;
	}
	printf("   %-36s %6d %9d %7.0f ms %6.1f ms\n", name, builds, distinct, (double)wall / 1e6, (double)cpu / 1e6);
	for (int i = 0; i < NLAZY; i++) { /* free each distinct pointer once */
		int seen = 0;
		for (int j = 0; j < i; j++)
			seen = seen || got[j] == got[i];
		if (!seen)
			free(got[i]);
	}
}

static void check_then_act(void)
{
	printf("2. Check-then-act: %d threads ask for a lazily built value at the same moment;\n"
	       "   one build takes %d ms. It should be built once, and everyone should get the same pointer.\n\n",
	       NLAZY, BUILD_MS);
	printf("   %-36s %6s %9s %10s %9s\n", "", "builds", "pointers", "wall", "CPU");
	demo_barrier_init(&lazy_start, NULL, NLAZY);
	racy_l = (struct racy_lazy){NULL, slow_build, NULL};
	lazy_run("racy: if (!value) value = build()", racy_lazy_worker);
	demo_check(lazy_init(&safe_l, slow_build, NULL), "lazy_init");
	lazy_run("lazy_get: the reference (one lock)", safe_lazy_worker);
	lazy_destroy(&safe_l);
	demo_barrier_destroy(&lazy_start);
}

int main(void)
{
	printf("concur lesson 04 demo: race conditions, with the reference solutions, on a machine where\n"
	       "this process may use %d CPU(s).\n\n",
	       demo_usable_cpus());
	lost_updates();
	check_then_act();
	printf("\nWhat to look for: the racy counter loses updates, a different number every run (or, now\n"
	       "and then, none at all: a race can hide). counter_add is exact every time, and slower. The\n"
	       "racy lazy get builds once per thread that checked before the first build finished; lazy_get\n"
	       "builds once, and the others wait for it asleep (almost no CPU). Then run a racy program under\n"
	       "valgrind --tool=helgrind: it reports the race even in a run whose output is right.\n");
	return 0;
}
