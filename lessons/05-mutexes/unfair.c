/* unfair.c - two threads that take one mutex over and over: who gets it, and how many times in a row. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long taken[2];       /* protected by lock: acquisitions per thread */
static long streak, longest; /* protected by lock: acquisitions in a row by one thread */
static int last = -1;       /* protected by lock: who had it before */
static atomic_int stop;     /* set by main after 200 ms */

static void *grabber(void *arg)
{
	int me = (int)(intptr_t)arg;

	while (!atomic_load(&stop)) {
		pthread_mutex_lock(&lock);
		streak = last == me ? streak + 1 : 1;
		longest = streak > longest ? streak : longest;
		last = me;
		taken[me]++;
		pthread_mutex_unlock(&lock); /* ... and straight back to lock */
	}
	return NULL;
}

int main(void)
{
	struct timespec run = {0, 200 * 1000 * 1000};
	pthread_t t[2];

	for (int k = 0; k < 2; k++)
		if (pthread_create(&t[k], NULL, grabber, (void *)(intptr_t)k) != 0)
			return 1;
	nanosleep(&run, NULL);
	atomic_store(&stop, 1);
	for (int k = 0; k < 2; k++)
		if (pthread_join(t[k], NULL) != 0)
			return 1;
	printf("thread 0 took the lock %ld times, thread 1 %ld times; longest run by one thread: %ld\n", taken[0],
	       taken[1], longest);
	return 0;
}
