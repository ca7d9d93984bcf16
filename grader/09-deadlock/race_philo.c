/*
 * race_philo.c - Helgrind driver for lesson 09, exercise "philo".
 *
 * Five philosophers, then two, dine for ROUNDS rounds.  Each round opens
 * with a rendezvous of the whole table (ct_meet, in think()), and the
 * grader yields at every lock and unlock (ct_driver_yield.h), so the
 * philosophers really reach for their chopsticks together in every round:
 * a data race between their threads (a seat passed by the address of a
 * loop variable, a counter shared without a lock) falls between two
 * threads' accesses and is reported.  Because every philosopher has eaten
 * round k before any begins round k + 1, Helgrind has seen every step of
 * the student's lock order by the second round, and an order that closes
 * a cycle ("left, then right") is reported as a lock-order violation,
 * with every step of the cycle, in every run.
 *
 * The driver must never deadlock, whatever the student's order, or
 * Helgrind's report would be lost with it.  So after the rendezvous its
 * think() lets at most n - 1 philosophers be hungry (between the end of a
 * thought and the start of a meal) at once: with one of them out of the
 * race, no ring of "holds one, waits for the next" can close.  Both waits
 * are made of atomic read-modify-writes and sleeps only, which Helgrind
 * treats as plain reads that order nothing, so they hide no race of the
 * student's.  The rendezvous opens after 300 ms and the seat wait after
 * 2 s, so code that never lets everyone eat is slow here, never stuck: its
 * other checks say what is wrong.
 */
#include <stdatomic.h>

#include "ct_clock.h"
#include "ct_driver.h"
#include "philo.h"

#define ROUNDS 3

static struct ct_meet meet;             /* of the n philosophers of the dinner now */
static atomic_int hungry;               /* philosophers between the end of a thought and the start of a meal */
static atomic_int seated[PHILO_MAX];    /* 1 while philosopher i is counted in hungry */
static atomic_uint thoughts[PHILO_MAX]; /* thoughts philosopher i began: its round */
static int n_at_table;                  /* n; written before dine() starts any thread */

#define NAP_NS (200 * 1000ULL)
#define PATIENCE 10000 /* naps: 2 s */

static void think(struct table *t, int i)
{
	(void)t;
	if (i < 0 || i >= n_at_table)
		return;
	unsigned round = atomic_fetch_add(&thoughts[i], 1);
	if (round < ROUNDS)
		ct_meet_wait(&meet, round); /* every philosopher has eaten round - 1 */
	for (int k = 0;; k++) {
		if (atomic_fetch_add(&hungry, 1) < n_at_table - 1 || k >= PATIENCE) {
			if (atomic_exchange(&seated[i], 1)) /* thought twice without eating: counted once */
				atomic_fetch_sub(&hungry, 1);
			return;
		}
		atomic_fetch_sub(&hungry, 1);
		ct_sleep_ns(NAP_NS);
	}
}

static void eat(struct table *t, int i)
{
	(void)t;
	if (i < 0 || i >= n_at_table)
		return;
	if (atomic_exchange(&seated[i], 0))
		atomic_fetch_sub(&hungry, 1);
}

static void dinner(int n)
{
	struct table t;

	n_at_table = n;
	ct_meet_init(&meet, (unsigned)n);
	atomic_exchange(&hungry, 0);
	for (int i = 0; i < PHILO_MAX; i++) {
		atomic_exchange(&seated[i], 0);
		atomic_exchange(&thoughts[i], 0);
	}
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
