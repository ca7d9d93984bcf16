/*
 * shmcounter.c - lesson 07, exercise "shmcounter".  Read lessons/07-ipc.md first.
 *
 * Goal: a counter that several processes update without losing a single
 * update: shared memory for the value, a process-shared mutex beside it.
 * The contract is in shmcounter.h.
 * Check your work with:  make check LESSON=7 EXERCISE=shmcounter
 */
/* KNOWN WRONG: MAP_PRIVATE: after fork every child adds to its own copy. */
#include "shmcounter.h"

#include <errno.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "concur_todo.h"

struct shm_counter *shm_counter_create(void)
{
	/* MAP_SHARED: after fork, parent and children see the same page, not copies. */
	struct shm_counter *c = mmap(NULL, sizeof *c, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pthread_mutexattr_t attr;
	int err;

	if (c == MAP_FAILED)
		return NULL;
	c->value = 0;
	err = pthread_mutexattr_init(&attr);
	if (!err) {
		/* Without this, a process waiting for the lock may never be woken by another. */
		err = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
		if (!err)
			err = pthread_mutex_init(&c->lock, &attr);
		pthread_mutexattr_destroy(&attr);
	}
	if (err) {
		munmap(c, sizeof *c);
		errno = err;
		return NULL;
	}
	return c;
}

void shm_counter_add(struct shm_counter *c, long delta)
{
	pthread_mutex_lock(&c->lock);
	c->value += delta;
	pthread_mutex_unlock(&c->lock);
}

long shm_counter_get(struct shm_counter *c)
{
	pthread_mutex_lock(&c->lock);
	long v = c->value;
	pthread_mutex_unlock(&c->lock);
	return v;
}

int shm_counter_destroy(struct shm_counter *c)
{
	pthread_mutex_destroy(&c->lock);
	return munmap(c, sizeof *c);
}

int count_in_processes(struct shm_counter *c, int procs, long adds)
{
	pid_t pids[16];
	int started = 0, err = 0;

	if (procs < 1 || procs > 16) {
		errno = EINVAL;
		return -1;
	}
	while (started < procs) {
		pid_t pid = fork();
		if (pid == -1) {
			err = errno;
			break;
		}
		if (pid == 0) {
			for (long i = 0; i < adds; i++)
				shm_counter_add(c, 1);
			_exit(0);
		}
		pids[started++] = pid;
	}
	for (int k = 0; k < started; k++)
		while (waitpid(pids[k], NULL, 0) == -1)
			if (errno != EINTR) {
				if (!err)
					err = errno;
				break;
			}
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}
