/*
 * detach_unlocked_count.c - known-wrong variant of exercises/02-threads/detach.c:
 * counts the jobs started in a global that the new threads update without a
 * lock, while the caller reads it.
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

static int jobs_started; /* shared by every thread, protected by nothing */

static void *start(void *p)
{
	struct call c = *(struct call *)p;

	free(p);
	jobs_started++;
	c.job(c.arg);
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
	if (jobs_started > 1000)
		return EAGAIN; /* "too many jobs": reads what the threads write */
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	int err = pthread_create(&t, &attr, start, c);
	pthread_attr_destroy(&attr);
	if (err)
		free(c);
	return err;
}
