/*
 * alt_sbuf_timed_waits.c - a correct sbuf written differently from the
 * reference: it sleeps in sem_timedwait with a 1 s deadline that it renews
 * on ETIMEDOUT (EINTR is retried too); it initialises the mutex first and
 * the semaphores after; its ring starts at the last slot; and it copies
 * the item into a local before it leaves the critical section.
 */
#include "sbuf.h"

#include <errno.h>
#include <time.h>

#include "concur_todo.h"

int sbuf_init(struct sbuf *s, int capacity)
{
	int err;

	if (capacity <= 0 || capacity > SBUF_MAX_CAPACITY)
		return EINVAL;
	if ((err = pthread_mutex_init(&s->lock, NULL)) != 0)
		return err;
	if (sem_init(&s->items, 0, 0) != 0) {
		err = errno;
		pthread_mutex_destroy(&s->lock);
		return err;
	}
	if (sem_init(&s->slots, 0, (unsigned)capacity) != 0) {
		err = errno;
		sem_destroy(&s->items);
		pthread_mutex_destroy(&s->lock);
		return err;
	}
	s->capacity = capacity;
	s->head = s->tail = capacity - 1;
	return 0;
}

/* One unit of sem: asleep until there is one. */
static int take(sem_t *sem)
{
	for (;;) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		if (sem_timedwait(sem, &until) == 0)
			return 0;
		if (errno != EINTR && errno != ETIMEDOUT)
			return errno;
	}
}

int sbuf_put(struct sbuf *s, long item)
{
	int err = take(&s->slots);

	if (err)
		return err;
	pthread_mutex_lock(&s->lock);
	s->ring[s->tail] = item;
	if (++s->tail == s->capacity)
		s->tail = 0;
	pthread_mutex_unlock(&s->lock);
	sem_post(&s->items);
	return 0;
}

int sbuf_get(struct sbuf *s, long *item)
{
	long got;
	int err = take(&s->items);

	if (err)
		return err;
	pthread_mutex_lock(&s->lock);
	got = s->ring[s->head];
	if (++s->head == s->capacity)
		s->head = 0;
	pthread_mutex_unlock(&s->lock);
	sem_post(&s->slots);
	*item = got;
	return 0;
}

void sbuf_destroy(struct sbuf *s)
{
	sem_destroy(&s->slots);
	sem_destroy(&s->items);
	pthread_mutex_destroy(&s->lock);
}
