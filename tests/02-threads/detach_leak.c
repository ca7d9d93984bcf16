/*
 * detach_leak.c - known-wrong variant of exercises/02-threads/detach.c:
 * hands the thread a heap copy of its arguments that nobody ever frees.
 * Graded by make test; the expected verdict is in variants.json.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "detach.h"

struct call {
	detach_job job;
	void *arg;
};

static void *start(void *p)
{
	struct call *c = p;

	c->job(c->arg); /* ... and c is never freed */
	return NULL;
}

int run_detached(detach_job job, void *arg)
{
	struct call *c = malloc(sizeof *c);
	pthread_attr_t attr;
	pthread_t t;

	if (!c)
		return ENOMEM;
	*c = (struct call){job, arg};
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	int err = pthread_create(&t, &attr, start, c);
	pthread_attr_destroy(&attr);
	if (err)
		free(c);
	return err;
}
