/*
 * philo.c - lesson 09, exercise "philo": the dining philosophers, one
 * thread each, never deadlocked (see philo.h).
 */
#include "philo.h"

#include <errno.h>
#include <pthread.h>

#include "concur_todo.h"

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

int dine(struct table *t, int rounds)
{
	/*
	 * TODO: seat the philosophers, one thread each, and let every one of
	 * them eat `rounds` times without ever deadlocking, livelocking or
	 * starving anyone (see philo.h).
	 */
	(void)t;
	(void)rounds;
	return CONCUR_TODO(-1);
}

void table_destroy(struct table *t)
{
	for (int i = 0; i < t->n; i++)
		pthread_mutex_destroy(&t->chopstick[i]);
}
