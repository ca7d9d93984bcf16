/*
 * cost.c - lesson 11, exercise "cost".  Read lessons/11-pools.md first.
 *
 * Goal: measure, on this machine, what creating a thread costs against
 * creating a process, and what a switch between two threads costs against
 * a switch between two processes.  The contract is in cost.h.
 * Check your work with:  make check LESSON=11 EXERCISE=cost
 */
#define _GNU_SOURCE
#include "cost.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "concur_todo.h"

static long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

long long cost_thread_create(int n)
{
	/* TODO: time n rounds of creating a thread that returns at once and joining it (see cost.h). */
	(void)n;
	(void)now_ns;
	return CONCUR_TODO(-1);
}

long long cost_process_create(int n)
{
	/* TODO: time n rounds of forking a child that ends at once with _exit(0) and waiting for it. */
	(void)n;
	return CONCUR_TODO(-1);
}

long long cost_thread_switch(int n)
{
	/*
	 * TODO: two pipes, both sides pinned to one CPU, one thread that
	 * answers each byte; time the n round trips; then join, give the
	 * caller its CPUs back and close every descriptor.
	 */
	(void)n;
	return CONCUR_TODO(-1);
}

long long cost_process_switch(int n)
{
	/* TODO: the same round trips with a child process that answers, then ends with _exit(0) and is waited for. */
	(void)n;
	return CONCUR_TODO(-1);
}
