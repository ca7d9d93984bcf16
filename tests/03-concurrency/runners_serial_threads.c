/*
 * runners_serial_threads.c - known-wrong variant of exercises/03-concurrency/runners.c: creates each thread and joins it at once: threads in name, serial in fact.
 * Graded by make test; the expected verdict is in variants.json.
 */
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runners.h"

int run_serial(int n, runner_task task)
{
	for (int i = 0; i < n; i++)
		task(i);
	return 0;
}

struct job {
	runner_task task;
	int index;
};

static void *run_job(void *arg)
{
	struct job *j = arg;

	j->task(j->index);
	return NULL;
}

int run_threads(int n, runner_task task)
{
	for (int i = 0; i < n; i++) {
		struct job j = {task, i};
		pthread_t t;

		if (pthread_create(&t, NULL, run_job, &j) != 0)
			return -1;
		pthread_join(t, NULL); /* waits before the next thread exists */
	}
	return 0;
}

int run_processes(int n, runner_task task)
{
	pid_t pids[64];

	for (int i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] == -1)
			return -1;
		if (pids[i] == 0) {
			task(i);
			_exit(0);
		}
	}
	for (int i = 0; i < n; i++)
		waitpid(pids[i], NULL, 0);
	return 0;
}

