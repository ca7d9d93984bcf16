/*
 * spawn_output_flood.c - an adversarial submission for the class test
 * (tests/class.sh): writes without end to its standard output and error.
 */
#include <string.h>
#include <unistd.h>

#include "spawn.h"

int spawn_all(int n, spawn_task task, int codes[])
{
	static const char line[] = "flooding the grader's output, line after line, without end\n";

	(void)n;
	(void)task;
	(void)codes;
	for (;;) {
		if (write(1, line, strlen(line)) < 0 && write(2, line, strlen(line)) < 0)
			return -1;
	}
}
