/*
 * cost.c - lesson 11, exercise "cost".  Read lessons/11-pools.md first.
 *
 * Goal: measure, on this machine, what creating a thread costs against
 * creating a process, and what a switch between two threads costs against
 * a switch between two processes.  The contract is in cost.h.
 * Check your work with:  make check LESSON=11 EXERCISE=cost
 */
#define _GNU_SOURCE
#include "cost.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "concur_todo.h"

static long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static bool bad_n(int n)
{
	if (n >= 1 && n <= COST_MAX_N)
		return false;
	errno = EINVAL;
	return true;
}

static void *return_at_once(void *arg) { return arg; }

long long cost_thread_create(int n)
{
	if (bad_n(n))
		return -1;
	long long start = now_ns();
	for (int i = 0; i < n; i++) {
		pthread_t t;
		int err = pthread_create(&t, NULL, return_at_once, NULL);
		if (err) {
			errno = err; /* pthreads return the error, they do not set errno */
			return -1;
		}
		pthread_join(t, NULL);
	}
	return now_ns() - start;
}

/* waitpid, made again when a signal interrupts it. */
static void wait_for(pid_t pid)
{
	while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
		;
}

long long cost_process_create(int n)
{
	if (bad_n(n))
		return -1;
	long long start = now_ns();
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid == -1)
			return -1; /* fork set errno; every earlier child was waited for */
		if (pid == 0)
			_exit(0); /* not exit(): the parent's atexit handlers and buffers are not the child's */
		wait_for(pid);
	}
	return now_ns() - start;
}

/* ---- round trips ---------------------------------------------------------- */

/* One byte in or out, made again after EINTR; false on any other failure or end of file. */
static bool read_byte(int fd, char *c)
{
	ssize_t r;

	while ((r = read(fd, c, 1)) == -1 && errno == EINTR)
		;
	return r == 1;
}

static bool write_byte(int fd, char c)
{
	ssize_t r;

	while ((r = write(fd, &c, 1)) == -1 && errno == EINTR)
		;
	return r == 1;
}

/* The two pipes of a ping-pong: to[] carries the caller's byte, back[] the answer. */
struct link {
	int to[2], back[2];
	int n;
};

/* The other side: answers n bytes. */
static void answer(const struct link *l)
{
	char c;

	for (int i = 0; i < l->n && read_byte(l->to[0], &c); i++)
		if (!write_byte(l->back[1], c))
			break;
}

/* The caller's side: n round trips; their duration in ns, or -1 if the other side stopped answering. */
static long long ping(const struct link *l)
{
	char c = 'x';
	long long start = now_ns();

	for (int i = 0; i < l->n; i++)
		if (!write_byte(l->to[1], c) || !read_byte(l->back[0], &c))
			return -1;
	return now_ns() - start;
}

/* Closes what is still open of l (-1: closed already). */
static void close_link(struct link *l)
{
	int *fds[] = {&l->to[0], &l->to[1], &l->back[0], &l->back[1]};

	for (int i = 0; i < 4; i++)
		if (*fds[i] != -1) {
			close(*fds[i]);
			*fds[i] = -1;
		}
}

/* The caller is done: the other side's next read sees the end of file, so it stops even if ping gave up early. */
static void hang_up(struct link *l)
{
	close(l->to[1]);
	l->to[1] = -1;
}

/* Both pipes, or -1 with pipe's errno and nothing left open. */
static int open_link(struct link *l, int n)
{
	l->n = n;
	if (pipe(l->to) == -1)
		return -1;
	if (pipe(l->back) == -1) {
		int saved = errno;
		close(l->to[0]);
		close(l->to[1]);
		errno = saved;
		return -1;
	}
	return 0;
}

/*
 * Pins the calling thread to the first CPU it may use, saving its mask in
 * *old; a thread it creates, or a child it forks, starts with the same mask.
 */
static void pin(cpu_set_t *old)
{
	if (sched_getaffinity(0, sizeof *old, old) == -1)
		return;
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, old)) {
			cpu_set_t one;
			CPU_ZERO(&one);
			CPU_SET(cpu, &one);
			sched_setaffinity(0, sizeof one, &one);
			return;
		}
}

static void unpin(const cpu_set_t *old) { sched_setaffinity(0, sizeof *old, old); }

static void *answer_thread(void *arg)
{
	answer(arg);
	return NULL;
}

long long cost_thread_switch(int n)
{
	struct link l;
	cpu_set_t old;

	if (bad_n(n) || open_link(&l, n) == -1)
		return -1;
	pin(&old);
	pthread_t t;
	int err = pthread_create(&t, NULL, answer_thread, &l);
	long long ns = -1;
	if (err) {
		errno = err;
	} else {
		ns = ping(&l);
		hang_up(&l);
		pthread_join(t, NULL);
	}
	unpin(&old);
	int saved = errno;
	close_link(&l);
	errno = saved;
	return ns;
}

long long cost_process_switch(int n)
{
	struct link l;
	cpu_set_t old;

	if (bad_n(n) || open_link(&l, n) == -1)
		return -1;
	pin(&old);
	pid_t pid = fork();
	long long ns = -1;
	if (pid == 0) {
		answer(&l);
		_exit(0);
	}
	if (pid > 0) {
		ns = ping(&l);
		hang_up(&l);
		wait_for(pid);
	}
	unpin(&old);
	int saved = errno;
	close_link(&l);
	errno = saved;
	return ns;
}
