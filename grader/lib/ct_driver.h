/*
 * ct_driver.h - for the small programs that exercise one student function
 * under Valgrind's Helgrind (race_<exercise>.c).
 *
 * A driver is a plain main() that calls the student's function on a small
 * workload and checks nothing itself: Helgrind's report is the verdict.
 * It is linked without the API wrappers and without Criterion, so that no
 * grader lock or atomic adds ordering that could hide a student's race.
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

#endif
