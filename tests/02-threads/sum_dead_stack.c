/*
 * sum_dead_stack.c - known-wrong variant of exercises/02-threads/sum.c: gives each thread a pointer into the stack frame of a helper that has already returned.
 * Graded by make test; the expected verdict is in variants.json.
 */
#include <pthread.h>

#include "sum.h"

struct share {
	sum_term term;
	size_t first, last;
	long partial;
};

static void *sum_share(void *arg)
{
	struct share *s = arg;

	s->partial = 0;
	for (size_t i = s->first; i < s->last; i++)
		s->partial += s->term(i);
	return NULL;
}

static struct share *results[64];

/* Starts one thread; its argument lives in this frame, which dies on return. */
static int start_share(pthread_t *th, int t, sum_term term, size_t first, size_t last)
{
	struct share s = {term, first, last, 0};

	results[t] = &s;
	return pthread_create(th, NULL, sum_share, &s);
}

int parallel_sum(size_t n, sum_term term, int nthreads, long *total)
{
	pthread_t th[64];
	long sum = 0;

	for (int t = 0; t < nthreads; t++) {
		int err = start_share(&th[t], t, term, n * (size_t)t / (size_t)nthreads,
				      n * (size_t)(t + 1) / (size_t)nthreads);
		if (err)
			return err;
	}
	for (int t = 0; t < nthreads; t++) {
		pthread_join(th[t], NULL);
		sum += results[t]->partial;
	}
	*total = sum;
	return 0;
}
