/*
 * reap_raw_status.c - known-wrong variant of exercises/01-processes/reap.c: stores waitpid's raw status instead of decoding it.
 * Graded by make test; the expected verdict is in variants.json.
 */
#include <errno.h>
#include <sys/wait.h>

#include "reap.h"

int reap_all(struct child_end out[], int max)
{
	int count = 0, status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, 0)) > 0) {
		if (count < max)
			out[count] = (struct child_end){pid, 1, status};
		count++;
	}
	return errno == ECHILD ? count : -1;
}
