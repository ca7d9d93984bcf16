/*
 * sum_loop_var.c - known-wrong variant of exercises/02-threads/sum.c: hands every thread a pointer to the loop variable, which keeps changing.
 * Graded by make test; the expected verdict is in variants.json.
 */
#include <pthread.h>

#include "sum.h"

static size_t g_n;
static int g_threads;
static sum_term g_term;
static long partials[64];

static void *sum_share(void *arg)
{
	int t = *(int *)arg; /* read whenever the thread gets to it */
	long p = 0;

	for (size_t i = g_n * (size_t)t / (size_t)g_threads; i < g_n * (size_t)(t + 1) / (size_t)g_threads; i++)
		p += g_term(i);
	partials[t] = p;
	return NULL;
}

int parallel_sum(size_t n, sum_term term, int nthreads, long *total)
{
	pthread_t th[64];
	long sum = 0;
	int t;

	g_n = n;
	g_threads = nthreads;
	g_term = term;
	for (t = 0; t < nthreads; t++) {
		partials[t] = 0;
		int err = pthread_create(&th[t], NULL, sum_share, &t);
		if (err)
			return err;
	}
	for (int k = 0; k < nthreads; k++) {
		pthread_join(th[k], NULL);
		sum += partials[k];
	}
	*total = sum;
	return 0;
}
