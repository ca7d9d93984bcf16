/*
 * alt_run_cloexec.c - a correct run_command written unlike the reference:
 * a switch on fork's result; the child opens out_path with O_CLOEXEC, so
 * that the exec itself closes the original once dup2 has copied it onto
 * descriptor 1 (dup2 clears the flag on the copy; when the open landed on
 * 1 already, the flag is cleared by hand); the parent waits with wait4.
 */
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int run_command(char *const argv[], const char *out_path, int *status)
{
	pid_t pid = fork();
	int fd;

	switch (pid) {
	case -1:
		return -1;
	case 0:
		fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (fd == -1)
			_exit(127);
		if (fd == STDOUT_FILENO ? fcntl(fd, F_SETFD, 0) == -1 : dup2(fd, STDOUT_FILENO) == -1)
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	default:
		while (wait4(pid, status, 0, NULL) == -1)
			if (errno != EINTR)
				return -1;
		return 0;
	}
}
