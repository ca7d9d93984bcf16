/* shortwrite.c - a write can take fewer bytes than it was given: loop until all are written. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#define SIZE (100 * 1024) /* more than a pipe holds */

static char data[SIZE];

/* Writes all len bytes of buf to fd, however many calls it takes. Returns 0, or -1 with errno. */
static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w == -1 && errno == EINTR)
			continue; /* interrupted before it wrote anything: again */
		if (w == -1)
			return -1;
		p += w; /* a short write: the rest goes next time round */
		len -= (size_t)w;
	}
	return 0;
}

int main(void)
{
	int fds[2];

	if (pipe(fds) == -1) {
		perror("pipe");
		return 1;
	}
	/* 1. One non-blocking write of 100 KiB into an empty pipe. */
	int flags = fcntl(fds[1], F_GETFL);
	if (flags == -1 || fcntl(fds[1], F_SETFL, flags | O_NONBLOCK) == -1) {
		perror("fcntl");
		return 1;
	}
	ssize_t w = write(fds[1], data, SIZE);
	printf("one write of %d bytes, non-blocking: it wrote %zd\n", SIZE, w);
	close(fds[0]);
	close(fds[1]);

	/* 2. write_all on a blocking pipe, with a reader that counts what arrives. */
	if (pipe(fds) == -1) {
		perror("pipe");
		return 1;
	}
	fflush(stdout); /* before fork, or the child prints our buffered line again */
	pid_t pid = fork();
	if (pid == -1) {
		perror("fork");
		return 1;
	}
	if (pid == 0) { /* the reader */
		long got = 0;
		ssize_t r;
		close(fds[1]);
		while ((r = read(fds[0], data, sizeof data)) > 0 || (r == -1 && errno == EINTR))
			got += r > 0 ? r : 0;
		printf("the reader got %ld bytes\n", got);
		fflush(stdout);
		_exit(0);
	}
	close(fds[0]);
	if (write_all(fds[1], data, SIZE) == -1)
		perror("write_all");
	close(fds[1]); /* end of file for the reader */
	if (waitpid(pid, NULL, 0) == -1)
		perror("waitpid");
	return 0;
}
