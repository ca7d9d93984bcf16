/* pollecho.c - 1 MiB to an echo child and back, with poll: write when there is room, read when there is data. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#define TOTAL (1024 * 1024)
#define CHUNK 4096

static void echo(int in, int out) /* the child: copies in to out until end of file */
{
	char buf[CHUNK];
	ssize_t r;

	while ((r = read(in, buf, sizeof buf)) > 0)
		for (ssize_t done = 0, w; done < r; done += w)
			if ((w = write(out, buf + done, (size_t)(r - done))) == -1)
				_exit(1);
	_exit(r == 0 ? 0 : 1);
}

int main(void)
{
	static char out[TOTAL], back[TOTAL];
	int to[2], from[2];
	size_t sent = 0, got = 0;

	if (pipe(to) == -1 || pipe(from) == -1) {
		perror("pipe");
		return 1;
	}
	pid_t pid = fork();
	if (pid == -1) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		close(to[1]);
		close(from[0]);
		echo(to[0], from[1]);
	}
	close(to[0]);
	close(from[1]);
	if (fcntl(to[1], F_SETFL, O_NONBLOCK) == -1) { /* a write takes what fits, never blocks */
		perror("fcntl");
		return 1;
	}
	while (got < TOTAL) {
		struct pollfd p[2] = {{.fd = from[0], .events = POLLIN}, {.fd = to[1], .events = POLLOUT}};
		int nfds = sent < TOTAL ? 2 : 1; /* stop watching the write end once all is sent */
		if (poll(p, nfds, -1) == -1) {
			if (errno == EINTR)
				continue;
			perror("poll");
			return 1;
		}
		if (nfds == 2 && (p[1].revents & POLLOUT)) {
			ssize_t w = write(to[1], out + sent, TOTAL - sent < CHUNK ? TOTAL - sent : CHUNK);
			if (w == -1 && errno != EAGAIN) {
				perror("write");
				return 1;
			}
			sent += w > 0 ? (size_t)w : 0;
			if (sent == TOTAL)
				close(to[1]); /* end of file for the child */
		}
		if (p[0].revents & (POLLIN | POLLHUP)) {
			ssize_t r = read(from[0], back + got, TOTAL - got);
			if (r <= 0) {
				fprintf(stderr, "read: %s\n", r == 0 ? "end of file too early" : "failed");
				return 1;
			}
			got += (size_t)r;
		}
	}
	close(from[0]);
	if (waitpid(pid, NULL, 0) == -1)
		perror("waitpid");
	printf("sent %zu bytes, got %zu back\n", sent, got);
	return 0;
}
