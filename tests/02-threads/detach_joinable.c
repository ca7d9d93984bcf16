/*
 * detach_joinable.c - known-wrong variant of exercises/02-threads/detach.c: creates a joinable thread that nobody ever joins.
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
	struct call c = *(struct call *)p;

	free(p);
	c.job(c.arg);
	return NULL;
}

int run_detached(detach_job job, void *arg)
{
	struct call *c = malloc(sizeof *c);
	pthread_t t;

	if (!c)
		return ENOMEM;
	*c = (struct call){job, arg};
	int err = pthread_create(&t, NULL, start, c);
	if (err)
		free(c);
	return err; /* joinable, and never joined */
}
