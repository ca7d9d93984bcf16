/*
 * alt_sum_join_value.c - a correct parallel_sum() written differently from
 * the reference: each thread hands its partial sum back through
 * pthread_join's result (a heap-allocated long it returns), the shares
 * are split as base + remainder (the first n % nthreads threads get one
 * index more), the arguments live in a variable-length array, and the
 * threads are joined last one first.
 */
#include "sum.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

struct range {
	sum_term term;
	size_t from, to;
};

static void *sum_range(void *p)
{
	const struct range *r = p;
	long *partial = malloc(sizeof *partial);

	if (partial) {
		*partial = 0;
		for (size_t i = r->from; i < r->to; i++)
			*partial += r->term(i);
	}
	return partial; /* NULL: out of memory, reported by the joiner */
}

int parallel_sum(size_t n, sum_term term, int nthreads, long *total)
{
	if (nthreads < 1 || nthreads > 64)
		return EINVAL;

	struct range ranges[nthreads];
	pthread_t ids[nthreads];
	size_t base = n / (size_t)nthreads, extra = n % (size_t)nthreads, next = 0;
	int made = 0, err = 0;

	for (; made < nthreads; made++) {
		size_t len = base + ((size_t)made < extra ? 1 : 0);

		ranges[made] = (struct range){term, next, next + len};
		next += len;
		err = pthread_create(&ids[made], NULL, sum_range, &ranges[made]);
		if (err)
			break;
	}
	long sum = 0;
	bool lost = false;

	while (made-- > 0) {
		void *result;

		pthread_join(ids[made], &result);
		if (result)
			sum += *(long *)result;
		else
			lost = true;
		free(result);
	}
	if (err)
		return err;
	if (lost)
		return ENOMEM;
	*total = sum;
	return 0;
}
