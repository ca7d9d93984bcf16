/*
 * spawn_own_clock.c - known-wrong variant of exercises/01-processes/spawn.c: defines its own clock_gettime(), hoping to fool the grader's timing.
 * Graded by make test; the expected verdict is in variants.json.
 */
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "spawn.h"

int clock_gettime(clockid_t id, struct timespec *ts)
{
	(void)id;
	ts->tv_sec = 0;
	ts->tv_nsec = 0;
	return 0;
}

int spawn_all(int n, spawn_task task, int codes[])
{
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		int status;

		if (pid == 0)
			_exit(task(i));
		waitpid(pid, &status, 0);
		codes[i] = WEXITSTATUS(status);
	}
	return 0;
}
