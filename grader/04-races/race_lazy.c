/*
 * race_lazy.c - Helgrind driver for lesson 04, exercise "lazy": three
 * threads ask for the value at once and read what build() wrote, so a
 * check of the value made without the lock (double-checked locking) is
 * reported as a race on `shared.value` or on the table.
 */
#include <pthread.h>
#include <stdint.h>

#include "ct_driver.h"
#include "lazy.h"

static struct lazy shared;
static int table[4]; /* written by build(), read by every caller of lazy_get */

static void *build(void *arg)
{
	int *t = arg;

	for (int i = 0; i < 4; i++)
		t[i] = i + 1;
	return t;
}

static void *reader(void *unused)
{
	(void)unused;
	int *t = lazy_get(&shared);
	return (void *)(intptr_t)(t ? t[3] : -1);
}

int main(void)
{
	pthread_t t[3];
	void *got;

	if (lazy_init(&shared, build, table) != 0)
		ct_driver_fail("lazy_init(l, build, arg) did not return 0");
	for (int i = 0; i < 3; i++)
		if (pthread_create(&t[i], NULL, reader, NULL) != 0)
			ct_driver_fail("grader error: pthread_create failed");
	for (int i = 0; i < 3; i++) {
		pthread_join(t[i], &got);
		if ((intptr_t)got != 4)
			ct_driver_fail("lazy_get(l) did not return the table that build() filled in");
	}
	lazy_destroy(&shared);
	ct_driver_pass();
}
