/*
 * demo.c - `make demo LESSON=9`: a deadlock caught in the act, and what
 * each fix costs.
 *
 * 1. Caught in the act.  Five philosophers of this file's own take their
 *    left chopstick, then their right, each keeping its first one HOLD_MS
 *    before it reaches for the second, all starting together: every one
 *    holds one chopstick and waits for the next.  The demo sees that nobody
 *    has eaten for STALL_MS, prints who holds and who waits for which
 *    chopstick, and abandons the dinner.  Then the reference dine()
 *    (solutions/09-deadlock/philo.c: the lower-numbered chopstick first),
 *    with every philosopher reaching at once, finishes: its meal counts.
 * 2. The fixes side by side, FIX_ROUNDS rounds each: the reference, an
 *    arbitrator with N - 1 seats (a semaphore) around "left, then right",
 *    and trylock with a random back-off that grows; the wall time, meals
 *    per second, failed tries per meal, and the fewest meals any
 *    philosopher had eaten when the first one had eaten all of its own.
 * 3. A fixed back-off (the same 1 ms for everyone), started as in part 1,
 *    which livelocks only while the philosophers stay in step: the demo
 *    says which happened, and why.
 *
 * DESIGN: every dinner runs in a child process of its own, and the
 * parent watches it through a record in shared memory (ct_shared_alloc)
 * that the philosophers write with atomics only: meals, failed tries, and
 * the chopstick each of this file's philosophers holds and waits for,
 * written around each of its lock calls.  Threads blocked in
 * pthread_mutex_lock for good can be neither joined nor cancelled, so a
 * dinner that stops eating for STALL_MS, or is still going after LIMIT_MS,
 * is ended by killing its process (SIGKILL), after the parent has drawn
 * what the record shows.  No wait of the demo is without a deadline: the
 * common start (a ct_rendezvous) gives up after 300 ms, the watcher after
 * LIMIT_MS.  Every pthread and system call's result is checked
 * (ct_demo.h).  Two to four seconds.
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "ct_clock.h"
#include "ct_demo.h"
#include "ct_timing.h"
#include "philo.h"

#define N	     5
#define HOLD_MS	     10	 /* part 1 and 3: the first chopstick kept this long before reaching for the second */
#define STALL_MS     500 /* no meal for this long: the dinner is stuck */
#define LIMIT_MS     5000
#define START_ROUNDS 20	 /* rounds of part 1's dinners */
#define FIX_ROUNDS   200 /* rounds of each dinner of part 2 */
#define FIXED_ROUNDS 10	 /* rounds of part 3's dinner */
#define BACKOFF_MS   1	 /* part 3's fixed back-off */

/* ---- the record a dinner's child process shares with the watching parent ---- */

/* Written by the philosophers (atomics only), read by the parent while the dinner runs and after. */
struct record {
	atomic_int meals[N];
	atomic_int holds[N];   /* the chopstick philosopher i holds while it reaches for its second, or -1 */
	atomic_int waits[N];   /* the chopstick it is blocked on in pthread_mutex_lock now, or -1 */
	atomic_long failed;    /* pthread_mutex_trylock calls that returned EBUSY */
	atomic_int first_done; /* 1 once some philosopher has eaten all its meals */
	int by_then[N];	       /* meals of each when the first had eaten all (written once, by that one) */
	atomic_bool done;      /* dine() returned; result and wall_ns are written before */
	int result;
	uint64_t wall_ns; /* from dine() called to dine() returned */
};

/* What a dinner is: how its philosophers take their chopsticks, and its timing. */
struct dinner {
	const char *name;
	int (*dine)(struct table *t, int rounds);
	int rounds;
	uint64_t eat_ns, think_ns; /* a meal; a thought, random from 0 to think_ns */
	bool together;		   /* the first thoughts end together */
};

/* What the parent saw. */
struct outcome {
	bool finished; /* dine() returned (else the dinner was killed) */
	bool stalled;  /* killed after STALL_MS without a meal (else after LIMIT_MS) */
	long failed_in_stall;
	uint64_t wall_ns;
};

static struct record *rec;	   /* shared with the dinner's child; cleared before each dinner */
static const struct dinner *now;   /* the dinner running in this child */
static struct ct_rendezvous start; /* the child's own copy: only its threads use it */
static unsigned seeds[N];	   /* philosopher i's random thoughts and back-offs; only its thread uses seeds[i] */

/* ---- the actions: what a meal and a thought are ---------------------------------- */

static void record_meal(int i)
{
	int k = atomic_fetch_add(&rec->meals[i], 1) + 1, zero = 0;

	if (k == now->rounds && atomic_compare_exchange_strong(&rec->first_done, &zero, 1))
		for (int j = 0; j < N; j++)
			rec->by_then[j] = rec->meals[j];
}

static void eat(struct table *t, int i)
{
	(void)t;
	if (now->eat_ns)
		ct_sleep_ns(now->eat_ns);
	record_meal(i);
}

static void think(struct table *t, int i)
{
	(void)t;
	if (now->together && rec->meals[i] == 0)
		ct_rendezvous_arrive(&start); /* gives up after 300 ms */
	if (now->think_ns)
		ct_sleep_ns((uint64_t)rand_r(&seeds[i]) % (now->think_ns + 1));
}

/* ---- this file's own philosophers ---------------------------------------------- */

/* What one philosopher's thread needs: written before the thread starts, then only read. */
struct seat {
	struct table *t;
	int i, rounds;
};

/* Starts one thread per philosopher, each running body(&seats[i]), and joins them all.  Blocks until then. */
static int dine_with(struct table *t, int rounds, void *(*body)(void *))
{
	pthread_t threads[N];
	struct seat seats[N]; /* outlives every thread: all are joined below */

	for (int i = 0; i < N; i++) {
		seats[i] = (struct seat){t, i, rounds};
		demo_pthread_create(&threads[i], NULL, body, &seats[i]);
	}
	for (int i = 0; i < N; i++)
		demo_pthread_join(threads[i], NULL);
	return 0;
}

/* pthread_mutex_lock of chopstick c by philosopher i, written down for the parent's picture. */
static void take(struct table *t, int i, int c)
{
	atomic_store(&rec->waits[i], c);
	demo_mutex_lock(&t->chopstick[c]);
	atomic_store(&rec->waits[i], -1);
}

/* Philosopher i, holding both chopsticks: eats, then puts both down. */
static void eat_and_put_down(struct table *t, int i, int left, int right)
{
	t->eat(t, i);
	demo_mutex_unlock(&t->chopstick[right]);
	demo_mutex_unlock(&t->chopstick[left]);
	atomic_store(&rec->holds[i], -1);
}

/* BAD: left, then right, for everyone; the first kept HOLD_MS.  Deadlocks once all hold their left. */
static void *left_then_right(void *arg)
{
	const struct seat *s = arg;
	int i = s->i, left = i, right = (i + 1) % N;

	for (int r = 0; r < s->rounds; r++) {
		s->t->think(s->t, i);
		take(s->t, i, left);
		atomic_store(&rec->holds[i], left);
		ct_sleep_ns(HOLD_MS * CT_MS);
		take(s->t, i, right);
		eat_and_put_down(s->t, i, left, right);
	}
	return NULL;
}

static int dine_left_then_right(struct table *t, int rounds)
{
	return dine_with(t, rounds, left_then_right);
}

/* The arbitrator: at most N - 1 philosophers reach for chopsticks at once. */
static sem_t seats_free;

static void sem_take(sem_t *s)
{
	while (sem_wait(s) == -1)
		if (errno != EINTR)
			demo_die("sem_wait");
}

/* Left, then right, but only with one of the N - 1 seats: no ring of N waits can close. */
static void *seated_left_then_right(void *arg)
{
	const struct seat *s = arg;
	int i = s->i, left = i, right = (i + 1) % N;

	for (int r = 0; r < s->rounds; r++) {
		s->t->think(s->t, i);
		sem_take(&seats_free);
		take(s->t, i, left);
		take(s->t, i, right);
		eat_and_put_down(s->t, i, left, right);
		if (sem_post(&seats_free) == -1)
			demo_die("sem_post");
	}
	return NULL;
}

static int dine_arbitrator(struct table *t, int rounds)
{
	if (sem_init(&seats_free, 0, N - 1) == -1)
		demo_die("sem_init");
	dine_with(t, rounds, seated_left_then_right);
	if (sem_destroy(&seats_free) == -1)
		demo_die("sem_destroy");
	return 0;
}

/*
 * Left, then try right; on EBUSY, put the left one down and back off: for
 * BACKOFF_MS (fixed_backoff), or a random time whose range doubles after
 * each failure, from 50 us to 12.8 ms.  With `hold`, the left one is kept
 * HOLD_MS before the try, as in part 1.
 */
static bool fixed_backoff, hold;

static void *backing_off(void *arg)
{
	const struct seat *s = arg;
	int i = s->i, left = i, right = (i + 1) % N;

	for (int r = 0; r < s->rounds; r++) {
		s->t->think(s->t, i);
		for (int fails = 0;; fails++) {
			take(s->t, i, left);
			atomic_store(&rec->holds[i], left);
			if (hold)
				ct_sleep_ns(HOLD_MS * CT_MS);
			if (demo_mutex_trylock(&s->t->chopstick[right]) == 0)
				break;
			demo_mutex_unlock(&s->t->chopstick[left]); /* never wait while holding one */
			atomic_store(&rec->holds[i], -1);
			atomic_fetch_add(&rec->failed, 1);
			uint64_t range_us = 50u << (fails < 8 ? fails : 8);
			ct_sleep_ns(fixed_backoff ? BACKOFF_MS * CT_MS
						  : (1 + (uint64_t)rand_r(&seeds[i]) % range_us) * 1000);
		}
		eat_and_put_down(s->t, i, left, right);
	}
	return NULL;
}

static int dine_backing_off(struct table *t, int rounds)
{
	return dine_with(t, rounds, backing_off);
}

/* ---- running a dinner in a child, and watching it ----------------------------------- */

static long total_meals(void)
{
	long sum = 0;

	for (int i = 0; i < N; i++)
		sum += rec->meals[i];
	return sum;
}

/* The child: one dinner, then exit.  Prints nothing. */
_Noreturn static void child(const struct dinner *d)
{
	struct table t;

	now = d;
	for (int i = 0; i < N; i++)
		seeds[i] = 2654435761u * (unsigned)(i + 1);
	ct_rendezvous_init(&start, N, 300 * CT_MS);
	demo_check(table_init(&t, N, eat, think), "table_init");
	uint64_t t0 = ct_now_ns();
	rec->result = d->dine(&t, d->rounds);
	rec->wall_ns = ct_now_ns() - t0;
	atomic_store(&rec->done, true);
	table_destroy(&t);
	exit(0);
}

/* Whether the child has exited; dies if it failed. */
static bool child_exited(pid_t pid)
{
	int status;
	pid_t r = waitpid(pid, &status, WNOHANG);

	if (r == -1 && errno != EINTR)
		demo_die("waitpid");
	if (r != pid)
		return false;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		errno = ECHILD;
		demo_die("a dinner's process failed");
	}
	return true;
}

/* Runs d in a child process; returns when it finished, or once it was killed for being stuck. */
static struct outcome watch(const struct dinner *d)
{
	struct outcome o = {0};

	for (int i = 0; i < N; i++) {
		rec->meals[i] = 0;
		rec->holds[i] = rec->waits[i] = -1;
		rec->by_then[i] = 0;
	}
	rec->failed = 0;
	rec->first_done = 0;
	rec->done = false;
	pid_t pid = demo_fork();
	if (pid == 0)
		child(d);
	uint64_t t0 = ct_now_ns(), last = t0;
	long seen = 0, failed0 = 0;
	for (;;) {
		if (child_exited(pid)) {
			if (!rec->done) {
				errno = ECHILD;
				demo_die("a dinner's process ended before dine() returned");
			}
			demo_check(rec->result, d->name); /* what dine() returned */
			o.finished = true;
			o.wall_ns = rec->wall_ns;
			return o;
		}
		ct_sleep_ns(5 * CT_MS);
		uint64_t t = ct_now_ns();
		long meals = total_meals();
		if (meals != seen) {
			seen = meals;
			last = t;
			failed0 = rec->failed;
		}
		o.stalled = t - last >= STALL_MS * CT_MS;
		if (o.stalled || t - t0 >= LIMIT_MS * CT_MS) {
			o.failed_in_stall = rec->failed - failed0;
			o.wall_ns = t - t0;
			break;
		}
	}
	/* Stuck: the record is read before the kill, so it shows the threads as they were. */
	if (kill(pid, SIGKILL) == -1)
		demo_die("kill");
	demo_wait(pid);
	return o;
}

static void print_meals(const char *label, const int *meals)
{
	printf("%s", label);
	for (int i = 0; i < N; i++)
		printf(" %d", meals[i]);
	printf("\n");
}

static void meals_now(int *out)
{
	for (int i = 0; i < N; i++)
		out[i] = rec->meals[i];
}

/* Who holds and waits for which chopstick, from the record of a stuck dinner of this file's. */
static void picture(void)
{
	for (int i = 0; i < N; i++) {
		int h = rec->holds[i], w = rec->waits[i];
		printf("     philosopher %d ", i);
		if (h >= 0)
			printf("holds chopstick[%d]", h);
		else
			printf("holds nothing");
		int owner = -1;
		for (int j = 0; j < N; j++)
			if (w >= 0 && rec->holds[j] == w)
				owner = j;
		if (w >= 0 && owner >= 0)
			printf(" and waits for chopstick[%d], which philosopher %d holds\n", w, owner);
		else if (w >= 0)
			printf(" and waits for chopstick[%d]\n", w);
		else
			printf(" and waits for no lock\n");
	}
}

/* ---- the three parts ----------------------------------------------------------------- */

static void caught_in_the_act(void)
{
	const struct dinner left = {"left, then right", dine_left_then_right, START_ROUNDS, 100 * 1000, 0, true};
	const struct dinner ordered = {"the reference", dine, START_ROUNDS, 100 * 1000, 0, true};
	int meals[N];

	printf("1. Caught in the act: %d philosophers start together and take their left chopstick, then\n"
	       "   their right, each keeping the first %d ms before it reaches for the second (%d rounds).\n\n",
	       N, HOLD_MS, START_ROUNDS);
	struct outcome o = watch(&left);
	meals_now(meals);
	if (o.finished) {
		printf("   left, then right: it finished this time (%.2f s), which a %d ms hold should make\n"
		       "   all but impossible; was one philosopher held up for %d ms before its first lock?\n",
		       (double)o.wall_ns / 1e9, HOLD_MS, HOLD_MS);
		print_meals("   meals:", meals);
	} else {
		printf("   left, then right: no meal for %.1f s, %ld of %d meals eaten: a deadlock. The demo\n"
		       "   read what each philosopher wrote down around its lock calls:\n",
		       STALL_MS / 1e3, total_meals(), N * START_ROUNDS);
		picture();
		printf("   Each holds the chopstick the one before it waits for: a ring, circular wait. Threads\n"
		       "   blocked in pthread_mutex_lock for good can be neither joined nor cancelled, so the\n"
		       "   demo killed the dinner's process.\n");
	}
	o = watch(&ordered);
	meals_now(meals);
	printf("\n   The reference dine() (solutions/09-deadlock/philo.c, the lower-numbered chopstick first),\n"
	       "   all %d philosophers reaching at once: ",
	       N);
	if (o.finished)
		printf("finished in %.2f s.\n", (double)o.wall_ns / 1e9);
	else
		printf("STUCK, killed after %.1f s (it should never be).\n", (double)o.wall_ns / 1e9);
	print_meals("   meals per philosopher:", meals);
}

static void fixes(void)
{
	const struct dinner rows[] = {
	    {"lower-numbered first (reference)", dine, FIX_ROUNDS, 100 * 1000, 100 * 1000, false},
	    {"arbitrator, N - 1 seats", dine_arbitrator, FIX_ROUNDS, 100 * 1000, 100 * 1000, false},
	    {"trylock, random back-off", dine_backing_off, FIX_ROUNDS, 100 * 1000, 100 * 1000, false},
	};
	double share = demo_cpu_share(50);

	printf("\n2. The fixes: %d philosophers, %d rounds each, meals of 0.1 ms, thoughts of up to 0.1 ms.\n\n", N,
	       FIX_ROUNDS);
	printf("   %-34s %8s %9s %12s %16s\n", "fix", "wall", "meals/s", "failed tries", "fewest meals");
	printf("   %-34s %8s %9s %12s %16s\n", "", "", "", "per meal", "when 1st is done");
	fixed_backoff = false;
	hold = false;
	for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
		struct outcome o = watch(&rows[k]);
		if (!o.finished) {
			printf("   %-34s STUCK, killed after %.1f s\n", rows[k].name, (double)o.wall_ns / 1e9);
			continue;
		}
		int fewest = FIX_ROUNDS;
		for (int i = 0; i < N; i++)
			if (rec->by_then[i] < fewest)
				fewest = rec->by_then[i];
		printf("   %-34s %6.0f ms %9.0f %12.2f %9d of %d\n", rows[k].name, (double)o.wall_ns / 1e6,
		       N * FIX_ROUNDS / ((double)o.wall_ns / 1e9), (double)rec->failed / (N * FIX_ROUNDS), fewest,
		       FIX_ROUNDS);
	}
	double after = demo_cpu_share(50);
	if (after < share)
		share = after; /* the busier of the two probes, before and after */
	printf("\n   At most 2 of 5 philosophers eat at once, so %d meals of 0.1 ms take at least %d ms. The\n"
	       "   order costs a comparison. Behind the arbitrator, a philosopher can wait for a seat while\n"
	       "   both its chopsticks are free, and seated ones still wait in chains, holding their left\n"
	       "   chopstick. The back-off pays for its failed tries with sleeps. The last column shows how\n"
	       "   evenly the meals were shared.\n",
	       N * FIX_ROUNDS, N * FIX_ROUNDS / 10 / 2);
	if (share < DEMO_BUSY_SHARE)
		printf("   (The machine was busy: a thread of this demo that only computes got %.0f%% of a CPU,\n"
		       "   where it should have had one to itself, so these times say more about the other\n"
		       "   programs than about the fixes. Run the demo again when the machine is quiet.)\n",
		       100 * share);
}

static void fixed(void)
{
	const struct dinner d = {"fixed back-off", dine_backing_off, FIXED_ROUNDS, 100 * 1000, 0, true};
	int meals[N];

	printf("\n3. A fixed back-off: as in part 1 (all start together, the left chopstick kept %d ms), but\n"
	       "   a philosopher whose right chopstick is taken puts its left one down, waits %d ms, the\n"
	       "   same for everyone, and tries again (%d rounds).\n\n",
	       HOLD_MS, BACKOFF_MS, FIXED_ROUNDS);
	fixed_backoff = true;
	hold = true;
	struct outcome o = watch(&d);
	meals_now(meals);
	if (o.finished) {
		printf("   fixed back-off: finished in %.2f s, %.1f failed tries per meal.\n", (double)o.wall_ns / 1e9,
		       (double)rec->failed / (N * FIXED_ROUNDS));
		print_meals("   meals per philosopher:", meals);
		print_meals("   meals of each when the first had eaten all of its own:", rec->by_then);
	} else if (o.stalled) {
		printf("   fixed back-off: no meal for %.1f s, while the philosophers failed %ld tries: a livelock,\n"
		       "   for as long as the demo watched. Each kept taking its left chopstick, finding its right\n"
		       "   one taken, putting the left one down and waiting as long as the others. The demo killed\n"
		       "   the dinner's process.\n",
		       STALL_MS / 1e3, o.failed_in_stall);
		print_meals("   meals by then:", meals);
	} else {
		printf("   fixed back-off: still going after %.1f s (%ld meals, %ld failed tries); the demo killed\n"
		       "   the dinner's process.\n",
		       (double)o.wall_ns / 1e9, total_meals(), (long)rec->failed);
	}
	printf("\n   A fixed back-off livelocks while each philosopher's tries keep falling at moments when its\n"
	       "   neighbour holds the chopstick it tries for: with the same wait for everyone, that pattern\n"
	       "   repeats round after round. On a real machine each sleep ends a little early or late (and\n"
	       "   %d threads share %d CPUs), so the pattern forms and breaks: some runs of this part stall\n"
	       "   for longer than the demo waits, others finish after many failed tries, and the demo\n"
	       "   cannot make either happen every time. The grader keeps the threads in step on purpose\n"
	       "   (lock calls within 10 ms of each other are made together), and there this back-off eats\n"
	       "   no more (correct_no_livelock_when_every_lock_call_is_in_lockstep). A random back-off\n"
	       "   whose range grows breaks the pattern; a lock order needs no back-off at all.\n",
	       N, demo_usable_cpus());
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	rec = ct_shared_alloc(sizeof *rec);
	printf("Lesson 09 demo: a deadlock caught in the act, and what each fix costs (%d usable CPUs).\n\n",
	       demo_usable_cpus());
	caught_in_the_act();
	fixes();
	fixed();
	return 0;
}
