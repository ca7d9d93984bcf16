/*
 * spawn_racy_waiter.c - known-wrong variant of exercises/01-processes/spawn.c:
 * waits for the children in a helper thread and hands the results back
 * through plain variables, with no lock and no join.
 * Graded by make test; the expected verdict is in variants.json.
 */
#include <pthread.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spawn.h"

static pid_t pids[64];
static int results[64];
static int count;
static int finished; /* set by the waiter, polled by the caller: a data race */

static void *waiter(void *arg)
{
	(void)arg;
	for (int i = 0; i < count; i++) {
		int status;

		waitpid(pids[i], &status, 0);
		results[i] = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	}
	finished = 1;
	return NULL;
}

int spawn_all(int n, spawn_task task, int codes[])
{
	pthread_t t;

	count = n;
	finished = 0;
	for (int i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] == -1)
			return -1;
		if (pids[i] == 0)
			_exit(task(i));
	}
	if (pthread_create(&t, NULL, waiter, NULL) != 0)
		return -1;
	pthread_detach(t);
	while (!finished)
		sched_yield();
	for (int i = 0; i < n; i++)
		codes[i] = results[i];
	return 0;
}
