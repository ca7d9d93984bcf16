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
	/* TODO: call each task in turn, in this thread. */
	(void)n;
	(void)task;
	return CONCUR_TODO(-1);
}

int run_threads(int n, runner_task task)
{
	/* TODO: start one thread per task, all of them, then join them all. */
	(void)n;
	(void)task;
	return CONCUR_TODO(-1);
}

int run_processes(int n, runner_task task)
{
	/* TODO: start one child process per task, all of them, then wait for them all. */
	(void)n;
	(void)task;
	return CONCUR_TODO(-1);
}
