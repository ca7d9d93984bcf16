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
#include "ct_sentinel.h"
#include "ct_timing.h"

/*
 * Processes (and threads) that Criterion's runner, and each test, may add to
 * those the user had when the harness started the runner (ct_test.c).
 */
#define CT_TEST_NPROC 150
#define CT_RUNNER_NPROC 400
/* Each test's own time limit, in seconds (the harness quotes it: grade.c). */
#define CT_TEST_TIMEOUT_S 5
#define CT_SUITE(suite) TestSuite(suite, .timeout = CT_TEST_TIMEOUT_S)
#define CT_TEST(suite, name, ...) \
	Test(suite, name, .exit_code = CT_SENTINEL, .init = ct_test_init, ##__VA_ARGS__)

/*
 * Counts as one check; on failure ends the test with the message.  The
 * message goes through ct_message(), because Criterion 2.4 writes it into
 * its JSON report without escaping quotes or backslashes.
 */
#define CT_CHECK(cond, ...)                                        \
	do {                                                       \
		ct_checks_run++;                                   \
		if (!(cond))                                       \
			cr_assert_fail("%s", ct_message(__VA_ARGS__)); \
	} while (0)

/*
 * The formatted message, with characters that JSON would need escaped
 * replaced (static buffer): '"' by '\'', '\\' by '/', other control
 * characters by spaces, and each line break by CT_NEWLINE, which the
 * harness turns back into a line break (grader/harness/judge.c).
 */
#define CT_NEWLINE "\xc2\xb6" /* the pilcrow sign, in UTF-8 */
const char *ct_message(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Number of CT_CHECKs run in this test process. */
extern int ct_checks_run;

/* Runs before every test: resets the API counters, faults, lock knobs and options,
 * and starts the deadlock watchdog (ct_locks.h). */
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
 * buf (memory shared with the test) and ends the child with CT_TODO_EXIT,
 * for the test to report with CT_CHECK.
 */
#define CT_TODO_EXIT 3
void ct_todo_redirect(char *buf, size_t len);

#endif
