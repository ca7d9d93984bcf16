/*
 * alt_spawn_wait4.c - a correct spawn_all() written differently from the
 * reference: the pids live in a variable-length array, the fork result is
 * dispatched with a switch, stdout is flushed before the first fork (so no
 * child inherits unwritten output), each child is waited for with
 * wait4(pid, ...) and one clean-up path serves success and failure.
 */
#include "spawn.h"

#include <errno.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int spawn_all(int n, spawn_task task, int codes[])
{
	if (n < 1 || n > 64) {
		errno = EINVAL;
		return -1;
	}
	pid_t pids[n];
	int started, failure = 0;

	fflush(stdout);
	for (started = 0; started < n; started++) {
		pid_t pid = fork();

		switch (pid) {
		case -1:
			failure = errno;
			goto reap;
		case 0:
			_exit(task(started) & 0xff);
		default:
			pids[started] = pid;
		}
	}
reap:
	for (int i = 0; i < started; i++) {
		int status;
		pid_t got;

		do
			got = wait4(pids[i], &status, 0, NULL);
		while (got == -1 && errno == EINTR);
		if (got != pids[i])
			codes[i] = -1;
		else if (WIFSIGNALED(status))
			codes[i] = 128 + WTERMSIG(status);
		else
			codes[i] = WEXITSTATUS(status);
	}
	if (failure) {
		errno = failure;
		return -1;
	}
	return 0;
}
