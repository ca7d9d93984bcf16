/*
 * alt_rpc_recv_waitall.c - a correct alternative for lesson 07's rpc:
 * the caller keeps sv[1] and the server sv[0]; the caller waits for each
 * reply with poll() and receives it with recv(MSG_WAITALL), which may
 * still stop short (a signal), so it loops; the server ignores SIGPIPE in
 * itself only (its actions are its own) and uses plain read and write.
 */
#include "rpc.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* 1: all len bytes came; 0: end of file first; -1: error (errno). */
static int take(int fd, char *p, size_t len, bool is_socket_reader)
{
	while (len > 0) {
		ssize_t got = is_socket_reader ? recv(fd, p, len, MSG_WAITALL) : read(fd, p, len);
		if (got == 0)
			return 0;
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += got;
		len -= (size_t)got;
	}
	return 1;
}

/* 0, or -1 (errno); with_nosignal: the caller's sends, which must not raise SIGPIPE. */
static int give(int fd, const char *p, size_t len, bool with_nosignal)
{
	while (len > 0) {
		ssize_t put = with_nosignal ? send(fd, p, len, MSG_NOSIGNAL) : write(fd, p, len);
		if (put < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += put;
		len -= (size_t)put;
	}
	return 0;
}

static void server(int fd, rpc_service service)
{
	long request, reply;

	signal(SIGPIPE, SIG_IGN); /* in the server only: a caller that is gone gives EPIPE */
	while (take(fd, (char *)&request, sizeof request, false) == 1) {
		reply = service(request);
		if (give(fd, (const char *)&reply, sizeof reply, false) == -1)
			break;
	}
	_exit(0);
}

int rpc_call_all(rpc_service service, const long *requests, long *replies, size_t n)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		int saved = errno;
		close(sv[0]);
		close(sv[1]);
		errno = saved;
		return -1;
	}
	if (pid == 0) {
		close(sv[1]);
		server(sv[0], service);
	}
	close(sv[0]);
	int failure = 0;
	for (size_t i = 0; i < n; i++) {
		if (give(sv[1], (const char *)&requests[i], sizeof requests[i], true) == -1) {
			failure = errno == EPIPE ? ECHILD : errno;
			break;
		}
		struct pollfd ready = {.fd = sv[1], .events = POLLIN};
		while (poll(&ready, 1, -1) == -1 && errno == EINTR)
			;
		int r = take(sv[1], (char *)&replies[i], sizeof replies[i], true);
		if (r != 1) {
			failure = r == 0 ? ECHILD : errno;
			break;
		}
	}
	close(sv[1]);
	pid_t w;
	do
		w = waitpid(pid, NULL, 0);
	while (w == -1 && errno == EINTR);
	if (w == -1 && !failure)
		failure = errno;
	if (failure) {
		errno = failure;
		return -1;
	}
	return 0;
}
