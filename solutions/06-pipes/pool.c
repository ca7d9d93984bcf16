/*
 * pool.c - lesson 06, exercise "pool".  Read lessons/06-pipes.md first.
 *
 * Goal: a pool of worker processes, started once, that computes fn over
 * every input through pipes and returns the results in input order,
 * without ever deadlocking on a full pipe.  The contract is in pool.h.
 * Check your work with:  make check LESSON=6 EXERCISE=pool
 */
#include "pool.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "concur_todo.h"

/*
 * DESIGN: input i goes to worker i % workers, and each worker has at most
 * one input in flight: the caller sends one input to every worker, then,
 * for i = 0, 1, ..., reads result i from worker i % workers and sends that
 * worker input i + workers.  Results come back in input order, and since
 * nothing waits in a pipe but one 8-byte value, no write can block for
 * long, whatever n is.
 */
struct worker {
	pid_t pid;
	int to;   /* write end of the worker's input pipe (in the caller) */
	int from; /* read end of the worker's result pipe (in the caller) */
};

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

/* Writes exactly len bytes; returns 0, or -1 with errno. */
static int write_all(int fd, const void *buf, size_t len)
{
	for (size_t done = 0; done < len;) {
		ssize_t w = write(fd, (const char *)buf + done, len - done);
		if (w < 0 && errno != EINTR)
			return -1;
		if (w > 0)
			done += (size_t)w;
	}
	return 0;
}

/* A worker's life: read an input, send back fn(input), until end of file. */
static _Noreturn void serve(int in, int out, pool_fn fn)
{
	long x, y;

	while (read_all(in, &x, sizeof x) == 1) {
		y = fn(x);
		if (write_all(out, &y, sizeof y) == -1)
			break;
	}
	_exit(0);
}

/* Starts worker k; the first k workers are already running.  Returns 0 or an errno value. */
static int start_worker(struct worker *w, int k, pool_fn fn)
{
	int in[2], out[2];

	if (pipe(in) == -1)
		return errno;
	if (pipe(out) == -1) {
		int e = errno;
		close(in[0]);
		close(in[1]);
		return e;
	}
	pid_t pid = fork();
	if (pid == -1) {
		int e = errno;
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		return e;
	}
	if (pid == 0) {
		/*
		 * The child inherited the caller's ends of every earlier worker's
		 * pipes: close them.  A worker that kept another worker's input
		 * pipe open would keep that worker from seeing end of file when
		 * the caller closes its pipe, so it would not stop until this
		 * one had.
		 */
		for (int j = 0; j < k; j++) {
			close(w[j].to);
			close(w[j].from);
		}
		close(in[1]);
		close(out[0]);
		serve(in[0], out[1], fn);
	}
	close(in[0]);
	close(out[1]);
	w[k] = (struct worker){pid, in[1], out[0]};
	return 0;
}

int pool_map(int workers, pool_fn fn, pool_input input, size_t n, long *results)
{
	struct worker w[POOL_MAX_WORKERS];
	struct sigaction ignore = {.sa_handler = SIG_IGN}, old;
	int started = 0, err = 0;

	if (workers < 1 || workers > POOL_MAX_WORKERS || !fn || !input || (n && !results)) {
		errno = EINVAL;
		return -1;
	}
	/* A write to a dead worker's pipe must fail with EPIPE, not kill the caller. */
	if (sigaction(SIGPIPE, &ignore, &old) == -1)
		return -1;
	while (started < workers && !err) {
		err = start_worker(w, started, fn);
		if (!err)
			started++;
	}
	size_t first = (size_t)started < n ? (size_t)started : n;
	for (size_t i = 0; i < first && !err; i++) {
		long x = input(i);
		if (write_all(w[i].to, &x, sizeof x) == -1)
			err = errno == EPIPE ? ECHILD : errno; /* no reader: the worker is gone */
	}
	for (size_t i = 0; i < n && !err; i++) {
		struct worker *k = &w[i % (size_t)started];
		int r = read_all(k->from, &results[i], sizeof results[i]);
		if (r == 0)
			err = ECHILD; /* end of file: the worker is gone */
		else if (r < 0)
			err = errno;
		else if (i + (size_t)started < n) {
			long x = input(i + (size_t)started);
			if (write_all(k->to, &x, sizeof x) == -1)
				err = errno == EPIPE ? ECHILD : errno;
		}
	}
	/* End of file on every input pipe tells the workers to exit. */
	for (int k = 0; k < started; k++) {
		close(w[k].to);
		close(w[k].from);
	}
	for (int k = 0; k < started; k++) {
		pid_t got;
		while ((got = waitpid(w[k].pid, NULL, 0)) == -1 && errno == EINTR)
			;
		if (got == -1 && !err)
			err = errno; /* and go on: every other worker is still waited for */
	}
	sigaction(SIGPIPE, &old, NULL);
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}
