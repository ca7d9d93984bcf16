/*
 * spawn_orphan.c - known-wrong variant of exercises/01-processes/spawn.c: does the job, but also leaves a grandchild running in a session of its own.
 * Graded by make test; the expected verdict is in variants.json.
 */
#include <sys/wait.h>
#include <unistd.h>

#include "spawn.h"

int spawn_all(int n, spawn_task task, int codes[])
{
	pid_t pids[64];

	for (int i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] == -1)
			return -1;
		if (pids[i] == 0) {
			if (fork() == 0) {
				setsid(); /* escape the process group */
				for (;;)
					pause();
			}
			_exit(task(i));
		}
	}
	for (int i = 0; i < n; i++) {
		int status;

		waitpid(pids[i], &status, 0);
		codes[i] = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	}
	return 0;
}
