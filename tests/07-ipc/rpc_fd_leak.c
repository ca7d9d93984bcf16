/*
 * rpc.c - lesson 07, exercise "rpc".  Read lessons/07-ipc.md first.
 *
 * Goal: a server process that answers requests over a socketpair, and a
 * caller that sends them one at a time and collects the replies.
 * The contract is in rpc.h.
 * Check your work with:  make check LESSON=7 EXERCISE=rpc
 */
/* KNOWN WRONG: the caller never closes the server's end of the socketpair. */
#include "rpc.h"

#include <errno.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "concur_todo.h"

/* Reads exactly len bytes; returns 1, 0 at end of file, or -1 with errno. */
static int read_all(int fd, void *buf, size_t len)
{
	for (size_t done = 0; done < len;) {
		ssize_t r = read(fd, (char *)buf + done, len - done);
		if (r == 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
		if (r > 0)
			done += (size_t)r;
	}
	return 1;
}

/*
 * Sends exactly len bytes; returns 0, or -1 with errno.  MSG_NOSIGNAL: if
 * the other side is gone, send fails with EPIPE instead of killing this
 * process with SIGPIPE.
 */
static int send_all(int fd, const void *buf, size_t len)
{
	for (size_t done = 0; done < len;) {
		ssize_t w = send(fd, (const char *)buf + done, len - done, MSG_NOSIGNAL);
		if (w < 0 && errno != EINTR)
			return -1;
		if (w > 0)
			done += (size_t)w;
	}
	return 0;
}

static _Noreturn void serve(int sock, rpc_service service)
{
	long request, reply;

	while (read_all(sock, &request, sizeof request) == 1) {
		reply = service(request);
		if (send_all(sock, &reply, sizeof reply) == -1)
			break;
	}
	_exit(0);
}

int rpc_call_all(rpc_service service, const long *requests, long *replies, size_t n)
{
	int sv[2], err = 0;

	/* One socket pair is a two-way channel: both sides read and write their own end. */
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		return -1;
	pid_t pid = fork();
	if (pid == -1) {
		err = errno;
		close(sv[0]);
		close(sv[1]);
		errno = err;
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		serve(sv[1], service);
	}
	for (size_t i = 0; i < n && !err; i++) {
		if (send_all(sv[0], &requests[i], sizeof requests[i]) == -1) {
			err = errno == EPIPE ? ECHILD : errno;
			break;
		}
		int r = read_all(sv[0], &replies[i], sizeof replies[i]);
		if (r == 0)
			err = ECHILD; /* the server is gone */
		else if (r < 0)
			err = errno;
	}
	close(sv[0]); /* end of file for the server */
	while (waitpid(pid, NULL, 0) == -1)
		if (errno != EINTR) {
			if (!err)
				err = errno;
			break;
		}
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}
