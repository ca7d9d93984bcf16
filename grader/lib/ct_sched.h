/*
 * ct_sched.h - why a thread did not run: the scheduler's own account.
 *
 * Linux keeps, for every thread, the time it spent running on a CPU and
 * the time it spent runnable but waiting on a run queue for a CPU
 * (/proc/thread-self/schedstat, in ns since the thread started).  Over a
 * known stretch of the thread's life, the rest is time it was blocked:
 * asleep in a lock, a join, a read, a sleep.  So when two CPU-bound threads
 * did not speed each other up, this tells the two causes apart:
 *   - the machine was busy: the threads were runnable but waited for a CPU
 *     (another program had it); nothing can be measured then;
 *   - the code serialised them: a thread was blocked while the other ran.
 */
#ifndef CT_SCHED_H
#define CT_SCHED_H

#include <stdbool.h>
#include <stdint.h>

struct ct_sched_times {
	uint64_t run_ns;  /* on a CPU */
	uint64_t wait_ns; /* runnable, waiting on a run queue */
	bool ok;          /* false: the kernel does not say (no CONFIG_SCHED_INFO) */
};

/* The calling thread's times since it started. */
struct ct_sched_times ct_sched_self(void);

/*
 * What one thread of this process did since it started, read from the
 * grader's side (/proc/self/task/TID: schedstat and status), so that the
 * thread's own code cannot change it: time on a CPU and runnable, and how
 * often it went to sleep (voluntary context switches: a blocking call that
 * had to wait, each sleep of a polling loop) or was preempted.  A thread
 * blocked in one wait neither runs nor switches; a busy-waiting one is
 * runnable all the time; a sleep-polling one switches once per nap.
 */
struct ct_thread_activity {
	uint64_t run_ns, wait_ns;          /* on a CPU; runnable, waiting for one */
	unsigned long voluntary, preempted; /* context switches */
	bool ok;                           /* false: /proc does not say */
};
struct ct_thread_activity ct_thread_activity(int tid);

/* A stretch of a thread's life of life_ns, split by what the scheduler says it did. */
struct ct_life {
	double running, waiting, blocked; /* shares of life_ns, each 0..1, summing to 1 */
};
/* The split of the stretch between `from` and `to` (two readings of the same thread) lasting life_ns. */
struct ct_life ct_life_between(struct ct_sched_times from, struct ct_sched_times to, uint64_t life_ns);

#endif
