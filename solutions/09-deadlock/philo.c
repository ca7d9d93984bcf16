/*
 * philo.c - lesson 09, exercise "philo": the dining philosophers, one
 * thread each, never deadlocked (see philo.h).
 */
#include "philo.h"

#include <errno.h>
#include <pthread.h>

int table_init(struct table *t, int n, philo_action eat, philo_action think)
{
	if (n < 2 || n > PHILO_MAX || !eat || !think)
		return EINVAL;
	for (int i = 0; i < n; i++) {
		int err = pthread_mutex_init(&t->chopstick[i], NULL);
		if (err) {
			while (i-- > 0)
				pthread_mutex_destroy(&t->chopstick[i]);
			return err;
		}
	}
	t->n = n;
	t->eat = eat;
	t->think = think;
	return 0;
}

/* What one philosopher's thread needs: written before the thread starts, then only read. */
struct seat {
	struct table *t;
	int i, rounds;
};

/*
 * One philosopher's life.  The chopsticks are ranked by number, and each
 * philosopher takes the lower-numbered of its two first: no cycle of
 * "holds one, waits for the next" can form (the circular-wait condition
 * is broken), so the meal cannot deadlock.  Philosopher n-1 is the one
 * that takes its right chopstick (chopstick[0]) first.
 */
static void *philosopher(void *arg)
{
	const struct seat *s = arg;
	struct table *t = s->t;
	int left = s->i, right = (s->i + 1) % t->n;
	pthread_mutex_t *first = &t->chopstick[left < right ? left : right];
	pthread_mutex_t *second = &t->chopstick[left < right ? right : left];

	for (int r = 0; r < s->rounds; r++) {
		t->think(t, s->i);
		pthread_mutex_lock(first); /* blocks while a neighbour eats */
		pthread_mutex_lock(second);
		t->eat(t, s->i);
		pthread_mutex_unlock(second);
		pthread_mutex_unlock(first);
	}
	return NULL;
}

int dine(struct table *t, int rounds)
{
	pthread_t threads[PHILO_MAX];
	struct seat seats[PHILO_MAX]; /* outlives every thread: they are all joined below */
	int started = 0, err = 0;

	if (rounds < 0)
		return EINVAL;
	for (; started < t->n; started++) {
		seats[started] = (struct seat){t, started, rounds};
		err = pthread_create(&threads[started], NULL, philosopher, &seats[started]);
		if (err)
			break; /* the ones already seated still eat their rounds */
	}
	for (int i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	return err;
}

void table_destroy(struct table *t)
{
	for (int i = 0; i < t->n; i++)
		pthread_mutex_destroy(&t->chopstick[i]);
}
