/*
 * race_runners.c - Helgrind driver for lesson 03, exercise "runners": the
 * three runners on tiny tasks; Helgrind's report is the verdict.  The
 * tasks of run_threads() meet at a rendezvous first, so the threads really
 * run at the same time (the serial and process runners' tasks do not:
 * there, nothing would ever arrive).
 */
#include <unistd.h>

#include "ct_driver.h"
#include "runners.h"

#define THREADS 3

static struct ct_meet meet;     /* of the tasks of run_threads() */
static struct ct_meet *meeting; /* &meet while run_threads() runs, else NULL */

static void task(int i)
{
	if (meeting)
		ct_meet_wait(meeting, 0);
	usleep(1000 * (unsigned)(i + 1));
}

int main(void)
{
	if (run_serial(2, task) != 0)
		ct_driver_fail("run_serial(2, task) did not return 0");
	ct_meet_init(&meet, THREADS);
	meeting = &meet;
	if (run_threads(THREADS, task) != 0)
		ct_driver_fail("run_threads(%d, task) did not return 0", THREADS);
	meeting = NULL;
	if (run_processes(2, task) != 0)
		ct_driver_fail("run_processes(2, task) did not return 0");
	ct_driver_pass();
}
