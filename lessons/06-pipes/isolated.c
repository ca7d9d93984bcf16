/* isolated.c - the child's variable is its own; a pipe carries its value. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static long answer = 0; /* a global: the child gets its own copy at fork() */

int main(void)
{
	int fds[2]; /* fds[0]: read end, fds[1]: write end */
	long got = -1, more;

	if (pipe(fds) == -1) {
		perror("pipe");
		return 1;
	}
	pid_t pid = fork();
	if (pid == -1) {
		perror("fork");
		return 1;
	}
	if (pid == 0) { /* child: writes only */
		close(fds[0]);
		answer = 42; /* changes the child's copy */
		ssize_t w = write(fds[1], &answer, sizeof answer);
		_exit(w == sizeof answer ? 0 : 1); /* also closes its fds[1] */
	}
#ifndef FORGET
	close(fds[1]); /* the parent reads only */
#endif
	ssize_t r1 = read(fds[0], &got, sizeof got);   /* waits for the child's 8 bytes */
	ssize_t r2 = read(fds[0], &more, sizeof more); /* 0: end of file */
	printf("the parent's answer: %ld\n", answer);
	printf("read from the pipe:  %ld (%zd bytes), then %zd bytes\n", got, r1, r2);
	close(fds[0]);
	if (waitpid(pid, NULL, 0) == -1)
		perror("waitpid");
	return 0;
}
