/*
 * race_gil.c - Helgrind driver for lesson 03, exercise "gil": compute()
 * updates a counter that only the student's global lock protects, so a
 * missing or misplaced lock is reported as a race on `work_done`.  In each
 * round, every thread's wait_io() (which runs without the lock) waits at a
 * rendezvous of the three, and the grader yields at every lock and unlock,
 * so the threads' computes really take turns.  work_done is not checked
 * at the end: a lost update is the correctness check's to report, and a
 * failing driver would hide Helgrind's report.
 */
#include <unistd.h>

#include "ct_driver.h"
#include "gil.h"

#define THREADS 3
#define ROUNDS 4

static long work_done; /* protected by the student's global lock, and by nothing else */

static struct ct_meet meet;        /* of the threads, once per round, in wait_io */
static _Thread_local unsigned ios; /* the calling thread's wait_io calls so far */

static void compute(int i) { work_done += i + 1; }

static void wait_io(int i)
{
	ct_meet_wait(&meet, ios++);
	usleep(500 * (unsigned)(i + 1));
}

int main(void)
{
	static const struct gil_task task = {ROUNDS, compute, wait_io};

	ct_meet_init(&meet, THREADS);
	if (run_with_gil(THREADS, &task) != 0)
		ct_driver_fail("run_with_gil(%d, task) did not return 0", THREADS);
	ct_driver_pass();
}
