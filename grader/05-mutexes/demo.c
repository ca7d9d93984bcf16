/*
 * demo.c - `make demo LESSON=5`: what mutexes cost, and what granularity buys.
 *
 * 1. Granularity.  Random transfers over NACCOUNTS accounts, made by one
 *    thread and then shared by NTHREADS threads: in a small bank of this
 *    file's own with ONE global lock, and in the reference bank
 *    (solutions/05-mutexes/bank.c, through bank.h), which has one lock per
 *    account.  Then the same with about 1 us of work per transfer done
 *    under a lock (the global one, or the sender's own), first between any
 *    accounts, then with each thread in its own 16 accounts.  Every run
 *    checks that no money was created or lost.
 * 2. The price of a lock.  One plain increment; one lock/increment/unlock
 *    with no other thread around (uncontended); the same while NTHREADS
 *    threads use one lock (contended).
 * 3. pthread_mutex_trylock with back-off: how often it returns EBUSY, alone
 *    and while NTHREADS threads share one lock.
 *
 * DESIGN: each run creates its workers and joins them, timed from the first
 * create to the last join (starting them takes well under a millisecond,
 * a run tens of milliseconds).  Every pthread call's result is checked
 * (ct_demo.h), and a failure ends the demo with the call's name and
 * error.  Each thread draws its own random numbers (rand_r, its own seed)
 * and keeps its counters in locals, so the threads share nothing but the
 * locks and the bank.  The whole demo takes about 3 seconds.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

#include "bank.h"
#include "ct_clock.h"
#include "ct_demo.h"

#define NTHREADS       4
#define NACCOUNTS      64	 /* BANK_MAX_ACCOUNTS; a multiple of NTHREADS */
#define INITIAL	       1000L	 /* each account's opening balance */
#define TRANSFERS      200000	 /* per thread, in part 1 */
#define SLOW_TRANSFERS 10000	 /* per thread, in part 1, with about 1 us of work under a lock */
#define REPEAT	       5	 /* runs of each row in part 1; the median is shown */
#define PAIRS	       10000000L /* lock/unlock pairs timed in part 2 (one thread) */
#define SHARED_PAIRS   500000L	 /* per thread, contended, in part 2 */
#define TRY_PAIRS      20000L	 /* critical sections per thread, in part 3 */

/*
 * Starts NTHREADS copies of worker(&args[i]) and joins them; returns the wall
 * time from the first pthread_create to the last join, in ns.
 */
static uint64_t run_workers(void *(*worker)(void *), void *args, size_t arg_size)
{
	pthread_t t[NTHREADS];
	uint64_t t0 = ct_now_ns();

	for (int i = 0; i < NTHREADS; i++)
		demo_pthread_create(&t[i], NULL, worker, (char *)args + (size_t)i * arg_size);
	for (int i = 0; i < NTHREADS; i++)
		demo_pthread_join(t[i], NULL);
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
	uint64_t best = UINT64_MAX;

	for (int round = 0; round < 5; round++) { /* the fastest of 5: the least disturbed */
		uint64_t t0 = ct_now_ns();
		for (int i = 0; i < 1000; i++)
			spin(1000);
		uint64_t t = ct_now_ns() - t0;
		best = t < best ? t : best;
	}
	double per_turn = (double)best / 1e6;

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

	demo_mutex_lock(&big.lock);
	if (big.balance[from] >= amount) {
		big.balance[from] -= amount;
		big.balance[to] += amount;
		moved = 1;
	}
	demo_mutex_unlock(&big.lock);
	return moved;
}

struct transfer_job {
	unsigned seed;	 /* this thread's own random state */
	int use_fine;	 /* 0: big_transfer, 1: the reference transfer() */
	int work;	 /* spin() turns of "history" work per transfer, under a lock */
	int first, span; /* transfers between accounts first .. first + span - 1 */
	long count;	 /* transfers to make */
	long ok;	 /* out: transfers that moved money */
};

static void *transfer_worker(void *arg)
{
	struct transfer_job *job = arg;
	unsigned seed = job->seed; /* locals, not job->...: the jobs of all threads sit */
	long ok = 0;		   /* side by side, and writing there in the loop would
				      make the cores fight over that cache line */

	for (long i = 0; i < job->count; i++) {
		int from = job->first + rand_r(&seed) % job->span;
		int to = job->first + rand_r(&seed) % (job->span - 1);
		long amount = 1 + rand_r(&seed) % 100;

		if (to >= from) /* any account of the range but `from` */
			to++;
		if (job->use_fine)
			ok += transfer(&fine, from, to, amount) == TRANSFER_OK;
		else
			ok += big_transfer(from, to, amount);
		if (job->work > 0) {
			/* Then update the sender's history: under that account's own lock
			   in the per-account bank, under the one lock in the other. */
			pthread_mutex_t *m = job->use_fine ? &fine.accounts[from].lock : &big.lock;
			demo_mutex_lock(m);
			spin(job->work);
			demo_mutex_unlock(m);
		}
	}
	job->ok = ok;
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
static uint64_t bank_run(int use_fine, int work, int grouped, long total, int nthreads, int *lost)
{
	const long money = NACCOUNTS * INITIAL;
	uint64_t ns[REPEAT];

	for (int r = 0; r < REPEAT; r++) {
		struct transfer_job jobs[NTHREADS];
		long sum = 0;

		for (int i = 0; i < NTHREADS; i++)
			jobs[i] = (struct transfer_job){(unsigned)(12345 + i),
							use_fine,
							work,
							grouped ? i * (NACCOUNTS / NTHREADS) : 0,
							grouped ? NACCOUNTS / NTHREADS : NACCOUNTS,
							i < nthreads ? total / nthreads : 0,
							0};
		if (use_fine) {
			demo_check(bank_init(&fine, NACCOUNTS, INITIAL, NULL), "bank_init");
		} else {
			demo_mutex_init(&big.lock, NULL);
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
			demo_mutex_destroy(&big.lock);
		}
		*lost |= sum != money;
	}
	qsort(ns, REPEAT, sizeof ns[0], cmp_u64);
	return ns[REPEAT / 2];
}

/* The single-thread runs of the granularity table, all of them: CPU time and wall time. */
static uint64_t single_cpu, single_wall;

/* Prints one row: the bank with 1 thread, then with NTHREADS threads. */
static void bank_row(int use_fine, const char *how, int work, int grouped, long total)
{
	int lost = 0;
	uint64_t c0 = ct_process_cpu_ns(), t0 = ct_now_ns();
	uint64_t one = bank_run(use_fine, work, grouped, total, 1, &lost);
	single_cpu += ct_process_cpu_ns() - c0;
	single_wall += ct_now_ns() - t0;
	uint64_t many = bank_run(use_fine, work, grouped, total, NTHREADS, &lost);

	printf("   %-15s %-18s %7.0f ms %7.0f ms %7.2fx %12.0f%s\n", use_fine ? "per account" : "one global", how,
	       (double)one / 1e6, (double)many / 1e6, (double)one / (double)many, (double)total / ((double)many / 1e9),
	       lost ? "  MONEY LOST" : "");
}

static void granularity(void)
{
	int turns = spin_turns_for(1000.0);

	printf("1. Granularity: one global lock (this demo's own bank) or one lock per account (the\n"
	       "   reference bank.c). The same transfers are made by 1 thread, then shared by %d threads\n"
	       "   (median of %d runs). In the last four rows each transfer then spends about 1 us on the\n"
	       "   sender's history, under a lock: the global one, or that account's own. \"per second\"\n"
	       "   is transfers per second of wall-clock time with 4 threads.\n\n",
	       NTHREADS, REPEAT);
	printf("   %-15s %-18s %10s %10s %8s %12s\n", "lock", "transfers", "1 thread", "4 threads", "speedup",
	       "per second");
	bank_row(0, "800,000 random", 0, 0, (long)NTHREADS * TRANSFERS);
	bank_row(1, "800,000 random", 0, 0, (long)NTHREADS * TRANSFERS);
	bank_row(0, "40,000 random+1us", turns, 0, (long)NTHREADS * SLOW_TRANSFERS);
	bank_row(1, "40,000 random+1us", turns, 0, (long)NTHREADS * SLOW_TRANSFERS);
	bank_row(0, "40,000 own 16+1us", turns, 1, (long)NTHREADS * SLOW_TRANSFERS);
	bank_row(1, "40,000 own 16+1us", turns, 1, (long)NTHREADS * SLOW_TRANSFERS);
	printf("   (random: between any 2 of the %d accounts; own 16: thread i only between accounts\n"
	       "   16i to 16i+15, so no two threads ever want the same account. Every run checks that the\n"
	       "   bank still holds %d x %ld = %ld.)\n\n",
	       NACCOUNTS, NACCOUNTS, INITIAL, (long)NACCOUNTS * INITIAL);
}

/* ---- 2. the price of a lock ------------------------------------------ */

static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;
static long shared_count; /* protected by shared_lock */

static void *contended_worker(void *arg)
{
	(void)arg;
	for (long i = 0; i < SHARED_PAIRS; i++) {
		demo_mutex_lock(&shared_lock);
		shared_count++;
		demo_mutex_unlock(&shared_lock);
	}
	return NULL;
}

static void lock_cost(void)
{
	static volatile long plain; /* volatile only so that the loop is not folded away */
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	long guarded = 0; /* protected by m (one thread: no contention) */
	char unused[NTHREADS];

	uint64_t t0 = ct_now_ns();
	for (long i = 0; i < PAIRS; i++)
		plain = plain + 1;
	uint64_t t1 = ct_now_ns();
	for (long i = 0; i < PAIRS; i++) {
		demo_mutex_lock(&m);
		guarded++;
		demo_mutex_unlock(&m);
	}
	uint64_t t2 = ct_now_ns();
	demo_mutex_destroy(&m);
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
	long pairs;	  /* critical sections to enter */
	int spin;	  /* loop turns inside each one */
	long tries, busy; /* out: trylock calls, and how many returned EBUSY */
};

static void *try_worker(void *arg)
{
	struct try_job *job = arg;
	long tries = 0, busy = 0; /* locals, for the reason given in transfer_worker */

	for (long i = 0; i < job->pairs; i++) {
		for (;;) {
			tries++;
			if (demo_mutex_trylock(&shared_lock) == 0) /* else EBUSY: someone holds it */
				break;
			busy++;
			sched_yield(); /* back off (let another thread run), then try again */
		}
		shared_count++;
		spin(job->spin);
		demo_mutex_unlock(&shared_lock);
	}
	job->tries = tries;
	job->busy = busy;
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
	int turns = spin_turns_for(1000.0);

	printf("3. pthread_mutex_trylock with back-off: each thread enters one critical section %ld times;\n"
	       "   when trylock returns EBUSY (held by another thread) it calls sched_yield and tries again.\n\n",
	       TRY_PAIRS);
	printf("   %-46s %9s %9s %7s\n", "", "calls", "EBUSY", "share");
	try_row("1 thread alone", TRY_PAIRS, 0, 1);
	try_row("4 threads, one lock, held for an increment", TRY_PAIRS, 0, NTHREADS);
	try_row("4 threads, one lock, held for about 1 us", TRY_PAIRS, turns, NTHREADS);
	printf("\n");
}

int main(void)
{
	printf("concur lesson 05 demo: mutexes, with the reference solution, on a machine where this\n"
	       "process may use %d CPU(s).\n\n",
	       demo_usable_cpus());
	granularity();
	lock_cost();
	trylock_rate();
	printf("What to look for: when a transfer is a few instructions, more threads do not help with\n"
	       "either lock: the time goes into the locks and into moving their cache lines between CPUs.\n"
	       "When real work is done under the lock, one global lock makes the threads take turns\n"
	       "(speedup at most 1), while per-account locks let transfers between different accounts\n"
	       "run at the same time (the last row). An uncontended lock/unlock costs several plain\n"
	       "increments, a contended one far more, and the longer a lock is held the more often\n"
	       "trylock finds it taken. Numbers vary from run to run; try it a few times, and with\n"
	       "taskset -c 0 make demo LESSON=5  (one CPU).\n");
	return 0;
}
