/*
 * ct_protocol.h - what the harness (grader/harness), the test library
 * (grader/lib) and the kit's own tests (tests/) agree on: the exit statuses
 * that end a graded program, the files a sandboxed run leaves behind, the
 * "not implemented" marker, the time limits and the process-limit margins.
 *
 * One header on both sides, so nothing here is ever copied by comment.
 * The sentinel status itself is drawn at build time (CT_SENTINEL in the
 * generated ct_sentinel.h; the harness reads it from CT_SENTINEL_FILE in
 * the kit's build directory).
 *
 * DESIGN: a verdict may only rest on what student code cannot produce in a
 * way that passes.  A test passes only with the sentinel status, which the
 * student's code does not know; the per-test facts come from the outcome
 * report (CT_OUTCOMES_FILE), written by Criterion's runner process after
 * every test process has ended.  The side files below are written by test
 * processes, so they can only explain a failure or mark a passed test's
 * measurement as skipped, never make a test pass.
 */
#ifndef CT_PROTOCOL_H
#define CT_PROTOCOL_H

#include <stdbool.h>
#include <sys/types.h>

/* ---- exit statuses -------------------------------------------------- */
/* A Helgrind driver (or a child process of a test) ran a skeleton's TODO. */
#define CT_EXIT_TODO 3
/* A Helgrind driver found a wrong result; its first stderr line says which. */
#define CT_EXIT_DRIVER_FAILED 4
/* The deadlock watchdog ended the test; the picture is in CT_DEADLOCK_FILE. */
#define CT_EXIT_DEADLOCK 5
/* A child forked by the code under test came back into the test's code (ct_pitfalls.h). */
#define CT_EXIT_CHILD_RETURNED 6
/* The test outlived CT_CUT_LIMIT_MS, the limit of every test after one that ran out of its time. */
#define CT_EXIT_CUT_SHORT 7
/* Where the build writes the sentinel, under the kit's build directory. */
#define CT_SENTINEL_FILE "sentinel"

/* ---- markers in messages -------------------------------------------- */
/* Starts the message of an unimplemented skeleton: "not implemented: FILE:LINE: FUNC() ...". */
#define CT_TODO_MARKER "not implemented: "
/* Prefix of a Helgrind driver's message about a wrong result on stderr. */
#define CT_DRIVER_MESSAGE_PREFIX "driver: "

/* ---- files in a run's directory -------------------------------------- */
/* Written by the runner after all tests (ct_test.c's report hook), when the environment has CT_RUN_ENV. */
#define CT_OUTCOMES_FILE "outcomes.json"
/* Set (to "1") in the environment of every program the harness runs sandboxed. */
#define CT_RUN_ENV "CONCUR_SANDBOXED"
/* Per test NAME, written by the test process. */
#define CT_SKIP_FILE_FMT "skipped-%s.txt"     /* why a passed test measured nothing */
#define CT_DEADLOCK_FILE_FMT "deadlock-%s.txt" /* the watchdog's picture */
#define CT_HUNG_FILE "hung-tests.txt"          /* one line per test that was about to run out of its time */
#define CT_TIMELINE_FILE_FMT "timeline-%s.json" /* the workers' intervals (ct_timeline.h) */
#define CT_HANDLERS_FILE_FMT "handlers-%s.txt"  /* "SIG @0xOFFSET" per signal handler installed */
/* Written by Valgrind in the Helgrind driver's directory. */
#define CT_RACE_XML "race.xml"
#define CT_RACE_LOG "race.log"
/* The programs' standard output and error, captured by the harness. */
#define CT_STDOUT_FILE "stdout.txt"
#define CT_STDERR_FILE "stderr.txt"

/* Most bytes the harness reads of each of them (larger files are cut). */
#define CT_MAX_OUTCOMES_BYTES (4u << 20)
#define CT_MAX_SIDE_FILE_BYTES 8192u
#define CT_MAX_TIMELINE_BYTES (1u << 20)
#define CT_MAX_RACE_XML_BYTES (16u << 20)

/* ---- time limits (seconds) ----------------------------------------- */
#define CT_TEST_TIMEOUT_S 5     /* each test (CT_SUITE) */
/*
 * Once a test of a suite has run out of its time (code that never ends
 * usually hangs every test), each later test of that run gets this much
 * instead (milliseconds), so that the student hears of it in seconds,
 * not after every test's full limit.
 */
#define CT_CUT_LIMIT_MS 1000
#define CT_HUNG_MARK_MS (CT_TEST_TIMEOUT_S * 1000 - 250) /* when a test counts as running out of its time */
#define CT_SUITE_TIMEOUT_S 45   /* a whole suite, run with -j1 */
#define CT_RACE_TIMEOUT_S 20    /* one Helgrind run: 20-300x slower than native code */
/* Helgrind's explaining run (only after a race run that ended with findings): that run's work, plus reading
 * every variable's debug information (--read-var-info=yes, about 4 s more), on a machine perhaps busy. */
#define CT_EXPLAIN_TIMEOUT_S 40

/* ---- process limits -------------------------------------------------- */
/*
 * RLIMIT_NPROC counts every process of the user.  The harness starts
 * Criterion's runner with (the user's processes then) + CT_RUNNER_NPROC;
 * each test lowers its own limit by CT_RUNNER_NPROC - CT_TEST_NPROC, so a
 * fork bomb in a test stops short of the runner's own limit.
 */
#define CT_TEST_NPROC 150
#define CT_RUNNER_NPROC 400
#define CT_DRIVER_NPROC 200

/* ---- sandbox user ids (when the harness runs as root) ----------------- */
/*
 * A harness run owns the CT_SANDBOX_UIDS_PER_RUN uids that start at
 * ct_sandbox_first_uid(its pid), and gives each sandboxed job the next one
 * (coming round again after the last).  They depend only on
 * pid % CT_SANDBOX_RUNS, so two runs whose pids agree modulo that share a
 * range: the kit's tests, which look for processes a run left behind, take
 * that into account.
 */
#define CT_SANDBOX_UID_BASE 2000000u
#define CT_SANDBOX_UIDS_PER_RUN 1024u
#define CT_SANDBOX_RUNS 30000u

static inline uid_t ct_sandbox_first_uid(pid_t pid)
{
	return CT_SANDBOX_UID_BASE + (uid_t)pid % CT_SANDBOX_RUNS * CT_SANDBOX_UIDS_PER_RUN;
}

/* True if uid is a sandbox uid; then *run is the index (pid % CT_SANDBOX_RUNS) of the runs that use it. */
static inline bool ct_sandbox_uid_run(uid_t uid, unsigned *run)
{
	if (uid < CT_SANDBOX_UID_BASE || uid - CT_SANDBOX_UID_BASE >= CT_SANDBOX_RUNS * CT_SANDBOX_UIDS_PER_RUN)
		return false;
	*run = (uid - CT_SANDBOX_UID_BASE) / CT_SANDBOX_UIDS_PER_RUN;
	return true;
}

#endif
