/*
 * ct_clock.c - raw system calls for time, sleep and exit (see ct_clock.h).
 *
 * DESIGN: one tiny inline-assembly system-call helper per architecture; on
 * an architecture we do not know, the build fails rather than silently
 * falling back to a replaceable library call.
 */
#include "ct_clock.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>

static long raw_syscall4(long nr, long a, long b, long c, long d)
{
	long ret;
#if defined(__x86_64__)
	register long r10 __asm__("r10") = d;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10)
			 : "rcx", "r11", "memory");
#elif defined(__aarch64__)
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	__asm__ volatile("svc 0"
			 : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2), "r"(x3)
			 : "memory");
	ret = x0;
#else
#error "ct_clock.c: add the raw system-call sequence for this architecture"
#endif
	return ret;
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts = {0, 0};

	raw_syscall4(SYS_clock_gettime, id, (long)&ts, 0, 0);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

uint64_t ct_now_ns(void) { return clock_ns(CLOCK_MONOTONIC); }
uint64_t ct_process_cpu_ns(void) { return clock_ns(CLOCK_PROCESS_CPUTIME_ID); }
uint64_t ct_thread_cpu_ns(void) { return clock_ns(CLOCK_THREAD_CPUTIME_ID); }

struct timespec ct_deadline_in(uint64_t ns)
{
	uint64_t at = clock_ns(CLOCK_REALTIME) + ns;

	return (struct timespec){.tv_sec = (time_t)(at / 1000000000ULL), .tv_nsec = (long)(at % 1000000000ULL)};
}

uint64_t ct_children_cpu_ns(void)
{
	struct rusage ru = {0};

	raw_syscall4(SYS_getrusage, RUSAGE_CHILDREN, (long)&ru, 0, 0);
	return ((uint64_t)ru.ru_utime.tv_sec + (uint64_t)ru.ru_stime.tv_sec) *
		       1000000000ULL +
	       ((uint64_t)ru.ru_utime.tv_usec + (uint64_t)ru.ru_stime.tv_usec) * 1000ULL;
}

void ct_sleep_ns(uint64_t ns)
{
	struct timespec req = {(time_t)(ns / 1000000000ULL), (long)(ns % 1000000000ULL)};
	struct timespec rem;

	/* -EINTR (-4): a signal arrived; sleep for what is left. */
	while (raw_syscall4(SYS_nanosleep, (long)&req, (long)&rem, 0, 0) == -4)
		req = rem;
}

_Noreturn void ct_exit_now(int status)
{
	for (;;)
		raw_syscall4(SYS_exit_group, status, 0, 0, 0);
}
