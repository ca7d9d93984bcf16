/*
 * many_threads.c - twelve workers that lock correctly, and one pair of
 * threads that race on `hits`: only the pair is in Helgrind's findings, so
 * the explanation should name only their threads.
 */
#include <pthread.h>
#include <stdio.h>

#define WORKERS 12

static pthread_mutex_t total_lock = PTHREAD_MUTEX_INITIALIZER; /* protects total */
static long total, hits;

static void *worker(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&total_lock);
	total++;
	pthread_mutex_unlock(&total_lock);
	return NULL;
}

static void *hit(void *arg)
{
	(void)arg;
	hits++; /* BUG: no lock */
	return NULL;
}

int main(void)
{
	pthread_t w[WORKERS], h[2];

	for (int i = 0; i < WORKERS; i++)
		if (pthread_create(&w[i], NULL, worker, NULL) != 0)
			return 1;
	for (int i = 0; i < 2; i++)
		if (pthread_create(&h[i], NULL, hit, NULL) != 0)
			return 1;
	for (int i = 0; i < WORKERS; i++)
		pthread_join(w[i], NULL);
	for (int i = 0; i < 2; i++)
		pthread_join(h[i], NULL);
	printf("%ld %ld\n", total, hits);
	return 0;
}
