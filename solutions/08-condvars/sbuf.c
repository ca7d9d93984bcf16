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
	if (capacity < 1 || capacity > SBUF_MAX_CAPACITY)
		return EINVAL;
	if (sem_init(&s->slots, 0, (unsigned)capacity) == -1)
		return errno;
	if (sem_init(&s->items, 0, 0) == -1) {
		int err = errno;
		sem_destroy(&s->slots);
		return err;
	}
	int err = pthread_mutex_init(&s->lock, NULL);
	if (err) {
		sem_destroy(&s->items);
		sem_destroy(&s->slots);
		return err;
	}
	s->capacity = capacity;
	s->head = 0;
	s->tail = 0;
	return 0;
}

/* Takes one unit of sem, sleeping while it is 0; a wait a signal handler interrupted (EINTR) is retried. */
static int take(sem_t *sem)
{
	while (sem_wait(sem) == -1)
		if (errno != EINTR)
			return errno;
	return 0;
}

int sbuf_put(struct sbuf *s, long item)
{
	/* The semaphore first, the lock after: never sleep holding the lock. */
	int err = take(&s->slots);
	if (err)
		return err;
	pthread_mutex_lock(&s->lock);
	s->ring[s->tail] = item;
	s->tail = (s->tail + 1) % s->capacity;
	pthread_mutex_unlock(&s->lock);
	/* Only now is the item there for a consumer to take. */
	sem_post(&s->items);
	return 0;
}

int sbuf_get(struct sbuf *s, long *item)
{
	int err = take(&s->items);
	if (err)
		return err;
	pthread_mutex_lock(&s->lock);
	*item = s->ring[s->head];
	s->head = (s->head + 1) % s->capacity;
	pthread_mutex_unlock(&s->lock);
	/* The slot is free only once the item has been copied out. */
	sem_post(&s->slots);
	return 0;
}

void sbuf_destroy(struct sbuf *s)
{
	pthread_mutex_destroy(&s->lock);
	sem_destroy(&s->items);
	sem_destroy(&s->slots);
}
