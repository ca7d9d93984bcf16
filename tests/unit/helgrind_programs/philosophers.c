/*
 * philosophers.c - five dining philosophers, each taking its left then its
 * right chopstick: a lock-order cycle through five locks.
 *
 * The philosophers eat one at a time (each is joined before the next
 * starts), so the run never deadlocks, but Helgrind sees the order
 * chop[0] -> chop[1] -> ... -> chop[4] -> chop[0].  In the first round only
 * the last philosopher closes the cycle, so Helgrind reports one violation,
 * whose "required order" it inferred through the other locks; from the
 * second round on, every philosopher's order contradicts the cycle and is
 * reported.  Usage: philosophers [ROUNDS] (default 2).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define N 5

static pthread_mutex_t chop[N];
static int meals[N]; /* meals[i] is protected by chop[i] */

static void *philosopher(void *arg)
{
	int i = (int)(long)arg;
	int left = i, right = (i + 1) % N;

	pthread_mutex_lock(&chop[left]);
	pthread_mutex_lock(&chop[right]);
	meals[i]++;
	pthread_mutex_unlock(&chop[right]);
	pthread_mutex_unlock(&chop[left]);
	return NULL;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 2;
	pthread_t t;
	int rc;

	for (int i = 0; i < N; i++)
		pthread_mutex_init(&chop[i], NULL);
	for (int r = 0; r < rounds; r++) {
		for (long i = 0; i < N; i++) {
			rc = pthread_create(&t, NULL, philosopher, (void *)i);
			if (rc != 0) {
				fprintf(stderr, "pthread_create: error %d\n", rc);
				return 1;
			}
			pthread_join(t, NULL);
		}
	}
	return 0;
}
