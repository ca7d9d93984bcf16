/*
 * bbuf.c - lesson 08, exercise "bbuf".  Read lessons/08-condvars.md first.
 *
 * Goal: a bounded buffer that any number of producer and consumer threads
 * use at once: put waits while it is full, get while it is empty, both
 * asleep on a condition variable, and close wakes everyone.  The contract
 * is in bbuf.h.
 * Check your work with:  make check LESSON=8 EXERCISE=bbuf
 */
#include "bbuf.h"

#include <errno.h>

#include "concur_todo.h"

int bbuf_init(struct bbuf *b, int capacity)
{
	/* TODO: an empty, open buffer of `capacity` slots, its mutex and both condition variables ready (see bbuf.h). */
	(void)b;
	(void)capacity;
	return CONCUR_TODO(-1);
}

int bbuf_put(struct bbuf *b, long item)
{
	/*
	 * TODO: store item once there is a free slot, sleeping on b->not_full
	 * while there is none, and let a waiting consumer know; EPIPE if the
	 * buffer is closed.
	 */
	(void)b;
	(void)item;
	return CONCUR_TODO(-1);
}

int bbuf_get(struct bbuf *b, long *item)
{
	/*
	 * TODO: take out the oldest item once there is one, sleeping on
	 * b->not_empty while there is none, and let a waiting producer know;
	 * EPIPE once the buffer is closed and empty.
	 */
	(void)b;
	(void)item;
	return CONCUR_TODO(-1);
}

void bbuf_close(struct bbuf *b)
{
	/* TODO: close the buffer, so that every thread waiting in bbuf_put or bbuf_get returns. */
	(void)b;
	(void)CONCUR_TODO(0);
}

void bbuf_destroy(struct bbuf *b)
{
	pthread_cond_destroy(&b->not_empty);
	pthread_cond_destroy(&b->not_full);
	pthread_mutex_destroy(&b->lock);
}
