/*
 * race_bbuf.c - Helgrind driver for lesson 08, exercise "bbuf".
 *
 * Two producers and two consumers share a buffer of capacity 2, so that
 * each side often waits for the other, then the main thread closes it
 * while consumers still wait for more: every field is touched by every
 * thread, and a field read or written without b->lock is reported; so is
 * a condition variable signalled with no thread holding its mutex, or
 * waited on with the wrong one.  The consumers stop at EPIPE, so this
 * program ends whatever the order of events, unless bbuf_close fails to
 * wake a waiter.
 */
#include <errno.h>
#include <pthread.h>

#include "bbuf.h"
#include "ct_driver.h"

#define PER_PRODUCER 30

static struct bbuf b;
static long taken[2];

static void *producer(void *arg)
{
	long base = (long)arg * 1000;

	for (long k = 0; k < PER_PRODUCER; k++)
		if (bbuf_put(&b, base + k) != 0)
			ct_driver_fail("bbuf_put into an open buffer did not return 0");
	return NULL;
}

static void *consumer(void *arg)
{
	long item, *count = &taken[(long)arg];

	while (bbuf_get(&b, &item) == 0)
		++*count;
	return NULL;
}

int main(void)
{
	pthread_t p[2], c[2];

	if (bbuf_init(&b, 2) != 0)
		ct_driver_fail("bbuf_init(b, 2) did not return 0");
	for (long i = 0; i < 2; i++)
		if (pthread_create(&c[i], NULL, consumer, (void *)i) != 0 ||
		    pthread_create(&p[i], NULL, producer, (void *)i) != 0)
			ct_driver_fail("grader error: pthread_create failed");
	for (int i = 0; i < 2; i++)
		pthread_join(p[i], NULL);
	bbuf_close(&b);
	for (int i = 0; i < 2; i++)
		pthread_join(c[i], NULL);
	if (taken[0] + taken[1] != 2 * PER_PRODUCER)
		ct_driver_fail("the consumers took %ld items; %d were put", taken[0] + taken[1], 2 * PER_PRODUCER);
	bbuf_destroy(&b);
	ct_driver_pass();
}
