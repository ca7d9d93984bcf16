/*
 * sum_shared_total.c - known-wrong variant of exercises/02-threads/sum.c: lets every thread add into one shared total without a lock.
 * Graded by make test; the expected verdict is in variants.json.
 */
#include <pthread.h>

#include "sum.h"

struct share {
	sum_term term;
	size_t first, last;
};

static long shared_total;

static void *sum_share(void *arg)
{
	struct share *s = arg;

	for (size_t i = s->first; i < s->last; i++)
		shared_total += s->term(i); /* read-modify-write, unprotected */
	return NULL;
}

int parallel_sum(size_t n, sum_term term, int nthreads, long *total)
{
	struct share s[64];
	pthread_t th[64];

	shared_total = 0;
	for (int t = 0; t < nthreads; t++) {
		s[t] = (struct share){term, n * (size_t)t / (size_t)nthreads, n * (size_t)(t + 1) / (size_t)nthreads};
		int err = pthread_create(&th[t], NULL, sum_share, &s[t]);
		if (err)
			return err;
	}
	for (int t = 0; t < nthreads; t++)
		pthread_join(th[t], NULL);
	*total = shared_total;
	return 0;
}
