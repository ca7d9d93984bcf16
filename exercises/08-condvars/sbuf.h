/*
 * sbuf.h - lesson 08, exercise "sbuf": the bounded buffer again, built on
 * two counting semaphores (POSIX sem_t) and a mutex.
 *
 * This header is the contract between your code and the grader.  The grader
 * compiles your sbuf.c against its own pristine copy of this file.
 */
#ifndef SBUF_H
#define SBUF_H

#include <pthread.h>
#include <semaphore.h>

#define SBUF_MAX_CAPACITY 64

struct sbuf {
	sem_t slots;                   /* counts the free slots: capacity after sbuf_init */
	sem_t items;                   /* counts the stored items: 0 after sbuf_init */
	pthread_mutex_t lock;          /* protects ring, head and tail */
	long ring[SBUF_MAX_CAPACITY];  /* the stored items, oldest at ring[head] */
	int capacity;                  /* 1 to SBUF_MAX_CAPACITY; set by sbuf_init, then only read */
	int head;                      /* where sbuf_get takes the next item from */
	int tail;                      /* where sbuf_put stores the next item */
};

/*
 * sbuf_init - an empty buffer of `capacity` slots.  Returns 0, EINVAL if
 * capacity is not between 1 and SBUF_MAX_CAPACITY, or the errno of
 * sem_init or the error number of pthread_mutex_init; after an error
 * nothing is left initialised.
 */
int sbuf_init(struct sbuf *s, int capacity);

/*
 * sbuf_put - waits for a free slot (sem_wait on slots: asleep, using no
 * CPU, while the buffer is full), stores item in it, and only then posts
 * items.  Returns 0.  Any number of threads may put and get at the same
 * time.
 *
 * A sem_wait that a signal handler interrupts returns -1 with errno EINTR
 * without taking anything: sbuf_put and sbuf_get then wait again.  Any
 * other failure of sem_wait is returned (its errno), with nothing changed.
 * Neither function holds lock while it waits on a semaphore.
 */
int sbuf_put(struct sbuf *s, long item);

/*
 * sbuf_get - waits for a stored item (sem_wait on items: asleep while the
 * buffer is empty), takes out the oldest into *item, and only then posts
 * slots: items come out in the order they were stored, each exactly once.
 * Returns 0.
 */
int sbuf_get(struct sbuf *s, long *item);

/* sbuf_destroy - destroys the semaphores and the mutex; no thread may use s afterwards. */
void sbuf_destroy(struct sbuf *s);

#endif
