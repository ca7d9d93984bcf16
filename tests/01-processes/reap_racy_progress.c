/*
 * reap_racy_progress.c - known-wrong variant of exercises/01-processes/reap.c:
 * a progress thread reads the count of reaped children while the caller
 * updates it, with no lock on either side.
 * Graded by make test; the expected verdict is in variants.json.
 */
#include <errno.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include "reap.h"

static int reaped_so_far; /* written by reap_all, read by the progress thread */
static int done;          /* the same mistake again */

static void *progress(void *arg)
{
	int last = -1;

	(void)arg;
	while (!done) {
		if (reaped_so_far != last)
			last = reaped_so_far; /* "report progress" */
		usleep(1000);
	}
	return NULL;
}

int reap_all(struct child_end out[], int max)
{
	pthread_t t;
	int status;
	pid_t pid;

	reaped_so_far = 0;
	done = 0;
	if (pthread_create(&t, NULL, progress, NULL) != 0)
		return -1;
	while ((pid = waitpid(-1, &status, 0)) > 0 || (pid == -1 && errno == EINTR)) {
		if (pid <= 0)
			continue;
		if (reaped_so_far < max)
			out[reaped_so_far] = (struct child_end){pid, WIFEXITED(status),
								WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status)};
		reaped_so_far++;
	}
	done = 1;
	pthread_join(t, NULL);
	return reaped_so_far;
}
