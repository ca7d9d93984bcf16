/*
 * alt_shmcounter_timedlock_waitid.c - a correct alternative for lesson
 * 07's shmcounter: the add takes the lock with pthread_mutex_timedlock
 * (trying again after ETIMEDOUT), the read with pthread_mutex_trylock
 * (yielding while it is busy), and the children are waited for with
 * waitid(P_PID), the newest first.
 */
#define _GNU_SOURCE
#include "shmcounter.h"

#include <errno.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct shm_counter *shm_counter_create(void)
{
	pthread_mutexattr_t attr;
	int err;

	void *page = mmap(NULL, sizeof(struct shm_counter), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED)
		return NULL;
	struct shm_counter *c = page;
	if ((err = pthread_mutexattr_init(&attr)) != 0) {
		munmap(page, sizeof *c);
		errno = err;
		return NULL;
	}
	err = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
	if (err == 0)
		err = pthread_mutex_init(&c->lock, &attr);
	pthread_mutexattr_destroy(&attr);
	if (err != 0) {
		munmap(page, sizeof *c);
		errno = err;
		return NULL;
	}
	c->value = 0;
	return c;
}

void shm_counter_add(struct shm_counter *c, long delta)
{
	struct timespec until;

	do {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
	} while (pthread_mutex_timedlock(&c->lock, &until) == ETIMEDOUT);
	c->value = c->value + delta;
	pthread_mutex_unlock(&c->lock);
}

long shm_counter_get(struct shm_counter *c)
{
	while (pthread_mutex_trylock(&c->lock) == EBUSY)
		sched_yield();
	long v = c->value;
	pthread_mutex_unlock(&c->lock);
	return v;
}

int shm_counter_destroy(struct shm_counter *c)
{
	int err = pthread_mutex_destroy(&c->lock);

	if (munmap(c, sizeof *c) == -1)
		return -1;
	if (err != 0) {
		errno = err;
		return -1;
	}
	return 0;
}

int count_in_processes(struct shm_counter *c, int procs, long adds)
{
	if (procs < 1 || procs > 16) {
		errno = EINVAL;
		return -1;
	}
	pid_t pids[procs];
	int n = 0, first_error = 0;

	for (; n < procs; n++) {
		pids[n] = fork();
		if (pids[n] == 0) {
			for (long i = adds; i > 0; i--)
				shm_counter_add(c, 1);
			_exit(0);
		}
		if (pids[n] < 0) {
			first_error = errno;
			break;
		}
	}
	while (n-- > 0) {
		siginfo_t info;
		while (waitid(P_PID, (id_t)pids[n], &info, WEXITED) == -1) {
			if (errno == EINTR)
				continue;
			if (!first_error)
				first_error = errno;
			break;
		}
	}
	if (first_error) {
		errno = first_error;
		return -1;
	}
	return 0;
}
