/*
 * ct_test.c - the test-side half of ct_test.h, and the Criterion-aware
 * concur_todo(): an unimplemented skeleton fails the running test at once.
 */
#include "ct_test.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "concur_todo.h"
#include "ct_fault.h"
#include "ct_locks.h"
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
	static char raw[2048], buf[4096];
	va_list ap;
	size_t k = 0;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	for (const char *p = raw; *p && k + 4 < sizeof buf; p++) {
		if (*p == '\n') {
			memcpy(buf + k, CT_NEWLINE, strlen(CT_NEWLINE)); /* the harness turns it back into a line break */
			k += strlen(CT_NEWLINE);
		} else if (*p == '"') {
			buf[k++] = '\'';
		} else if (*p == '\\') {
			buf[k++] = '/';
		} else {
			buf[k++] = (unsigned char)*p < ' ' ? ' ' : *p;
		}
	}
	buf[k] = '\0';
	return buf;
}

void ct_test_init(void)
{
	limit_processes();
	ct_checks_run = 0;
	ct_api_reset();
	ct_faults_reset();
	ct_locks_reset();
	ct_signals_reset();
	ct_set_thread_start_delay(0);
	ct_deadlock_watch_start(criterion_current_test->name);
}

_Noreturn void ct_pass(void)
{
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

	snprintf(path, sizeof path, "skipped-%s.txt", criterion_current_test->name);
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
		snprintf(todo_buf, todo_len, "not implemented: %s:%d: %s() still has its TODO; write it there", file, line,
			 func);
		ct_exit_now(CT_TODO_EXIT);
	}
	cr_assert_fail("%s", ct_message("not implemented: %s:%d: %s() still has its TODO; write it there", file, line, func));
}
