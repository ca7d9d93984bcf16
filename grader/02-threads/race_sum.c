/*
 * race_sum.c - Helgrind driver for lesson 02, exercise "sum": two small
 * parallel sums; Helgrind's report is the verdict.
 */
#include "ct_driver.h"
#include "sum.h"

static long term(size_t i) { return (long)i; }

int main(void)
{
	long total = 0;

	for (int t = 2; t <= 4; t += 2) {
		if (parallel_sum(40, term, t, &total) != 0)
			ct_driver_fail("parallel_sum(40, term, %d, &total) did not return 0", t);
		if (total != 780)
			ct_driver_fail("parallel_sum(40, term, %d, &total) stored %ld, expected 780", t, total);
	}
	ct_driver_pass();
}
