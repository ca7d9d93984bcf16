/*
 * shmcounter.c - lesson 07, exercise "shmcounter".  Read lessons/07-ipc.md first.
 *
 * Goal: a counter that several processes update without losing a single
 * update: shared memory for the value, a process-shared mutex beside it.
 * The contract is in shmcounter.h.
 * Check your work with:  make check LESSON=7 EXERCISE=shmcounter
 */
#include "shmcounter.h"

#include <errno.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "concur_todo.h"

struct shm_counter *shm_counter_create(void)
{
	/* TODO: a counter at 0 that children forked later share, with a lock that works between processes. */
	return CONCUR_TODO(NULL);
}

void shm_counter_add(struct shm_counter *c, long delta)
{
	/* TODO: add delta without ever losing an update, from any process. */
	(void)c;
	(void)delta;
	(void)CONCUR_TODO(0);
}

long shm_counter_get(struct shm_counter *c)
{
	/* TODO: the value, read with the lock held. */
	(void)c;
	return CONCUR_TODO(-1);
}

int shm_counter_destroy(struct shm_counter *c)
{
	/* TODO: destroy the lock and give the memory back. */
	(void)c;
	return CONCUR_TODO(-1);
}

int count_in_processes(struct shm_counter *c, int procs, long adds)
{
	/* TODO: procs children adding at the same time, each `adds` times; wait for them all. */
	(void)c;
	(void)procs;
	(void)adds;
	return CONCUR_TODO(-1);
}
