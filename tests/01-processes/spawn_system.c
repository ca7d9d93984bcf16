/*
 * spawn_system.c - known-wrong variant of exercises/01-processes/spawn.c: runs its work through system(), which the grader cannot see or limit.
 * Graded by make test; the expected verdict is in variants.json.
 */
#include <stdlib.h>

#include "spawn.h"

int spawn_all(int n, spawn_task task, int codes[])
{
	for (int i = 0; i < n; i++)
		codes[i] = system("exit 0") == 0 ? task(i) : -1;
	return 0;
}
