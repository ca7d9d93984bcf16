/*
 * dinner.c - the grader's eat and think actions, and the runner that
 * watches dine() (dinner.h).
 */
#define _GNU_SOURCE
#include "dinner.h"

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "ct_api.h"
#include "ct_clock.h"
#include "ct_locks.h"
#include "ct_test.h"

struct table dinner_table;

/* What one philosopher did; written by the threads that call its actions (atomics only). */
struct diner {
	atomic_int meals, thoughts;
	atomic_int slot;     /* ct_current_thread() of the first thread that acted for it; -2: none yet */
	atomic_bool eating;  /* inside eat() now */
	atomic_bool hungry;  /* thought, has not eaten since */
	atomic_uint seed;    /* for a random thought */
	struct ct_interval log[DINNER_MAX_MEALS];
};

static struct diner diners[PHILO_MAX];
static struct dinner_plan plan;
static struct ct_rendezvous start; /* plan.start_together */
static int first_thread; /* ct_threads_created() when the table was set up */

/* The first broken promise, claimed once; its text is written before `ready` is set. */
static atomic_flag claimed = ATOMIC_FLAG_INIT;
static atomic_bool ready;
static char violation[1024];

/* The first lock other than a chopstick held during a meal (for the timing check's message). */
static atomic_flag extra_claimed = ATOMIC_FLAG_INIT;
static atomic_bool extra_ready;
static char extra[200];

static void broken(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void broken(const char *fmt, ...)
{
	va_list ap;

	if (atomic_flag_test_and_set(&claimed))
		return;
	va_start(ap, fmt);
	vsnprintf(violation, sizeof violation, fmt, ap);
	va_end(ap);
	ready = true;
}

const char *dinner_violation(void) { return ready ? violation : NULL; }
const char *dinner_extra_lock(void) { return extra_ready ? extra : NULL; }
int dinner_meals(int i) { return diners[i].meals; }
int dinner_thoughts(int i) { return diners[i].thoughts; }
const struct ct_interval *dinner_meal_log(int i) { return diners[i].log; }

/* The chopstick m is, or -1. */
static int chopstick_of(const pthread_mutex_t *m)
{
	for (int j = 0; j < plan.n; j++)
		if (m == &dinner_table.chopstick[j])
			return j;
	return -1;
}

/* Whether the calling thread may act for philosopher i: its own thread, the same every time. */
static bool own_thread(const char *action, int i)
{
	int me = ct_current_thread(), expected = -2;

	if (me < 0) {
		broken("philosopher %d's %s() was called from a thread your dine() did not create (the thread that "
		       "called dine()?): each philosopher must be one thread of its own, started by dine(), which calls "
		       "its think() and eat() in every round",
		       i, action);
		return false;
	}
	if (atomic_compare_exchange_strong(&diners[i].slot, &expected, me) || expected == me)
		return true;
	broken("philosopher %d's %s() was called from thread %d, but earlier from thread %d: each philosopher must "
	       "be one thread of its own, which calls its think() and eat() in every round",
	       i, action, me + 1 - first_thread, expected + 1 - first_thread);
	return false;
}

/* Whether (t, i) names a philosopher of dinner_table. */
static bool valid(const char *action, struct table *t, int i)
{
	if (t == &dinner_table && i >= 0 && i < plan.n)
		return true;
	broken("%s(t, %d) was called with %s; the table has philosophers 0 to %d", action, i,
	       t == &dinner_table ? "that philosopher number" : "another table pointer than dine() was given",
	       plan.n - 1);
	return false;
}

static void grader_think(struct table *t, int i)
{
	const pthread_mutex_t *held[CT_MAX_HELD];
	char name[120];

	if (!valid("think", t, i) || !own_thread("think", i))
		return;
	int nh = ct_locks_held(held, CT_MAX_HELD);
	for (int k = 0; k < nh && k < CT_MAX_HELD; k++)
		if (chopstick_of(held[k]) >= 0)
			broken("philosopher %d thought while holding %s: put both chopsticks down after each meal, "
			       "before thinking; a neighbour waiting for it cannot eat meanwhile",
			       i, ct_describe_lock(held[k], name, sizeof name));
	if (atomic_exchange(&diners[i].hungry, true))
		broken("philosopher %d thought twice without eating in between: each round is one thought, then "
		       "one meal",
		       i);
	if (atomic_fetch_add(&diners[i].thoughts, 1) == 0 && plan.start_together)
		ct_rendezvous_arrive(&start);
	uint64_t ns = plan.think_ns;
	if (plan.think_random && ns) {
		unsigned s = diners[i].seed * 1103515245u + 12345u;
		diners[i].seed = s;
		ns = (s >> 8) % (ns + 1);
	}
	if (ns)
		ct_sleep_ns(ns);
}

static const char hold_both[] = "eat() must be called while its thread holds both of its chopsticks, locked "
				"with pthread_mutex_lock (or a pthread_mutex_trylock that returned 0)";

/* Checks the locks the calling thread holds while philosopher i eats. */
static void check_held_while_eating(int i)
{
	const pthread_mutex_t *held[CT_MAX_HELD];
	int left = i, right = (i + 1) % plan.n, nh = ct_locks_held(held, CT_MAX_HELD);
	bool has_left = false, has_right = false;
	char name[120];

	for (int k = 0; k < nh && k < CT_MAX_HELD; k++) {
		int c = chopstick_of(held[k]);
		if (c == left)
			has_left = true;
		else if (c == right)
			has_right = true;
		else if (c >= 0)
			broken("philosopher %d ate holding chopstick[%d], which is not one of its own (chopstick[%d] "
			       "and chopstick[%d]): it keeps a neighbour from eating for nothing",
			       i, c, left, right);
		else if (!atomic_flag_test_and_set(&extra_claimed)) {
			snprintf(extra, sizeof extra, "%s", ct_describe_lock(held[k], name, sizeof name));
			extra_ready = true;
		}
	}
	if (!has_left && !has_right)
		broken("philosopher %d ate holding neither chopstick[%d] nor chopstick[%d]: %s", i, left, right,
		       hold_both);
	else if (!has_left || !has_right)
		broken("philosopher %d ate without holding chopstick[%d]: %s", i, has_left ? right : left, hold_both);
}

static void grader_eat(struct table *t, int i)
{
	if (!valid("eat", t, i) || !own_thread("eat", i))
		return;
	check_held_while_eating(i);
	if (!atomic_exchange(&diners[i].hungry, false))
		broken("philosopher %d ate without thinking first: each round is one thought, then one meal", i);
	int left = (i + plan.n - 1) % plan.n, right = (i + 1) % plan.n;
	atomic_store(&diners[i].eating, true);
	if (diners[left].eating || diners[right].eating)
		broken("philosophers %d and %d ate at the same time, though they share chopstick[%d]", i,
		       diners[left].eating ? left : right, diners[left].eating ? i : right);
	uint64_t start = ct_now_ns();
	if (plan.eat_ns)
		ct_sleep_ns(plan.eat_ns);
	int k = diners[i].meals;
	if (k < DINNER_MAX_MEALS)
		diners[i].log[k] = (struct ct_interval){start, ct_now_ns()};
	atomic_store(&diners[i].eating, false);
	diners[i].meals = k + 1;
}

static const char *const deadlock_advice =
	"Here each philosopher holds one chopstick and waits for the next one's: break the cycle by letting every "
	"philosopher take the lower-numbered of its two chopsticks first (one global order; then one of them takes "
	"its right chopstick first), so that no ring of \"holds one, waits for the next\" can close.";

void dinner_setup(const struct dinner_plan *p)
{
	plan = *p;
	memset(diners, 0, sizeof diners);
	for (int i = 0; i < PHILO_MAX; i++) {
		diners[i].slot = -2;
		diners[i].seed = 2654435761u * (unsigned)(i + 1);
	}
	atomic_flag_clear(&claimed);
	ready = false;
	atomic_flag_clear(&extra_claimed);
	extra_ready = false;
	ct_rendezvous_init(&start, p->n, 300 * CT_MS);
	int err = table_init(&dinner_table, p->n, grader_eat, grader_think);
	CT_CHECK(err == 0, "grader error: table_init(t, %d, eat, think) returned %d", p->n, err);
	for (int i = 0; i < p->n; i++)
		ct_name_lock(&dinner_table.chopstick[i], "chopstick[%d]", i);
	ct_set_deadlock_advice(deadlock_advice);
	first_thread = ct_threads_created();
}

int dinner_first_thread(void) { return first_thread; }

/* ---- the runner ----------------------------------------------------------- */

struct runner {
	int rounds, result;
	atomic_bool done;
};

static void *run_dine(void *p)
{
	struct runner *r = p;

	r->result = dine(&dinner_table, r->rounds);
	r->done = true;
	return NULL;
}

static long events(void)
{
	long sum = 0;

	for (int i = 0; i < plan.n; i++)
		sum += diners[i].meals + diners[i].thoughts;
	return sum;
}

static int total_meals(void)
{
	int sum = 0;

	for (int i = 0; i < plan.n; i++)
		sum += diners[i].meals;
	return sum;
}

/* The philosopher whose actions came from thread slot, or -1. */
static int philosopher_of(int slot)
{
	for (int i = 0; i < plan.n; i++)
		if (diners[i].slot == slot)
			return i;
	return -1;
}

struct out {
	char *buf;
	size_t len, used;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;

	if (o->used >= o->len)
		return;
	va_start(ap, fmt);
	int k = vsnprintf(o->buf + o->used, o->len - o->used, fmt, ap);
	va_end(ap);
	if (k > 0)
		o->used += (size_t)k;
}

/* One line per thread of the student's: which philosopher, what it holds, waits for, tries. */
static void picture(struct out *o)
{
	struct ct_lock_view v[64];
	char name[120];
	int n = ct_locks_snapshot(v, 64), shown = 0;

	for (int k = 0; k < n && k < 64; k++) {
		if (v[k].slot < first_thread)
			continue; /* the test's own thread, or one of an earlier table */
		int p = philosopher_of(v[k].slot);
		if (p >= 0)
			put(o, "\n- philosopher %d (thread %d)", p, v[k].slot + 1 - first_thread);
		else
			put(o, "\n- thread %d (it has not called think or eat)", v[k].slot + 1 - first_thread);
		if (v[k].nheld == 0)
			put(o, " holds no lock");
		for (int h = 0; h < v[k].nheld && h < CT_MAX_HELD; h++)
			put(o, "%s %s", h ? "," : " holds", ct_describe_lock(v[k].held[h], name, sizeof name));
		if (v[k].waiting)
			put(o, ", and waits for %s", ct_describe_lock(v[k].waiting, name, sizeof name));
		else if (v[k].tried)
			put(o, "; its last pthread_mutex_trylock, of %s, returned EBUSY (%lu times so far)",
			    ct_describe_lock(v[k].tried, name, sizeof name), v[k].busy);
		shown++;
	}
	if (!shown)
		put(o, "\n(no thread of yours has taken any lock)");
}

/*
 * No meal nor thought for a while: says what the threads are doing, from
 * the lock calls they make over the next 200 ms.  Returns false if a
 * philosopher ate or thought meanwhile after all.
 */
static bool describe_stall(char *buf, size_t len, long seen, uint64_t quiet_ns, int rounds, const char *why)
{
	struct out o = {buf, len, 0};
	int try0 = ct_count(CT_CALL_pthread_mutex_trylock), lock0 = ct_count(CT_CALL_pthread_mutex_lock),
	    unlock0 = ct_count(CT_CALL_pthread_mutex_unlock);

	ct_sleep_ns(200 * CT_MS);
	if (events() != seen)
		return false;
	int tries = ct_count(CT_CALL_pthread_mutex_trylock) - try0, locks = ct_count(CT_CALL_pthread_mutex_lock) - lock0,
	    unlocks = ct_count(CT_CALL_pthread_mutex_unlock) - unlock0;

	put(&o, "dine(t, %d) with %s: no philosopher ate or thought for %.1f s (%d of %d meals eaten).", rounds, why,
	    (double)(quiet_ns + 200 * CT_MS) / 1e9, total_meals(), rounds * plan.n);
	if (tries + locks > 0 && unlocks == 0)
		put(&o, " In the last 0.2 s your threads called pthread_mutex_trylock %d times and pthread_mutex_lock %d "
			"times, but pthread_mutex_unlock never: they hold chopsticks and keep trying for the other one "
			"without ever putting one down. That waits as surely as pthread_mutex_lock would (a deadlock "
			"that no thread is seen blocked in, since trylock returns at once): when trylock returns EBUSY, "
			"put down the chopstick you hold, back off, and start again; or take the chopsticks in one "
			"global order.",
		    tries, locks);
	else if (tries + locks > 0)
		put(&o, " In the last 0.2 s your threads called pthread_mutex_trylock %d times, pthread_mutex_lock %d "
			"times and pthread_mutex_unlock %d times, yet nobody ate: they keep taking chopsticks and "
			"putting them back, in step with one another, so that each one always finds its second "
			"chopstick taken: a livelock. A back-off of the same length for everyone keeps them in step, and so "
			"does a random one spread over less than the grader's window: back off for a random time that "
			"grows after each failure until it spreads over tens of milliseconds, or take the chopsticks in "
			"one global order, which needs no back-off.",
		    tries, locks, unlocks);
	else
		put(&o, " None of your threads took or released a lock in the last 0.2 s either: they are blocked, or "
			"asleep, in something that is not a mutex (a semaphore nobody posts, a condition variable "
			"nobody signals, a join that never ends, a sleep that is too long).");
	put(&o, " What each thread holds now:");
	picture(&o);
	return true;
}

int dinner_run(int rounds, uint64_t limit_ns, const char *why)
{
	static char msg[3500];
	struct runner r = {rounds, -1, false};
	pthread_t helper;
	uint64_t start = ct_now_ns(), last = start;
	long seen = events();

	int err = ct_real_pthread_create(&helper, NULL, run_dine, &r);
	CT_CHECK(err == 0, "grader error: cannot start a thread (%s)", strerror(err));
	while (!r.done) {
		ct_sleep_ns(5 * CT_MS);
		uint64_t now = ct_now_ns();
		long e = events();
		if (e != seen) {
			seen = e;
			last = now;
		} else if (now - last >= 600 * CT_MS && describe_stall(msg, sizeof msg, seen, now - last, rounds, why)) {
			CT_CHECK(false, "%s", msg);
		}
		if (!r.done && now - start >= limit_ns) {
			struct out o = {msg, sizeof msg, 0};
			put(&o, "dine(t, %d) with %s did not return within %.1f s: %d of %d meals were eaten (", rounds, why,
			    (double)limit_ns / 1e9, total_meals(), rounds * plan.n);
			for (int i = 0; i < plan.n; i++)
				put(&o, "%sphilosopher %d: %d", i ? ", " : "", i, diners[i].meals);
			put(&o, "). The correct solutions finish in a fraction of that: is somebody waiting far longer "
				"than a meal lasts, or backing off for ever longer?");
			CT_CHECK(false, "%s", msg);
		}
	}
	ct_real_pthread_join(helper, NULL);
	return r.result;
}

const char *dinner_times_text(char *buf, size_t len, int n)
{
	if (n == 1)
		snprintf(buf, len, "once");
	else
		snprintf(buf, len, "%d times", n);
	return buf;
}

void dinner_check_meals(int rounds, const char *call)
{
	const char *v = dinner_violation();
	CT_CHECK(!v, "%s: %s", call, v);
	for (int i = 0; i < plan.n; i++) {
		CT_CHECK(diners[i].meals == rounds && diners[i].thoughts == rounds,
			 "%s returned, and philosopher %d had eaten %s and thought %s; expected %d of each "
			 "(every philosopher runs every round, and dine() returns only after all of them)",
			 call, i, TIMES(diners[i].meals), TIMES(diners[i].thoughts), rounds);
		for (int j = 0; j < i && rounds > 0; j++)
			CT_CHECK(diners[i].slot != diners[j].slot,
				 "%s: philosophers %d and %d were the same thread (thread %d): each philosopher is a "
				 "thread of its own, so that they can eat at the same time",
				 call, j, i, diners[i].slot + 1 - first_thread);
	}
	int created = ct_threads_created();
	for (int k = first_thread; k < created; k++)
		CT_CHECK(ct_thread(k).joined,
			 "%s returned without joining thread %d (of the %d it created): join every philosopher's "
			 "thread before returning",
			 call, k + 1 - first_thread, created - first_thread);
	for (int i = 0; i < plan.n; i++) {
		int err = pthread_mutex_trylock(&dinner_table.chopstick[i]);
		CT_CHECK(err == 0, "%s returned with chopstick[%d] still locked: every philosopher puts both chopsticks "
			 "down after each meal", call, i);
		pthread_mutex_unlock(&dinner_table.chopstick[i]);
	}
}
