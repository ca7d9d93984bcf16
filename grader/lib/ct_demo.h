/*
 * ct_demo.h - checked system calls for the `make demo` programs, in the
 * style of CS:APP's wrappers: each has the real call's arguments and ends
 * the demo with a clear message if the call fails, so a demo stays
 * readable and still checks every call.  Not for the grader's tests.
 */
#ifndef CT_DEMO_H
#define CT_DEMO_H

#include <sys/types.h>

/* Prints "demo: WHAT: strerror(errno)" and exits with status 1. */
_Noreturn void demo_die(const char *what);
void demo_pipe(int fds[2]);
void demo_close(int fd);
/* fork(), after flushing stdout so that the child inherits no unprinted output. */
pid_t demo_fork(void);
/* Waits for pid, retrying after EINTR; returns its wait status. */
int demo_wait(pid_t pid);
/* demo_wait, and dies unless the child exited with status 0. */
void demo_wait_ok(pid_t pid);

#endif
