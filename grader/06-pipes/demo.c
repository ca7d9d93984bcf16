/*
 * demo.c - `make demo LESSON=6`: what a pipe holds, how a careless parent
 * deadlocks on it, and what a process pool built on pipes gains and costs.
 *
 * 1. Capacity.  A fresh pipe whose write end is non-blocking is filled one
 *    byte at a time until write() fails with EAGAIN; fcntl(F_GETPIPE_SZ)
 *    tells the same number, and PIPE_BUF the size of an atomic write.
 * 2. Deadlock.  A child echoes back everything it reads.  A parent that
 *    writes everything (16 pipefuls) before reading stops dead once both
 *    pipes are full; one that alternates writes and reads finishes.  Then
 *    a parent that calls waitpid() before reading a child's output (4
 *    pipefuls) waits forever.  Both stalls are caught safely: the first
 *    with a non-blocking write end and poll() with a timeout, the second
 *    with an interval timer whose signal interrupts waitpid().
 * 3. Speedup.  pool_map (solutions/06-pipes/pool.c) with 1, 2 and 4
 *    workers over CPU-bound inputs (10 ms of CPU each) and over sleeping
 *    ones (10 ms of sleep each), beside a plain loop in this process.
 * 4. Overhead.  5,000 trivial inputs through pool_map against a plain
 *    loop, five times each: the price of a round trip through two pipes,
 *    per item (median, and the spread: it depends on whether the caller
 *    and the worker share a CPU).
 *
 * DESIGN: every system call's result is checked (ct_demo.h); a failure
 * ends the demo with the call's name and errno.  SIGPIPE is ignored for the whole
 * demo, so writing to a pipe nobody reads fails with EPIPE instead of
 * killing us, and the children inherit that.  Every child is waited for and
 * every descriptor closed; part 3 counts the descriptors to show it.
 */
#define _GNU_SOURCE /* F_GETPIPE_SZ */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ct_clock.h"
#include "ct_demo.h"
#include "pool.h"

#define CHUNK	 4096 /* part 2: bytes per write */
#define STALL_MS 200  /* part 2: no progress for this long = stuck */
#define JOBS	 40   /* part 3: inputs */
#define JOB_MS	 10   /* part 3: CPU time or sleep per input */
#define TINY	 5000 /* part 4: trivial inputs */
#define REPEAT	 5    /* part 4: runs of each; the median is shown */

static void set_nonblock(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags == -1 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1)
		demo_die("fcntl(O_NONBLOCK)");
}

/* Bytes waiting in the pipe that fd is an end of. */
static int pipe_holds(int fd)
{
	int n;

	if (ioctl(fd, FIONREAD, &n) == -1)
		demo_die("ioctl(FIONREAD)");
	return n;
}

/*
 * The kernel function pid sleeps in (/proc/PID/wchan), such as "pipe_write" or
 * "anon_pipe_write" depending on the kernel; "a write to a pipe" if it is hidden.
 */
static const char *wchan(pid_t pid, char *buf, size_t size)
{
	char path[64];

	snprintf(path, sizeof path, "/proc/%d/wchan", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f || !fgets(buf, (int)size, f) || buf[0] == '0' || buf[0] == '\0')
		snprintf(buf, size, "a write to a pipe");
	if (f)
		fclose(f);
	return buf;
}

/* ---- 1. capacity ---------------------------------------------------------- */

/* Returns the capacity measured. */
static size_t part_capacity(void)
{
	int fds[2];
	size_t bytes = 0;

	demo_pipe(fds);
	set_nonblock(fds[1]);
	for (;;) {
		ssize_t w = write(fds[1], "x", 1);
		if (w == 1)
			bytes++;
		else if (w == -1 && errno == EAGAIN) /* full: a blocking write would sleep here */
			break;
		else if (w == -1 && errno != EINTR)
			demo_die("write");
	}
	int size = fcntl(fds[1], F_GETPIPE_SZ);
	if (size == -1)
		demo_die("fcntl(F_GETPIPE_SZ)");
	printf("1. Capacity of a pipe\n"
	       "   one-byte writes accepted before EAGAIN:  %zu bytes (%zu KiB)\n"
	       "   fcntl(F_GETPIPE_SZ):                     %d bytes\n"
	       "   PIPE_BUF (largest write that is atomic): %d bytes\n\n",
	       bytes, bytes / 1024, size, PIPE_BUF);
	demo_close(fds[0]);
	demo_close(fds[1]);
	return bytes;
}

/* ---- 2. deadlock ---------------------------------------------------------- */

/* The echo child: writes back on `out` whatever arrives on `in`, until end of file. */
static _Noreturn void echo(int in, int out)
{
	char buf[CHUNK];

	for (;;) {
		ssize_t r = demo_read(in, buf, sizeof buf);
		if (r == 0)
			_exit(0);
		if (demo_try_write_all(out, buf, (size_t)r) == -1)
			_exit(errno == EPIPE ? 0 : 1); /* the parent stopped listening */
	}
}

/* Starts an echo child; *to is the parent's write end towards it, *from the read end back. */
static pid_t start_echo(int *to, int *from)
{
	int down[2], up[2];

	demo_pipe(down);
	demo_pipe(up);
	pid_t pid = demo_fork();
	if (pid == 0) {
		demo_close(down[1]); /* the child keeps only down[0] and up[1] */
		demo_close(up[0]);
		echo(down[0], up[1]);
	}
	demo_close(down[0]);
	demo_close(up[1]);
	*to = down[1];
	*from = up[0];
	return pid;
}

static void part_deadlock(size_t capacity)
{
	static char out[CHUNK], back[CHUNK];
	const size_t echo_bytes = 16 * capacity, child_bytes = 4 * capacity;
	int to, from;
	size_t sent = 0;
	char where[64];

	printf("2. Deadlock on full pipes (%zu KiB to an echo child, %d bytes per write)\n", echo_bytes / 1024, CHUNK);
	memset(out, 'x', sizeof out);

	/* Wrong: write everything, then read.  Non-blocking, so a stall can be seen. */
	pid_t pid = start_echo(&to, &from);
	set_nonblock(to);
	while (sent < echo_bytes) {
		ssize_t w = write(to, out, sizeof out);
		if (w > 0) {
			sent += (size_t)w;
			continue;
		}
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1 && errno != EAGAIN)
			demo_die("write");
		struct pollfd p = {.fd = to, .events = POLLOUT};
		int k = poll(&p, 1, STALL_MS); /* room within STALL_MS, or never? */
		if (k == -1 && errno != EINTR)
			demo_die("poll");
		if (k == 0)
			break;
	}
	int a = pipe_holds(to), b = pipe_holds(from);
	if (sent < echo_bytes)
		printf("   write all, then read:   STUCK after %zu of %zu bytes (no room for %d ms):\n"
		       "     the pipe back holds %d bytes, the pipe to the child %d, and the child's\n"
		       "     buffer the other %zu; the child sleeps in %s, and a blocking\n"
		       "     write here would never return\n",
		       sent, echo_bytes, STALL_MS, b, a, sent - (size_t)a - (size_t)b, wchan(pid, where, sizeof where));
	else
		printf("   write all, then read:   not stuck this time (the child read fast enough)\n");
	demo_close(to); /* the child's write now fails with EPIPE and it exits */
	demo_close(from);
	demo_wait(pid);

	/* Right: one chunk out, the same chunk back, and again. */
	pid = start_echo(&to, &from);
	uint64_t t0 = ct_now_ns();
	for (sent = 0; sent < echo_bytes; sent += CHUNK) {
		demo_write_all(to, out, CHUNK);
		if (!demo_read_all(from, back, CHUNK)) {
			errno = EPIPE;
			demo_die("read (early end of file)");
		}
		if (memcmp(out, back, CHUNK) != 0) {
			fprintf(stderr, "demo: the echo child changed the data\n");
			exit(1);
		}
	}
	demo_close(to); /* end of file: the child exits */
	demo_close(from);
	demo_wait(pid);
	printf("   write a chunk, read it: done, %zu of %zu bytes echoed in %.1f ms\n", sent, echo_bytes,
	       (double)(ct_now_ns() - t0) / 1e6);

	/* Wrong again: waitpid() before reading a child's output larger than the pipe. */
	int fds[2];
	demo_pipe(fds);
	pid = demo_fork();
	if (pid == 0) {
		demo_close(fds[0]);
		for (size_t done = 0; done < child_bytes; done += CHUNK)
			demo_write_all(fds[1], out, CHUNK);
		_exit(0);
	}
	demo_close(fds[1]);
	/* SIGALRM every STALL_MS from now: each interrupts waitpid (EINTR). */
	struct itimerval tick = {{0, STALL_MS * 1000}, {0, STALL_MS * 1000}}, off = {{0, 0}, {0, 0}};
	if (setitimer(ITIMER_REAL, &tick, NULL) == -1)
		demo_die("setitimer");
	pid_t r = waitpid(pid, NULL, 0);
	int err = errno;
	if (setitimer(ITIMER_REAL, &off, NULL) == -1)
		demo_die("setitimer");
	if (r == pid) {
		printf("   waitpid, then read:     not stuck this time (the output fit in the pipe)\n");
		demo_close(fds[0]);
		return;
	}
	errno = err;
	if (r != -1 || errno != EINTR)
		demo_die("waitpid");
	printf("   waitpid, then read:     STUCK: after %d ms waitpid had not returned; the child (%zu KiB\n"
	       "     to write) sleeps in %s, the pipe holds %d bytes\n",
	       STALL_MS, child_bytes / 1024, wchan(pid, where, sizeof where), pipe_holds(fds[0]));
	size_t got = 0;
	char buf[CHUNK];
	for (ssize_t k; (k = demo_read(fds[0], buf, sizeof buf)) > 0;) /* read first ... */
		got += (size_t)k;
	demo_close(fds[0]);
	t0 = ct_now_ns();
	demo_wait(pid); /* ... then wait */
	printf("   read, then waitpid:     done, %zu bytes read, then waitpid returned in %.3f ms\n\n", got,
	       (double)(ct_now_ns() - t0) / 1e6);
}

/* ---- 3. speedup ----------------------------------------------------------- */

/* The inputs: input i is i. */
static long index_input(size_t i)
{
	return (long)i;
}

/* CPU-bound: spins until the calling thread has used JOB_MS of CPU time. */
static long burn(long x)
{
	uint64_t end = ct_thread_cpu_ns() + JOB_MS * CT_MS;

	while (ct_thread_cpu_ns() < end)
		;
	return x * x;
}

/* IO-bound stand-in: sleeps JOB_MS. */
static long nap(long x)
{
	ct_sleep_ns(JOB_MS * CT_MS);
	return x * x;
}

/* The number of descriptors open in this process. */
static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		demo_die("opendir(/proc/self/fd)");
	while (readdir(d))
		n++;
	closedir(d);
	return n - 3; /* ".", ".." and the directory's own descriptor */
}

/*
 * results[i] = fn(input(i)) for i < n, with pool_map and `workers` processes, or
 * in a plain loop here if workers is 0.  Returns the wall time; *cpu gets the CPU
 * time of this process and its (waited for) children, if cpu is not NULL.
 */
static uint64_t run(int workers, pool_fn fn, size_t n, long (*input)(size_t), long *results, uint64_t *cpu)
{
	uint64_t c0 = ct_process_cpu_ns() + ct_children_cpu_ns(), t0 = ct_now_ns();

	if (workers == 0) {
		for (size_t i = 0; i < n; i++)
			results[i] = fn(input(i));
	} else if (pool_map(workers, fn, input, n, results) == -1) {
		demo_die("pool_map");
	}
	uint64_t wall = ct_now_ns() - t0;
	if (cpu)
		*cpu = ct_process_cpu_ns() + ct_children_cpu_ns() - c0;
	return wall;
}

static void part_speedup(void)
{
	static long results[JOBS];
	static const int sizes[] = {0, 1, 2, 4};
	int fds_before = open_fds();

	printf("3. pool_map over %d inputs, %d ms each (wall time; CPU time of the caller and its workers)\n", JOBS,
	       JOB_MS);
	for (int kind = 0; kind < 2; kind++) {
		pool_fn fn = kind == 0 ? burn : nap;
		uint64_t base = 0, loop_cpu = 0, loop_wall = 0;
		printf("   %-22s %9s %9s %8s\n", kind == 0 ? "CPU-bound (spin)" : "IO-bound (sleep)", "wall", "CPU",
		       "speedup");
		for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
			uint64_t cpu, wall = run(sizes[s], fn, JOBS, index_input, results, &cpu);
			if (kind == 0 && sizes[s] == 0)
				loop_cpu = cpu, loop_wall = wall;
			for (size_t i = 0; i < JOBS; i++)
				if (results[i] != (long)(i * i)) {
					fprintf(stderr, "demo: results[%zu] = %ld, expected %zu\n", i, results[i],
						i * i);
					exit(1);
				}
			if (s == 1)
				base = wall;
			char label[32];
			if (sizes[s] == 0)
				snprintf(label, sizeof label, "plain loop, no pool");
			else
				snprintf(label, sizeof label, "pool_map, %d worker%s", sizes[s],
					 sizes[s] > 1 ? "s" : "");
			printf("   %-22s %6.0f ms %6.0f ms", label, (double)wall / 1e6, (double)cpu / 1e6);
			if (sizes[s] == 0)
				printf("\n");
			else
				printf(" %7.2fx\n", (double)base / (double)wall);
		}
		if (kind == 0)
			demo_too_busy("the plain loop", loop_cpu, loop_wall);
	}
	int fds_after = open_fds();
	errno = 0;
	pid_t left = waitpid(-1, NULL, WNOHANG);
	printf("   (speedup against 1 worker.  Descriptors open in this process: %d before, %d after;\n"
	       "    children left to reap: %s)\n\n",
	       fds_before, fds_after, left == -1 && errno == ECHILD ? "none" : "SOME");
}

/* ---- 4. overhead ---------------------------------------------------------- */

static long plus_one(long x)
{
	return x + 1;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* ns as "0.4 ns" or "26.4 us", in a field of `width`. */
static void print_ns(double ns, int width)
{
	char buf[32];

	if (ns < 1000)
		snprintf(buf, sizeof buf, "%.1f ns", ns);
	else
		snprintf(buf, sizeof buf, "%.1f us", ns / 1e3);
	printf("%*s", width, buf);
}

static void part_overhead(void)
{
	static long results[TINY];
	static const int sizes[] = {0, 1, 2};

	printf("4. The price of a pipe round trip: %d trivial inputs (fn(x) = x + 1), %d runs of each\n", TINY, REPEAT);
	printf("   %-22s %11s %13s %13s\n", "time per item", "median", "fastest run", "slowest run");
	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		uint64_t wall[REPEAT];
		for (int k = 0; k < REPEAT; k++) {
			wall[k] = run(sizes[s], plus_one, TINY, index_input, results, NULL);
			for (size_t i = 0; i < TINY; i++)
				if (results[i] != (long)i + 1) {
					fprintf(stderr, "demo: results[%zu] = %ld, expected %zu\n", i, results[i],
						i + 1);
					exit(1);
				}
		}
		qsort(wall, REPEAT, sizeof wall[0], cmp_u64);
		char label[32];
		if (sizes[s] == 0)
			snprintf(label, sizeof label, "plain loop, no pool");
		else
			snprintf(label, sizeof label, "pool_map, %d worker%s", sizes[s], sizes[s] > 1 ? "s" : "");
		printf("   %-22s", label);
		print_ns((double)wall[REPEAT / 2] / TINY, 12);
		print_ns((double)wall[0] / TINY, 14);
		print_ns((double)wall[REPEAT - 1] / TINY, 14);
		printf("\n");
	}
	printf("\n");
}

static void on_alarm(int sig)
{
	(void)sig;
} /* only there to interrupt waitpid */

int main(void)
{
	struct sigaction ignore = {.sa_handler = SIG_IGN}, alarm = {.sa_handler = on_alarm};

	/* No SA_RESTART: the alarm makes a blocked waitpid return -1 with EINTR. */
	demo_sigaction(SIGPIPE, &ignore, NULL);
	demo_sigaction(SIGALRM, &alarm, NULL);
	printf("concur lesson 06 demo: pipes, measured on a machine where this process may use %d CPU(s).\n\n",
	       demo_usable_cpus());
	part_deadlock(part_capacity());
	part_speedup();
	part_overhead();
	printf("What to look for: a pipe holds only the bytes of part 1, so a parent that writes\n"
	       "everything before it reads (or waits for a child before reading its output) stops\n"
	       "as soon as the pipes are full; doing a little of each in turn never does.  CPU-bound\n"
	       "inputs scale with the CPUs (no further than their number, and less while other\n"
	       "programs keep them busy), sleeping ones with the workers.  Every item pays for two\n"
	       "writes, two reads and two wake-ups, so tiny items are far slower through a pool\n"
	       "than in a plain loop: send them in batches (Python's chunksize).\n");
	return 0;
}
