/*
 * spawn.c - lesson 01, exercise "spawn".  Read lessons/01-processes.md first.
 *
 * Goal: run n tasks, each in its own child process, all alive at once, and
 * collect how each child ended.  The contract is in spawn.h.
 * Check your work with:  make check LESSON=1 EXERCISE=spawn
 */
#include "spawn.h"

#include <errno.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "concur_todo.h"

/* Waits for one specific child, retrying when a signal interrupts the wait. */
static int wait_for(pid_t pid, int *status)
{
	pid_t got;

	do
		got = waitpid(pid, status, 0);
	while (got == -1 && errno == EINTR);
	return got == pid ? 0 : -1;
}

/* Turns a raw wait status into the shell's convention: code, or 128+signal. */
static int status_to_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return -1;
}

int spawn_all(int n, spawn_task task, int codes[])
{
	pid_t pids[64];
	int started = 0, fork_errno = 0;

	if (n < 1 || n > 64) {
		errno = EINVAL;
		return -1;
	}
	/*
	 * Start every child before waiting for any: waiting inside this loop
	 * would run the children one after another instead of at once.
	 */
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == -1) {
			fork_errno = errno;
			break;
		}
		if (pid == 0) {
			/*
			 * The child has a copy of our memory, including stdio
			 * buffers and atexit handlers: _exit() ends it without
			 * running or flushing any of them a second time.
			 */
			_exit(task(i) & 0xff);
		}
		pids[started++] = pid;
	}
	/* Reap every child we started, even after a failed fork: no zombies. */
	int result = fork_errno ? -1 : 0;

	for (int i = 0; i < started; i++) {
		int status;

		if (wait_for(pids[i], &status) == -1) {
			result = -1;
			codes[i] = -1;
			continue;
		}
		codes[i] = status_to_code(status);
	}
	if (fork_errno)
		errno = fork_errno;
	return result;
}
