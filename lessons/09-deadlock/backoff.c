/*
 * backoff.c - lesson 09: five philosophers who take the left chopstick,
 * then only *try* the right one; on EBUSY they put the left one down and
 * back off.  ./backoff fixed    every philosopher waits the same 1 ms
 *              ./backoff random   a random wait that doubles after each failure
 * It prints how many tries failed per meal: the price of backing off.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define N 5
#define ROUNDS 200

static pthread_mutex_t chopstick[N];
static atomic_long failed_tries;
static int random_backoff; /* set by main before any thread starts */

static void pause_us(long us)
{
	struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
	nanosleep(&ts, NULL);
}

static void *philosopher(void *arg)
{
	int i = (int)(long)arg, left = i, right = (i + 1) % N;
	unsigned seed = 12345u * (unsigned)(i + 1);

	for (int r = 0; r < ROUNDS; r++) {
		for (int fails = 0;; fails++) {
			pthread_mutex_lock(&chopstick[left]);
			int err = pthread_mutex_trylock(&chopstick[right]);
			if (err == 0)
				break; /* holds both */
			pthread_mutex_unlock(&chopstick[left]); /* never wait while holding one */
			if (err != EBUSY) {
				fprintf(stderr, "pthread_mutex_trylock: %s\n", strerror(err));
				exit(1);
			}
			failed_tries++;
			long cap = 50L << (fails < 8 ? fails : 8); /* 50 us, 100 us, ... 12.8 ms */
			pause_us(random_backoff ? 1 + rand_r(&seed) % cap : 1000);
		}
		pause_us(100); /* eat */
		pthread_mutex_unlock(&chopstick[right]);
		pthread_mutex_unlock(&chopstick[left]);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[N];
	struct timespec t0, t1;

	if (argc != 2 || (strcmp(argv[1], "fixed") != 0 && strcmp(argv[1], "random") != 0)) {
		fprintf(stderr, "usage: %s fixed|random\n", argv[0]);
		return 2;
	}
	random_backoff = strcmp(argv[1], "random") == 0;
	for (int i = 0; i < N; i++)
		if (pthread_mutex_init(&chopstick[i], NULL) != 0)
			return 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long i = 0; i < N; i++) {
		int err = pthread_create(&t[i], NULL, philosopher, (void *)i);
		if (err) {
			fprintf(stderr, "pthread_create: %s\n", strerror(err));
			return 1;
		}
	}
	for (int i = 0; i < N; i++)
		pthread_join(t[i], NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("%s back-off: %d meals in %.2f s, %.2f failed tries per meal\n", argv[1], N * ROUNDS, s,
	       (double)failed_tries / (N * ROUNDS));
	return 0;
}
