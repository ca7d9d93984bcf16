/*
 * race_shmcounter.c - Helgrind driver for lesson 07, exercise "shmcounter".
 *
 * Helgrind sees one process at a time, so this driver uses threads: two
 * add while a third reads, and an access to the value made without the
 * lock is reported as a race on the counter.
 */
#include <pthread.h>

#include "ct_driver.h"
#include "shmcounter.h"

#define ADDS 200

static struct shm_counter *shared;

static void *adder(void *unused)
{
	(void)unused;
	for (int i = 0; i < ADDS; i++)
		shm_counter_add(shared, 1);
	return NULL;
}

static void *reader(void *unused)
{
	long last = 0;

	(void)unused;
	for (int i = 0; i < ADDS; i++)
		last = shm_counter_get(shared);
	return (void *)last;
}

int main(void)
{
	pthread_t t[3];

	shared = shm_counter_create();
	if (!shared)
		ct_driver_fail("shm_counter_create() returned NULL");
	for (int i = 0; i < 3; i++)
		if (pthread_create(&t[i], NULL, i < 2 ? adder : reader, NULL) != 0)
			ct_driver_fail("grader error: pthread_create failed");
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	long v = shm_counter_get(shared);
	if (v != 2 * ADDS)
		ct_driver_fail("two threads each called shm_counter_add(c, 1) %d times; the counter then read %ld", ADDS, v);
	shm_counter_destroy(shared);
	ct_driver_pass();
}
