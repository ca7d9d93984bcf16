/*
 * pipeline.c - lesson 06, exercise "pipeline".  Read lessons/06-pipes.md first.
 *
 * Goal: run `producer | consumer` as two child processes joined by one
 * pipe, with every unused end closed so that the consumer sees end of
 * file, and both children waited for.  The contract is in pipeline.h.
 * Check your work with:  make check LESSON=6 EXERCISE=pipeline
 */
#include "pipeline.h"

#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>

#include "concur_todo.h"

/*
 * Forks a child that makes `end` its descriptor `target` and runs stage.
 * The child closes both original pipe descriptors: after dup2 it needs
 * only `target`, and a write end left open anywhere keeps the reader from
 * ever seeing end of file.  Returns the child's pid, or -1.
 */
static pid_t start_stage(pipeline_stage stage, const int fds[2], int end, int target)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (dup2(fds[end], target) == -1)
			_exit(127);
		/*
		 * A caller started without fd 0 or 1 gets them back from pipe():
		 * then an end already is its target (dup2 did nothing), and
		 * closing it would close the very descriptor the stage needs.
		 */
		for (int k = 0; k < 2; k++)
			if (fds[k] != target)
				close(fds[k]);
		stage();
		_exit(0);
	}
	return pid;
}

/* waitpid that retries on EINTR; returns 0 or an errno value. */
static int wait_for(pid_t pid, int *status)
{
	while (waitpid(pid, status, 0) == -1)
		if (errno != EINTR)
			return errno;
	return 0;
}

int run_pipeline(pipeline_stage producer, pipeline_stage consumer, int status[2])
{
	int fds[2], err = 0;
	pid_t pids[2] = {-1, -1};

	if (pipe(fds) == -1)
		return -1;
	pids[0] = start_stage(producer, fds, 1, STDOUT_FILENO);
	if (pids[0] == -1)
		err = errno;
	else if ((pids[1] = start_stage(consumer, fds, 0, STDIN_FILENO)) == -1)
		err = errno;
	/* The caller reads and writes nothing: it keeps neither end. */
	close(fds[0]);
	close(fds[1]);
	for (int k = 0; k < 2; k++)
		if (pids[k] > 0) {
			int e = wait_for(pids[k], &status[k]);
			if (e && !err)
				err = e;
		}
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}
