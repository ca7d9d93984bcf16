/*
 * spawn_infinite_loop.c - known-wrong variant of exercises/01-processes/spawn.c: never returns.
 * Graded by make test; the expected verdict is in variants.json.
 */
#include "spawn.h"

int spawn_all(int n, spawn_task task, int codes[])
{
	(void)task;
	(void)codes;
	for (volatile int i = 0;; i++)
		i += n - n;
}
