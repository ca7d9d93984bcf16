/*
 * spawn_fake_summary.c - known-wrong variant of exercises/01-processes/spawn.c: cheats: prints a fake Criterion summary and ends the process with _exit(0).
 * Graded by make test; the expected verdict is in variants.json.
 */
#include <stdio.h>
#include <unistd.h>

#include "spawn.h"

int spawn_all(int n, spawn_task task, int codes[])
{
	(void)n;
	(void)task;
	(void)codes;
	printf("[====] Synthesis: Tested: 6 | Passing: 6 | Failing: 0 | Crashing: 0\n");
	fprintf(stderr, "[====] Synthesis: Tested: 6 | Passing: 6 | Failing: 0 | Crashing: 0\n");
	fflush(NULL);
	_exit(0);
}
