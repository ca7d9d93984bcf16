/*
 * alt_supervisor_pidfd.c - a correct alternative for lesson 10's
 * supervisor: instead of looking at every attempt each millisecond, it
 * opens a pidfd for each running attempt and sleeps in poll() until one of
 * them ends or the nearest deadline comes.  Attempts are reaped with
 * waitid(P_PID), decoded from si_code, and killed with kill(-pgid).
 */
#define _GNU_SOURCE
#include "supervisor.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct run {
	pid_t pid; /* 0: not running */
	int fd;    /* pidfd of pid: readable once it has ended */
	int64_t end_ms;
};

static int64_t clock_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Forks an attempt; 0 or fork's errno.  A pidfd that cannot be opened is replaced by 1 ms polls. */
static int launch(const struct job *j, struct run *r, struct job_result *res, int deadline_ms)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		res->fate = JOB_NOT_STARTED;
		res->code = errno;
		return res->code;
	}
	if (pid == 0) {
		setpgid(0, 0);
		_exit(j->fn(j->arg) & 0xff);
	}
	(void)setpgid(pid, pid);
	res->attempts++;
	r->pid = pid;
	r->fd = pidfd_open(pid, 0);
	r->end_ms = clock_ms() + deadline_ms;
	return 0;
}

/* Reaps r's attempt (blocking until it has ended); fills res's fate and code. */
static void reap(struct run *r, struct job_result *res, int killed)
{
	siginfo_t info;
	int got;

	memset(&info, 0, sizeof info);
	do
		got = waitid(P_PID, (id_t)r->pid, &info, WEXITED);
	while (got == -1 && errno == EINTR);
	kill(-r->pid, SIGKILL); /* what the job left in its group */
	if (r->fd >= 0)
		close(r->fd);
	r->pid = 0;
	if (killed) {
		res->fate = JOB_TIMED_OUT;
		res->code = 0;
	} else if (got == 0 && info.si_code == CLD_EXITED) {
		res->code = info.si_status;
		res->fate = info.si_status ? JOB_EXITED : JOB_OK;
	} else {
		res->fate = JOB_KILLED;
		res->code = got == 0 ? info.si_status : 0;
	}
}

/* Whether r's attempt has ended, without reaping it. */
static int ended(const struct run *r)
{
	siginfo_t info;
	int got;

	memset(&info, 0, sizeof info);
	do
		got = waitid(P_PID, (id_t)r->pid, &info, WEXITED | WNOHANG | WNOWAIT);
	while (got == -1 && errno == EINTR);
	return got == 0 && info.si_pid == r->pid;
}

int supervise(const struct job jobs[], int n, int max_restarts, int deadline_ms, struct job_result results[])
{
	struct run runs[SUPERVISE_MAX_JOBS];
	int first_err = 0, live = 0;

	if (jobs == NULL || results == NULL || n < 1 || n > SUPERVISE_MAX_JOBS || max_restarts < 0 ||
	    deadline_ms < 1) {
		errno = EINVAL;
		return -1;
	}
	for (int i = 0; i < n; i++)
		if (jobs[i].fn == NULL) {
			errno = EINVAL;
			return -1;
		}
	for (int i = 0; i < n; i++) {
		runs[i].pid = 0;
		results[i] = (struct job_result){JOB_NOT_STARTED, 0, 0};
	}
	for (int i = 0; i < n; i++) {
		int e = launch(&jobs[i], &runs[i], &results[i], deadline_ms);
		first_err = first_err ? first_err : e;
		live += e == 0;
	}
	while (live) {
		struct pollfd fds[SUPERVISE_MAX_JOBS];
		int nfds = 0;
		int64_t now = clock_ms(), wait_ms = INT32_MAX;
		for (int i = 0; i < n; i++) {
			if (!runs[i].pid)
				continue;
			int64_t left = runs[i].end_ms - now;
			if (runs[i].fd < 0 && left > 1)
				left = 1;
			if (left < wait_ms)
				wait_ms = left < 0 ? 0 : left;
			if (runs[i].fd >= 0)
				fds[nfds++] = (struct pollfd){.fd = runs[i].fd, .events = POLLIN};
		}
		if (poll(fds, (nfds_t)nfds, (int)wait_ms) == -1 && errno != EINTR)
			wait_ms = 1; /* cannot sleep on the pidfds: fall back to looking each ms */
		now = clock_ms();
		for (int i = 0; i < n; i++) {
			if (!runs[i].pid)
				continue;
			int over = !ended(&runs[i]) && now >= runs[i].end_ms;
			if (!over && !ended(&runs[i]))
				continue;
			if (over)
				kill(-runs[i].pid, SIGKILL);
			reap(&runs[i], &results[i], over);
			live--;
			if (results[i].fate != JOB_OK && results[i].attempts <= max_restarts) {
				int e = launch(&jobs[i], &runs[i], &results[i], deadline_ms);
				first_err = first_err ? first_err : e;
				live += e == 0;
			}
		}
	}
	if (first_err) {
		errno = first_err;
		return -1;
	}
	return 0;
}
