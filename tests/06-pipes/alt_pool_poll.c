/*
 * pool.c - lesson 06, exercise "pool".  Read lessons/06-pipes.md first.
 *
 * CORRECT ALTERNATIVE, written unlike the reference: each input travels
 * with its index, and the caller poll()s every result pipe and gives the
 * next input to whichever worker answered, so a slow input holds up no one
 * and results arrive in any order (each is stored at its own index).  Each
 * worker still has at most one input in flight, so no pipe ever holds more
 * than one message and no write blocks for long.  The pipes are made with
 * pipe2(O_CLOEXEC), and the workers are kept in a table whose entries say
 * whether each is busy.
 */
#define _GNU_SOURCE
#include "pool.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/wait.h>
#include <unistd.h>

/* What travels on the pipes: an input or its result, with the index of the input. */
struct message {
	size_t index;
	long value;
};

struct worker {
	pid_t pid;
	int to, from; /* the caller's ends: write end of the input pipe, read end of the result pipe */
	bool busy;    /* an input is in flight */
};

/* Moves exactly len bytes, retrying after EINTR and short transfers; returns 1, 0 at end of file, or -1. */
static int transfer(int fd, void *buf, size_t len, bool writing)
{
	char *p = buf;

	while (len > 0) {
		ssize_t r = writing ? write(fd, p, len) : read(fd, p, len);
		if (r > 0) {
			p += r;
			len -= (size_t)r;
		} else if (r == 0) {
			return 0; /* a read at end of file: the other side is gone */
		} else if (errno != EINTR) {
			return -1;
		}
	}
	return 1;
}

static _Noreturn void work(int in, int out, pool_fn fn)
{
	struct message m;

	while (transfer(in, &m, sizeof m, false) == 1) {
		m.value = fn(m.value);
		if (transfer(out, &m, sizeof m, true) != 1)
			break;
	}
	_exit(0);
}

/* Starts worker k with its two pipes; returns 0 or an errno value, with nothing of worker k left open. */
static int start(struct worker *w, int k, pool_fn fn)
{
	int in[2], out[2], e;

	if (pipe2(in, O_CLOEXEC) == -1)
		return errno;
	if (pipe2(out, O_CLOEXEC) == -1) {
		e = errno;
		goto close_in;
	}
	pid_t pid = fork();
	if (pid == 0) {
		for (int j = 0; j < k; j++) { /* the earlier workers' pipes, inherited from the caller */
			close(w[j].to);
			close(w[j].from);
		}
		close(in[1]);
		close(out[0]);
		work(in[0], out[1], fn);
	}
	if (pid == -1) {
		e = errno;
		close(out[0]);
		close(out[1]);
		goto close_in;
	}
	close(in[0]);
	close(out[1]);
	w[k] = (struct worker){.pid = pid, .to = in[1], .from = out[0], .busy = false};
	return 0;
close_in:
	close(in[0]);
	close(in[1]);
	return e;
}

/* Gives worker k input i; returns 0 or an errno value (ECHILD: the worker is gone). */
static int give(struct worker *k, pool_input input, size_t i)
{
	struct message m = {i, input(i)};

	if (transfer(k->to, &m, sizeof m, true) != 1)
		return errno == EPIPE ? ECHILD : errno;
	k->busy = true;
	return 0;
}

int pool_map(int workers, pool_fn fn, pool_input input, size_t n, long *results)
{
	struct worker w[POOL_MAX_WORKERS];
	struct pollfd pfd[POOL_MAX_WORKERS];
	struct sigaction ignore = {.sa_handler = SIG_IGN}, old;
	int count = 0, err = 0;
	size_t next = 0, done = 0;

	if (!fn || !input || workers < 1 || workers > POOL_MAX_WORKERS || (n > 0 && !results)) {
		errno = EINVAL;
		return -1;
	}
	if (sigaction(SIGPIPE, &ignore, &old) == -1)
		return -1;
	for (; count < workers && !err; count++)
		if ((err = start(w, count, fn)) != 0)
			break;
	for (int k = 0; k < count && next < n && !err; k++)
		err = give(&w[k], input, next++);
	while (done < n && !err) {
		for (int k = 0; k < count; k++)
			pfd[k] = (struct pollfd){.fd = w[k].busy ? w[k].from : -1, .events = POLLIN};
		if (poll(pfd, (nfds_t)count, -1) == -1) {
			if (errno != EINTR)
				err = errno;
			continue;
		}
		for (int k = 0; k < count && !err; k++) {
			if (!pfd[k].revents)
				continue;
			struct message m;
			int r = transfer(w[k].from, &m, sizeof m, false);
			if (r != 1 || m.index >= n) {
				err = r == 0 || r == 1 ? ECHILD : errno; /* end of file: the worker died */
				break;
			}
			results[m.index] = m.value;
			w[k].busy = false;
			done++;
			if (next < n)
				err = give(&w[k], input, next++);
		}
	}
	for (int k = 0; k < count; k++) {
		close(w[k].to);
		close(w[k].from);
	}
	for (int k = 0; k < count; k++) {
		pid_t got;
		do
			got = waitpid(w[k].pid, NULL, 0);
		while (got == -1 && errno == EINTR);
		if (got == -1 && !err)
			err = errno;
	}
	sigaction(SIGPIPE, &old, NULL);
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}
