/*
 * spawn_no_wait.c - known-wrong variant of exercises/01-processes/spawn.c: never waits for its children: they become zombies and no exit status is collected.
 * Graded by make test; the expected verdict is in variants.json.
 */
#include <unistd.h>

#include "spawn.h"

int spawn_all(int n, spawn_task task, int codes[])
{
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == -1)
			return -1;
		if (pid == 0)
			_exit(task(i));
		codes[i] = 0;
	}
	sleep(1); /* "long enough", but nobody calls waitpid */
	return 0;
}
