/*
 * ct_clock.h - clocks and sleeps the student's code cannot replace.
 *
 * A student file may define its own clock_gettime(), nanosleep(), usleep()
 * or even syscall(); inside one executable those definitions win over the C
 * library's.  These functions therefore enter the kernel directly with the
 * machine's system-call instruction, so no symbol anywhere can intercept
 * them.  All times are in nanoseconds.
 */
#ifndef CT_CLOCK_H
#define CT_CLOCK_H

#include <stdint.h>
#include <time.h>

/* CLOCK_MONOTONIC: wall time that never jumps. */
uint64_t ct_now_ns(void);
/* CPU time used by the whole calling process (all threads). */
uint64_t ct_process_cpu_ns(void);
/* CPU time used by the calling thread. */
uint64_t ct_thread_cpu_ns(void);
/* CPU time of the caller's children that have been waited for. */
uint64_t ct_children_cpu_ns(void);
/* CLOCK_REALTIME ns from now: the absolute deadline pthread_mutex_timedlock and pthread_cond_timedwait take. */
struct timespec ct_deadline_in(uint64_t ns);
/* Sleeps for ns nanoseconds (resumes after signals).  Blocks. */
void ct_sleep_ns(uint64_t ns);
/* Ends the calling process at once with the given status (no atexit). */
_Noreturn void ct_exit_now(int status);

#define CT_MS 1000000ULL

#endif
