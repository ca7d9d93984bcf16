/*
 * work.h - the grader's tasks for lesson 03: CPU-bound work calibrated on
 * this machine at start-up, IO-bound work that sleeps, and the number of
 * CPUs this process may use.  Shared by the lesson's suites.
 */
#ifndef WORK_H
#define WORK_H

#include <stdint.h>

/* Measures how fast this machine counts down; call once per test. */
void work_calibrate(void);
/* Counts down for about ms milliseconds of CPU time (not wall time). */
void work_cpu_ms(unsigned ms);
/* CPUs this process may run on (sched_getaffinity), at least 1. */
int work_usable_cpus(void);

#endif
