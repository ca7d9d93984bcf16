/*
 * ct_coverage.c - linked into the test program of the coverage build only
 * (make coverage: grader/harness/coverage.h), never into a graded one.
 *
 * gcov writes a process's counts when the process ends through exit() or
 * returns from main.  A test process ends otherwise: a test that reaches
 * its end, or the deadlock watchdog, calls ct_exit_now(), which is a raw
 * exit_group (ct_clock.h), and the children the student forks end with
 * _exit() or _Exit().  Without help, the coverage of every passing test
 * and of every child would be lost.  The coverage build therefore links
 * with --wrap=ct_exit_now, --wrap=_exit and --wrap=_Exit, and these
 * wrappers write the counts first (__gcov_dump, which then does nothing a
 * second time in the same process).
 *
 * libgcov is linked as build/kit/libct_gcov.a, a copy in which every call
 * of the wrap table (ct_wraps.h) but fork is renamed to __real_NAME
 * (Makefile): writing the counts is then neither counted as the student's
 * malloc or fwrite nor reported as a call made in a signal handler, and
 * cannot be made to fail by an injected fault.  fork stays wrapped: the
 * student's fork() reaches it as gcov's __gcov_fork, which resets the
 * child's counts so that nothing is counted twice.
 *
 * What is still lost: processes killed by a signal (a test that crashed or
 * ran out of time, a child the test kills); the harness names such tests.
 */
#include <stdlib.h>
#include <unistd.h>

void __gcov_dump(void);
_Noreturn void __real_ct_exit_now(int status);
_Noreturn void __real__exit(int status);
_Noreturn void __real__Exit(int status);
_Noreturn void __wrap_ct_exit_now(int status);
_Noreturn void __wrap__exit(int status);
_Noreturn void __wrap__Exit(int status);

_Noreturn void __wrap_ct_exit_now(int status)
{
	__gcov_dump();
	__real_ct_exit_now(status);
}

_Noreturn void __wrap__exit(int status)
{
	__gcov_dump();
	__real__exit(status);
}

_Noreturn void __wrap__Exit(int status)
{
	__gcov_dump();
	__real__Exit(status);
}
