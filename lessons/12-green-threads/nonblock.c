/* nonblock.c - three ways to read an empty pipe: block, fail with EAGAIN, or ask poll first. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	int fds[2];
	char buf[8];

	if (pipe(fds) == -1) {
		perror("pipe");
		return 1;
	}
	/* 1. poll with a timeout of 0 only looks: 0 descriptors ready, nothing read, nothing blocked. */
	struct pollfd p = {.fd = fds[0], .events = POLLIN};
	printf("poll(timeout 0) on the empty pipe: %d ready\n", poll(&p, 1, 0));

	/* 2. O_NONBLOCK: read fails at once with EAGAIN instead of sleeping. */
	int flags = fcntl(fds[0], F_GETFL);
	if (flags == -1 || fcntl(fds[0], F_SETFL, flags | O_NONBLOCK) == -1) {
		perror("fcntl");
		return 1;
	}
	ssize_t n = read(fds[0], buf, sizeof buf);
	printf("non-blocking read on the empty pipe: %zd (%s)\n", n, n == -1 ? strerror(errno) : "data");
	if (fcntl(fds[0], F_SETFL, flags) == -1) { /* put the flags back as they were */
		perror("fcntl");
		return 1;
	}

	/* 3. With data there, poll says ready and read returns it without blocking. */
	if (write(fds[1], "hi", 2) != 2) {
		perror("write");
		return 1;
	}
	int ready = poll(&p, 1, 0);
	printf("poll(timeout 0) after a write: %d ready (POLLIN: %s)\n", ready, p.revents & POLLIN ? "yes" : "no");
	n = read(fds[0], buf, sizeof buf);
	printf("read: %zd bytes\n", n);
	/* 4. A plain read here would block this thread, and everything on it, until a write or EOF. */
	close(fds[0]);
	close(fds[1]);
	return 0;
}
