/*
 * spawn_fork_bomb.c - known-wrong variant of exercises/01-processes/spawn.c: forks without end.
 * Graded by make test; the expected verdict is in variants.json.
 */
#include <unistd.h>

#include "spawn.h"

int spawn_all(int n, spawn_task task, int codes[])
{
	(void)n;
	(void)task;
	(void)codes;
	for (;;)
		fork();
}
