/*
 * alt_rpc_one_buffer.c - a correct alternative for lesson 07's rpc: one
 * transfer helper serves both directions, the server's loop is written
 * inline, the server is waited for with waitid, and every way out goes
 * through one cleanup label.
 */
#include "rpc.h"

#include <errno.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

enum way { SEND, RECEIVE };

/* Moves len bytes through fd: 0 when all went, 1 at end of file, -1 on error (errno). */
static int move(int fd, void *buf, size_t len, enum way way)
{
	size_t done = 0;

	while (done < len) {
		char *at = (char *)buf + done;
		ssize_t n = way == SEND ? send(fd, at, len - done, MSG_NOSIGNAL) : recv(fd, at, len - done, 0);
		if (n > 0)
			done += (size_t)n;
		else if (n == 0 && way == RECEIVE)
			return 1;
		else if (errno != EINTR)
			return -1;
	}
	return 0;
}

int rpc_call_all(rpc_service service, const long *requests, long *replies, size_t n)
{
	int ends[2], result = 0, saved = 0;
	siginfo_t info;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, ends) != 0)
		return -1;
	pid_t server = fork();
	if (server == 0) {
		long q, a;
		close(ends[0]);
		while (move(ends[1], &q, sizeof q, RECEIVE) == 0) {
			a = service(q);
			if (move(ends[1], &a, sizeof a, SEND) != 0)
				break;
		}
		_exit(0);
	}
	if (server < 0) {
		saved = errno;
		close(ends[1]);
		goto out;
	}
	close(ends[1]);
	for (size_t i = 0; i < n; i++) {
		int s = move(ends[0], (void *)&requests[i], sizeof requests[i], SEND);
		if (s != 0) {
			saved = errno == EPIPE ? ECHILD : errno;
			break;
		}
		s = move(ends[0], &replies[i], sizeof replies[i], RECEIVE);
		if (s != 0) {
			saved = s == 1 ? ECHILD : errno;
			break;
		}
	}
	close(ends[0]);
	ends[0] = -1;
	while (waitid(P_PID, (id_t)server, &info, WEXITED) != 0)
		if (errno != EINTR) {
			if (!saved)
				saved = errno;
			break;
		}
out:
	if (ends[0] != -1)
		close(ends[0]);
	if (saved) {
		errno = saved;
		result = -1;
	}
	return result;
}
