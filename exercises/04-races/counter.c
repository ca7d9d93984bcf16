/*
 * counter.c - lesson 04, exercise "counter".  Read lessons/04-races.md first.
 *
 * Goal: counter_add must never lose an update, however many threads call
 * it at once.  The racy version from the lesson is `c->value += delta;`:
 * a read, an add and a write that other threads can slip between.
 * The contract is in counter.h.
 * Check your work with:  make check LESSON=4 EXERCISE=counter
 */
#include "counter.h"

#include "concur_todo.h"

int counter_init(struct counter *c)
{
	c->value = 0;
	return pthread_mutex_init(&c->lock, NULL);
}

void counter_add(struct counter *c, long delta)
{
	/*
	 * TODO: add delta to c->value so that no update is ever lost when many
	 * threads call this at once: the read, the add and the write must be
	 * one critical section, protected by c->lock.
	 */
	(void)c;
	(void)delta;
	(void)CONCUR_TODO(0);
}

long counter_get(struct counter *c)
{
	/* TODO: return c->value, read with c->lock held. */
	(void)c;
	return CONCUR_TODO(-1);
}

void counter_destroy(struct counter *c)
{
	pthread_mutex_destroy(&c->lock);
}
