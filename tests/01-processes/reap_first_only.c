/*
 * reap_first_only.c - known-wrong variant of exercises/01-processes/reap.c: waits for the first child that ends and returns, leaving the others unreaped.
 * Graded by make test; the expected verdict is in variants.json.
 */
#include <errno.h>
#include <sys/wait.h>

#include "reap.h"

int reap_all(struct child_end out[], int max)
{
	int status;
	pid_t pid = waitpid(-1, &status, 0);

	if (pid == -1)
		return errno == ECHILD ? 0 : -1;
	if (max > 0)
		out[0] = (struct child_end){pid, WIFEXITED(status),
					    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status)};
	return 1;
}
