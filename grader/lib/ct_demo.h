/*
 * ct_demo.h - checked calls for the `make demo` programs, in the style of
 * CS:APP's wrappers: each takes the real call's arguments and ends the
 * demo with a clear message ("demo: CALL: reason", exit status 1) if the
 * call fails, so a demo stays readable and still checks every call.  Not
 * for the grader's tests, which must report a failure, not die of it.
 *
 * Two kinds of failure, kept apart as csapp.c keeps unix_error apart from
 * posix_error: system calls report theirs in errno (demo_die); pthreads
 * functions, and the lessons' own init functions, return an error number
 * and leave errno alone (demo_check).
 */
#ifndef CT_DEMO_H
#define CT_DEMO_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

/* ---- errno-style: the call returned -1 (or MAP_FAILED, NULL) and set errno */

/* Prints "demo: WHAT: strerror(errno)" and exits with status 1. */
_Noreturn void demo_die(const char *what);
void demo_pipe(int fds[2]);
void demo_close(int fd);
/* fork(), after flushing stdout so that the child inherits no unprinted output. */
pid_t demo_fork(void);
/* Waits for pid, retrying after EINTR; returns its wait status. */
int demo_wait(pid_t pid);
/* demo_wait, and dies unless the child exited with status 0. */
void demo_wait_ok(pid_t pid);
/* read(), retried after EINTR; returns the bytes read, 0 at end of file.  Blocks as read() does. */
ssize_t demo_read(int fd, void *buf, size_t len);
/* Reads exactly len bytes; returns 1, or 0 if end of file came first.  Blocks. */
int demo_read_all(int fd, void *buf, size_t len);
/* Writes exactly len bytes, retrying short writes and EINTR.  Blocks while the pipe is full. */
void demo_write_all(int fd, const void *buf, size_t len);
/*
 * demo_write_all for a writer whose reader may go away on purpose: returns
 * 0, or -1 with errno (EPIPE once every read end is closed, if SIGPIPE is
 * ignored) instead of dying.
 */
int demo_try_write_all(int fd, const void *buf, size_t len);
void *demo_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset);
void demo_munmap(void *addr, size_t len);
void *demo_malloc(size_t size);
void demo_sigaction(int sig, const struct sigaction *act, struct sigaction *old);
/* The number of CPUs this process may run on (sched_getaffinity). */
int demo_usable_cpus(void);
/*
 * Whether CPU-bound work that should have had a CPU to itself, cpu_ns of CPU
 * time in wall_ns, got less than 85 % of one: then another program had the
 * CPUs, and a speedup measured now means little.  Prints a note saying so
 * (about `what`) and returns true; prints nothing and returns false otherwise.
 */
bool demo_too_busy(const char *what, uint64_t cpu_ns, uint64_t wall_ns);
/*
 * Spins for ms milliseconds of wall time in the calling thread and returns
 * the share of one CPU it got meanwhile (0 to 1): a probe of how busy the
 * machine is, for demos whose own work sleeps too much to tell.  Below
 * DEMO_BUSY_SHARE, another program had the CPUs.
 */
double demo_cpu_share(int ms);
#define DEMO_BUSY_SHARE 0.85

/* ---- code-style: the call returned an error number (pthreads, *_init) ---- */

/* Prints "demo: WHAT: strerror(code)" and exits with status 1. */
_Noreturn void demo_die_code(int code, const char *what);
/* Dies with demo_die_code unless code is 0. */
void demo_check(int code, const char *what);
void demo_pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*start)(void *), void *arg);
void demo_pthread_join(pthread_t t, void **result);
void demo_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr);
void demo_mutex_destroy(pthread_mutex_t *m);
/* Blocks until this thread holds m. */
void demo_mutex_lock(pthread_mutex_t *m);
void demo_mutex_unlock(pthread_mutex_t *m);
/* Never blocks: returns 0 if this thread now holds m, EBUSY if another thread does. */
int demo_mutex_trylock(pthread_mutex_t *m);
void demo_barrier_init(pthread_barrier_t *b, const pthread_barrierattr_t *attr, unsigned count);
/* Blocks until count threads have arrived; returns PTHREAD_BARRIER_SERIAL_THREAD in one of them, else 0. */
int demo_barrier_wait(pthread_barrier_t *b);
void demo_barrier_destroy(pthread_barrier_t *b);

#endif
