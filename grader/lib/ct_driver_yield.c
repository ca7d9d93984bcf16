/*
 * ct_driver_yield.c - the mutex wrappers of the Helgrind drivers (see
 * ct_driver_yield.h): a sleep before each lock and after each unlock.
 *
 * DESIGN: the yield is a sleep (ct_sleep_ns, a raw nanosleep that student
 * code cannot replace), not sched_yield(): a thread that sleeps is blocked
 * in the kernel, so Valgrind hands its one running slot to another thread
 * for certain, while sched_yield() may give it straight back on a machine
 * with a free CPU.  The lock wrappers sleep first and then tail-call the
 * real function, so no frame of theirs is on the stack that Helgrind
 * records for a lock; the Makefile compiles this file without debug
 * information, so that the frames of the unlock wrapper (and any other)
 * have no file and the harness passes over them to the student's code.
 */
#include "ct_driver_yield.h"

#include <pthread.h>
#include <time.h>

#include "ct_clock.h"

int __real_pthread_mutex_lock(pthread_mutex_t *m);
int __real_pthread_mutex_trylock(pthread_mutex_t *m);
int __real_pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *abstime);
int __real_pthread_mutex_unlock(pthread_mutex_t *m);

int __wrap_pthread_mutex_lock(pthread_mutex_t *m);
int __wrap_pthread_mutex_trylock(pthread_mutex_t *m);
int __wrap_pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *abstime);
int __wrap_pthread_mutex_unlock(pthread_mutex_t *m);

int __wrap_pthread_mutex_lock(pthread_mutex_t *m)
{
	ct_sleep_ns(CT_DRIVER_YIELD_NS);
	return __real_pthread_mutex_lock(m);
}

int __wrap_pthread_mutex_trylock(pthread_mutex_t *m)
{
	ct_sleep_ns(CT_DRIVER_YIELD_NS);
	return __real_pthread_mutex_trylock(m);
}

int __wrap_pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *abstime)
{
	ct_sleep_ns(CT_DRIVER_YIELD_NS);
	return __real_pthread_mutex_timedlock(m, abstime);
}

int __wrap_pthread_mutex_unlock(pthread_mutex_t *m)
{
	int err = __real_pthread_mutex_unlock(m);

	ct_sleep_ns(CT_DRIVER_YIELD_NS);
	return err;
}
