/*
 * race_runners.c - Helgrind driver for lesson 03, exercise "runners": the
 * three runners on tiny tasks; Helgrind's report is the verdict.  The
 * tasks of run_threads() meet at a rendezvous first, so the threads really
 * run at the same time (the serial and process runners get a task that
 * does not: there, nothing would ever arrive).
 */
#include <unistd.h>

#include "ct_driver.h"
#include "runners.h"

#define THREADS 3

static struct ct_meet meet; /* of the tasks of run_threads(), armed before it starts them */

static void task(int i) { usleep(1000 * (unsigned)(i + 1)); }

static void task_meeting(int i)
{
	ct_meet_wait(&meet, 0);
	task(i);
}

int main(void)
{
	ct_meet_init(&meet, THREADS);
	if (run_serial(2, task) != 0)
		ct_driver_fail("run_serial(2, task) did not return 0");
	if (run_threads(THREADS, task_meeting) != 0)
		ct_driver_fail("run_threads(%d, task) did not return 0", THREADS);
	if (run_processes(2, task) != 0)
		ct_driver_fail("run_processes(2, task) did not return 0");
	ct_driver_pass();
}
