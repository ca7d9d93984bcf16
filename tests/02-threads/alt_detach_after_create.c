/*
 * alt_detach_after_create.c - a correct run_detached() written differently
 * from the reference: the caller creates the thread joinable and detaches
 * it with pthread_detach(thread) right away; the thread keeps its heap
 * copy of the arguments until the job has returned, and frees it then.
 */
#include "detach.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

struct call {
	detach_job job;
	void *arg;
};

static void *run_job(void *p)
{
	struct call *c = p;

	c->job(c->arg);
	free(c);
	return NULL;
}

int run_detached(detach_job job, void *arg)
{
	struct call *c = calloc(1, sizeof *c);
	pthread_t thread;
	int err;

	if (!c)
		return ENOMEM;
	c->job = job;
	c->arg = arg;
	if ((err = pthread_create(&thread, NULL, run_job, c)) != 0) {
		free(c);
		return err;
	}
	return pthread_detach(thread);
}
