/* racy.c - BROKEN: two threads add to one counter with no synchronisation. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static long hits; /* shared by both threads, protected by nothing */

static void *add_many(void *arg)
{
	long n = *(const long *)arg;

	for (long i = 0; i < n; i++)
		hits++; /* load, add 1, store: three steps */
	return NULL;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;
	pthread_t t[2];

	for (int i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, add_many, &n) != 0)
			return 1;
	for (int i = 0; i < 2; i++)
		if (pthread_join(t[i], NULL) != 0)
			return 1;
	printf("expected %ld, got %ld\n", 2 * n, hits);
	return 0;
}
