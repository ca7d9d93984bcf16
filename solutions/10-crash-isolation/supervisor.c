/*
 * supervisor.c - lesson 10, exercise "supervisor".  Read
 * lessons/10-crash-isolation.md first.
 *
 * Goal: run each job in a child process of its own, in a process group of
 * its own; notice how each attempt ended (exit status, signal, deadline);
 * start failed jobs again, up to a limit; leave nothing behind.  The
 * contract is in supervisor.h.
 * Check your work with:  make check LESSON=10 EXERCISE=supervisor
 */
#include "supervisor.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "concur_todo.h"

/*
 * DESIGN: one loop in the caller's thread looks at every running attempt
 * in turn (waitpid with WNOHANG: "has this child ended?"), handles the
 * ones that ended or ran out of time, and naps 1 ms when nothing happened.
 * Each job has one slot: the pid of its running attempt (0: none) and
 * that attempt's deadline.
 */
#define NAP_NS 1000000L /* between two looks at the attempts when none ended: 1 ms */

/* What supervise keeps about one job while it runs. */
struct slot {
	pid_t pid;         /* its running attempt (also its process group's id), 0 if none runs */
	uint64_t deadline; /* when that attempt runs out of time, on now_ns()'s clock */
};

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/*
 * Starts one attempt of job j in slot s, counting it in r.  Returns 0, or
 * fork's errno (r then says JOB_NOT_STARTED).
 */
static int start_attempt(const struct job *j, struct slot *s, struct job_result *r, int deadline_ms)
{
	/* The child gets a copy of every stdio buffer: empty them first, or the child may write them again. */
	fflush(NULL);
	pid_t pid = fork();
	if (pid == -1) {
		*r = (struct job_result){JOB_NOT_STARTED, errno, r->attempts};
		return r->code;
	}
	if (pid == 0) {
		/*
		 * A group of our own, so that one kill reaches whatever the job
		 * forks.  _exit, not exit: the caller's atexit handlers and
		 * stdio buffers are not ours to run or flush.
		 */
		setpgid(0, 0);
		_exit(j->fn(j->arg) & 0xff);
	}
	/*
	 * The parent makes the same call, so the group exists as soon as fork
	 * returns here, whichever of the two runs first.  It can fail only if
	 * the child got there first and has already ended: nothing to do then.
	 */
	setpgid(pid, pid);
	r->attempts++;
	s->pid = pid;
	s->deadline = now_ns() + (uint64_t)deadline_ms * 1000000u;
	return 0;
}

/* Whether child pid has ended, without blocking: 1 (*status says how), 0 (still running), -1 (error). */
static int has_ended(pid_t pid, int *status, int options)
{
	pid_t got;

	do
		got = waitpid(pid, status, options);
	while (got == -1 && errno == EINTR); /* interrupted: nothing was waited for, ask again */
	return got == pid ? 1 : got == 0 ? 0 : -1;
}

/* Decodes how an attempt ended into r (attempts unchanged); status NULL: it was lost. */
static void note_end(struct job_result *r, const int *status, bool timed_out)
{
	if (timed_out) {
		r->fate = JOB_TIMED_OUT; /* our own SIGKILL: not the job's doing */
		r->code = 0;
	} else if (status && WIFEXITED(*status)) {
		r->code = WEXITSTATUS(*status);
		r->fate = r->code == 0 ? JOB_OK : JOB_EXITED;
	} else if (status && WIFSIGNALED(*status)) {
		r->fate = JOB_KILLED;
		r->code = WTERMSIG(*status);
	} else { /* waitpid failed (someone else reaped it?): the status is lost, count a failure */
		r->fate = JOB_KILLED;
		r->code = 0;
	}
}

int supervise(const struct job jobs[], int n, int max_restarts, int deadline_ms, struct job_result results[])
{
	struct slot slots[SUPERVISE_MAX_JOBS] = {0};
	int running = 0, fork_errno = 0;

	if (!jobs || !results || n < 1 || n > SUPERVISE_MAX_JOBS || max_restarts < 0 || deadline_ms < 1) {
		errno = EINVAL;
		return -1;
	}
	for (int i = 0; i < n; i++)
		if (!jobs[i].fn) {
			errno = EINVAL;
			return -1;
		}
	/* Every job's first attempt before any wait: a job that hangs then delays nobody. */
	for (int i = 0; i < n; i++) {
		results[i] = (struct job_result){JOB_NOT_STARTED, 0, 0};
		int err = start_attempt(&jobs[i], &slots[i], &results[i], deadline_ms);
		if (err && !fork_errno)
			fork_errno = err;
		running += !err;
	}
	while (running > 0) {
		bool progress = false;

		for (int i = 0; i < n; i++) {
			struct slot *s = &slots[i];
			int status = 0;

			if (s->pid == 0)
				continue;
			int ended = has_ended(s->pid, &status, WNOHANG);
			bool late = ended == 0 && now_ns() >= s->deadline;
			if (ended == 0 && !late)
				continue;
			if (late) {
				/* The whole group: the job's own children die with it.  SIGKILL cannot be ignored. */
				killpg(s->pid, SIGKILL);
				ended = has_ended(s->pid, &status, 0); /* blocks only until the kill lands */
			}
			/*
			 * Whatever the job left behind in its group dies too.  The
			 * group's id stays taken while any member lives, so this
			 * reaches only our group (ESRCH if it is empty: fine).
			 */
			killpg(s->pid, SIGKILL);
			s->pid = 0;
			running--;
			progress = true;
			note_end(&results[i], ended == 1 ? &status : NULL, late);
			if (results[i].fate == JOB_OK || results[i].attempts > max_restarts)
				continue;
			/* Failed, and restarts are left: at once, while the others go on. */
			int err = start_attempt(&jobs[i], s, &results[i], deadline_ms);
			if (err && !fork_errno)
				fork_errno = err;
			running += !err;
		}
		if (running > 0 && !progress)
			nanosleep(&(struct timespec){0, NAP_NS}, NULL); /* sleep, do not spin; EINTR only wakes us early */
	}
	if (fork_errno) {
		errno = fork_errno;
		return -1;
	}
	return 0;
}
