/*
 * sbuf.c - lesson 08, exercise "sbuf".  Read lessons/08-condvars.md first.
 *
 * Goal: the bounded buffer with counting semaphores: one counts the free
 * slots, one the stored items, and a mutex keeps two threads from using
 * the same slot.  The contract is in sbuf.h.
 * Check your work with:  make check LESSON=8 EXERCISE=sbuf
 */
#include "sbuf.h"

#include <errno.h>

#include "concur_todo.h"

int sbuf_init(struct sbuf *s, int capacity)
{
	/* TODO: an empty buffer of `capacity` slots: both semaphores counting what sbuf.h says, and the mutex ready. */
	(void)s;
	(void)capacity;
	return CONCUR_TODO(-1);
}

/* Takes one unit of sem, sleeping while it is 0; a wait a signal handler interrupted (EINTR) is retried. */
static int take(sem_t *sem)
{
	/* TODO: wait for one unit of sem, as sbuf.h says; return 0, or the errno of a failure other than EINTR. */
	(void)sem;
	return CONCUR_TODO(-1);
}

int sbuf_put(struct sbuf *s, long item)
{
	/* TODO: wait for a free slot, store item there, then announce it to the consumers (see sbuf.h). */
	(void)s;
	(void)item;
	(void)take;
	return CONCUR_TODO(-1);
}

int sbuf_get(struct sbuf *s, long *item)
{
	/* TODO: wait for a stored item, take out the oldest, then announce the free slot to the producers. */
	(void)s;
	(void)item;
	return CONCUR_TODO(-1);
}

void sbuf_destroy(struct sbuf *s)
{
	pthread_mutex_destroy(&s->lock);
	sem_destroy(&s->items);
	sem_destroy(&s->slots);
}
