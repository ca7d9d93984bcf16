/*
 * ct_test.c - the test-side half of ct_test.h, and the Criterion-aware
 * concur_todo(): an unimplemented skeleton fails the running test at once.
 */
#include "ct_test.h"

#include <criterion/hooks.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "concur_todo.h"
#include "ct_fault.h"
#include "ct_locks.h"
#include "ct_pitfalls.h"
#include "ct_protocol.h"
#include "ct_signals.h"

int ct_checks_run;

/*
 * RLIMIT_NPROC counts every process of the user, and a process may fork only
 * while that count is below its own limit.  The harness starts Criterion's
 * runner with a limit of (the user's processes then) + CT_RUNNER_NPROC; each
 * test process, which runs the student's code, lowers its own limit, soft
 * and hard, to CT_RUNNER_NPROC - CT_TEST_NPROC below that.  A fork bomb in a
 * test, or the leftovers of earlier tests, then stop short of the runner's
 * limit, and the runner can still start the next test.  (When the runner's
 * own fork fails, Criterion 2.4 goes on to kill(-1, SIGKILL), which would
 * take every process of the user with it.)
 */
static void limit_processes(void)
{
	struct rlimit rl;
	const rlim_t margin = CT_RUNNER_NPROC - CT_TEST_NPROC;

	if (getrlimit(RLIMIT_NPROC, &rl) == -1 || rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur <= margin)
		return; /* not started by the harness */
	rl.rlim_cur -= margin;
	rl.rlim_max = rl.rlim_cur;
	if (setrlimit(RLIMIT_NPROC, &rl) == -1)
		perror("ct_test: setrlimit(RLIMIT_NPROC)");
}

const char *ct_message(const char *fmt, ...)
{
	static char buf[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	for (char *p = buf; *p; p++)
		if ((unsigned char)*p < ' ' && *p != '\n')
			*p = ' ';
	return buf;
}

const char *ct_current_test_name(void) { return criterion_current_test ? criterion_current_test->name : NULL; }

const char *ct_nth_call(const char *fn, int call)
{
	static const char *const suffixes[] = {"th", "st", "nd", "rd"};
	static char buf[128];

	if (call <= 1)
		return "";
	const char *suffix = call % 100 / 10 == 1 || call % 10 > 3 ? "th" : suffixes[call % 10];
	snprintf(buf, sizeof buf, " (the %d%s call of %s in this test)", call, suffix, fn);
	return buf;
}

void ct_check_pitfalls(const char *file, int line)
{
	const char *why = ct_pitfalls_checkpoint(file, line);

	if (why)
		cr_assert_fail("%s", why);
}

/*
 * The test's time keeper, in a thread of its own (signals blocked): a test
 * still running CT_HUNG_MARK_MS after it began is about to be stopped by
 * Criterion's limit, and says so in CT_HUNG_FILE; once a test has, every
 * later test of the run ends itself after CT_CUT_LIMIT_MS
 * (CT_EXIT_CUT_SHORT), which the harness reports as running out of time.
 */
static char limit_test_name[256];

static bool an_earlier_test_hung(void)
{
	struct stat st;

	return stat(CT_HUNG_FILE, &st) == 0 && st.st_size > 0;
}

static void *keep_time(void *cut)
{
	if (cut) {
		ct_sleep_ns((uint64_t)CT_CUT_LIMIT_MS * CT_MS);
		ct_exit_now(CT_EXIT_CUT_SHORT);
	}
	ct_sleep_ns((uint64_t)CT_HUNG_MARK_MS * CT_MS);
	int fd = open(CT_HUNG_FILE, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd != -1) {
		char line[300];
		int n = snprintf(line, sizeof line, "%s\n", limit_test_name);
		if (ct_real_write(fd, line, (size_t)n) != n)
			fprintf(stderr, "ct_test: cannot write %s\n", CT_HUNG_FILE);
		close(fd);
	}
	return NULL;
}

static void start_time_keeper(void)
{
	pthread_t t;
	pthread_attr_t a;
	sigset_t old;

	snprintf(limit_test_name, sizeof limit_test_name, "%s", criterion_current_test->name);
	if (pthread_attr_init(&a) != 0)
		return;
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	ct_block_process_signals(&old);
	int err = ct_real_pthread_create(&t, &a, keep_time, an_earlier_test_hung() ? (void *)1 : NULL);
	ct_restore_signals(&old);
	if (err)
		fprintf(stderr, "ct_test: cannot start the time keeper: %s\n", strerror(err));
	pthread_attr_destroy(&a);
}

void ct_test_init(void)
{
	ct_pitfalls_reset();
	ct_checks_run = 0;
	ct_api_reset();
	ct_faults_reset();
	ct_locks_reset();
	ct_signals_reset();
	ct_set_thread_start_delay(0);
	ct_set_pipe_capacity(0);
	/* The grader's own threads first: strays of an earlier test (a fork
	 * bomb's) may hold every process the lowered limit allows. */
	ct_deadlock_watch_start(criterion_current_test->name);
	start_time_keeper();
	limit_processes();
}

_Noreturn void ct_pass(void)
{
	ct_check_pitfalls(__FILE__, __LINE__);
	if (ct_checks_run == 0)
		cr_assert_fail("grader error: this test checked nothing (please report it)");
	fflush(NULL);
	ct_exit_now(CT_SENTINEL);
}

void ct_skip(const char *fmt, ...)
{
	char path[300];
	va_list ap;
	FILE *f;

	snprintf(path, sizeof path, CT_SKIP_FILE_FMT, criterion_current_test->name);
	f = fopen(path, "w");
	if (f) {
		va_start(ap, fmt);
		vfprintf(f, fmt, ap);
		va_end(ap);
		fclose(f);
	}
	ct_checks_run++;
	ct_pass();
}

static char *todo_buf;
static size_t todo_len;

void ct_todo_redirect(char *buf, size_t len)
{
	todo_buf = buf;
	todo_len = len;
}

void concur_todo(const char *file, int line, const char *func)
{
	if (todo_buf) {
		snprintf(todo_buf, todo_len, CT_TODO_MARKER "%s:%d: %s() still has its TODO; write it there", file, line,
			 func);
		ct_exit_now(CT_EXIT_TODO);
	}
	cr_assert_fail("%s", ct_message(CT_TODO_MARKER "%s:%d: %s() still has its TODO; write it there", file, line, func));
}

/*
 * The outcome report.  Criterion's runner calls this hook in its own
 * process after every test process has ended, with what it saw of each:
 * how the process ended (exit status, signal, its time limit) and the
 * failed checks' messages.  Student code runs only in the test processes,
 * never here, so it can neither write this report nor change it afterwards
 * (a process left behind to do that costs every point: grader/harness/jobs.h).
 *
 * Strings must be valid UTF-8 for jansson; a message that is not (bytes a
 * student's function returned, say) has every non-ASCII byte replaced by '?'.
 */
static json_t *json_text(const char *s)
{
	json_t *j = json_string(s ? s : "");

	if (j)
		return j;
	char *copy = strdup(s);
	if (!copy)
		return json_string("");
	for (char *p = copy; *p; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	j = json_string(copy);
	free(copy);
	return j ? j : json_string("");
}

static json_t *test_outcome(const struct criterion_test_stats *t)
{
	static const char *const status[] = {[CR_STATUS_PASSED] = "passed", [CR_STATUS_FAILED] = "failed",
					     [CR_STATUS_SKIPPED] = "skipped"};
	json_t *messages = json_array();

	for (const struct criterion_assert_stats *a = t->asserts; a; a = a->next)
		if (!a->passed)
			json_array_append_new(messages, json_text(a->message));
	return json_pack("{s:o, s:s, s:b, s:i, s:b, s:i, s:f, s:o}", "name", json_text(t->test->name), "status",
			 (unsigned)t->test_status < 3 ? status[t->test_status] : "failed", "crashed", t->crashed,
			 "signal", t->signal, "timed_out", t->timed_out, "exit_code", t->exit_code, "seconds",
			 (double)t->elapsed_time, "messages", messages);
}

ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
	/* Only for the harness: a unit test linked with this library writes nothing. */
	if (!getenv(CT_RUN_ENV))
		return;
	json_t *suites = json_array();

	for (const struct criterion_suite_stats *s = stats->suites; s; s = s->next) {
		json_t *tests = json_array();
		for (const struct criterion_test_stats *t = s->tests; t; t = t->next)
			json_array_append_new(tests, test_outcome(t));
		json_array_append_new(suites, json_pack("{s:o, s:o}", "name", json_text(s->suite->name), "tests", tests));
	}
	json_t *root = json_pack("{s:i, s:o}", "version", 1, "suites", suites);
	/* A file of that name left by a test (even a link) is replaced, never followed. */
	if (unlink(CT_OUTCOMES_FILE) == -1 && errno != ENOENT)
		perror("ct_test: " CT_OUTCOMES_FILE);
	int fd = open(CT_OUTCOMES_FILE, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd == -1 || !root || json_dumpfd(root, fd, JSON_COMPACT) == -1 || close(fd) == -1)
		perror("ct_test: writing " CT_OUTCOMES_FILE);
	json_decref(root);
}
