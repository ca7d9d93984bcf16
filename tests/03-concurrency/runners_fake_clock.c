/*
 * runners_fake_clock.c - known-wrong variant of exercises/03-concurrency/runners.c: runs everything serially and replaces the clocks and sleeps, hoping the grader measures no time at all.
 * Graded by make test; the expected verdict is in variants.json.
 */
#include <pthread.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runners.h"

int clock_gettime(clockid_t id, struct timespec *ts)
{
	(void)id;
	ts->tv_sec = 0;
	ts->tv_nsec = 0;
	return 0;
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
	(void)req;
	(void)rem;
	return 0;
}

int usleep(useconds_t usec)
{
	(void)usec;
	return 0;
}

int run_serial(int n, runner_task task)
{
	for (int i = 0; i < n; i++)
		task(i);
	return 0;
}

int run_threads(int n, runner_task task) { return run_serial(n, task); }

int run_processes(int n, runner_task task) { return run_serial(n, task); }
