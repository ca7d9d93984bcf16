/*
 * race_sum.c - Helgrind driver for lesson 02, exercise "sum": two small
 * parallel sums, with 2 and then 4 threads.  Each thread's first term()
 * waits at a rendezvous of all the call's threads (one per call, each
 * armed before any thread exists), so they really run at the same time,
 * and the grader yields at every lock and unlock, so an update of a shared
 * total made outside a lock (even right after an unlock) falls between
 * another thread's and is reported.  The total is not checked: a wrong one
 * is the correctness check's to report, and a failing driver would hide
 * Helgrind's report.
 */
#include <stdbool.h>

#include "ct_driver.h"
#include "sum.h"

static struct ct_meet meet2, meet4; /* of the threads of parallel_sum(.., 2, ..) and (.., 4, ..) */
static _Thread_local bool met;      /* the calling thread has been to its rendezvous */

static long term_at(struct ct_meet *meet, size_t i)
{
	if (!met) {
		met = true;
		ct_meet_wait(meet, 0);
	}
	return (long)i;
}

static long term2(size_t i) { return term_at(&meet2, i); }
static long term4(size_t i) { return term_at(&meet4, i); }

int main(void)
{
	long total = 0;

	ct_meet_init(&meet2, 2);
	ct_meet_init(&meet4, 4);
	if (parallel_sum(40, term2, 2, &total) != 0)
		ct_driver_fail("parallel_sum(40, term, 2, &total) did not return 0");
	if (parallel_sum(40, term4, 4, &total) != 0)
		ct_driver_fail("parallel_sum(40, term, 4, &total) did not return 0");
	ct_driver_pass();
}
