/*
 * race_runners.c - Helgrind driver for lesson 03, exercise "runners": the
 * three runners on tiny tasks; Helgrind's report is the verdict.
 */
#include <unistd.h>

#include "ct_driver.h"
#include "runners.h"

static void task(int i) { usleep(1000 * (unsigned)(i + 1)); }

int main(void)
{
	if (run_serial(2, task) != 0)
		ct_driver_fail("run_serial(2, task) did not return 0");
	if (run_threads(3, task) != 0)
		ct_driver_fail("run_threads(3, task) did not return 0");
	if (run_processes(2, task) != 0)
		ct_driver_fail("run_processes(2, task) did not return 0");
	ct_driver_pass();
}
