/*
 * alt_run_waitid.c - a correct run_command written unlike the reference:
 * the child closes descriptor 1 and opens out_path, the old Unix way (open
 * returns the lowest free descriptor, 1, unless 0 was closed too, in which
 * case it is moved); the parent waits with waitid(P_PID, ...) and rebuilds
 * the raw status waitpid would have given from the siginfo_t.
 */
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* The raw wait status of a child that ended as info says (waitpid's encoding). */
static int raw_status(const siginfo_t *info)
{
	switch (info->si_code) {
	case CLD_EXITED:
		return (info->si_status & 0xff) << 8;
	case CLD_DUMPED:
		return info->si_status | 0x80;
	default: /* CLD_KILLED */
		return info->si_status;
	}
}

int run_command(char *const argv[], const char *out_path, int *status)
{
	pid_t pid = fork();
	siginfo_t info;

	if (pid == -1)
		return -1;
	if (pid == 0) {
		close(STDOUT_FILENO);
		int fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
		if (fd == -1)
			_exit(127);
		if (fd != STDOUT_FILENO && (dup2(fd, STDOUT_FILENO) == -1 || close(fd) == -1))
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	memset(&info, 0, sizeof info);
	while (waitid(P_PID, (id_t)pid, &info, WEXITED) == -1)
		if (errno != EINTR)
			return -1;
	*status = raw_status(&info);
	return 0;
}
