/*
 * pool.h - lesson 06, exercise "pool": a pool of worker processes that
 * maps a function over many inputs through pipes, the C counterpart of
 * Python's multiprocessing.Pool.map.
 *
 * This header is the contract between your code and the grader.  The grader
 * compiles your pool.c against its own pristine copy of this file.
 */
#ifndef POOL_H
#define POOL_H

#include <stddef.h>

/* The work: computes one result from one input.  Runs in a worker process. */
typedef long (*pool_fn)(long x);

/*
 * The inputs, like an iterator that lives in the calling process: input(i)
 * is the i-th input.  It may be called only in the process that called
 * pool_map, once per index; workers get their inputs through pipes.
 */
typedef long (*pool_input)(size_t i);

#define POOL_MAX_WORKERS 16

/*
 * pool_map - results[i] = fn(input(i)) for every i in 0 .. n-1.
 *
 * Starts `workers` child processes (1 <= workers <= POOL_MAX_WORKERS),
 * once, before any input is sent; each is connected to the caller by two
 * pipes: one carries inputs to the worker, the other carries results
 * back.  The workers compute at the same time; results are stored in input
 * order, whichever worker computed them.
 *
 * Must never deadlock, whatever n: a pipe holds only about 64 KiB, and a
 * write to a full pipe blocks until the other side reads.  Every process
 * closes the pipe ends it does not use, so that end of file means "the
 * other side is gone".
 *
 * Before returning, the caller has closed every descriptor it created and
 * waited for every worker (no zombie is left).  A write to a worker that is
 * gone must fail (EPIPE) instead of killing the caller with SIGPIPE: ignore
 * SIGPIPE while pool_map runs, and leave its action as you found it.
 *
 * Returns 0; or -1 with errno set: EINVAL for workers out of range or a
 * NULL pointer; ECHILD if a worker died (for example, it crashed) before
 * sending all of its results, in which case the remaining workers are
 * still stopped and waited for; or the errno of a pipe, fork, read, write
 * or waitpid that failed.  A call interrupted by a signal (EINTR) has not
 * failed: make it again.
 */
int pool_map(int workers, pool_fn fn, pool_input input, size_t n, long *results);

#endif
