/*
 * bbuf.h - lesson 08, exercise "bbuf": a bounded buffer, the meeting point
 * of producer threads that put items in and consumer threads that take
 * them out, built with one mutex and two condition variables.
 *
 * This header is the contract between your code and the grader.  The grader
 * compiles your bbuf.c against its own pristine copy of this file.
 */
#ifndef BBUF_H
#define BBUF_H

#include <pthread.h>
#include <stdbool.h>

#define BBUF_MAX_CAPACITY 64

struct bbuf {
	pthread_mutex_t lock;          /* protects every field below */
	pthread_cond_t not_full;       /* bbuf_put waits on it, with lock, while the buffer is full */
	pthread_cond_t not_empty;      /* bbuf_get waits on it, with lock, while the buffer is empty */
	long items[BBUF_MAX_CAPACITY]; /* a ring: the oldest item is items[head], the next at (head + 1) % capacity */
	int capacity;                  /* 1 to BBUF_MAX_CAPACITY; set by bbuf_init, then only read */
	int head;                      /* index of the oldest item */
	int count;                     /* items stored now: never more than capacity */
	bool closed;                   /* set by bbuf_close, never cleared */
};

/*
 * bbuf_init - an empty, open buffer of `capacity` slots.  Returns 0, EINVAL
 * if capacity is not between 1 and BBUF_MAX_CAPACITY, or the error number
 * of pthread_mutex_init or pthread_cond_init; after an error nothing is
 * left initialised.
 */
int bbuf_init(struct bbuf *b, int capacity);

/*
 * bbuf_put - stores item after the items already stored.  While the buffer
 * is full it blocks, asleep and using no CPU, until a slot frees up or the
 * buffer is closed.  Returns 0 once the item is stored, or EPIPE, storing
 * nothing, if the buffer is closed (also when it was closed while put
 * waited).  Any number of threads may put and get at the same time.
 *
 * A thread may return from pthread_cond_wait without any signal (a
 * spurious wake-up), or find that another thread was faster and took what
 * the signal announced: bbuf_put and bbuf_get check their condition again
 * after every wake-up, and wait again while it is false.  Every change to
 * the buffer, and every signal or broadcast, is made while holding lock.
 */
int bbuf_put(struct bbuf *b, long item);

/*
 * bbuf_get - takes out the oldest item into *item: items come out in the
 * order they were stored, each exactly once.  While the buffer is empty and
 * open it blocks, asleep and using no CPU.  Returns 0, or EPIPE once the
 * buffer is closed and empty: items stored before bbuf_close are still
 * delivered.
 */
int bbuf_get(struct bbuf *b, long *item);

/*
 * bbuf_close - closes the buffer and wakes every thread blocked in bbuf_put
 * or bbuf_get, so that each of them returns.  From then on bbuf_put
 * returns EPIPE at once.  Closing twice is harmless.
 */
void bbuf_close(struct bbuf *b);

/* bbuf_destroy - destroys the mutex and condition variables; no thread may use b afterwards. */
void bbuf_destroy(struct bbuf *b);

#endif
