/*
 * spawn_serial.c - known-wrong variant of exercises/01-processes/spawn.c: waits for each child before starting the next, so the children run one after another.
 * Graded by make test; the expected verdict is in variants.json.
 */
#include <sys/wait.h>
#include <unistd.h>

#include "spawn.h"

int spawn_all(int n, spawn_task task, int codes[])
{
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		int status;

		if (pid == -1)
			return -1;
		if (pid == 0)
			_exit(task(i));
		waitpid(pid, &status, 0);
		codes[i] = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	}
	return 0;
}
