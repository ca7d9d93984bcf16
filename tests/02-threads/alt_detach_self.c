/*
 * alt_detach_self.c - a correct run_detached() written differently from
 * the reference: the thread is created joinable (default attributes) and
 * detaches itself first thing, with pthread_detach(pthread_self()); its
 * arguments are a heap copy it frees once it has read them.
 */
#include "detach.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

struct start {
	detach_job job;
	void *arg;
};

static void *start_routine(void *p)
{
	struct start s = *(struct start *)p;

	pthread_detach(pthread_self());
	free(p);
	s.job(s.arg);
	return NULL;
}

int run_detached(detach_job job, void *arg)
{
	struct start *s = malloc(sizeof *s);
	pthread_t t;

	if (s == NULL)
		return ENOMEM;
	*s = (struct start){job, arg};
	int err = pthread_create(&t, NULL, start_routine, s);
	if (err != 0)
		free(s);
	return err;
}
