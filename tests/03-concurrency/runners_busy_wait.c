/*
 * runners_busy_wait.c - known-wrong variant of exercises/03-concurrency/runners.c: waits for its workers by spinning on flags and WNOHANG instead of blocking in pthread_join and waitpid.
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
	volatile int done; /* polled by the caller: no lock, no join */
};

static void *run_job(void *arg)
{
	struct job *j = arg;

	j->task(j->index);
	j->done = 1;
	return NULL;
}

int run_threads(int n, runner_task task)
{
	static struct job jobs[64];
	pthread_t t;

	for (int i = 0; i < n; i++) {
		jobs[i] = (struct job){task, i, 0};
		if (pthread_create(&t, NULL, run_job, &jobs[i]) != 0)
			return -1;
	}
	for (int i = 0; i < n; i++)
		while (!jobs[i].done)
			; /* spin */
	return 0;
}

int run_processes(int n, runner_task task)
{
	int left = n;

	for (int i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == -1)
			return -1;
		if (pid == 0) {
			task(i);
			_exit(0);
		}
	}
	while (left > 0)
		if (waitpid(-1, NULL, WNOHANG) > 0) /* ask again and again */
			left--;
	return 0;
}
