/*
 * alt_lazy_two_exits.c - a correct lazy value written differently from the
 * reference: the lock first tried, then waited for; the fast path unlocks
 * and returns early, the first call builds and unlocks on its own path.
 */
#include "lazy.h"

#include <errno.h>
#include <stddef.h>

int lazy_init(struct lazy *l, lazy_builder build, void *arg)
{
	l->arg = arg;
	l->build = build;
	l->value = NULL; /* nothing built yet */
	return pthread_mutex_init(&l->lock, NULL);
}

void *lazy_get(struct lazy *l)
{
	if (pthread_mutex_trylock(&l->lock) == EBUSY)
		pthread_mutex_lock(&l->lock); /* someone holds it, maybe building: sleep until it is free */
	if (l->value != NULL) {
		void *built = l->value;
		pthread_mutex_unlock(&l->lock);
		return built;
	}
	void *v = l->build(l->arg);
	l->value = v;
	pthread_mutex_unlock(&l->lock);
	return v;
}

void lazy_destroy(struct lazy *l)
{
	int err = pthread_mutex_destroy(&l->lock);

	(void)err; /* EBUSY only if a thread still used l, which the contract forbids */
}
