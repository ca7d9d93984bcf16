/*
 * tasks.h - what lesson 11's suites read about the threads of the test
 * process and about CPU affinity, from the grader's side.
 *
 * The kernel lists every thread of a process in /proc/self/task, whoever
 * created it: a thread the student's code started and never joined is
 * there (until it ends), even one made with a call the grader does not
 * wrap.  An affinity mask is read with sched_getaffinity(tid), which works
 * on any thread of this process and on any child process (a pid is its
 * main thread's tid), so a pinned worker is seen while it runs.
 */
#ifndef TASKS_H
#define TASKS_H

#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define TASKS_MAX 256

/* The tids of this process's threads now (up to max; returns how many). */
int tasks_list(int *tids, int max);
/* Whether tid is in tids[0..n-1]. */
bool tasks_has(const int *tids, int n, int tid);
/* How many of now[0..nn-1] are not in before[0..nb-1]: threads started since (and still there). */
int tasks_new(const int *before, int nb, const int *now, int nn);

/*
 * How many threads of this process are not in before[0..nb-1], once those
 * that are ending have gone (waits up to 500 ms: pthread_join returns
 * when the kernel wakes the joiner, a moment before the thread leaves
 * /proc/self/task).
 */
int tasks_settle(const int *before, int nb);

/* The CPU tid may run on, if exactly one; -1 if several (or tid is gone). */
int tasks_only_cpu(pid_t tid);
/* The CPUs the calling thread may use. */
int tasks_usable_cpus(void);

/*
 * A sampler of affinities: a thread of the grader's that, while running,
 * looks every 200 us at the masks of one known thread (`caller`, the
 * thread that calls the student's function) and of every other thread or
 * child that the student's code started (`others`: a thread of this
 * process not there at sampler_start, or a child from ct_forked()).
 * A sample counts when the caller and at least one other were seen
 * together; it is pinned when all of them could run on one CPU only, the
 * same one.
 */
struct sampler {
	int before[TASKS_MAX], nbefore;
	_Atomic int caller; /* set by the caller's thread once it runs; 0 until then */
	_Atomic bool stop;
	int samples, pinned;     /* samples with the caller and another seen; how many of them pinned */
	int first_cpus_caller;   /* in the first counted sample: the caller's only CPU (-1: several) */
	int first_cpus_other;    /* the same for the first other thread or child seen with it */
	pthread_t thread;
};
/* Starts s (after snapshotting the process's threads). */
void sampler_start(struct sampler *s);
/* Stops and joins it. */
void sampler_stop(struct sampler *s);

#endif
