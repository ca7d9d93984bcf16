/*
 * gil.h - lesson 03, exercise "gil": threads that must hold one global lock
 * while they compute, the way CPython's global interpreter lock works.
 *
 * This header is the contract between your code and the grader.  The grader
 * compiles your gil.c against its own pristine copy of this file.
 */
#ifndef GIL_H
#define GIL_H

/* What each thread does, supplied by the grader. */
struct gil_task {
	int rounds;                 /* rounds per thread, >= 1 */
	void (*compute)(int index); /* CPU-bound: must run holding the global lock */
	void (*wait_io)(int index); /* blocks (sleeps): must run without the lock */
};

/*
 * run_with_gil - start n threads at the same time; thread i does
 * task->rounds rounds of: take the global lock, compute(i), release the
 * lock, wait_io(i).  The global lock is one mutex of your own, shared by
 * all threads (and all calls), like CPython's GIL.  Joins every thread
 * before returning.  Returns 0 or the error number of the pthread call that
 * failed.  Requires 1 <= n <= 64.
 */
int run_with_gil(int n, const struct gil_task *task);

#endif
