/*
 * runners_serial_processes.c - known-wrong variant of exercises/03-concurrency/runners.c: waits for each child before forking the next.
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
	struct job jobs[64];
	pthread_t t[64];

	for (int i = 0; i < n; i++) {
		jobs[i] = (struct job){task, i};
		if (pthread_create(&t[i], NULL, run_job, &jobs[i]) != 0)
			return -1;
	}
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	return 0;
}

int run_processes(int n, runner_task task)
{
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == -1)
			return -1;
		if (pid == 0) {
			task(i);
			_exit(0);
		}
		waitpid(pid, NULL, 0); /* one child at a time */
	}
	return 0;
}
