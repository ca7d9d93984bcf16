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

/* KNOWN WRONG: check-then-act with no lock; every thread that checks before the first one acts builds too. */
void *lazy_get(struct lazy *l)
{
	if (l->value == NULL)
		l->value = l->build(l->arg);
	return l->value;
}

void lazy_destroy(struct lazy *l)
{
	pthread_mutex_destroy(&l->lock);
}
