/*
 * alt_runners_reversed.c - correct runners written differently from the
 * reference: run_serial by recursion, the threads' arguments in a
 * variable-length array, threads joined and children waited for from the
 * last to the first, and a goto to the reaping after a failed fork.
 */
#include "runners.h"

#include <errno.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

int run_serial(int n, runner_task task)
{
	if (n > 1)
		run_serial(n - 1, task); /* tasks 0 .. n-2 first */
	task(n - 1);
	return 0;
}

struct slot {
	runner_task task;
	int index;
};

static void *thread_main(void *p)
{
	const struct slot *s = p;

	s->task(s->index);
	return NULL;
}

int run_threads(int n, runner_task task)
{
	struct slot slots[n];
	pthread_t ids[n];
	pthread_attr_t attr;
	int count = 0, first_error = pthread_attr_init(&attr);

	if (first_error)
		return first_error;
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_JOINABLE);
	for (int i = 0; i < n && !first_error; i++) {
		slots[i] = (struct slot){task, i};
		first_error = pthread_create(&ids[i], &attr, thread_main, &slots[i]);
		count += !first_error;
	}
	pthread_attr_destroy(&attr);
	for (int i = count - 1; i >= 0; i--) {
		int e = pthread_join(ids[i], NULL);
		first_error = first_error ? first_error : e;
	}
	return first_error;
}

int run_processes(int n, runner_task task)
{
	pid_t kids[64];
	int count = 0, saved = 0;

	while (count < n) {
		pid_t pid = fork();
		if (pid == -1) {
			saved = errno;
			goto reap;
		}
		if (pid == 0) {
			task(count);
			_exit(0);
		}
		kids[count++] = pid;
	}
reap:
	while (count > 0) {
		pid_t kid = kids[--count];
		pid_t r;
		do
			r = waitpid(kid, NULL, 0);
		while (r == -1 && errno == EINTR);
		if (r == -1 && saved == 0)
			saved = errno;
	}
	if (saved == 0)
		return 0;
	errno = saved;
	return -1;
}
