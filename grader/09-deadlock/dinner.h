/*
 * dinner.h - the grader's side of lesson 09's table: the eat and think
 * actions that record and check every meal, and a runner that calls the
 * student's dine() and watches it make progress.
 *
 * The actions are called by the student's philosopher threads.  eat(t, i)
 * records the meal's interval, asks the lock tracker (ct_locks.h) which
 * mutexes its thread holds, and checks them against philo.h: both of
 * philosopher i's chopsticks, no other chopstick, never beside a
 * neighbour's meal, always from the same thread, after a thought.
 * think(t, i) checks that no chopstick is held.  A broken promise is
 * recorded (the first one, in words) for the test to report after the run:
 * the actions run in the student's threads, where a failed check could not
 * end the test.
 *
 * The runner calls dine() in a helper thread of the grader's and, from
 * the test's thread, watches the meals go by.  A deadlock on the
 * chopsticks is the watchdog's (ct_locks.h): it draws the cycle.  What the
 * watchdog cannot see, the runner reports when no philosopher has eaten or
 * thought for a while: threads that keep taking and giving back
 * chopsticks (a livelock), threads that hold a chopstick and keep trying
 * the other with trylock, or threads stuck in something that is not a
 * mutex.  It also ends a meal that goes on too long.
 *
 * The records are written by the philosophers' threads through atomics
 * only, never through a mutex (every mutex call is the student's, to the
 * tracker), and read by the test's thread after dine() returned, or while
 * it runs for the progress count alone.
 */
#ifndef DINNER_H
#define DINNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ct_timing.h"
#include "philo.h"

/* Meals recorded per philosopher (more are counted, not recorded). */
#define DINNER_MAX_MEALS 512

/* How long the actions take; both sleep. */
struct dinner_plan {
	int n;               /* philosophers */
	uint64_t eat_ns;     /* each meal */
	uint64_t think_ns;   /* each thought: exactly this, or with think_random a random 0 .. think_ns */
	bool think_random;   /* a fixed seed per philosopher: the same in every run */
	bool start_together; /* the first thoughts end together: once all n philosophers began one (300 ms at most) */
};

/* The table the actions belong to. */
extern struct table dinner_table;

/*
 * Forgets every record and sets up dinner_table for plan (table_init, its
 * chopsticks named "chopstick[i]" for the tracker).  Fails the test if
 * table_init fails.
 */
void dinner_setup(const struct dinner_plan *plan);

/*
 * Calls dine(&dinner_table, rounds) in a helper thread and returns what
 * it returned.  Fails the test, with a description of what the
 * philosophers are doing, if no philosopher eats or thinks for 600 ms
 * (and the watchdog has not seen a deadlock first), or if dine() has not
 * returned after limit_ns.  `why` says what the test is about, for the
 * messages ("5 philosophers, 20 rounds, each chopstick held 2 ms").
 */
int dinner_run(int rounds, uint64_t limit_ns, const char *why);

/* "once", "2 times", "0 times": how often, in words (into buf; TIMES gives each use a buffer of its own). */
const char *dinner_times_text(char *buf, size_t len, int n);
#define TIMES(n) dinner_times_text((char[24]){0}, 24, (n))

/*
 * After a run: checks every promise the actions saw kept or broken, and
 * that philosopher i ate and thought `rounds` times each, with one thread
 * per philosopher, every thread joined.  Fails the test otherwise.
 */
void dinner_check_meals(int rounds, const char *call);

/* ct_threads_created() when the table was set up: the student's threads are numbered from there. */
int dinner_first_thread(void);

/* Meals philosopher i ate, and their intervals (the first DINNER_MAX_MEALS). */
int dinner_meals(int i);
const struct ct_interval *dinner_meal_log(int i);
/* Thoughts of philosopher i. */
int dinner_thoughts(int i);
/* The first lock other than its two chopsticks that a philosopher held while eating, described; NULL if none. */
const char *dinner_extra_lock(void);
/* The first broken promise the actions saw, in words; NULL if none. */
const char *dinner_violation(void);

#endif
