/*
 * sum.c - lesson 02, exercise "sum".  Read lessons/02-threads.md first.
 *
 * Goal: split a sum over nthreads threads that run at the same time, give
 * each thread its own arguments, and combine their results after joining.
 * The contract is in sum.h.
 * Check your work with:  make check LESSON=2 EXERCISE=sum
 */
#include "sum.h"

#include <errno.h>
#include <pthread.h>
#include <stddef.h>

#include "concur_todo.h"

/*
 * One thread's share.  The caller fills in [first, last) and term before
 * pthread_create; the thread alone writes partial; the caller reads partial
 * only after pthread_join, which orders the two.
 */
struct share {
	sum_term term;
	size_t first, last;
	long partial;
};

static void *sum_share(void *arg)
{
	struct share *s = arg;
	long partial = 0;

	for (size_t i = s->first; i < s->last; i++)
		partial += s->term(i);
	s->partial = partial;
	return NULL;
}

int parallel_sum(size_t n, sum_term term, int nthreads, long *total)
{
	/*
	 * The shares live in this frame, which stays alive until every thread
	 * has been joined below; each thread gets a pointer to its own slot,
	 * never to the loop variable.
	 */
	struct share shares[64];
	pthread_t threads[64];
	int started = 0, err = 0;

	if (nthreads < 1 || nthreads > 64)
		return EINVAL;
	for (int t = 0; t < nthreads; t++) {
		/* Split [0, n) into nthreads ranges whose sizes differ by <= 1. */
		shares[t] = (struct share){
			.term = term,
			.first = n * (size_t)t / (size_t)nthreads,
			.last = n * (size_t)(t + 1) / (size_t)nthreads,
		};
		err = pthread_create(&threads[t], NULL, sum_share, &shares[t]);
		if (err)
			break;
		started++;
	}
	/* Join before reading any partial result, even after an error. */
	long sum = 0;

	for (int t = 0; t < started; t++) {
		pthread_join(threads[t], NULL);
		sum += shares[t].partial;
	}
	if (err)
		return err;
	*total = sum;
	return 0;
}
