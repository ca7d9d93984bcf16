/*
 * reap_busy_wait.c - known-wrong variant of exercises/01-processes/reap.c: polls waitpid with WNOHANG in a tight loop instead of letting it sleep.
 * Graded by make test; the expected verdict is in variants.json.
 */
#include <errno.h>
#include <sys/wait.h>

#include "reap.h"

int reap_all(struct child_end out[], int max)
{
	int count = 0, status;

	for (;;) {
		pid_t pid = waitpid(-1, &status, WNOHANG);

		if (pid == 0)
			continue; /* children left, none ended yet: ask again at once */
		if (pid == -1)
			return errno == ECHILD ? count : -1;
		if (count < max)
			out[count] = (struct child_end){pid, WIFEXITED(status),
							WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status)};
		count++;
	}
}
