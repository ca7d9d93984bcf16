/*
 * sum_serial.c - known-wrong variant of exercises/02-threads/sum.c: creates each thread and joins it at once, so only one thread ever works.
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
	long sum = 0;

	for (int t = 0; t < nthreads; t++) {
		struct share s = {term, n * (size_t)t / (size_t)nthreads, n * (size_t)(t + 1) / (size_t)nthreads, 0};
		pthread_t th;
		int err = pthread_create(&th, NULL, sum_share, &s);

		if (err)
			return err;
		pthread_join(th, NULL); /* waits before the next thread even exists */
		sum += s.partial;
	}
	*total = sum;
	return 0;
}
