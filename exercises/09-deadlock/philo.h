/*
 * philo.h - lesson 09, exercise "philo": the dining philosophers.
 *
 * n philosophers sit at a round table with one chopstick between each two
 * neighbours.  Philosopher i eats with chopstick[i], on its left, and
 * chopstick[(i + 1) % n], on its right: it shares one chopstick with each
 * of its two neighbours.  A chopstick is a mutex; to hold one is to have
 * locked it.
 *
 * This header is the contract between your code and the grader.  The grader
 * compiles your philo.c against its own pristine copy of this file.
 */
#ifndef PHILO_H
#define PHILO_H

#include <pthread.h>

#define PHILO_MAX 16

struct table;

/*
 * What philosopher i does at the table t: supplied by the caller, who
 * decides how long each meal and each thought lasts.  Either may sleep.
 */
typedef void (*philo_action)(struct table *t, int i);

struct table {
	int n;                                /* philosophers; set by table_init, then only read */
	pthread_mutex_t chopstick[PHILO_MAX]; /* chopstick[0] .. chopstick[n - 1] */
	philo_action eat, think;              /* set by table_init, then only read */
};

/*
 * table_init - a table for n philosophers (2 <= n <= PHILO_MAX): n
 * chopsticks, each a mutex initialised, and the caller's two actions.
 * Returns 0, EINVAL for a bad n or a NULL action, or the error number of
 * pthread_mutex_init.  Written for you.
 */
int table_init(struct table *t, int n, philo_action eat, philo_action think);

/*
 * dine - the meal: one thread per philosopher, each running `rounds`
 * rounds.  In each round philosopher i calls t->think(t, i), holding no
 * chopstick; then takes its two chopsticks; calls t->eat(t, i) while
 * holding both (and no other chopstick); and puts both down.  Each
 * philosopher's think and eat are always called from its own thread.
 *
 * Whatever the timing, the meal ends: no deadlock (the chopsticks are
 * taken in an order that never closes a cycle, so Helgrind reports no
 * lock-order violation) and no livelock.  No philosopher starves: each
 * gets to eat while its neighbours go on eating.  Philosophers who share
 * no chopstick can eat at the same time: nothing but the two chopsticks
 * is held around a meal.
 *
 * Returns 0 once every thread has been joined; EINVAL if rounds < 0,
 * starting nothing; or, if a thread cannot be started, the error number
 * of pthread_create, after the philosophers already started have eaten
 * their rounds and been joined.  Blocks until then.
 */
int dine(struct table *t, int rounds);

/* table_destroy - destroy the chopsticks; no thread may use t afterwards.  Written for you. */
void table_destroy(struct table *t);

#endif
