/*
 * detach_stack_args.c - known-wrong variant of exercises/02-threads/detach.c: passes the thread a struct that lives in run_detached's own stack frame.
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

	c->job(c->arg); /* by now run_detached may have returned */
	return NULL;
}

int run_detached(detach_job job, void *arg)
{
	struct call c = {job, arg};
	pthread_t t;
	int err = pthread_create(&t, NULL, start, &c);

	if (!err)
		err = pthread_detach(t);
	return err;
}
