/*
 * race_gil.c - Helgrind driver for lesson 03, exercise "gil": compute()
 * updates a counter that only the student's global lock protects, so a
 * missing or misplaced lock is reported as a race on `work_done`.
 */
#include <unistd.h>

#include "ct_driver.h"
#include "gil.h"

static long work_done; /* protected by the student's global lock, and by nothing else */

static void compute(int i) { work_done += i + 1; }
static void wait_io(int i) { usleep(500 * (unsigned)(i + 1)); }

int main(void)
{
	static const struct gil_task task = {2, compute, wait_io};

	if (run_with_gil(3, &task) != 0)
		ct_driver_fail("run_with_gil(3, task) did not return 0");
	if (work_done != 2 * (1 + 2 + 3))
		ct_driver_fail("after run_with_gil(3, task) with 2 rounds, compute had run %ld units; expected 12",
			       work_done);
	ct_driver_pass();
}
