/*
 * demo.c - `make demo LESSON=11`: what threads, processes and IPC cost on
 * the machine at hand.
 *
 * 1. Creating and joining a thread against forking and waiting for a
 *    process (the reference cost_thread_create and cost_process_create of
 *    solutions/11-pools/cost.c), 5 times each: the range and the ratio.
 * 2. A round trip between two threads against one between two processes,
 *    both sides pinned to one CPU (cost_thread_switch, cost_process_switch):
 *    two context switches and four system calls each.
 * 3. A value passed from one process to another: through a pipe (write,
 *    then read: two system calls and two copies through the kernel), and
 *    through shared memory (a store and a load), first in one thread, then
 *    as a round trip between two processes on two CPUs, where the shared
 *    memory side spins instead of sleeping.
 * Every time is read with clock_gettime(CLOCK_MONOTONIC).  The figures
 * depend on the machine (CPU, kernel, its mitigations, what else runs):
 * read the ratios, not the numbers.  About 3 seconds.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cost.h"
#include "ct_demo.h"

#define RUNS 5

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/* RUNS measurements of fn(n), in us per item: the smallest and the largest. */
static void range(long long (*fn)(int), int n, double *lo, double *hi)
{
	*lo = 1e300;
	*hi = 0;
	for (int r = 0; r < RUNS; r++) {
		long long ns = fn(n);
		if (ns < 0)
			demo_die("a measurement of the reference solution");
		double us = (double)ns / n / 1e3;
		if (us < *lo)
			*lo = us;
		if (us > *hi)
			*hi = us;
	}
}

static void row(const char *what, double lo, double hi)
{
	printf("  %-44s %9.2f - %-9.2f us\n", what, lo, hi);
}

/* ---- part 3: a value through a pipe, or through shared memory ------------ */

/* n values written into a pipe and read back by the same thread: ns per value. */
/* "12 times as slow", or "shared memory was slower here": how the pipe's figure compares (into buf). */
static const char *ratio_words(char *buf, size_t len, double pipe, double memory)
{
	if (pipe >= memory)
		snprintf(buf, len, "the pipe %.0f times as slow", pipe / memory);
	else
		snprintf(buf, len, "shared memory was slower here");
	return buf;
}

static double pipe_in_one_thread(int n)
{
	int fds[2];
	long v = 0;

	demo_pipe(fds);
	double t0 = now_ns();
	for (long i = 0; i < n; i++) {
		demo_write_all(fds[1], &i, sizeof i);
		if (!demo_read_all(fds[0], &v, sizeof v) || v != i)
			demo_die("the pipe gave back another value");
	}
	double ns = (now_ns() - t0) / n;
	demo_close(fds[0]);
	demo_close(fds[1]);
	return ns;
}

/* n values stored into a shared mapping and loaded back: ns per value. */
static double memory_in_one_thread(int n)
{
	_Atomic long *box = demo_mmap(NULL, sizeof *box, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	long sum = 0;

	double t0 = now_ns();
	for (long i = 0; i < n; i++) {
		atomic_store_explicit(box, i, memory_order_release);
		sum += atomic_load_explicit(box, memory_order_acquire);
	}
	double ns = (now_ns() - t0) / n;
	if (sum != (long)n * (n - 1) / 2)
		demo_die("shared memory gave back another value");
	demo_munmap((void *)box, sizeof *box);
	return ns;
}

/* A round trip between this process and a child on another CPU, through two pipes: ns per round trip. */
static double pipe_between_processes(int n)
{
	int to[2], back[2];
	long v = 0;

	demo_pipe(to);
	demo_pipe(back);
	pid_t pid = demo_fork();
	if (pid == 0) {
		for (int i = 0; i < n && demo_read_all(to[0], &v, sizeof v); i++)
			demo_write_all(back[1], &v, sizeof v);
		_exit(0);
	}
	double t0 = now_ns();
	for (long i = 0; i < n; i++) {
		demo_write_all(to[1], &i, sizeof i);
		if (!demo_read_all(back[0], &v, sizeof v) || v != i)
			demo_die("the child answered another value");
	}
	double ns = (now_ns() - t0) / n;
	demo_wait_ok(pid);
	demo_close(to[0]);
	demo_close(to[1]);
	demo_close(back[0]);
	demo_close(back[1]);
	return ns;
}

/*
 * The same round trip through a shared mapping: the parent stores 2i + 1,
 * the child, spinning on the word, answers 2i + 2.  Nobody sleeps: each
 * side keeps a CPU busy while it waits, which is why this needs two CPUs.
 */
static double memory_between_processes(int n)
{
	_Atomic long *box = demo_mmap(NULL, sizeof *box, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	atomic_store(box, 0);
	pid_t pid = demo_fork();
	if (pid == 0) {
		for (long i = 0; i < n; i++) {
			while (atomic_load_explicit(box, memory_order_acquire) != 2 * i + 1)
				;
			atomic_store_explicit(box, 2 * i + 2, memory_order_release);
		}
		_exit(0);
	}
	double t0 = now_ns();
	for (long i = 0; i < n; i++) {
		atomic_store_explicit(box, 2 * i + 1, memory_order_release);
		while (atomic_load_explicit(box, memory_order_acquire) != 2 * i + 2)
			;
	}
	double ns = (now_ns() - t0) / n;
	demo_wait_ok(pid);
	demo_munmap((void *)box, sizeof *box);
	return ns;
}

int main(void)
{
	double tlo, thi, plo, phi;

	printf("Lesson 11: what threads, processes and IPC cost here (%d CPU%s usable; clock: "
	       "clock_gettime(CLOCK_MONOTONIC); %d runs of each, smallest - largest)\n\n",
	       demo_usable_cpus(), demo_usable_cpus() == 1 ? "" : "s", RUNS);

	printf("1. Creating one, and waiting for its end\n");
	range(cost_thread_create, 2000, &tlo, &thi);
	row("pthread_create + pthread_join", tlo, thi);
	range(cost_process_create, 300, &plo, &phi);
	row("fork + _exit + waitpid", plo, phi);
	printf("  a process cost %.1f to %.1f times a thread (worst against best run, both ways)\n\n", plo / thi,
	       phi / tlo);

	printf("2. A round trip (two context switches), both sides pinned to one CPU\n");
	range(cost_thread_switch, 20000, &tlo, &thi);
	row("between two threads (two pipes)", tlo, thi);
	range(cost_process_switch, 20000, &plo, &phi);
	row("between two processes (two pipes)", plo, phi);
	printf("  processes / threads: %.2f to %.2f. Close to 1: on Linux both are kernel tasks, and the main\n"
	       "  extra work of a process switch is changing address space, which tagged TLBs (PCID on x86-64,\n"
	       "  ASIDs on ARM) make cheap where the CPU and kernel use them.\n\n",
	       plo / thi, phi / tlo);

	printf("3. Passing a value (a long)\n");
	double p1 = pipe_in_one_thread(100000), m1 = memory_in_one_thread(1000000);
	printf("  in one thread:   through a pipe %8.1f ns    through shared memory %8.2f ns   (%s)\n", p1, m1,
	       ratio_words((char[48]){0}, 48, p1, m1));
	if (demo_usable_cpus() < 2) {
		printf("  between two processes: needs 2 CPUs (the shared-memory side spins); skipped\n");
		return 0;
	}
	double share = demo_cpu_share(50);
	double p2 = pipe_between_processes(20000), m2 = memory_between_processes(200000);
	printf("  round trip between two processes on two CPUs:\n"
	       "                   through pipes  %8.1f ns    through shared memory %8.1f ns   (%s)\n",
	       p2, m2, ratio_words((char[48]){0}, 48, p2, m2));
	if (share < DEMO_BUSY_SHARE)
		printf("  (another program had the CPUs: a spinning side got only %.0f%% of one, so the shared-memory\n"
		       "  figure is worse than on an idle machine)\n",
		       share * 100);
	printf("  A pipe costs system calls and copies through the kernel for every value, and a reader that\n"
	       "  sleeps must be woken; shared memory costs a store and a load, but it brings no waiting with it:\n"
	       "  here both sides spin, which burns two CPUs. Real code pairs it with a lock and a condition\n"
	       "  variable (or a futex), and pays for sleeping only when it has to wait.\n");
	return 0;
}
