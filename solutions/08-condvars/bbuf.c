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
	if (capacity < 1 || capacity > BBUF_MAX_CAPACITY)
		return EINVAL;
	int err = pthread_mutex_init(&b->lock, NULL);
	if (err)
		return err;
	err = pthread_cond_init(&b->not_full, NULL);
	if (err) {
		pthread_mutex_destroy(&b->lock);
		return err;
	}
	err = pthread_cond_init(&b->not_empty, NULL);
	if (err) {
		pthread_cond_destroy(&b->not_full);
		pthread_mutex_destroy(&b->lock);
		return err;
	}
	b->capacity = capacity;
	b->head = 0;
	b->count = 0;
	b->closed = false;
	return 0;
}

int bbuf_put(struct bbuf *b, long item)
{
	int err = 0;

	pthread_mutex_lock(&b->lock);
	/* A while, not an if: a wake-up only says "look again". */
	while (b->count == b->capacity && !b->closed)
		pthread_cond_wait(&b->not_full, &b->lock);
	if (b->closed) {
		err = EPIPE;
	} else {
		b->items[(b->head + b->count) % b->capacity] = item;
		b->count++;
		/* One item more: one consumer can go on. */
		pthread_cond_signal(&b->not_empty);
	}
	pthread_mutex_unlock(&b->lock);
	return err;
}

int bbuf_get(struct bbuf *b, long *item)
{
	int err = 0;

	pthread_mutex_lock(&b->lock);
	while (b->count == 0 && !b->closed)
		pthread_cond_wait(&b->not_empty, &b->lock);
	if (b->count == 0) {
		err = EPIPE; /* closed, and nothing left to deliver */
	} else {
		*item = b->items[b->head];
		b->head = (b->head + 1) % b->capacity;
		b->count--;
		/* One slot more: one producer can go on. */
		pthread_cond_signal(&b->not_full);
	}
	pthread_mutex_unlock(&b->lock);
	return err;
}

void bbuf_close(struct bbuf *b)
{
	pthread_mutex_lock(&b->lock);
	b->closed = true;
	/* Every waiter must see the change, on both sides: broadcast, not signal. */
	pthread_cond_broadcast(&b->not_full);
	pthread_cond_broadcast(&b->not_empty);
	pthread_mutex_unlock(&b->lock);
}

void bbuf_destroy(struct bbuf *b)
{
	pthread_cond_destroy(&b->not_empty);
	pthread_cond_destroy(&b->not_full);
	pthread_mutex_destroy(&b->lock);
}
