/*
 * ct_test.h - how every grader test is written.
 *
 *     CT_SUITE(spawn);                      // suite = exercise
 *     CT_TEST(spawn, correct_exit_codes) {  // name: correct_* / timing_*
 *         ...
 *         CT_CHECK(got == want, "spawn_all(...): codes[%d] = %d, expected %d", i, got, want);
 *         ct_pass();                         // must be the last line
 *     }
 *
 * A test passes only if it reaches ct_pass(): that ends the test process
 * with a random sentinel status chosen when the grader was built
 * (CT_SENTINEL), and each test declares that status as its expected exit
 * code.  Student code that calls exit(0) or _exit(0), or returns early by
 * any other way, therefore fails the test instead of passing it.  ct_pass()
 * also fails the test if no CT_CHECK ran, so a test cannot pass vacuously.
 *
 * The check message is what the student reads: say what was called, with
 * what, what was expected and what happened.
 */
#ifndef CT_TEST_H
#define CT_TEST_H

#include <criterion/criterion.h>

#include "ct_api.h"
#include "ct_clock.h"
#include "ct_fault.h"
#include "ct_protocol.h"
#include "ct_sentinel.h"
#include "ct_timing.h"

/* Each test's time limit and process limit: see ct_protocol.h. */
#define CT_SUITE(suite) TestSuite(suite, .timeout = CT_TEST_TIMEOUT_S)
#define CT_TEST(suite, name, ...) \
	Test(suite, name, .exit_code = CT_SENTINEL, .init = ct_test_init, ##__VA_ARGS__)

/*
 * Counts as one check; on failure ends the test with the message (see
 * ct_message()), which reaches the harness through the outcome report.
 * Also the place where the pitfalls of forked children are caught.
 */
#define CT_CHECK(cond, ...)                                        \
	do {                                                       \
		ct_checks_run++;                                   \
		ct_check_pitfalls(__FILE__, __LINE__);             \
		if (!(cond))                                       \
			cr_assert_fail("%s", ct_message(__VA_ARGS__)); \
	} while (0)

/*
 * Before every check: a child of the student's that came back into the
 * test's code ends here, and the test fails with that cause (ct_pitfalls.h).
 */
void ct_check_pitfalls(const char *file, int line);

/*
 * The formatted message (static buffer, at most 4 KiB), with control
 * characters other than line breaks replaced by spaces.  Each line break
 * starts a new indented line under the test's name in the student's report.
 */
const char *ct_message(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * For messages about a function called several times in one test: "" for
 * the first call, " (the 2nd call of fn in this test)" for call 2, and so
 * on (static buffer).
 */
const char *ct_nth_call(const char *fn, int call);

/* Number of CT_CHECKs run in this test process. */
extern int ct_checks_run;

/* Runs before every test: resets the API counters, faults, lock knobs and options,
 * and starts the deadlock watchdog (ct_locks.h). */
/* The running test's name, or NULL outside a test. */
const char *ct_current_test_name(void);

void ct_test_init(void);
/* The test's last line: proves the test ran to its end.  Never returns. */
_Noreturn void ct_pass(void);
/*
 * Ends the test without checking anything, because this machine cannot
 * measure it (e.g. "needs 2 CPUs").  Criterion cannot mark a test skipped
 * when it expects an exit status, so the test passes and leaves the reason
 * in skipped-NAME.txt for the harness to show as "skipped: ...".  A note
 * changes only how a test that passed is shown, never a verdict.
 */
_Noreturn void ct_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define CT_SKIP(...) ct_skip(__VA_ARGS__)

/*
 * In a child process the test forked itself (ct_real_fork), Criterion's
 * assertions cannot report: after ct_todo_redirect(buf, len), an
 * unimplemented skeleton writes its "not implemented: ..." message into
 * buf (memory shared with the test) and ends the child with CT_EXIT_TODO,
 * for the test to report with CT_CHECK.
 */
void ct_todo_redirect(char *buf, size_t len);

#endif
