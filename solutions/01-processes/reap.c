/*
 * reap.c - lesson 01, exercise "reap".  Read lessons/01-processes.md first.
 *
 * Goal: wait for every child of this process, sleeping while none has
 * ended, and decode how each one ended.  The contract is in reap.h.
 * Check your work with:  make check LESSON=1 EXERCISE=reap
 */
#include "reap.h"

#include <errno.h>
#include <sys/types.h>
#include <sys/wait.h>

#include "concur_todo.h"

int reap_all(struct child_end out[], int max)
{
	int count = 0;

	/*
	 * waitpid(-1, ..., 0) sleeps in the kernel until some child ends, so
	 * the process uses no CPU while it waits.  It fails with ECHILD once
	 * no child is left: that is the normal way out of the loop.
	 */
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, 0);

		if (pid == -1) {
			if (errno == EINTR)
				continue;
			if (errno == ECHILD)
				return count;
			return -1;
		}
		if (count < max) {
			out[count].pid = pid;
			/* The raw status packs several fields: decode it. */
			out[count].exited = WIFEXITED(status);
			out[count].code = WIFEXITED(status) ? WEXITSTATUS(status)
							    : WTERMSIG(status);
		}
		count++;
	}
}
