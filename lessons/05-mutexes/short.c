/* short.c - the same slow step inside the critical section, then outside it. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define NTHREADS 4
#define RECORDS 25

struct stats {
	pthread_mutex_t lock; /* protects count and total, together */
	long count;           /* invariant: count values recorded ... */
	long total;           /* ... and total is their sum */
};

static struct stats st = {PTHREAD_MUTEX_INITIALIZER, 0, 0};
static int slow_inside; /* set by main before the threads start */

static void write_log(long value) /* slow: 1 ms, like a write to a disk */
{
	struct timespec ms = {0, 1000 * 1000};

	(void)value;
	nanosleep(&ms, NULL);
}

static int record(long value)
{
	int err = pthread_mutex_lock(&st.lock);

	if (err != 0)
		return err;
	st.count++; /* the critical section: both fields change together */
	st.total += value;
	if (slow_inside)
		write_log(value); /* BAD: everyone else waits for our disk */
	err = pthread_mutex_unlock(&st.lock);
	if (!slow_inside)
		write_log(value); /* GOOD: the lock is free while we wait */
	return err;
}

static void *worker(void *arg)
{
	int err = 0;

	(void)arg;
	for (long i = 0; i < RECORDS && err == 0; i++)
		err = record(i);
	return (void *)(intptr_t)err; /* 0: all recorded */
}

static double run(int inside)
{
	pthread_t t[NTHREADS];
	struct timespec t0, t1;
	void *failed;

	slow_inside = inside;
	st.count = st.total = 0; /* no thread running yet: no lock needed */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < NTHREADS; i++)
		if (pthread_create(&t[i], NULL, worker, NULL) != 0)
			exit(1);
	for (int i = 0; i < NTHREADS; i++)
		if (pthread_join(t[i], &failed) != 0 || failed != NULL)
			exit(1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
}

int main(void)
{
	printf("log written inside the lock:  %4.0f ms\n", run(1));
	printf("log written outside the lock: %4.0f ms\n", run(0));
	printf("%ld records, total %ld\n", st.count, st.total); /* the last run's */
	return 0;
}
