/*
 * alt_sum_mutex_total.c - a correct parallel_sum() written differently
 * from the reference: the threads add their partial sums into one total
 * that belongs to this call, under a mutex of that call (each thread
 * locks once, after its own loop, never around term()), the threads are
 * created with an explicit joinable attribute, and the split gives the
 * last thread whatever is left.
 */
#include "sum.h"

#include <errno.h>
#include <pthread.h>

/* One call's shared result: lock protects sum. */
struct result {
	pthread_mutex_t lock;
	long sum;
};

struct work {
	struct result *result;
	sum_term term;
	size_t first, count;
};

static void *worker(void *p)
{
	struct work *w = p;
	long mine = 0;

	for (size_t k = 0; k < w->count; k++)
		mine += w->term(w->first + k);
	pthread_mutex_lock(&w->result->lock);
	w->result->sum += mine;
	pthread_mutex_unlock(&w->result->lock);
	return NULL;
}

int parallel_sum(size_t n, sum_term term, int nthreads, long *total)
{
	struct result result = {.sum = 0};
	struct work work[64];
	pthread_t threads[64];
	pthread_attr_t attr;
	int err, started = 0;

	if (nthreads < 1 || nthreads > 64)
		return EINVAL;
	err = pthread_mutex_init(&result.lock, NULL);
	if (err)
		return err;
	err = pthread_attr_init(&attr);
	if (!err)
		err = pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_JOINABLE);
	size_t each = n / (size_t)nthreads;
	for (int t = 0; !err && t < nthreads; t++) {
		work[t] =
		    (struct work){&result, term, (size_t)t * each, t == nthreads - 1 ? n - (size_t)t * each : each};
		err = pthread_create(&threads[t], &attr, worker, &work[t]);
		if (!err)
			started++;
	}
	pthread_attr_destroy(&attr);
	for (int t = 0; t < started; t++)
		pthread_join(threads[t], NULL);
	pthread_mutex_destroy(&result.lock);
	if (!err)
		*total = result.sum;
	return err;
}
