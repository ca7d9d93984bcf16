/*
 * sum_not_joined.c - known-wrong variant of exercises/02-threads/sum.c: never joins its first thread.
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

int parallel_sum(size_t n, sum_term term, int nthreads, long *total)
{
	struct share s[64];
	pthread_t th[64];
	long sum = 0;

	for (int t = 0; t < nthreads; t++) {
		s[t] = (struct share){term, n * (size_t)t / (size_t)nthreads, n * (size_t)(t + 1) / (size_t)nthreads, 0};
		int err = pthread_create(&th[t], NULL, sum_share, &s[t]);
		if (err)
			return err;
	}
	for (int t = 1; t < nthreads; t++) { /* off by one: thread 0 is forgotten */
		pthread_join(th[t], NULL);
		sum += s[t].partial;
	}
	*total = sum;
	return 0;
}
