/*
 * alt_bbuf_timed_waits.c - a correct bbuf written differently from the
 * reference: one waiting helper for both sides, given the condition as a
 * predicate; waits with pthread_cond_timedwait and a 1 s deadline as a
 * safety net (a timeout is no wake-up: the loop just looks again);
 * initialises the condition variables before the mutex; and signals
 * after each change with the lock still held, from one place per side.
 */
#include "bbuf.h"

#include <errno.h>
#include <time.h>

#include "concur_todo.h"

int bbuf_init(struct bbuf *b, int capacity)
{
	int err;

	if (capacity <= 0 || capacity > BBUF_MAX_CAPACITY)
		return EINVAL;
	if ((err = pthread_cond_init(&b->not_empty, NULL)) != 0)
		return err;
	if ((err = pthread_cond_init(&b->not_full, NULL)) != 0) {
		pthread_cond_destroy(&b->not_empty);
		return err;
	}
	if ((err = pthread_mutex_init(&b->lock, NULL)) != 0) {
		pthread_cond_destroy(&b->not_full);
		pthread_cond_destroy(&b->not_empty);
		return err;
	}
	b->capacity = capacity;
	b->head = b->count = 0;
	b->closed = false;
	return 0;
}

/* With b->lock held: sleeps on c until ready(b) holds. */
static void wait_until(struct bbuf *b, pthread_cond_t *c, bool (*ready)(const struct bbuf *))
{
	while (!ready(b)) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		pthread_cond_timedwait(c, &b->lock, &until);
	}
}

static bool can_put(const struct bbuf *b) { return b->closed || b->count < b->capacity; }
static bool can_get(const struct bbuf *b) { return b->closed || b->count > 0; }

int bbuf_put(struct bbuf *b, long item)
{
	pthread_mutex_lock(&b->lock);
	wait_until(b, &b->not_full, can_put);
	if (b->closed) {
		pthread_mutex_unlock(&b->lock);
		return EPIPE;
	}
	int tail = b->head + b->count;
	if (tail >= b->capacity)
		tail -= b->capacity;
	b->items[tail] = item;
	b->count++;
	pthread_cond_signal(&b->not_empty);
	pthread_mutex_unlock(&b->lock);
	return 0;
}

int bbuf_get(struct bbuf *b, long *item)
{
	pthread_mutex_lock(&b->lock);
	wait_until(b, &b->not_empty, can_get);
	if (b->count == 0) {
		pthread_mutex_unlock(&b->lock);
		return EPIPE;
	}
	*item = b->items[b->head];
	if (++b->head == b->capacity)
		b->head = 0;
	b->count--;
	pthread_cond_signal(&b->not_full);
	pthread_mutex_unlock(&b->lock);
	return 0;
}

void bbuf_close(struct bbuf *b)
{
	pthread_mutex_lock(&b->lock);
	if (!b->closed) {
		b->closed = true;
		pthread_cond_broadcast(&b->not_empty);
		pthread_cond_broadcast(&b->not_full);
	}
	pthread_mutex_unlock(&b->lock);
}

void bbuf_destroy(struct bbuf *b)
{
	pthread_cond_destroy(&b->not_empty);
	pthread_cond_destroy(&b->not_full);
	pthread_mutex_destroy(&b->lock);
}
