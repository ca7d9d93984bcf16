/*
 * runners.c - lesson 03, exercise "runners".  Read lessons/03-concurrency.md
 * first.
 *
 * Goal: run the same n tasks three ways: one after another, in n threads at
 * once, and in n child processes at once.  The contract is in runners.h.
 * Check your work with:  make check LESSON=3 EXERCISE=runners
 */
#include "runners.h"

#include <errno.h>
#include <pthread.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "concur_todo.h"

int run_serial(int n, runner_task task)
{
	/* The baseline: each task starts only when the one before has ended. */
	for (int i = 0; i < n; i++)
		task(i);
	return 0;
}

/* A thread's whole argument: its own slot, alive until it is joined. */
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
	pthread_t threads[64];
	int started = 0, err = 0;

	if (n < 1 || n > 64)
		return EINVAL;
	/* Create them all first: joining inside this loop would run them one at a time. */
	for (int i = 0; i < n && !err; i++) {
		jobs[i] = (struct job){task, i};
		err = pthread_create(&threads[i], NULL, run_job, &jobs[i]);
		if (!err)
			started++;
	}
	/* Join every thread that was started, even after a failure; the first error is the result. */
	for (int i = 0; i < started; i++) {
		int e = pthread_join(threads[i], NULL);
		if (e && !err)
			err = e;
	}
	return err;
}

int run_processes(int n, runner_task task)
{
	pid_t pids[64];
	int started = 0, result = 0, saved_errno = 0;

	if (n < 1 || n > 64) {
		errno = EINVAL;
		return -1;
	}
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == -1) {
			saved_errno = errno;
			result = -1;
			break;
		}
		if (pid == 0) {
			task(i);
			_exit(0); /* never return into the caller's loop */
		}
		pids[started++] = pid;
	}
	/* Reap every child that was started, even after a failed fork. */
	for (int i = 0; i < started; i++) {
		pid_t got;

		do
			got = waitpid(pids[i], NULL, 0);
		while (got == -1 && errno == EINTR);
		if (got == -1 && !saved_errno) {
			saved_errno = errno;
			result = -1;
		}
	}
	if (result == -1)
		errno = saved_errno;
	return result;
}
