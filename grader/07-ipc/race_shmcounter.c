/*
 * race_shmcounter.c - Helgrind driver for lesson 07, exercise "shmcounter".
 *
 * Helgrind sees one process at a time, so this driver uses threads: two
 * add while a third reads, in ROUNDS rounds that start together
 * (ct_driver_threads), with the grader's yields at every lock and unlock,
 * so an access to the value made outside the lock, even right after an
 * unlock, falls between another thread's critical sections and is
 * reported as a race on the counter.  The final value is not checked
 * here: a lost update is the correctness check's to report, and a failing
 * driver would hide Helgrind's report.
 */
#include "ct_driver.h"
#include "shmcounter.h"

#define ROUNDS 20

static struct shm_counter *shared;

/* Threads 0 and 1 add, thread 2 reads. */
static void round_of(int thread, unsigned round)
{
	(void)round;
	if (thread < 2)
		shm_counter_add(shared, 1);
	else
		(void)shm_counter_get(shared);
}

int main(void)
{
	shared = shm_counter_create();
	if (!shared)
		ct_driver_fail("shm_counter_create() returned NULL");
	ct_driver_threads(3, ROUNDS, round_of);
	shm_counter_destroy(shared);
	ct_driver_pass();
}
