/*
 * test_philo.c - grader suite for lesson 09, exercise "philo" (philo.h).
 *
 * Every test seats the philosophers at dinner_table, whose eat and think
 * actions (dinner.h) record each meal and check the locks its thread
 * holds, and runs dine() under dinner_run(), which ends the test with a
 * description when the philosophers stop making progress.  The schedule is
 * the grader's (ct_locks.h): each chopstick held 2 ms after it is taken,
 * so that "left, then right" deadlocks in every run and the watchdog draws
 * the cycle; lock calls that arrive within 4 ms of each other made
 * together, so that a back-off of fixed length keeps the philosophers in
 * step (a livelock);
 * a yield at every lock and unlock, for stress.
 */
#include <errno.h>
#include <stdio.h>

#include "ct_locks.h"
#include "ct_test.h"
#include "ct_timeline.h"
#include "dinner.h"
#include "philo.h"

CT_SUITE(philo);


#define LIMIT (3500 * CT_MS) /* for every dine() call of a test; the test's own limit is 5 s */

/* Seats n philosophers at dinner_table with the given meal and thought lengths. */
static void seat(int n, uint64_t eat_ns, uint64_t think_ns, bool think_random)
{
	struct dinner_plan p = {n, eat_ns, think_ns, think_random, false};

	dinner_setup(&p);
}

/* The same, with the first thoughts ending together: every philosopher reaches for its chopsticks at once. */
static void seat_together(int n, uint64_t eat_ns)
{
	struct dinner_plan p = {n, eat_ns, 0, false, true};

	dinner_setup(&p);
}

/* dine(&dinner_table, rounds), watched; checks that it returned 0 and that every meal kept the contract. */
static void dine_and_check(int rounds, const char *why)
{
	char call[200];

	snprintf(call, sizeof call, "dine(t, %d) with %s", rounds, why);
	int err = dinner_run(rounds, LIMIT, why);
	CT_CHECK(err == 0, "%s returned %d; expected 0", call, err);
	dinner_check_meals(rounds, call);
	table_destroy(&dinner_table);
}

CT_TEST(philo, correct_rounds_below_zero_start_nothing)
{
	seat(5, 0, 0, false);
	int err = dinner_run(-1, LIMIT, "5 philosophers");
	CT_CHECK(err == EINVAL, "dine(t, -1) returned %d; expected EINVAL (%d)", err, EINVAL);
	int started = ct_threads_created() - dinner_first_thread();
	CT_CHECK(started == 0, "dine(t, -1) started %d threads; it must start nothing", started);
	for (int i = 0; i < 5; i++)
		CT_CHECK(dinner_meals(i) == 0 && dinner_thoughts(i) == 0,
			 "dine(t, -1) let philosopher %d think or eat; it must start nothing", i);
	dine_and_check(0, "5 philosophers and no round at all");
	ct_pass();
}

CT_TEST(philo, correct_each_round_is_a_thought_then_a_meal_with_both_chopsticks)
{
	seat(5, 200 * 1000, 100 * 1000, false);
	dine_and_check(4, "5 philosophers, each meal 0.2 ms, each thought 0.1 ms");
	ct_pass();
}

CT_TEST(philo, correct_two_to_sixteen_philosophers_eat_their_rounds)
{
	static const int sizes[] = {2, 3, 7, PHILO_MAX};
	char why[100];

	for (int k = 0; k < 4; k++) {
		seat(sizes[k], 50 * 1000, 50 * 1000, true);
		snprintf(why, sizeof why, "%d philosophers, each meal 0.05 ms", sizes[k]);
		dine_and_check(5, why);
	}
	ct_pass();
}

CT_TEST(philo, correct_no_deadlock_when_everyone_grabs_at_once)
{
	static const int sizes[] = {5, 2, 3};
	char why[160];

	/* Each chopstick is kept 2 ms after it is taken: every philosopher has its first one before any takes a second. */
	ct_set_lock_hold(2 * CT_MS);
	for (int k = 0; k < 3; k++) {
		seat_together(sizes[k], 100 * 1000);
		snprintf(why, sizeof why, "%d philosophers who all reach for their chopsticks at once (the grader keeps "
			 "each chopstick 2 ms after it is taken)", sizes[k]);
		dine_and_check(6, why);
	}
	ct_pass();
}

#define LOCKSTEP_DINNERS 2 /* a thread the machine holds up may put a livelock out of step: try more than once */

CT_TEST(philo, correct_no_livelock_when_every_lock_call_is_in_lockstep)
{
	/* Lock calls that arrive within 10 ms of each other are made together (ct_set_lock_lockstep). */
	ct_set_lock_lockstep(10 * CT_MS, 5);
	for (int k = 0; k < LOCKSTEP_DINNERS; k++) {
		seat_together(5, 100 * 1000);
		dine_and_check(4, "5 philosophers in lockstep (the grader makes lock, trylock and unlock calls that "
			       "arrive within 10 ms of each other wait for the end of those 10 ms, or until all 5 "
			       "philosophers have made one, then go together)");
	}
	ct_pass();
}

CT_TEST(philo, correct_many_rounds_under_stress)
{
	static const int sizes[] = {5, 2, 7, PHILO_MAX}, rounds[] = {300, 600, 200, 80};
	char why[160];

	ct_set_yield_at_locks(true);
	for (int k = 0; k < 4; k++) {
		seat(sizes[k], 0, 20 * 1000, true);
		snprintf(why, sizeof why, "%d philosophers who think for at most 0.02 ms and yield the CPU at every lock "
			 "and unlock", sizes[k]);
		dine_and_check(rounds[k], why);
	}
	ct_pass();
}

#define STARVE_ROUNDS 30
#define STARVE_SHARE 4 /* each philosopher must have eaten rounds / STARVE_SHARE meals by then */

CT_TEST(philo, correct_nobody_starves)
{
	const int n = 5;

	seat(n, 500 * 1000, 200 * 1000, true);
	int err = dinner_run(STARVE_ROUNDS, LIMIT, "5 philosophers, each meal 0.5 ms");
	CT_CHECK(err == 0, "dine(t, %d) returned %d; expected 0", STARVE_ROUNDS, err);
	/* The window: until the first philosopher has eaten all its meals. */
	uint64_t first = UINT64_MAX;
	int who = -1;
	for (int i = 0; i < n; i++) {
		CT_CHECK(dinner_meals(i) == STARVE_ROUNDS, "dine(t, %d) returned, and philosopher %d had eaten %s",
			 STARVE_ROUNDS, i, TIMES(dinner_meals(i)));
		uint64_t end = dinner_meal_log(i)[STARVE_ROUNDS - 1].end_ns;
		if (end < first) {
			first = end;
			who = i;
		}
	}
	uint64_t start = UINT64_MAX;
	for (int i = 0; i < n; i++)
		if (dinner_meal_log(i)[0].start_ns < start)
			start = dinner_meal_log(i)[0].start_ns;
	for (int i = 0; i < n; i++) {
		int by_then = 0;
		while (by_then < STARVE_ROUNDS && dinner_meal_log(i)[by_then].end_ns <= first)
			by_then++;
		CT_CHECK(by_then >= STARVE_ROUNDS / STARVE_SHARE,
			 "dine(t, %d) with 5 philosophers, each meal 0.5 ms: philosopher %d had eaten only %s when "
			 "philosopher %d had eaten all its %d meals (%.0f ms after the first meal). A philosopher that "
			 "keeps being passed over starves: let each one wait its turn for its chopsticks (blocking in "
			 "pthread_mutex_lock, in one global order) instead of leaving them to whoever grabs first, and "
			 "put both down after every meal",
			 STARVE_ROUNDS, i, TIMES(by_then), who, STARVE_ROUNDS, (double)(first - start) / 1e6);
	}
	dinner_check_meals(STARVE_ROUNDS, "dine(t, 30) with 5 philosophers, each meal 0.5 ms");
	ct_pass();
}

#define OVERLAP_ROUNDS 6

/* Whether some meal of i and some meal of j overlapped. */
static bool ate_together(int i, int j)
{
	struct ct_interval both[2 * OVERLAP_ROUNDS];

	for (int k = 0; k < OVERLAP_ROUNDS; k++) {
		both[k] = dinner_meal_log(i)[k];
		both[OVERLAP_ROUNDS + k] = dinner_meal_log(j)[k];
	}
	return ct_max_overlap(both, 2 * OVERLAP_ROUNDS) >= 2;
}

CT_TEST(philo, timing_philosophers_who_share_no_chopstick_eat_at_the_same_time)
{
	const int n = 5;
	struct ct_interval all[5 * OVERLAP_ROUNDS];
	int row[5 * OVERLAP_ROUNDS], nmeals = 0, pairs = 0;

	seat(n, 2 * CT_MS, 200 * 1000, false);
	int err = dinner_run(OVERLAP_ROUNDS, LIMIT, "5 philosophers, each meal 2 ms");
	CT_CHECK(err == 0, "dine(t, %d) returned %d; expected 0", OVERLAP_ROUNDS, err);
	for (int i = 0; i < n; i++) {
		CT_CHECK(dinner_meals(i) == OVERLAP_ROUNDS, "dine(t, %d) returned, and philosopher %d had eaten %s",
			 OVERLAP_ROUNDS, i, TIMES(dinner_meals(i)));
		for (int k = 0; k < OVERLAP_ROUNDS; k++) {
			all[nmeals] = dinner_meal_log(i)[k];
			row[nmeals++] = i;
		}
		for (int j = i + 2; j < n; j++)
			if (!(i == 0 && j == n - 1) && ate_together(i, j))
				pairs++;
	}
	double c = ct_concurrency(all, (size_t)nmeals);
	char title[200];
	snprintf(title, sizeof title, "meals of 5 philosophers (row i: philosopher i; each meal 2 ms); concurrency %.2f",
		 c);
	struct ct_timeline_group g[] = {{"eat (each philosopher)", all, row, nmeals, n}};
	ct_timeline_save("timing_philosophers_who_share_no_chopstick_eat_at_the_same_time", title, g, 1, false);
	const char *extra = dinner_extra_lock();
	CT_CHECK(pairs > 0,
		 "dine(t, %d) with 5 philosophers, each meal 2 ms: no two philosophers who share no chopstick (0 and "
		 "2, 1 and 3, ...) ever ate at the same time; the meals took turns (concurrency %.2f, where 1.00 "
		 "means one at a time). %s%s%s",
		 OVERLAP_ROUNDS, c, extra ? "While eating, a philosopher also held " : "",
		 extra ? extra : "Something makes the meals wait for one another",
		 extra ? ": a lock around the whole meal lets only one philosopher eat at a time. Hold nothing but "
			 "the two chopsticks while eating" : ": a lock held around the meal, a turn taken in a fixed order, "
			 "or philosophers who each hold one chopstick while they wait for the other, so that a chain of "
			 "waits lets only one of them eat at a time (take the lower-numbered chopstick first)");
	ct_pass();
}

CT_TEST(philo, correct_a_failed_pthread_create_lets_the_started_philosophers_finish)
{
	for (int fail_at = 1; fail_at <= 3; fail_at += 2) {
		seat(5, 100 * 1000, 50 * 1000, false);
		ct_fail_call(CT_CALL_pthread_create, fail_at, EAGAIN);
		int err = dinner_run(3, LIMIT, "5 philosophers");
		ct_fault_clear(CT_CALL_pthread_create);
		int expected = fail_at - 1, started = ct_threads_created() - dinner_first_thread();
		CT_CHECK(err == EAGAIN,
			 "dine(t, 3) with 5 philosophers, where pthread_create call %d failed with EAGAIN: returned %d; "
			 "expected EAGAIN (%d), the error of pthread_create",
			 fail_at, err, EAGAIN);
		CT_CHECK(started == expected,
			 "dine(t, 3): after pthread_create call %d failed, %d threads had been started; expected the %d "
			 "started before it (do not try again, and start no more)",
			 fail_at, started, expected);
		for (int k = 0; k < started; k++)
			CT_CHECK(ct_thread(dinner_first_thread() + k).joined,
				 "dine(t, 3) returned EAGAIN without joining thread %d, started before pthread_create "
				 "failed: join the philosophers already started before returning",
				 k + 1);
		for (int i = 0; i < expected; i++)
			CT_CHECK(dinner_meals(i) == 3,
				 "dine(t, 3) returned EAGAIN, and philosopher %d, started before pthread_create failed, "
				 "had eaten %s; expected 3: let the philosophers already seated eat their rounds, "
				 "then join them",
				 i, TIMES(dinner_meals(i)));
		const char *v = dinner_violation();
		CT_CHECK(!v, "dine(t, 3), where pthread_create call %d failed: %s", fail_at, v);
		table_destroy(&dinner_table);
	}
	ct_pass();
}
