/*
 * race_sbuf.c - Helgrind driver for lesson 08, exercise "sbuf".
 *
 * Helgrind orders a sem_post before the sem_wait it satisfies, so two
 * threads that pass their semaphore one after the other (the first one's
 * post let the second one in) are ordered, whatever they do with the ring.
 * Three phases make every pair of threads that may really overlap meet
 * unordered:
 *   1. two producers and two consumers share a buffer of capacity 2, so
 *      each side often waits for the other (producers against consumers);
 *   2. two producers fill a buffer big enough for all their items, so
 *      neither ever waits: both take slots sem_init made, and nothing
 *      orders one producer's ring and tail against the other's;
 *   3. two consumers empty it, each with items the main thread's phase
 *      made: nothing orders one consumer's head against the other's.
 * A ring, head or tail touched without s->lock is then reported.  Each
 * thread moves a fixed number of items, so the program ends whatever the
 * order of events.
 */
#include <pthread.h>

#include "ct_driver.h"
#include "sbuf.h"

#define PER_THREAD 30

static struct sbuf s;
static long sums[2];

static void *producer(void *arg)
{
	long base = (long)arg * 1000;

	for (long k = 0; k < PER_THREAD; k++)
		if (sbuf_put(&s, base + k) != 0)
			ct_driver_fail("sbuf_put did not return 0");
	return NULL;
}

static void *consumer(void *arg)
{
	long item, *sum = &sums[(long)arg];

	for (int k = 0; k < PER_THREAD; k++) {
		if (sbuf_get(&s, &item) != 0)
			ct_driver_fail("sbuf_get did not return 0");
		*sum += item;
	}
	return NULL;
}

/* Runs two threads of fn (and two of also, if not NULL) and joins them. */
static void run(void *(*fn)(void *), void *(*also)(void *))
{
	pthread_t t[4];
	int n = 0;

	for (long i = 0; i < 2; i++) {
		if (pthread_create(&t[n++], NULL, fn, (void *)i) != 0)
			ct_driver_fail("grader error: pthread_create failed");
		if (also && pthread_create(&t[n++], NULL, also, (void *)i) != 0)
			ct_driver_fail("grader error: pthread_create failed");
	}
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
}

/* What two producers put: 0 + 1 + ... + 29, and 1000 + 1001 + ... + 1029. */
#define ALL_ITEMS (2 * (PER_THREAD * (PER_THREAD - 1) / 2) + 1000L * PER_THREAD)

int main(void)
{
	if (sbuf_init(&s, 2) != 0)
		ct_driver_fail("sbuf_init(s, 2) did not return 0");
	run(consumer, producer);
	if (sums[0] + sums[1] != ALL_ITEMS)
		ct_driver_fail("the consumers' items add up to %ld; the producers put %ld", sums[0] + sums[1], ALL_ITEMS);
	sbuf_destroy(&s);

	if (sbuf_init(&s, SBUF_MAX_CAPACITY) != 0)
		ct_driver_fail("sbuf_init(s, %d) did not return 0", SBUF_MAX_CAPACITY);
	sums[0] = sums[1] = 0;
	run(producer, NULL);
	run(consumer, NULL);
	if (sums[0] + sums[1] != ALL_ITEMS)
		ct_driver_fail("the consumers' items add up to %ld; the producers put %ld", sums[0] + sums[1], ALL_ITEMS);
	sbuf_destroy(&s);
	ct_driver_pass();
}
