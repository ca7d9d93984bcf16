/*
 * lazy.c - lesson 04, exercise "lazy".  Read lessons/04-races.md first.
 *
 * Goal: build the value on first use, exactly once, however many threads
 * ask for it at the same moment.  The racy version from the lesson is
 * `if (l->value == NULL) l->value = l->build(l->arg);`: a check, then an
 * act, and every thread that checks before the first one acts builds too.
 * The contract is in lazy.h.
 * Check your work with:  make check LESSON=4 EXERCISE=lazy
 */
#include "lazy.h"

#include <stddef.h>

#include "concur_todo.h"

int lazy_init(struct lazy *l, lazy_builder build, void *arg)
{
	l->value = NULL;
	l->build = build;
	l->arg = arg;
	return pthread_mutex_init(&l->lock, NULL);
}

void *lazy_get(struct lazy *l)
{
	/*
	 * Check and act under one lock: a thread that arrives during the build
	 * blocks in pthread_mutex_lock (asleep) and then finds the value set.
	 */
	pthread_mutex_lock(&l->lock);
	if (l->value == NULL)
		l->value = l->build(l->arg);
	void *v = l->value;
	pthread_mutex_unlock(&l->lock);
	return v;
}

void lazy_destroy(struct lazy *l)
{
	pthread_mutex_destroy(&l->lock);
}
