/*
 * detach.c - lesson 02, exercise "detach".  Read lessons/02-threads.md first.
 *
 * Goal: run a job in a detached thread and return without waiting for it;
 * hand the thread arguments that outlive this function.
 * The contract is in detach.h.
 * Check your work with:  make check LESSON=2 EXERCISE=detach
 */
#include "detach.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "concur_todo.h"

int run_detached(detach_job job, void *arg)
{
	/*
	 * TODO: start a detached thread that calls job(arg) once; everything
	 * the thread reads must stay valid after this function returns.
	 */
	(void)job;
	(void)arg;
	return CONCUR_TODO(-1);
}
