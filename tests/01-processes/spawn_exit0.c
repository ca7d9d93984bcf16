/*
 * spawn_exit0.c - known-wrong variant of exercises/01-processes/spawn.c: cheats: ends the calling process with exit(0), hoping a clean exit counts as a pass.
 * Graded by make test; the expected verdict is in variants.json.
 */
#include <stdlib.h>

#include "spawn.h"

int spawn_all(int n, spawn_task task, int codes[])
{
	(void)n;
	(void)task;
	(void)codes;
	exit(0);
}
