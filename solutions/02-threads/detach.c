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

/* What the new thread needs; owned (and freed) by that thread. */
struct detached_call {
	detach_job job;
	void *arg;
};

static void *detached_main(void *p)
{
	struct detached_call call = *(struct detached_call *)p;

	free(p);
	call.job(call.arg);
	return NULL;
}

int run_detached(detach_job job, void *arg)
{
	/*
	 * The thread may start after we return, so its arguments cannot live
	 * in this stack frame: put them on the heap and let the thread free
	 * them.
	 */
	struct detached_call *call = malloc(sizeof *call);
	pthread_attr_t attr;
	pthread_t thread;
	int err;

	if (!call)
		return ENOMEM;
	call->job = job;
	call->arg = arg;
	err = pthread_attr_init(&attr);
	if (err) {
		free(call);
		return err;
	}
	/* Detached from birth: nobody joins it, its resources go when it ends. */
	err = pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (!err)
		err = pthread_create(&thread, &attr, detached_main, call);
	pthread_attr_destroy(&attr);
	if (err)
		free(call);
	return err;
}
