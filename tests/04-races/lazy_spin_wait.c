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

/*
 * KNOWN WRONG: builds once, but the threads that arrive during the build
 * spin (lock, look, unlock, again) instead of sleeping until it is done.
 */
static int building; /* protected by the lazy lock (one lazy value in the tests) */

void *lazy_get(struct lazy *l)
{
	pthread_mutex_lock(&l->lock);
	if (l->value == NULL && !building) {
		building = 1;
		pthread_mutex_unlock(&l->lock);
		void *built = l->build(l->arg);
		pthread_mutex_lock(&l->lock);
		l->value = built;
	}
	while (l->value == NULL) {
		pthread_mutex_unlock(&l->lock);
		pthread_mutex_lock(&l->lock);
	}
	void *v = l->value;
	pthread_mutex_unlock(&l->lock);
	return v;
}

void lazy_destroy(struct lazy *l)
{
	pthread_mutex_destroy(&l->lock);
}
