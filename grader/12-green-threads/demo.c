/*
 * demo.c - `make demo LESSON=12`: what green threads (solutions/12-green-threads/green.c)
 * can and cannot do.
 *
 * 1. One blocking call stalls them all.  Green thread A reads an empty pipe
 *    that a kernel thread of this demo writes to STALL_MS later; green
 *    threads B and C print a tick, work 20 ms and yield, over and over.
 *    First A uses plain read(): the kernel thread blocks, and with it B and
 *    C (no tick during the wait).  Then A uses green_read(): B and C tick
 *    all through the wait.
 * 2. One core only.  Two CPU-bound tasks of WORK_MS each, run as two green
 *    threads (yielding every slice) and as two kernel threads: wall time,
 *    CPU time of the process, and their ratio, the number of cores that
 *    worked at once.  Green threads stay at 1.0 however many cores there
 *    are: the kernel sees one thread.
 *
 * DESIGN: every system call's result is checked (ct_demo.h); a failure
 * ends the demo with the call's name and errno.  The machine's load is
 * probed (demo_too_busy) so that a busy machine is said, not mistaken for
 * a result.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ct_clock.h"
#include "ct_demo.h"
#include "green.h"

#define STALL_MS 300 /* part 1: how long the pipe stays empty */
#define TICK_MS	 20  /* part 1: the work between two ticks */
#define WORK_MS	 400 /* part 2: CPU time of each task */
#define SLICE_MS 5   /* part 2: work between two yields */

/* ---- 1. one blocking call stalls every green thread ----------------------- */

static int fds[2];
static uint64_t t0;
static volatile int reader_started, reader_done;
static int ticks_during_read; /* ticks of B and C between A's call and its return */
static int use_green_read;

static double since_start_ms(void)
{
	return (double)(ct_now_ns() - t0) / 1e6;
}

static void *writer(void *arg)
{
	(void)arg;
	ct_sleep_ns(STALL_MS * CT_MS);
	printf("  %6.0f ms  kernel thread writes to the pipe\n", since_start_ms());
	demo_write_all(fds[1], "data", 4);
	return NULL;
}

static void reader(void *arg)
{
	char buf[16];

	(void)arg;
	printf("  %6.0f ms  A calls %s on the empty pipe\n", since_start_ms(),
	       use_green_read ? "green_read()" : "read()");
	reader_started = 1;
	ssize_t n = use_green_read ? green_read(fds[0], buf, sizeof buf) : demo_read(fds[0], buf, sizeof buf);
	if (n < 0)
		demo_die("green_read");
	printf("  %6.0f ms  A's read returned %zd bytes\n", since_start_ms(), n);
	reader_done = 1;
}

static void ticker(void *arg)
{
	const char *name = arg;

	for (int i = 0; i < 4 || !reader_done; i++) {
		printf("  %6.0f ms    %s tick\n", since_start_ms(), name);
		ticks_during_read += reader_started && !reader_done;
		ct_sleep_ns(TICK_MS * CT_MS); /* its "work": the kernel thread is busy with B or C meanwhile */
		green_yield();
	}
}

static void green_create_or_die(green_fn fn, void *arg)
{
	if (green_create(fn, arg) == -1)
		demo_die("green_create");
}

static void stall(int green)
{
	pthread_t w;

	use_green_read = green;
	reader_started = reader_done = 0;
	ticks_during_read = 0;
	demo_pipe(fds);
	demo_check(green_init(), "green_init");
	green_create_or_die(reader, NULL);
	green_create_or_die(ticker, "B");
	green_create_or_die(ticker, "C");
	t0 = ct_now_ns();
	demo_pthread_create(&w, NULL, writer, NULL);
	demo_check(green_run(), "green_run");
	demo_pthread_join(w, NULL);
	demo_close(fds[0]);
	demo_close(fds[1]);
}

/* ---- 2. one core only ------------------------------------------------------ */

/* Spins on the CPU for ms of this thread's CPU time. */
static void burn_ms(uint64_t ms)
{
	uint64_t until = ct_thread_cpu_ns() + ms * CT_MS;

	while (ct_thread_cpu_ns() < until)
		;
}

static void green_task(void *arg)
{
	(void)arg;
	for (int done = 0; done < WORK_MS; done += SLICE_MS) {
		burn_ms(SLICE_MS);
		green_yield();
	}
}

static void *kernel_task(void *arg)
{
	(void)arg;
	burn_ms(WORK_MS);
	return NULL;
}

static void report(const char *what, uint64_t wall, uint64_t cpu)
{
	printf("  %-22s wall %5.0f ms   CPU %5.0f ms   CPU/wall %.2f cores\n", what, (double)wall / 1e6,
	       (double)cpu / 1e6, (double)cpu / (double)wall);
}

static void one_core(void)
{
	pthread_t k[2];

	demo_check(green_init(), "green_init");
	green_create_or_die(green_task, NULL);
	green_create_or_die(green_task, NULL);
	uint64_t w0 = ct_now_ns(), c0 = ct_process_cpu_ns();
	demo_check(green_run(), "green_run");
	uint64_t gwall = ct_now_ns() - w0, gcpu = ct_process_cpu_ns() - c0;

	w0 = ct_now_ns();
	c0 = ct_process_cpu_ns();
	for (int i = 0; i < 2; i++)
		demo_pthread_create(&k[i], NULL, kernel_task, NULL);
	for (int i = 0; i < 2; i++)
		demo_pthread_join(k[i], NULL);
	uint64_t kwall = ct_now_ns() - w0, kcpu = ct_process_cpu_ns() - c0;

	report("2 green threads", gwall, gcpu);
	report("2 kernel threads", kwall, kcpu);
	int cpus = demo_usable_cpus();
	if (cpus < 2)
		printf("  This process may use only %d CPU: the kernel threads could not run in parallel either.\n",
		       cpus);
	else if (!demo_too_busy("the green threads", gcpu, gwall)) {
		printf("  The green threads never used more than one core: the kernel sees one thread.\n");
		if ((double)kcpu / (double)kwall > 1.5)
			printf("  The kernel threads ran on two cores at once (this process may use %d).\n", cpus);
		else
			printf("  The kernel threads did not get two cores at once: another program had one. Run the\n"
			       "  demo again when the machine is quiet.\n");
	}
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("1. A blocks in read() on an empty pipe for %d ms, while B and C work and yield:\n", STALL_MS);
	stall(0);
	printf("   B and C ticked %d times while A was in read()%s\n\n", ticks_during_read,
	       ticks_during_read ? "" : ": one blocking call stalled every green thread.");
	printf("   The same with green_read(), which yields while the pipe is empty:\n");
	stall(1);
	printf("   B and C ticked %d times while A was in green_read()%s\n\n", ticks_during_read,
	       ticks_during_read ? ": it waited by letting the others run." : ".");
	printf("2. Two CPU-bound tasks of %d ms each:\n", WORK_MS);
	one_core();
	return 0;
}
