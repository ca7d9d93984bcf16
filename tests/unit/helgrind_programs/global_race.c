/*
 * global_race.c - the simplest data race, on two different lines: deposit()
 * adds to `balance` while audit() reads it, neither holding a lock.  Both
 * threads are still running when the race is seen (each waits at a barrier
 * before it returns), so that every tool can show both threads' stacks.
 */
#include <pthread.h>
#include <stdio.h>

static long balance; /* BUG: shared by deposit() and audit(), no lock */
static pthread_barrier_t done;

static void *deposit(void *arg)
{
	(void)arg;
	for (int i = 0; i < 1000; i++)
		balance += 10;
	pthread_barrier_wait(&done);
	return NULL;
}

static void *audit(void *arg)
{
	long seen = 0;

	(void)arg;
	for (int i = 0; i < 1000; i++)
		seen += balance;
	pthread_barrier_wait(&done);
	return (void *)seen;
}

int main(void)
{
	pthread_t a, b;
	int rc;

	if ((rc = pthread_barrier_init(&done, NULL, 2)) != 0) {
		fprintf(stderr, "pthread_barrier_init: error %d\n", rc);
		return 1;
	}
	if ((rc = pthread_create(&a, NULL, deposit, NULL)) != 0 || (rc = pthread_create(&b, NULL, audit, NULL)) != 0) {
		fprintf(stderr, "pthread_create: error %d\n", rc);
		return 1;
	}
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	pthread_barrier_destroy(&done);
	printf("%ld\n", balance);
	return 0;
}
