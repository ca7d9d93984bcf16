/*
 * supervisor.h - lesson 10, exercise "supervisor": run jobs in child
 * processes, so that a job that crashes, fails or hangs cannot take the
 * caller down, and start the failed ones again.
 *
 * This header is the contract between your code and the grader.  The grader
 * compiles your supervisor.c against its own pristine copy of this file.
 */
#ifndef SUPERVISOR_H
#define SUPERVISOR_H

/*
 * A job: runs in a child process, and returns the exit status that child
 * ends with (0..255; 0 means success).
 */
typedef int (*job_fn)(void *arg);

struct job {
	job_fn fn; /* never NULL */
	void *arg; /* passed to fn as it is */
};

/* How a job's last attempt ended. */
enum job_fate {
	JOB_OK,          /* it exited with status 0 */
	JOB_EXITED,      /* it exited with a non-zero status */
	JOB_KILLED,      /* a signal killed it, one the supervisor did not send */
	JOB_TIMED_OUT,   /* it was still running at its deadline, so the supervisor killed it */
	JOB_NOT_STARTED, /* fork failed, so this attempt never ran */
};

struct job_result {
	enum job_fate fate;
	/* JOB_EXITED: the exit status; JOB_KILLED: the signal's number; JOB_NOT_STARTED: fork's errno; else 0 */
	int code;
	int attempts; /* how many times the job was started (children forked for it), 0 .. 1 + max_restarts */
};

#define SUPERVISE_MAX_JOBS 32

/*
 * supervise - run every job in its own child process, all of them at the
 * same time, and report how each one ended.
 *
 * An attempt of job i is a child process that calls jobs[i].fn(jobs[i].arg)
 * and ends with _exit(its return value), so that it never returns into
 * the caller's code nor runs the caller's exit handlers.  Each attempt
 * runs in a new process group of its own, led by the child, so that the
 * processes the job forks belong to it too.  Before each fork, every stdio
 * output stream is flushed (fflush(NULL)), so that output the caller has
 * buffered is not written a second time by a child.
 *
 * The first attempt of every job is started at once, before any attempt has
 * been waited for.  An attempt that is still running deadline_ms after it
 * was started is killed: SIGKILL to its whole process group.  An attempt
 * fails if it exits with a non-zero status, is killed by a signal, or runs
 * out of time; a failed job is started again as soon as its attempt has
 * ended, while the others go on running, up to max_restarts times.  A job
 * that succeeds is not started again.  When an attempt has ended, whichever
 * way, SIGKILL goes to what is left of its process group as well, so that
 * no process of a job outlives supervise.
 *
 * While it waits, the supervisor sleeps: it does not spin on the CPU.  It
 * waits only for the children it forked, each by its pid, never for "any
 * child": the caller's other children are left alone.  A wait interrupted
 * by a signal (EINTR) is made again.  Blocks until every attempt has ended
 * and has been waited for, so that no zombie is left.
 *
 * On return results[i] says how job i's last attempt ended, whatever the
 * order in which the jobs ended.  If fork fails for an attempt, that job is
 * not started again: its fate is JOB_NOT_STARTED with fork's errno, and
 * the other jobs still run as usual.
 *
 * Returns 0 if every attempt could be started, whatever the jobs' fates;
 * -1 with errno set to the errno of the first fork that failed, once every
 * job has been seen to its end; or -1 with errno EINVAL, having started
 * nothing, if n is out of range (1 to SUPERVISE_MAX_JOBS), a pointer is
 * NULL, max_restarts < 0 or deadline_ms < 1.
 */
int supervise(const struct job jobs[], int n, int max_restarts, int deadline_ms, struct job_result results[]);

#endif
