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

/* KNOWN WRONG: each half is locked, but another thread can run between the read and the write. */
void counter_add(struct counter *c, long delta)
{
	pthread_mutex_lock(&c->lock);
	long v = c->value;
	pthread_mutex_unlock(&c->lock);
	pthread_mutex_lock(&c->lock);
	c->value = v + delta;
	pthread_mutex_unlock(&c->lock);
}

long counter_get(struct counter *c)
{
	pthread_mutex_lock(&c->lock);
	long v = c->value;
	pthread_mutex_unlock(&c->lock);
	return v;
}

void counter_destroy(struct counter *c)
{
	pthread_mutex_destroy(&c->lock);
}
