/*
 * race_sum.c - Helgrind driver for lesson 02, exercise "sum": two small
 * parallel sums, with 2 and then 4 threads.  Each thread's first term()
 * waits at a rendezvous of all the call's threads, so they really run at
 * the same time, and the grader yields at every lock and unlock, so an
 * update of a shared total made outside a lock (even right after an
 * unlock) falls between another thread's and is reported.  The total is
 * not checked: a wrong one is the correctness check's to report, and a
 * failing driver would hide Helgrind's report.
 */
#include <stdbool.h>

#include "ct_driver.h"
#include "sum.h"

static struct ct_meet meet;    /* of the threads of one parallel_sum call */
static _Thread_local bool met; /* the calling thread has been to the rendezvous */

static long term(size_t i)
{
	if (!met) {
		met = true;
		ct_meet_wait(&meet, 0);
	}
	return (long)i;
}

int main(void)
{
	long total = 0;

	for (int t = 2; t <= 4; t += 2) {
		ct_meet_init(&meet, (unsigned)t);
		if (parallel_sum(40, term, t, &total) != 0)
			ct_driver_fail("parallel_sum(40, term, %d, &total) did not return 0", t);
	}
	ct_driver_pass();
}
