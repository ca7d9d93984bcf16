/*
 * counter.h - lesson 04, exercise "counter": a counter that many threads
 * may add to at the same time without losing a single update.
 *
 * This header is the contract between your code and the grader.  The grader
 * compiles your counter.c against its own pristine copy of this file.
 */
#ifndef COUNTER_H
#define COUNTER_H

#include <pthread.h>

struct counter {
	pthread_mutex_t lock; /* protects value */
	long value;           /* read and written only with lock held */
};

/*
 * counter_init - set the value to 0 and initialise the lock.  Call it once,
 * before any thread uses the counter.  Returns 0 or the error number of
 * pthread_mutex_init.
 */
int counter_init(struct counter *c);

/*
 * counter_add - add delta to the value.  Safe to call from any number of
 * threads at the same time: no update is ever lost.  Uses c->lock.
 */
void counter_add(struct counter *c, long delta);

/*
 * counter_get - the value, read with the lock held, so that it is never a
 * half-finished update.  Safe to call at the same time as counter_add.
 */
long counter_get(struct counter *c);

/* counter_destroy - destroy the lock; no thread may use c afterwards. */
void counter_destroy(struct counter *c);

#endif
