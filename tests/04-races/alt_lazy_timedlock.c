/*
 * alt_lazy_timedlock.c - a correct lazy value written differently from the
 * reference: an error-checking mutex made from a pthread_mutexattr_t, and
 * the lock taken with pthread_mutex_timedlock, retried until it succeeds
 * (a latecomer sleeps in it while the value is built).
 */
#include "lazy.h"

#include <errno.h>
#include <stddef.h>
#include <time.h>

int lazy_init(struct lazy *l, lazy_builder build, void *arg)
{
	pthread_mutexattr_t attr;
	int err = pthread_mutexattr_init(&attr);

	if (err)
		return err;
	err = pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
	if (!err)
		err = pthread_mutex_init(&l->lock, &attr);
	pthread_mutexattr_destroy(&attr);
	l->build = build;
	l->arg = arg;
	l->value = NULL;
	return err;
}

void *lazy_get(struct lazy *l)
{
	struct timespec deadline;
	int err;

	do {
		clock_gettime(CLOCK_REALTIME, &deadline);
		deadline.tv_sec += 1;
		err = pthread_mutex_timedlock(&l->lock, &deadline);
	} while (err == ETIMEDOUT);
	void *v = l->value;
	if (v == NULL)
		v = l->value = l->build(l->arg); /* the check and the build, in one critical section */
	pthread_mutex_unlock(&l->lock);
	return v;
}

void lazy_destroy(struct lazy *l)
{
	pthread_mutex_destroy(&l->lock);
}
