/*
 * race_counter.c - Helgrind driver for lesson 04, exercise "counter": two
 * threads add while a third reads, in ROUNDS rounds that start together
 * (ct_driver_threads), and the grader yields at every lock and unlock, so
 * the three really take turns: any access to the counter's value made
 * outside its lock, even right after an unlock or under another lock, falls
 * between another thread's critical sections and is reported as a race on
 * `shared.value`.  The final value is not checked here: a lost update
 * is the correctness check's to report, and a failing driver would hide
 * Helgrind's report.
 */
#include "counter.h"
#include "ct_driver.h"

#define ROUNDS 20

static struct counter shared;

/* Threads 0 and 1 add, thread 2 reads. */
static void round_of(int thread, unsigned round)
{
	(void)round;
	if (thread < 2)
		counter_add(&shared, 1);
	else
		(void)counter_get(&shared);
}

int main(void)
{
	if (counter_init(&shared) != 0)
		ct_driver_fail("counter_init(c) did not return 0");
	ct_driver_threads(3, ROUNDS, round_of);
	counter_destroy(&shared);
	ct_driver_pass();
}
