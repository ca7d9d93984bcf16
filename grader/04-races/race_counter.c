/*
 * race_counter.c - Helgrind driver for lesson 04, exercise "counter": two
 * threads add while a third reads, so any access to the counter's value
 * made without its lock is reported as a race on `shared.value`.
 */
#include <pthread.h>

#include "counter.h"
#include "ct_driver.h"

#define ADDS 200

static struct counter shared;

static void *adder(void *unused)
{
	(void)unused;
	for (int i = 0; i < ADDS; i++)
		counter_add(&shared, 1);
	return NULL;
}

static void *reader(void *unused)
{
	long last = 0;

	(void)unused;
	for (int i = 0; i < ADDS; i++)
		last = counter_get(&shared);
	return (void *)last;
}

int main(void)
{
	pthread_t t[3];

	if (counter_init(&shared) != 0)
		ct_driver_fail("counter_init(c) did not return 0");
	for (int i = 0; i < 3; i++)
		if (pthread_create(&t[i], NULL, i < 2 ? adder : reader, NULL) != 0)
			ct_driver_fail("grader error: pthread_create failed");
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	long v = counter_get(&shared);
	if (v != 2 * ADDS)
		ct_driver_fail("two threads each called counter_add(c, 1) %d times, then counter_get(c) returned %ld; "
			       "expected %d",
			       ADDS, v, 2 * ADDS);
	counter_destroy(&shared);
	ct_driver_pass();
}
