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

int parallel_sum(size_t n, sum_term term, int nthreads, long *total)
{
	/*
	 * TODO: start nthreads threads, each summing term(i) over its own
	 * contiguous range of indexes; join them all; store the total.
	 */
	(void)n;
	(void)term;
	(void)nthreads;
	(void)total;
	return CONCUR_TODO(-1);
}
