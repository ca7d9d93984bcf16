/*
 * ct_demo.c - checked system calls for the demos (ct_demo.h).
 */
#include "ct_demo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

void demo_die(const char *what)
{
	fprintf(stderr, "demo: %s: %s\n", what, strerror(errno));
	exit(1); /* every demo_fork flushes stdout first, so a child prints nothing twice */
}

void demo_pipe(int fds[2])
{
	if (pipe(fds) == -1)
		demo_die("pipe");
}

void demo_close(int fd)
{
	if (close(fd) == -1)
		demo_die("close");
}

pid_t demo_fork(void)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == -1)
		demo_die("fork");
	return pid;
}

int demo_wait(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			demo_die("waitpid");
	return status;
}

void demo_wait_ok(pid_t pid)
{
	int status = demo_wait(pid);

	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		errno = ECHILD;
		demo_die("a child failed");
	}
}
