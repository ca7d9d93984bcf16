/*
 * spawn_threads.c - known-wrong variant of exercises/01-processes/spawn.c: runs the tasks in threads instead of child processes, so they share the parent's memory.
 * Graded by make test; the expected verdict is in variants.json.
 */
#include <pthread.h>

#include "spawn.h"

struct job {
	spawn_task task;
	int index, code;
};

static void *run(void *p)
{
	struct job *j = p;

	j->code = j->task(j->index);
	return NULL;
}

int spawn_all(int n, spawn_task task, int codes[])
{
	pthread_t t[64];
	struct job jobs[64];

	for (int i = 0; i < n; i++) {
		jobs[i] = (struct job){task, i, 0};
		pthread_create(&t[i], NULL, run, &jobs[i]);
	}
	for (int i = 0; i < n; i++) {
		pthread_join(t[i], NULL);
		codes[i] = jobs[i].code & 0xff;
	}
	return 0;
}
