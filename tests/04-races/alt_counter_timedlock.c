/*
 * alt_counter_timedlock.c - a correct counter written differently from the
 * reference: every lock taken with pthread_mutex_timedlock, retried until
 * it succeeds, and the read, the add and the write as three statements.
 */
#include "counter.h"

#include <errno.h>
#include <time.h>

int counter_init(struct counter *c)
{
	int err = pthread_mutex_init(&c->lock, NULL);

	if (!err)
		c->value = 0; /* nobody else can see c yet */
	return err;
}

/* Takes c->lock, waiting a second at a time (asleep) until it is free. */
static void take(struct counter *c)
{
	struct timespec deadline;

	do {
		clock_gettime(CLOCK_REALTIME, &deadline);
		deadline.tv_sec += 1;
	} while (pthread_mutex_timedlock(&c->lock, &deadline) == ETIMEDOUT);
}

void counter_add(struct counter *c, long delta)
{
	take(c);
	long v = c->value; /* read, add, write: all inside the lock */
	c->value = v + delta;
	pthread_mutex_unlock(&c->lock);
}

long counter_get(struct counter *c)
{
	take(c);
	long v = c->value;
	pthread_mutex_unlock(&c->lock);
	return v;
}

void counter_destroy(struct counter *c)
{
	pthread_mutex_destroy(&c->lock);
}
