/*
 * cost.h - lesson 11, exercise "cost": what a thread and a process cost,
 * measured.  Each function does one thing n times, times it with
 * clock_gettime(CLOCK_MONOTONIC), and returns the total in nanoseconds, so
 * that the caller divides by n for the cost of one.
 *
 * This header is the contract between your code and the grader.  The grader
 * compiles your cost.c against its own pristine copy of this file, counts
 * the threads, children, reads and writes your code really makes, and
 * compares the times you return with its own clock and its own
 * measurements of the same things.
 */
#ifndef COST_H
#define COST_H

#define COST_MAX_N 100000

/*
 * cost_thread_create - n times, one after another: creates a thread whose
 * start routine returns at once, and joins it.  Returns the nanoseconds
 * from just before the first pthread_create to just after the last
 * pthread_join, or -1 with errno set: EINVAL if n is not between 1 and
 * COST_MAX_N, or the error number pthread_create returned (every thread
 * created before it has been joined).
 */
long long cost_thread_create(int n);

/*
 * cost_process_create - n times, one after another: forks a child that
 * ends at once with _exit(0), and waits for it (a wait that EINTR
 * interrupts is made again).  Returns the nanoseconds from just before the
 * first fork to just after the last wait, or -1 with errno set: EINVAL if
 * n is not between 1 and COST_MAX_N, or fork's errno (every child forked
 * before it has been waited for).
 */
long long cost_process_create(int n);

/*
 * cost_thread_switch - n round trips between the calling thread and one
 * thread it creates: in each, the caller writes one byte into a pipe, the
 * other thread reads it and writes one byte back into a second pipe, and
 * the caller reads that byte.  During the round trips both threads may run
 * on one CPU only, the same one (sched_setaffinity), so that each round
 * trip is two context switches; before returning, the calling thread may
 * again run on every CPU it was allowed before.  Returns the nanoseconds
 * from just before the first round trip to just after the last (creating
 * the thread and the pipes is not part of it), or -1 with errno set:
 * EINVAL if n is not between 1 and COST_MAX_N, pipe's errno, or the error
 * number pthread_create returned.  A read or write that EINTR interrupts
 * is made again.  When it returns, success or not, the thread it created
 * has been joined and every descriptor it opened is closed.
 */
long long cost_thread_switch(int n);

/*
 * cost_process_switch - the same round trips between the calling process
 * and one child it forks, pinned to one CPU in the same way: the child
 * answers each byte, then ends with _exit(0) and is waited for.  Returns
 * the nanoseconds of the n round trips, or -1 with errno set: EINVAL if n
 * is not between 1 and COST_MAX_N, pipe's errno, or fork's errno.  A read,
 * write or wait that EINTR interrupts is made again.  When it returns,
 * success or not, the child has been waited for and every descriptor it
 * opened is closed.
 */
long long cost_process_switch(int n);

#endif
