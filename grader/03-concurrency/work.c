/*
 * work.c - CPU-bound and IO-bound work for the lesson 03 suites (work.h).
 *
 * The countdown is calibrated against the calling thread's CPU clock, so a
 * task is "30 ms of CPU" whatever the machine's speed or load: on a busy
 * machine it takes longer in wall time, never less CPU.
 */
#define _GNU_SOURCE
#include "work.h"

#include <sched.h>

#include "ct_clock.h"

static uint64_t iterations_per_ms = 100000;

static void count_down(uint64_t n)
{
	volatile uint64_t x = n;

	while (x)
		x--;
}

void work_calibrate(void)
{
	uint64_t n = 50000;

	for (;;) {
		uint64_t c0 = ct_thread_cpu_ns();
		count_down(n);
		uint64_t used = ct_thread_cpu_ns() - c0;
		if (used >= 5 * CT_MS) {
			iterations_per_ms = n * CT_MS / used;
			return;
		}
		n *= 2;
	}
}

void work_cpu_ms(unsigned ms) { count_down(iterations_per_ms * ms); }

int work_usable_cpus(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof set, &set) == -1)
		return 1;
	int n = CPU_COUNT(&set);
	return n > 0 ? n : 1;
}
