/*
 * detach_waits.c - known-wrong variant of exercises/02-threads/detach.c: joins the thread, so it waits for the job instead of returning at once.
 * Graded by make test; the expected verdict is in variants.json.
 */
#include <pthread.h>

#include "detach.h"

struct call {
	detach_job job;
	void *arg;
};

static void *start(void *p)
{
	struct call *c = p;

	c->job(c->arg);
	return NULL;
}

int run_detached(detach_job job, void *arg)
{
	struct call c = {job, arg};
	pthread_t t;
	int err = pthread_create(&t, NULL, start, &c);

	if (!err)
		err = pthread_join(t, NULL);
	return err;
}
