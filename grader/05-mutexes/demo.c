/*
 * demo.c - `make demo LESSON=5`: what mutexes cost, and what granularity buys.
 *
 * 1. Granularity.  NTHREADS threads each make TRANSFERS random transfers over
 *    NACCOUNTS accounts, started together: first in a small bank of this
 *    file's own with ONE global lock, then in the reference bank
 *    (solutions/05-mutexes/bank.c), which has one lock per account.  Both
 *    must end with the money they started with.
 * 2. The price of a lock.  The time of one plain increment, of one
 *    lock/increment/unlock with no other thread around (uncontended), and
 *    of the same while NTHREADS threads use the same lock (contended).
 * 3. pthread_mutex_trylock.  How often it returns EBUSY: alone, and while
 *    NTHREADS threads share one lock.
 *
 * DESIGN: a barrier releases the workers of each run together; every
 * pthread call's result is checked, and a failure ends the demo with the
 * call's name and error.  Each thread draws its own random numbers
 * (rand_r with a seed of its own), so the threads share nothing but the bank.
 */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bank.h"
#include "ct_clock.h"

#define NTHREADS 4
#define TRANSFERS 200000    /* per thread, in part 1 */
#define SLOW_TRANSFERS 20000 /* per thread, in part 1, with 1 us of work under a lock */
#define NACCOUNTS 64
#define INITIAL 1000L
#define REPEAT 5             /* runs of each bank in part 1; the median is shown */
#define PAIRS 10000000L      /* lock/unlock pairs timed in part 2 (one thread) */
#define SHARED_PAIRS 500000L /* per thread, contended, in parts 2 and 3 */
#define SLOW_PAIRS 50000L    /* per thread, with a longer critical section, in part 3 */
#define SLOW_SPIN 200        /* loop turns inside that longer critical section */

static void check(int err, const char *what)
{
	if (err != 0) {
		fprintf(stderr, "demo: %s: %s\n", what, strerror(err));
		exit(1);
	}
}

static void lock(pthread_mutex_t *m)
{
	check(pthread_mutex_lock(m), "pthread_mutex_lock");
}

static void unlock(pthread_mutex_t *m)
{
	check(pthread_mutex_unlock(m), "pthread_mutex_unlock");
}

static pthread_barrier_t start; /* NTHREADS workers + main */

static void barrier_wait(void)
{
	int err = pthread_barrier_wait(&start);

	if (err != PTHREAD_BARRIER_SERIAL_THREAD)
		check(err, "pthread_barrier_wait");
}

/*
 * Starts NTHREADS copies of worker(&args[i]), releases them together, joins
 * them; returns the wall time from the release to the last join, in ns.
 */
static uint64_t run_workers(void *(*worker)(void *), void *args, size_t arg_size)
{
	pthread_t t[NTHREADS];

	for (int i = 0; i < NTHREADS; i++)
		check(pthread_create(&t[i], NULL, worker, (char *)args + (size_t)i * arg_size), "pthread_create");
	barrier_wait();
	uint64_t t0 = ct_now_ns();
	for (int i = 0; i < NTHREADS; i++)
		check(pthread_join(t[i], NULL), "pthread_join");
	return ct_now_ns() - t0;
}

/* Work inside a critical section: `turns` turns of a loop the compiler must keep. */
static void spin(int turns)
{
	for (volatile int k = 0; k < turns; k++)
		;
}

/* The number of spin() turns that take about ns nanoseconds on this machine. */
static int spin_turns_for(double ns)
{
	uint64_t t0 = ct_now_ns();
	for (int i = 0; i < 1000; i++)
		spin(1000);
	double per_turn = (double)(ct_now_ns() - t0) / 1e6;

	return per_turn > 0 ? (int)(ns / per_turn) + 1 : 1;
}

/* ---- 1. one global lock vs one lock per account ---------------------- */

/* A bank with ONE lock for every account: correct, but everyone takes turns. */
struct big_lock_bank {
	pthread_mutex_t lock; /* protects every balance */
	long balance[NACCOUNTS];
};

static struct big_lock_bank big;
static struct bank fine; /* the reference: one lock per account */

/* Holds big.lock for the check and the move.  Returns 1 if the money moved. */
static int big_transfer(int from, int to, long amount)
{
	int moved = 0;

	lock(&big.lock);
	if (big.balance[from] >= amount) {
		big.balance[from] -= amount;
		big.balance[to] += amount;
		moved = 1;
	}
	unlock(&big.lock);
	return moved;
}

struct transfer_job {
	unsigned seed; /* this thread's own random state */
	int use_fine;  /* 0: big_transfer, 1: the reference transfer() */
	int work;      /* spin() turns of "history" work per transfer, under a lock */
	long count;    /* transfers to make */
	long ok;       /* out: transfers that moved money */
};

static void *transfer_worker(void *arg)
{
	struct transfer_job *job = arg;

	barrier_wait();
	for (long i = 0; i < job->count; i++) {
		int from = rand_r(&job->seed) % NACCOUNTS;
		int to = rand_r(&job->seed) % (NACCOUNTS - 1);
		long amount = 1 + rand_r(&job->seed) % 100;

		if (to >= from) /* any account but `from` */
			to++;
		if (job->use_fine)
			job->ok += transfer(&fine, from, to, amount) == TRANSFER_OK;
		else
			job->ok += big_transfer(from, to, amount);
		if (job->work > 0) {
			/* Then update the sender's history: under that account's own lock
			   in the per-account bank, under the one lock in the other. */
			pthread_mutex_t *m = job->use_fine ? &fine.accounts[from].lock : &big.lock;
			lock(m);
			spin(job->work);
			unlock(m);
		}
	}
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/*
 * One bank: `total` transfers made by nthreads threads (the other workers
 * get none), REPEAT times.  Returns the median wall time in ns; sets *lost
 * if a run ended with a different amount of money than it started with.
 */
static uint64_t bank_run(int use_fine, int work, long total, int nthreads, int *lost)
{
	const long money = NACCOUNTS * INITIAL;
	uint64_t ns[REPEAT];

	for (int r = 0; r < REPEAT; r++) {
		struct transfer_job jobs[NTHREADS];
		long sum = 0;

		for (int i = 0; i < NTHREADS; i++)
			jobs[i] = (struct transfer_job){(unsigned)(12345 + i), use_fine, work,
							i < nthreads ? total / nthreads : 0, 0};
		if (use_fine) {
			check(bank_init(&fine, NACCOUNTS, INITIAL, NULL), "bank_init");
		} else {
			check(pthread_mutex_init(&big.lock, NULL), "pthread_mutex_init");
			for (int a = 0; a < NACCOUNTS; a++)
				big.balance[a] = INITIAL;
		}
		ns[r] = run_workers(transfer_worker, jobs, sizeof jobs[0]);
		if (use_fine) {
			sum = bank_total(&fine);
			bank_destroy(&fine);
		} else {
			for (int a = 0; a < NACCOUNTS; a++)
				sum += big.balance[a];
			check(pthread_mutex_destroy(&big.lock), "pthread_mutex_destroy");
		}
		*lost |= sum != money;
	}
	qsort(ns, REPEAT, sizeof ns[0], cmp_u64);
	return ns[REPEAT / 2];
}

/* Prints one row: the bank with 1 thread, then with NTHREADS threads. */
static void bank_row(int use_fine, const char *work_name, int work, long total)
{
	int lost = 0;
	uint64_t one = bank_run(use_fine, work, total, 1, &lost);
	uint64_t many = bank_run(use_fine, work, total, NTHREADS, &lost);

	printf("   %-30s %-10s %8ld %7.0f ms %7.0f ms %8.2fx%s\n",
	       use_fine ? "one lock per account (bank.c)" : "one global lock", work_name, total,
	       (double)one / 1e6, (double)many / 1e6, (double)one / (double)many, lost ? "  MONEY LOST" : "");
}

static void granularity(void)
{
	int turns = spin_turns_for(1000.0);

	printf("1. Granularity: random transfers over %d accounts, made by 1 thread, then shared by %d\n"
	       "   threads started together (median of %d runs). In the second pair of rows each transfer\n"
	       "   then spends about 1 us updating the sender's history, under a lock: the account's own\n"
	       "   lock in bank.c, the one global lock in the other.\n\n",
	       NACCOUNTS, NTHREADS, REPEAT);
	printf("   %-30s %-10s %8s %10s %10s %9s\n", "", "history", "transfers", "1 thread", "4 threads",
	       "speedup");
	bank_row(0, "none", 0, (long)NTHREADS * TRANSFERS);
	bank_row(1, "none", 0, (long)NTHREADS * TRANSFERS);
	bank_row(0, "1 us", turns, (long)NTHREADS * SLOW_TRANSFERS);
	bank_row(1, "1 us", turns, (long)NTHREADS * SLOW_TRANSFERS);
	printf("   (each run checks that the total stays %d x %ld = %ld)\n\n", NACCOUNTS, INITIAL,
	       (long)NACCOUNTS * INITIAL);
}

/* ---- 2. the price of a lock ------------------------------------------ */

static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;
static long shared_count; /* protected by shared_lock */

static void *contended_worker(void *arg)
{
	(void)arg;
	barrier_wait();
	for (long i = 0; i < SHARED_PAIRS; i++) {
		lock(&shared_lock);
		shared_count++;
		unlock(&shared_lock);
	}
	return NULL;
}

static void lock_cost(void)
{
	static volatile long plain; /* volatile only so that the loop is not folded away */
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	long guarded = 0;           /* protected by m (one thread: no contention) */
	char unused[NTHREADS];

	uint64_t t0 = ct_now_ns();
	for (long i = 0; i < PAIRS; i++)
		plain = plain + 1;
	uint64_t t1 = ct_now_ns();
	for (long i = 0; i < PAIRS; i++) {
		lock(&m);
		guarded++;
		unlock(&m);
	}
	uint64_t t2 = ct_now_ns();
	check(pthread_mutex_destroy(&m), "pthread_mutex_destroy");
	shared_count = 0;
	uint64_t contended = run_workers(contended_worker, unused, 1);

	double inc_ns = (double)(t1 - t0) / PAIRS, pair_ns = (double)(t2 - t1) / PAIRS;
	double shared_ns = (double)contended / ((double)NTHREADS * SHARED_PAIRS);

	printf("2. The price of a lock (time per operation, averaged over millions).\n\n");
	printf("   %-58s %8.1f ns\n", "plain increment of a volatile long", inc_ns);
	printf("   %-58s %8.1f ns\n", "lock, increment, unlock: one thread (uncontended)", pair_ns);
	printf("   %-58s %8.1f ns\n", "the same, 4 threads sharing one lock (contended, wall/op)", shared_ns);
	printf("   (counts: %ld and %ld, both exact)\n\n", guarded, shared_count);
}

/* ---- 3. pthread_mutex_trylock under contention ----------------------- */

struct try_job {
	long pairs;       /* critical sections to enter */
	int spin;         /* loop turns inside each one */
	long tries, busy; /* out: trylock calls, and how many returned EBUSY */
};

static void *try_worker(void *arg)
{
	struct try_job *job = arg;

	barrier_wait();
	for (long i = 0; i < job->pairs; i++) {
		int err = pthread_mutex_trylock(&shared_lock);

		job->tries++;
		if (err == EBUSY) { /* someone holds it: count it, then wait our turn */
			job->busy++;
			lock(&shared_lock);
		} else {
			check(err, "pthread_mutex_trylock");
		}
		shared_count++;
		spin(job->spin);
		unlock(&shared_lock);
	}
	return NULL;
}

static void try_row(const char *name, long pairs, int turns, int nthreads)
{
	struct try_job jobs[NTHREADS];
	long tries = 0, busy = 0;

	for (int i = 0; i < NTHREADS; i++)
		jobs[i] = (struct try_job){i < nthreads ? pairs : 0, turns, 0, 0};
	run_workers(try_worker, jobs, sizeof jobs[0]);
	for (int i = 0; i < NTHREADS; i++) {
		tries += jobs[i].tries;
		busy += jobs[i].busy;
	}
	printf("   %-46s %9ld %9ld %6.1f%%\n", name, tries, busy, 100.0 * (double)busy / (double)tries);
}

static void trylock_rate(void)
{
	uint64_t t0 = ct_now_ns();
	for (int i = 0; i < 1000; i++)
		spin(SLOW_SPIN);
	double slow_ns = (double)(ct_now_ns() - t0) / 1000;
	char name[64];

	printf("3. pthread_mutex_trylock: how often it returns EBUSY (the lock was held by another thread).\n\n");
	printf("   %-46s %9s %9s %7s\n", "", "calls", "EBUSY", "share");
	try_row("1 thread alone", SHARED_PAIRS, 0, 1);
	try_row("4 threads, one lock, held for an increment", SHARED_PAIRS, 0, NTHREADS);
	snprintf(name, sizeof name, "4 threads, one lock, held for about %.0f ns", slow_ns);
	try_row(name, SLOW_PAIRS, SLOW_SPIN, NTHREADS);
	printf("\n");
}

int main(void)
{
	cpu_set_t cpus;
	int ncpus = sched_getaffinity(0, sizeof cpus, &cpus) == 0 ? CPU_COUNT(&cpus) : 1;

	printf("concur lesson 05 demo: mutexes, with the reference solution, on a machine where this\n"
	       "process may use %d CPU(s).\n\n", ncpus);
	check(pthread_barrier_init(&start, NULL, NTHREADS + 1), "pthread_barrier_init");
	granularity();
	lock_cost();
	trylock_rate();
	check(pthread_barrier_destroy(&start), "pthread_barrier_destroy");
	printf("What to look for: with one lock per account, transfers between different accounts run at\n"
	       "the same time, so the bank moves more money per second than with one global lock, which\n"
	       "makes every transfer take its turn. An uncontended lock/unlock costs tens of plain\n"
	       "increments; under contention a lock costs far more, and trylock often finds it taken.\n"
	       "Try  taskset -c 0 make demo LESSON=5  to see one CPU.\n");
	return 0;
}
