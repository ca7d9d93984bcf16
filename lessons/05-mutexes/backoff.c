/* backoff.c - abba.c's two opposite orders, each taken with trylock and a random back-off. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static const struct timespec gap = {0, 10 * 1000 * 1000}; /* 10 ms between a thread's two locks */

/*
 * Takes first, then second, without ever waiting for second while holding
 * first.  Returns 0 holding both, or an error number holding neither.
 * *retries counts the times it had to let go and start again.
 */
static int lock_both(pthread_mutex_t *first, pthread_mutex_t *second, unsigned *seed, int *retries)
{
	for (;;) {
		int err = pthread_mutex_lock(first);
		if (err != 0)
			return err;
		nanosleep(&gap, NULL); /* the same window as in abba.c */
		err = pthread_mutex_trylock(second);
		if (err == 0)
			return 0;                  /* both held */
		pthread_mutex_unlock(first);       /* let go of what we hold ... */
		if (err != EBUSY)
			return err;
		++*retries;
		struct timespec pause = {0, (1 + rand_r(seed) % 20) * 1000 * 1000};
		nanosleep(&pause, NULL); /* ... and wait a random 1 to 20 ms */
	}
}

struct locker {
	pthread_mutex_t *first, *second; /* in: the order this thread takes them in */
	unsigned seed;                   /* in: this thread's own rand_r state */
	int retries;                     /* out: times it let go and started again */
};

static void *take_both(void *arg)
{
	struct locker *l = arg;
	int err = lock_both(l->first, l->second, &l->seed, &l->retries);

	if (err == 0) {
		pthread_mutex_unlock(l->second);
		pthread_mutex_unlock(l->first);
	}
	return err == 0 ? NULL : l;
}

int main(void)
{
	struct locker lockers[2] = {{&a, &b, 1, 0}, {&b, &a, 2, 0}}; /* opposite orders */
	pthread_t t[2];
	void *failed[2];

	for (int i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, take_both, &lockers[i]) != 0)
			return 1;
	for (int i = 0; i < 2; i++)
		if (pthread_join(t[i], &failed[i]) != 0 || failed[i] != NULL)
			return 1;
	printf("done: thread 1 backed off %d time(s), thread 2 %d time(s)\n", lockers[0].retries,
	       lockers[1].retries);
	return 0;
}
