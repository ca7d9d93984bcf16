/*
 * demo.c - `make demo LESSON=3`: the experiment of lesson 03, in C.
 *
 * The same four tasks, CPU-bound (a countdown) and then IO-bound (a sleep),
 * run serially, in threads, in processes, and in threads that share one
 * global lock the way CPython's threads share the GIL.  For each: wall
 * time, CPU time (this process and its children) and speedup over serial,
 * then the timelines.  Uses the reference solutions.
 */
#include <stdio.h>
#include <string.h>

#include "ct_clock.h"
#include "ct_demo.h"
#include "ct_timeline.h"
#include "ct_timing.h"
#include "gil.h"
#include "runners.h"
#include "work.h"

#define N 4
#define CPU_MS 50
#define IO_MS 50

static struct ct_interval *when; /* shared with the children */
static bool io_bound;

static void task(int i)
{
	when[i].start_ns = ct_now_ns();
	if (io_bound)
		ct_sleep_ns(IO_MS * CT_MS);
	else
		work_cpu_ms(CPU_MS);
	when[i].end_ns = ct_now_ns();
}

/* The GIL version of the same task: all CPU under the lock, the sleep without it. */
static void gil_compute(int i)
{
	when[i].start_ns = ct_now_ns();
	if (!io_bound)
		work_cpu_ms(CPU_MS);
}

static void gil_wait(int i)
{
	if (io_bound)
		ct_sleep_ns(IO_MS * CT_MS);
	when[i].end_ns = ct_now_ns();
}

static int run_gil(int n, runner_task unused)
{
	static const struct gil_task t = {1, gil_compute, gil_wait};

	(void)unused;
	return run_with_gil(n, &t);
}

struct way {
	const char *name;
	int (*run)(int, runner_task);
	uint64_t wall, cpu;
	struct ct_interval when[N];
};

int main(void)
{
	struct way ways[] = {
		{"serial", run_serial, 0, 0, {{0, 0}}},
		{"threads", run_threads, 0, 0, {{0, 0}}},
		{"processes", run_processes, 0, 0, {{0, 0}}},
		{"threads + global lock", run_gil, 0, 0, {{0, 0}}},
	};
	int nways = (int)(sizeof ways / sizeof ways[0]);

	when = ct_shared_alloc(sizeof(struct ct_interval) * N);
	work_calibrate();
	printf("concur lesson 03 demo: %d tasks, CPU-bound (%d ms of counting down each) and IO-bound (%d ms of\n"
	       "sleep each), on a machine where this process may use %d CPU(s).\n",
	       N, CPU_MS, IO_MS, work_usable_cpus());
	for (int kind = 0; kind < 2; kind++) {
		io_bound = kind == 1;
		printf("\n%-24s %10s %10s %9s\n", io_bound ? "IO-bound" : "CPU-bound", "wall", "CPU", "speedup");
		for (int w = 0; w < nways; w++) {
			memset(when, 0, sizeof(struct ct_interval) * N);
			uint64_t c0 = ct_process_cpu_ns() + ct_children_cpu_ns(), t0 = ct_now_ns();
			if (ways[w].run(N, task) != 0)
				printf("  (%s failed)\n", ways[w].name);
			ways[w].wall = ct_now_ns() - t0;
			ways[w].cpu = ct_process_cpu_ns() + ct_children_cpu_ns() - c0;
			memcpy(ways[w].when, when, sizeof ways[w].when);
			printf("  %-22s %7.0f ms %7.0f ms %8.2fx\n", ways[w].name, (double)ways[w].wall / 1e6,
			       (double)ways[w].cpu / 1e6, (double)ways[0].wall / (double)ways[w].wall);
		}
		if (!io_bound)
			demo_too_busy("the serial run", ways[0].cpu, ways[0].wall);
		printf("\n");
		struct ct_timeline_group g[4];
		for (int w = 0; w < nways; w++)
			g[w] = (struct ct_timeline_group){ways[w].name, ways[w].when, NULL, N, N};
		ct_timeline_draw(stdout, io_bound ? "Timelines, IO-bound (one row per task):"
						  : "Timelines, CPU-bound (one row per task):",
				 g, nways, 56, true);
	}
	printf("\nWhat to look for: with 2 or more CPUs, CPU-bound threads and processes finish about N/CPUs\n"
	       "times sooner than serial and use more CPU time than wall time; with the global lock they\n"
	       "do not (that is Python's GIL). IO-bound work overlaps in every concurrent version, even\n"
	       "with the lock, and even on one CPU: try  taskset -c 0 make demo LESSON=3\n");
	return 0;
}
