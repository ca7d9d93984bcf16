/*
 * ct_driver_yield.h - the Helgrind drivers' own yields at every mutex call,
 * which make the critical sections of different threads interleave.
 *
 * Under Valgrind the threads of a program run one at a time, each for a long
 * slice, so one thread's whole loop of lock/unlock calls can run before the
 * next thread's first.  Helgrind's happens-before then orders almost every
 * access by the lock, and a read made just after an unlock, or an update
 * made after a lock/unlock pair, is never reported.  Linked into a driver,
 * these wrappers sleep (CT_DRIVER_YIELD_NS) just before each lock and just
 * after each unlock; a sleep blocks in the kernel, so Valgrind runs another
 * thread, whose critical section then falls into the gap.
 *
 * Contract: each wrapper calls the real function once with the same
 * arguments and returns its result.  The wrappers keep no state, shared or
 * thread-local, and use no lock or atomic, so they add no happens-before
 * edge of their own: Helgrind sees exactly the student's synchronisation.
 *
 * CT_DRIVER_WRAP_LDFLAGS is the one list of the calls wrapped in drivers
 * (the harness links every driver with it, grader/harness/build.c); each
 * name in it has its __wrap_ function in ct_driver_yield.c, and only those.
 */
#ifndef CT_DRIVER_YIELD_H
#define CT_DRIVER_YIELD_H

#define CT_DRIVER_WRAP_LDFLAGS                                                                                         \
	"-Wl,--wrap=pthread_mutex_lock -Wl,--wrap=pthread_mutex_trylock -Wl,--wrap=pthread_mutex_timedlock "           \
	"-Wl,--wrap=pthread_mutex_unlock"

/* How long each yield sleeps: long enough for Valgrind to run another thread's critical section. */
#define CT_DRIVER_YIELD_NS 300000ULL

#endif
