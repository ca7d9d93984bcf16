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
	 * TODO: return l->value, calling l->build(l->arg) first if nothing is
	 * built yet.  The check ("is it built?") and the act ("build it") must
	 * happen under l->lock together, so build runs exactly once.
	 */
	(void)l;
	return CONCUR_TODO(NULL);
}

void lazy_destroy(struct lazy *l)
{
	pthread_mutex_destroy(&l->lock);
}
