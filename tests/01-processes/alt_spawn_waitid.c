/*
 * alt_spawn_waitid.c - a correct spawn_all() written differently from the
 * reference: the children are waited for with waitid(P_PID, ...), the
 * last one started first, and how each ended is read from the siginfo_t
 * (si_code and si_status) instead of the W* macros.
 */
#include "spawn.h"

#include <errno.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* The shell's convention for one ended child, from what waitid reported. */
static int code_of(const siginfo_t *info)
{
	switch (info->si_code) {
	case CLD_EXITED:
		return info->si_status;
	case CLD_KILLED:
	case CLD_DUMPED:
		return 128 + info->si_status;
	default:
		return -1;
	}
}

int spawn_all(int n, spawn_task task, int codes[])
{
	pid_t pids[64];
	int made = 0, saved_errno = 0, ret = 0;

	if (n < 1 || n > 64) {
		errno = EINVAL;
		return -1;
	}
	while (made < n) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(task(made) & 0xff);
		if (pid < 0) {
			saved_errno = errno;
			ret = -1;
			break;
		}
		pids[made++] = pid;
	}
	for (int i = made - 1; i >= 0; i--) {
		siginfo_t info;
		int r;

		while ((r = waitid(P_PID, (id_t)pids[i], &info, WEXITED)) == -1 && errno == EINTR)
			;
		if (r == -1) {
			codes[i] = -1;
			if (!saved_errno)
				saved_errno = errno;
			ret = -1;
			continue;
		}
		codes[i] = code_of(&info);
	}
	if (ret)
		errno = saved_errno;
	return ret;
}
