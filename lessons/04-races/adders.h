/*
 * adders.h - what racy.c, halves.c and fixed.c share: two threads run
 * add_many(&n) at once, n from the command line (default 1000000), then
 * the total is compared with 2n.  Each example includes it, so
 * `gcc ... -o racy racy.c` still builds one program from one file.
 */
#ifndef ADDERS_H
#define ADDERS_H

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

/* Runs add_many(&n) in two threads at once, joins both, prints *total. */
static inline int run_adders(void *(*add_many)(void *), const long *total, int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;
	pthread_t t[2];

	for (int i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, add_many, &n) != 0)
			return 1;
	for (int i = 0; i < 2; i++)
		if (pthread_join(t[i], NULL) != 0)
			return 1;
	printf("expected %ld, got %ld\n", 2 * n, *total);
	return 0;
}

#endif
