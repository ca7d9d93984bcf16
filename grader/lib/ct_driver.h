/*
 * ct_driver.h - for the small programs that exercise one student function
 * under Valgrind's Helgrind (race_<exercise>.c).
 *
 * A driver is a plain main() that calls the student's function on a small
 * workload and checks little itself: Helgrind's report is the verdict.
 * It is linked without the API wrappers and without Criterion, so that no
 * grader lock or atomic adds ordering that could hide a student's race;
 * its only wrappers are the yields at every mutex call (ct_driver_yield.h),
 * which add none.  Its threads meet at rendezvous (ct_meet below) and run
 * several rounds, so that different threads' accesses really interleave.
 *
 * A driver's last line is ct_driver_pass(): it exits with the same random
 * sentinel status as a passing test (CT_SENTINEL), so student code that
 * ends the process early, even with exit(0), cannot pass the race check.
 *
 * Exit statuses the harness understands (ct_protocol.h):
 *   CT_SENTINEL            the workload ran to its end
 *   CT_EXIT_TODO           the student's function is not implemented yet
 *   CT_EXIT_DRIVER_FAILED  the function returned a wrong result; see stderr
 */
#ifndef CT_DRIVER_H
#define CT_DRIVER_H

#include <stdatomic.h>

#include "ct_protocol.h"

/*
 * The driver's last line: proves it ran to its end.  Never returns.  Under
 * Valgrind it first asks Helgrind to list the locks still held ("info
 * locks", into its log), so that a thread that ended holding one can be
 * named.
 */
_Noreturn void ct_driver_pass(void);
/* Prints CT_DRIVER_MESSAGE_PREFIX "<message>" to stderr and exits with CT_EXIT_DRIVER_FAILED. */
_Noreturn void ct_driver_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * ct_meet - a rendezvous that Helgrind does not see.  n threads each call
 * ct_meet_wait(m, k) in their round k (k = 0, 1, ...), and none returns
 * before all n have reached round k, so what they do next really overlaps.
 * It sleeps on a counter that it only touches with atomic
 * read-modify-writes, which Helgrind 3.19 treats as plain reads: they add
 * no happens-before edge and race with nothing.  A mutex, condition
 * variable or barrier would order the accesses that follow and hide the
 * races the driver looks for; an atomic store (as in ct_timing.h's
 * rendezvous, made for the tests) would be a racy write to Helgrind.
 *
 * If the n threads are not all there within 300 ms (the student's code
 * runs them one after another, or holds a lock across a callback), the
 * rendezvous opens for good, so such code is slow but never stuck: its
 * other checks say what is wrong.
 */
struct ct_meet {
	atomic_uint arrived; /* only atomic read-modify-writes after ct_meet_init */
	unsigned n;
};

/* Before any of the n threads exists (thread creation orders it before their waits). */
void ct_meet_init(struct ct_meet *m, unsigned n);
/* Round k of the calling thread: blocks (sleeping) until all n threads have reached round k. */
void ct_meet_wait(struct ct_meet *m, unsigned k);

/*
 * ct_driver_threads - starts n new threads (1 <= n <= CT_DRIVER_MAX_THREADS)
 * that each call body(thread, round) for round = 0 .. rounds - 1, every
 * round opened by a rendezvous of the n, and joins them all.  With the
 * yields at every lock and unlock (ct_driver_yield.h), this is what makes
 * one thread's accesses fall between another's in every run.  Ends the
 * driver with a grader error if a thread cannot be started or joined.
 */
#define CT_DRIVER_MAX_THREADS 8
void ct_driver_threads(int n, unsigned rounds, void (*body)(int thread, unsigned round));

#endif
