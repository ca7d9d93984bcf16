/*
 * sum.h - lesson 02, exercise "sum": split a sum over several threads,
 * hand each thread its arguments, collect each thread's result.
 *
 * This header is the contract between your code and the grader.  The grader
 * compiles your sum.c against its own pristine copy of this file.
 */
#ifndef SUM_H
#define SUM_H

#include <stddef.h>

/*
 * One term of the sum.  Safe to call from any thread, at the same time as
 * other calls.  It takes a little time, like real work.
 */
typedef long (*sum_term)(size_t i);

/*
 * parallel_sum - compute term(0) + term(1) + ... + term(n-1) with nthreads
 * threads running at the same time.
 *
 * Each thread computes its own contiguous share of the indexes; every index
 * is computed exactly once, by one of the new threads (not by the caller).
 * Every thread is joined before the function returns, and the total is
 * stored in *total.  Requires 1 <= nthreads <= 64; n may be 0 or smaller
 * than nthreads (then some threads have no work).
 *
 * Returns 0 on success, or the error number returned by pthread_create
 * (threads already started are joined first; *total is then unspecified).
 */
int parallel_sum(size_t n, sum_term term, int nthreads, long *total);

#endif
