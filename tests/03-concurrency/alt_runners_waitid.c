/*
 * alt_runners_waitid.c - correct runners written differently from the
 * reference: the threads' arguments in one calloc'd array, joined last to
 * first; the children waited for with waitid(P_PID, ...).
 */
#include "runners.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int run_serial(int n, runner_task task)
{
	int i = 0;

	while (i < n)
		task(i++);
	return 0;
}

struct arg {
	runner_task task;
	int index;
	pthread_t thread;
};

static void *start(void *p)
{
	struct arg *a = p;

	a->task(a->index);
	return NULL;
}

int run_threads(int n, runner_task task)
{
	struct arg *args = calloc((size_t)n, sizeof *args);
	int made = 0, err = 0;

	if (!args)
		return ENOMEM;
	while (made < n) {
		args[made].task = task;
		args[made].index = made;
		err = pthread_create(&args[made].thread, NULL, start, &args[made]);
		if (err)
			break;
		made++;
	}
	while (made > 0) {
		int e = pthread_join(args[--made].thread, NULL);
		if (!err)
			err = e;
	}
	free(args); /* every thread that used it has been joined */
	return err;
}

/* Waits for child pid; 0, or -1 with errno set.  An interrupted wait is made again. */
static int wait_for(pid_t pid)
{
	siginfo_t info;
	int r;

	while ((r = waitid(P_PID, (id_t)pid, &info, WEXITED)) == -1 && errno == EINTR)
		;
	return r;
}

int run_processes(int n, runner_task task)
{
	pid_t pids[64];
	int made = 0, failed_errno = 0;

	for (; made < n; made++) {
		pid_t pid = fork();
		if (pid == 0) {
			task(made);
			_exit(0);
		}
		if (pid == -1) {
			failed_errno = errno;
			break;
		}
		pids[made] = pid;
	}
	for (int i = 0; i < made; i++)
		if (wait_for(pids[i]) == -1 && !failed_errno)
			failed_errno = errno;
	if (!failed_errno)
		return 0;
	errno = failed_errno;
	return -1;
}
