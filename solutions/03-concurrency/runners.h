/*
 * runners.h - lesson 03, exercise "runners": run the same tasks one after
 * another, in threads, and in processes, so that the grader can measure
 * what each way does to CPU-bound and to IO-bound work.
 *
 * This header is the contract between your code and the grader.  The grader
 * compiles your runners.c against its own pristine copy of this file.
 */
#ifndef RUNNERS_H
#define RUNNERS_H

/*
 * A task, supplied by the grader: in some tests it is CPU-bound (it counts
 * down from a large number), in others IO-bound (it sleeps, as if waiting
 * for a disk or the network).  It may be called from any thread or process.
 */
typedef void (*runner_task)(int index);

/*
 * run_serial - call task(0), task(1), ..., task(n-1) one after another, in
 * the calling thread.  Returns 0.  Requires 1 <= n <= 64.
 */
int run_serial(int n, runner_task task);

/*
 * run_threads - run task(i) in a new thread of its own for every i, all n
 * threads at the same time, and join them all before returning.  Returns 0
 * or the error number of the pthread call that failed (threads already
 * started are joined first).  Requires 1 <= n <= 64.
 */
int run_threads(int n, runner_task task);

/*
 * run_processes - run task(i) in a child process of its own for every i, all
 * n children at the same time, and wait for them all before returning (no
 * zombies).  Each child ends with _exit(0) after its task.  Returns 0, or -1
 * with errno set if a fork or a wait failed (children already started are
 * waited for first).  A wait interrupted by a signal (EINTR) has not
 * failed: it is made again.  Requires 1 <= n <= 64.
 */
int run_processes(int n, runner_task task);

#endif
