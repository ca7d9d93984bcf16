/*
 * ct_demo.c - checked calls for the demos (ct_demo.h).
 *
 * Every wrapper passes its arguments through unchanged and dies on the
 * first failure; none of them keeps any state.  The system call wrappers
 * read errno, the pthreads wrappers the code the call returned.
 */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include "ct_demo.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ct_clock.h"

void demo_die_code(int code, const char *what)
{
	fprintf(stderr, "demo: %s: %s\n", what, strerror(code));
	exit(1); /* every demo_fork flushes stdout first, so a child prints nothing twice */
}

void demo_die(const char *what)
{
	demo_die_code(errno, what);
}

void demo_check(int code, const char *what)
{
	if (code != 0)
		demo_die_code(code, what);
}

/* ---- errno-style ---------------------------------------------------------- */

void demo_pipe(int fds[2])
{
	if (pipe(fds) == -1)
		demo_die("pipe");
}

void demo_close(int fd)
{
	if (close(fd) == -1)
		demo_die("close");
}

pid_t demo_fork(void)
{
	if (fflush(stdout) == EOF)
		demo_die("fflush(stdout)");
	pid_t pid = fork();
	if (pid == -1)
		demo_die("fork");
	return pid;
}

int demo_wait(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			demo_die("waitpid");
	return status;
}

void demo_wait_ok(pid_t pid)
{
	int status = demo_wait(pid);

	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		errno = ECHILD;
		demo_die("a child failed");
	}
}

ssize_t demo_read(int fd, void *buf, size_t len)
{
	ssize_t r;

	while ((r = read(fd, buf, len)) == -1)
		if (errno != EINTR)
			demo_die("read");
	return r;
}

int demo_read_all(int fd, void *buf, size_t len)
{
	for (size_t done = 0; done < len;) {
		ssize_t r = demo_read(fd, (char *)buf + done, len - done);
		if (r == 0)
			return 0;
		done += (size_t)r;
	}
	return 1;
}

int demo_try_write_all(int fd, const void *buf, size_t len)
{
	for (size_t done = 0; done < len;) {
		ssize_t w = write(fd, (const char *)buf + done, len - done);
		if (w == -1 && errno != EINTR)
			return -1;
		if (w > 0)
			done += (size_t)w;
	}
	return 0;
}

void demo_write_all(int fd, const void *buf, size_t len)
{
	if (demo_try_write_all(fd, buf, len) == -1)
		demo_die("write");
}

void *demo_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset)
{
	void *p = mmap(addr, len, prot, flags, fd, offset);

	if (p == MAP_FAILED)
		demo_die("mmap");
	return p;
}

void demo_munmap(void *addr, size_t len)
{
	if (munmap(addr, len) == -1)
		demo_die("munmap");
}

void *demo_malloc(size_t size)
{
	void *p = malloc(size);

	if (p == NULL)
		demo_die("malloc");
	return p;
}

void demo_sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	if (sigaction(sig, act, old) == -1)
		demo_die("sigaction");
}

int demo_usable_cpus(void)
{
	cpu_set_t cpus;

	if (sched_getaffinity(0, sizeof cpus, &cpus) == -1)
		demo_die("sched_getaffinity");
	return CPU_COUNT(&cpus);
}

/* ---- code-style (pthreads) ------------------------------------------------ */

void demo_pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*start)(void *), void *arg)
{
	demo_check(pthread_create(t, attr, start, arg), "pthread_create");
}

void demo_pthread_join(pthread_t t, void **result)
{
	demo_check(pthread_join(t, result), "pthread_join");
}

void demo_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr)
{
	demo_check(pthread_mutex_init(m, attr), "pthread_mutex_init");
}

void demo_mutex_destroy(pthread_mutex_t *m)
{
	demo_check(pthread_mutex_destroy(m), "pthread_mutex_destroy");
}

void demo_mutex_lock(pthread_mutex_t *m)
{
	demo_check(pthread_mutex_lock(m), "pthread_mutex_lock");
}

void demo_mutex_unlock(pthread_mutex_t *m)
{
	demo_check(pthread_mutex_unlock(m), "pthread_mutex_unlock");
}

int demo_mutex_trylock(pthread_mutex_t *m)
{
	int err = pthread_mutex_trylock(m);

	if (err != 0 && err != EBUSY)
		demo_die_code(err, "pthread_mutex_trylock");
	return err;
}

void demo_barrier_init(pthread_barrier_t *b, const pthread_barrierattr_t *attr, unsigned count)
{
	demo_check(pthread_barrier_init(b, attr, count), "pthread_barrier_init");
}

int demo_barrier_wait(pthread_barrier_t *b)
{
	int err = pthread_barrier_wait(b);

	if (err != 0 && err != PTHREAD_BARRIER_SERIAL_THREAD)
		demo_die_code(err, "pthread_barrier_wait");
	return err;
}

void demo_barrier_destroy(pthread_barrier_t *b)
{
	demo_check(pthread_barrier_destroy(b), "pthread_barrier_destroy");
}

bool demo_too_busy(const char *what, uint64_t cpu_ns, uint64_t wall_ns)
{
	double share = wall_ns ? (double)cpu_ns / (double)wall_ns : 1;

	if (share >= DEMO_BUSY_SHARE)
		return false;
	printf("   (The machine was busy: %s got only %.0f%% of a CPU, where it should have had one to\n"
	       "   itself, so the speedups above say more about the other programs than about threads or\n"
	       "   processes; the grader would skip its speedup check now. Run the demo again when the\n"
	       "   machine is quiet.)\n",
	       what, 100 * share);
	return true;
}

double demo_cpu_share(int ms)
{
	uint64_t t0 = ct_now_ns(), c0 = ct_thread_cpu_ns(), wall;

	do
		wall = ct_now_ns() - t0;
	while (wall < (uint64_t)ms * CT_MS);
	return (double)(ct_thread_cpu_ns() - c0) / (double)wall;
}
