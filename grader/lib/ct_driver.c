/*
 * ct_driver.c - the driver-side concur_todo() and failure helper.
 */
#include "ct_driver.h"

#include <stdarg.h>
#include <stdio.h>
#include <valgrind/valgrind.h>

#include "concur_todo.h"
#include "ct_clock.h"
#include "ct_sentinel.h"

void concur_todo(const char *file, int line, const char *func)
{
	fprintf(stderr, CT_TODO_MARKER "%s:%d: %s() still has its TODO; write it there\n", file, line, func);
	fflush(NULL);
	ct_exit_now(CT_EXIT_TODO);
}

void ct_driver_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs(CT_DRIVER_MESSAGE_PREFIX, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	fflush(NULL);
	ct_exit_now(CT_EXIT_DRIVER_FAILED);
}

void ct_driver_pass(void)
{
	/*
	 * Under Helgrind, list the locks still held: "Exiting thread still
	 * holds 1 lock" names neither the lock nor the thread's function, and
	 * the harness reads this list from the explaining run's text log
	 * (grader/harness/helgrind_log.c).  A client request, not a lock: it
	 * orders nothing.
	 */
	if (RUNNING_ON_VALGRIND)
		VALGRIND_MONITOR_COMMAND("info locks");
	fflush(NULL);
	ct_exit_now(CT_SENTINEL);
}
