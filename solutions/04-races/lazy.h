/*
 * lazy.h - lesson 04, exercise "lazy": a value that is built the first time
 * any thread asks for it, and never twice: the classic check-then-act race.
 *
 * This header is the contract between your code and the grader.  The grader
 * compiles your lazy.c against its own pristine copy of this file.
 */
#ifndef LAZY_H
#define LAZY_H

#include <pthread.h>

/*
 * Builds the value: slow (it may take a long time, or sleep), and never
 * returns NULL.  Supplied by the caller.  Building it twice is a bug: think
 * of a table read from a file, or a connection opened to a server.
 */
typedef void *(*lazy_builder)(void *arg);

struct lazy {
	pthread_mutex_t lock; /* protects value */
	void *value;          /* NULL until built; read and written only with lock held */
	lazy_builder build;   /* set by lazy_init, then only read */
	void *arg;            /* passed to build; set by lazy_init, then only read */
};

/*
 * lazy_init - remember build and arg, set value to NULL (nothing is built
 * yet), and initialise the lock.  Returns 0 or the error number of
 * pthread_mutex_init.
 */
int lazy_init(struct lazy *l, lazy_builder build, void *arg);

/*
 * lazy_get - the value, built by calling build(arg) on the first call.
 * Safe to call from any number of threads at the same time: build is
 * called exactly once in all, and every caller gets the same pointer.  A
 * caller that arrives while another thread is building waits (blocked, not
 * spinning) until the value is ready.
 */
void *lazy_get(struct lazy *l);

/* lazy_destroy - destroy the lock (the value itself belongs to the caller). */
void lazy_destroy(struct lazy *l);

#endif
