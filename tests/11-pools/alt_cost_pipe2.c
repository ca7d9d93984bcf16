/*
 * alt_cost_pipe2.c - a correct alternative for lesson 11's cost: pipes made
 * with pipe2(O_CLOEXEC), the other side pins itself to the CPU the caller
 * pinned itself to, children are waited for with waitid, and times are
 * differences of timespecs.
 */
#define _GNU_SOURCE
#include "cost.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long elapsed(const struct timespec *a, const struct timespec *b)
{
	return (long long)(b->tv_sec - a->tv_sec) * 1000000000LL + (b->tv_nsec - a->tv_nsec);
}

static int check_n(int n)
{
	if (n < 1 || n > COST_MAX_N) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

static void *empty(void *arg) { return arg; }

long long cost_thread_create(int n)
{
	struct timespec a, b;

	if (check_n(n))
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = n; i > 0; i--) {
		pthread_t t;
		int err = pthread_create(&t, NULL, empty, NULL);
		if (err != 0) {
			errno = err;
			return -1;
		}
		if ((err = pthread_join(t, NULL)) != 0) {
			errno = err;
			return -1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	return elapsed(&a, &b);
}

static void reap(pid_t pid)
{
	siginfo_t info;

	while (waitid(P_PID, (id_t)pid, &info, WEXITED) == -1 && errno == EINTR)
		;
}

long long cost_process_create(int n)
{
	struct timespec a, b;

	if (check_n(n))
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		switch (pid) {
		case -1: return -1;
		case 0: _exit(0);
		default: reap(pid);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	return elapsed(&a, &b);
}

/* The other side: pins itself to cpu, then sends back each byte it gets, n times. */
struct echo {
	int in, out, n, cpu;
};

static void pin_to(int cpu)
{
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	sched_setaffinity(0, sizeof one, &one);
}

static void echo(const struct echo *e)
{
	char c;

	pin_to(e->cpu);
	for (int i = 0; i < e->n; i++) {
		ssize_t r;
		while ((r = read(e->in, &c, 1)) == -1 && errno == EINTR)
			;
		if (r != 1)
			return;
		while ((r = write(e->out, &c, 1)) == -1 && errno == EINTR)
			;
		if (r != 1)
			return;
	}
}

static void *echo_thread(void *arg)
{
	echo(arg);
	return NULL;
}

static long long rounds(int out, int in, int n)
{
	struct timespec a, b;
	char c = 'p';

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < n; i++) {
		ssize_t r;
		while ((r = write(out, &c, 1)) == -1 && errno == EINTR)
			;
		if (r != 1)
			return -1;
		while ((r = read(in, &c, 1)) == -1 && errno == EINTR)
			;
		if (r != 1)
			return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	return elapsed(&a, &b);
}

/* Pins the caller to the first CPU it may use; returns that CPU, the old mask in *old. */
static int pin_first(cpu_set_t *old)
{
	sched_getaffinity(0, sizeof *old, old);
	int cpu = 0;
	while (cpu < CPU_SETSIZE - 1 && !CPU_ISSET(cpu, old))
		cpu++;
	pin_to(cpu);
	return cpu;
}

static long long switch_cost(int n, bool threads)
{
	int go[2], back[2];
	cpu_set_t old;

	if (check_n(n))
		return -1;
	if (pipe2(go, O_CLOEXEC) == -1)
		return -1;
	if (pipe2(back, O_CLOEXEC) == -1) {
		int err = errno;
		close(go[0]);
		close(go[1]);
		errno = err;
		return -1;
	}
	struct echo e = {go[0], back[1], n, pin_first(&old)};
	long long ns = -1;
	int saved = 0;
	if (threads) {
		pthread_t t;
		int err = pthread_create(&t, NULL, echo_thread, &e);
		if (err) {
			saved = err;
		} else {
			ns = rounds(go[1], back[0], n);
			pthread_join(t, NULL);
		}
	} else {
		pid_t pid = fork();
		if (pid == 0) {
			echo(&e);
			_exit(0);
		}
		if (pid == -1) {
			saved = errno;
		} else {
			ns = rounds(go[1], back[0], n);
			reap(pid);
		}
	}
	sched_setaffinity(0, sizeof old, &old);
	int fds[] = {go[0], go[1], back[0], back[1]};
	for (int i = 0; i < 4; i++)
		close(fds[i]);
	if (ns < 0 && saved)
		errno = saved;
	return ns;
}

long long cost_thread_switch(int n) { return switch_cost(n, true); }
long long cost_process_switch(int n) { return switch_cost(n, false); }
