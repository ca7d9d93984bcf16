/*
 * alt_sum_atomic.c - a correct parallel_sum() written differently from the
 * reference: the threads add their partial sums into one atomic total of
 * this call (atomic_fetch_add), read after every thread has been joined,
 * and the thread arguments live in one heap block freed before returning.
 */
#include "sum.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

struct job {
	_Atomic long *total;
	sum_term term;
	size_t lo, hi;
	pthread_t id;
};

static void *run_job(void *p)
{
	struct job *j = p;
	long s = 0;

	for (size_t i = j->lo; i < j->hi; i++)
		s += j->term(i);
	atomic_fetch_add_explicit(j->total, s, memory_order_relaxed);
	return NULL;
}

int parallel_sum(size_t n, sum_term term, int nthreads, long *total)
{
	if (nthreads < 1 || nthreads > 64)
		return EINVAL;

	struct job *jobs = calloc((size_t)nthreads, sizeof *jobs);
	_Atomic long sum = 0;
	int err = 0, t;

	if (!jobs)
		return ENOMEM;
	for (t = 0; t < nthreads; t++) {
		jobs[t] = (struct job){&sum, term, n * (size_t)t / (size_t)nthreads,
				       n * (size_t)(t + 1) / (size_t)nthreads, 0};
		err = pthread_create(&jobs[t].id, NULL, run_job, &jobs[t]);
		if (err)
			break;
	}
	while (t-- > 0)
		pthread_join(jobs[t].id, NULL);
	free(jobs);
	if (err)
		return err;
	*total = atomic_load(&sum);
	return 0;
}
