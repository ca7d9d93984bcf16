/*
 * race_philo.c - Helgrind driver for lesson 09, exercise "philo".
 *
 * Five philosophers, then two, dine for a few rounds each.  Every one of
 * them eats, so every order in which the student's code takes chopsticks
 * is seen, and a cycle ("left, then right") is reported as a lock-order
 * violation; data races between the philosophers' threads (a seat passed
 * by the address of a loop variable, a shared counter) are reported too.
 *
 * Under Valgrind the threads run one at a time, in long slices: left to
 * itself, philosopher 0 could eat all its rounds before philosopher 4
 * first closes the cycle, and Helgrind would report only the one
 * acquisition that closed it.  So after its first meal a philosopher
 * thinks until every one of them has eaten once: from its second meal on,
 * each acquisition that goes against the cycle is reported, and the
 * harness can name every step of it.
 *
 * The driver must never deadlock, whatever the student's order, or
 * Helgrind's report would be lost with it.  So its think() lets at most
 * n - 1 philosophers be hungry (between the end of a thought and the start
 * of a meal) at once: with one of them out of the race, no ring of "holds
 * one, waits for the next" can close.  Both waits are made of atomic
 * read-modify-writes and sleeps only: Helgrind treats those as plain
 * accesses that order nothing, so they hide no race of the student's.  A
 * wait that lasts 2 s gives up, so code that never lets everyone eat is
 * slow here, never stuck; its other checks say what is wrong.
 */
#include <stdatomic.h>
#include <time.h>

#include "ct_driver.h"
#include "philo.h"

#define ROUNDS 3

static atomic_int hungry;            /* philosophers between the end of a thought and the start of a meal */
static atomic_int seated[PHILO_MAX]; /* 1 while philosopher i is counted in hungry */
static atomic_int meals[PHILO_MAX];  /* meals philosopher i began */
static atomic_int first_meals;       /* philosophers who began at least one meal */
static int n_at_table;               /* n; written before dine() starts any thread */

#define PATIENCE 10000 /* naps of 0.2 ms: 2 s */

static void nap(void)
{
	struct timespec ts = {0, 200 * 1000};

	nanosleep(&ts, NULL);
}

static void think(struct table *t, int i)
{
	(void)t;
	if (i < 0 || i >= PHILO_MAX)
		return;
	/* After a first meal: until everyone has had one (atomic_fetch_add(x, 0) reads x as an RMW). */
	for (int k = 0; atomic_fetch_add(&meals[i], 0) > 0 && atomic_fetch_add(&first_meals, 0) < n_at_table &&
			k < PATIENCE;
	     k++)
		nap();
	for (int k = 0;; k++) {
		if (atomic_fetch_add(&hungry, 1) < n_at_table - 1 || k >= PATIENCE) {
			if (atomic_exchange(&seated[i], 1)) /* thought twice without eating: counted once */
				atomic_fetch_sub(&hungry, 1);
			return;
		}
		atomic_fetch_sub(&hungry, 1);
		nap();
	}
}

static void eat(struct table *t, int i)
{
	(void)t;
	if (i < 0 || i >= PHILO_MAX)
		return;
	if (atomic_exchange(&seated[i], 0))
		atomic_fetch_sub(&hungry, 1);
	if (atomic_fetch_add(&meals[i], 1) == 0)
		atomic_fetch_add(&first_meals, 1);
}

static void dinner(int n)
{
	struct table t;

	n_at_table = n;
	atomic_exchange(&first_meals, 0);
	for (int i = 0; i < PHILO_MAX; i++)
		atomic_exchange(&meals[i], 0);
	if (table_init(&t, n, eat, think) != 0)
		ct_driver_fail("grader error: table_init(t, %d, eat, think) failed", n);
	int err = dine(&t, ROUNDS);
	if (err != 0)
		ct_driver_fail("dine(t, %d) with %d philosophers returned %d; expected 0", ROUNDS, n, err);
	table_destroy(&t);
}

int main(void)
{
	dinner(5);
	dinner(2);
	ct_driver_pass();
}
