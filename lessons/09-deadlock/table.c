/*
 * table.c - lesson 09: five philosophers, one thread each, one mutex per
 * chopstick.  ./table left    every philosopher takes its left chopstick, then its right
 *            ./table ordered  every philosopher takes the lower-numbered chopstick first
 * Each holds its first chopstick 10 ms before reaching for the second, so
 * "left" deadlocks in almost every run.  The main thread waits up to 2 s,
 * then reports how many meals each philosopher ate and exits.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define N 5
#define ROUNDS 20

static pthread_mutex_t chopstick[N];
static atomic_int meals[N];
static atomic_int finished;
static int ordered; /* set by main before any thread starts */

static void pause_ms(long ms)
{
	struct timespec ts = {0, ms * 1000 * 1000};
	nanosleep(&ts, NULL);
}

static void *philosopher(void *arg)
{
	int i = (int)(long)arg, left = i, right = (i + 1) % N;
	int first = left, second = right;

	if (ordered && right < left) { /* only philosopher N-1 swaps */
		first = right;
		second = left;
	}
	for (int r = 0; r < ROUNDS; r++) {
		pthread_mutex_lock(&chopstick[first]);
		pause_ms(10); /* hold the first chopstick a while: the deadlock window */
		pthread_mutex_lock(&chopstick[second]);
		meals[i]++; /* eat */
		pthread_mutex_unlock(&chopstick[second]);
		pthread_mutex_unlock(&chopstick[first]);
	}
	finished++;
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[N];

	if (argc != 2 || (strcmp(argv[1], "left") != 0 && strcmp(argv[1], "ordered") != 0)) {
		fprintf(stderr, "usage: %s left|ordered\n", argv[0]);
		return 2;
	}
	ordered = strcmp(argv[1], "ordered") == 0;
	for (int i = 0; i < N; i++) {
		int err = pthread_mutex_init(&chopstick[i], NULL);
		if (err) {
			fprintf(stderr, "pthread_mutex_init: %s\n", strerror(err));
			return 1;
		}
	}
	for (long i = 0; i < N; i++) {
		int err = pthread_create(&t[i], NULL, philosopher, (void *)i);
		if (err) {
			fprintf(stderr, "pthread_create: %s\n", strerror(err));
			return 1;
		}
	}
	for (int k = 0; k < 200 && finished < N; k++)
		pause_ms(10);
	printf("%s: %d of %d philosophers finished; meals:", argv[1], (int)finished, N);
	for (int i = 0; i < N; i++)
		printf(" %d", (int)meals[i]);
	printf("\n");
	if (finished < N) {
		printf("deadlock: every philosopher holds one chopstick and waits for the next\n");
		exit(1); /* the threads are stuck in pthread_mutex_lock: they cannot be joined */
	}
	for (int i = 0; i < N; i++)
		pthread_join(t[i], NULL);
	return 0;
}
