/*
 * spawn_memory_hog.c - an adversarial submission for the class test
 * (tests/class.sh): every child touches as much memory as it can get, and
 * there are many children.  Its grading must end within its budget without
 * changing another student's grade.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spawn.h"

int spawn_all(int n, spawn_task task, int codes[])
{
	(void)task;
	for (int i = 0; i < 32; i++)
		if (fork() == 0) {
			for (;;) {
				char *p = malloc(64 << 20);
				if (!p)
					pause();
				memset(p, 1, 64 << 20);
			}
		}
	while (wait(NULL) > 0)
		;
	for (int i = 0; i < n; i++)
		codes[i] = 0;
	return 0;
}
