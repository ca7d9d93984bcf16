/*
 * alt_reap_waitid.c - a correct reap_all() written differently from the
 * reference: waitid(P_ALL, ...) instead of waitpid, and how each child
 * ended is read from the siginfo_t (si_code, si_status).
 */
#include "reap.h"

#include <errno.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>

int reap_all(struct child_end out[], int max)
{
	int reaped = 0;

	for (;;) {
		siginfo_t info;

		if (waitid(P_ALL, 0, &info, WEXITED) == -1) {
			if (errno == EINTR)
				continue;
			return errno == ECHILD ? reaped : -1;
		}
		if (reaped < max)
			out[reaped] = (struct child_end){
			    .pid = info.si_pid,
			    .exited = info.si_code == CLD_EXITED,
			    .code = info.si_status,
			};
		reaped++;
	}
}
