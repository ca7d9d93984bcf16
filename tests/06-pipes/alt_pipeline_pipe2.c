/*
 * pipeline.c - lesson 06, exercise "pipeline".  Read lessons/06-pipes.md first.
 *
 * CORRECT ALTERNATIVE, written unlike the reference: the pipe is made with
 * pipe2(O_CLOEXEC) (no exec follows here, so the flag changes nothing but
 * must not end up on the stage's descriptor), each child moves its end
 * with dup3 (which refuses oldfd == newfd: then the end already is the
 * target, and only its close-on-exec flag is cleared), the caller forks the
 * consumer first and closes each end as soon as no later child needs it,
 * the error paths meet at one cleanup label, and the children are waited
 * for in the order they were started, each into its own slot.
 */
#define _GNU_SOURCE
#include "pipeline.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

/* In a new child: make `mine` its descriptor `target`, close the other end, run stage, end. */
static _Noreturn void become_stage(pipeline_stage stage, int mine, int other, int target)
{
	if (mine == target) {
		if (fcntl(target, F_SETFD, 0) == -1)
			_exit(127);
	} else if (dup3(mine, target, 0) == -1) {
		_exit(127);
	} else {
		close(mine);
	}
	if (other >= 0 && other != target)
		close(other);
	stage();
	_exit(0);
}

int run_pipeline(pipeline_stage producer, pipeline_stage consumer, int status[2])
{
	int fds[2], err = 0;
	pid_t producer_pid = -1, consumer_pid;

	if (pipe2(fds, O_CLOEXEC) == -1)
		return -1;
	consumer_pid = fork();
	if (consumer_pid == 0)
		become_stage(consumer, fds[0], fds[1], STDIN_FILENO);
	if (consumer_pid == -1) {
		err = errno;
		goto close_both;
	}
	close(fds[0]); /* only the consumer reads */
	fds[0] = -1;
	producer_pid = fork();
	if (producer_pid == 0)
		become_stage(producer, fds[1], -1, STDOUT_FILENO);
	if (producer_pid == -1)
		err = errno;
close_both:
	if (fds[0] >= 0)
		close(fds[0]);
	close(fds[1]); /* the consumer sees end of file once the producer is done */

	const pid_t pids[2] = {consumer_pid, producer_pid};
	int *const slots[2] = {&status[1], &status[0]};
	for (int k = 0; k < 2; k++) {
		if (pids[k] <= 0)
			continue;
		pid_t got;
		do
			got = waitpid(pids[k], slots[k], 0);
		while (got == -1 && errno == EINTR);
		if (got == -1 && !err)
			err = errno;
	}
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}
