/*
 * pool.c - lesson 11, exercise "pool".  Read lessons/11-pools.md first.
 *
 * Goal: a thread pool: pool_create starts N workers once; pool_submit
 * queues a task and wakes a worker; pool_wait sleeps until every task
 * submitted has finished; pool_destroy runs what is still queued, then
 * stops and joins every worker.  The contract is in pool.h.
 * Check your work with:  make check LESSON=11 EXERCISE=pool
 */
#include "pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "concur_todo.h"

struct pool {
	/*
	 * TODO: what the pool needs: a mutex, the condition variables its
	 * threads sleep on, a queue of tasks, how many tasks are unfinished,
	 * whether it is stopping, and its worker threads.  Say which lock
	 * protects which field.
	 */
	int todo;
};

struct pool *pool_create(int nthreads)
{
	/* TODO: a pool with an empty queue and exactly nthreads worker threads, started here (see pool.h). */
	(void)nthreads;
	return CONCUR_TODO(NULL);
}

int pool_submit(struct pool *p, pool_fn *fn, void *arg)
{
	/* TODO: queue fn(arg), wake a sleeping worker, and return without running it. */
	(void)p;
	(void)fn;
	(void)arg;
	return CONCUR_TODO(-1);
}

void pool_wait(struct pool *p)
{
	/* TODO: sleep until every task submitted so far (and every task they submitted) has finished. */
	(void)p;
	(void)CONCUR_TODO(0);
}

void pool_destroy(struct pool *p)
{
	/* TODO: run what is still queued, then stop and join every worker, and free everything. */
	(void)p;
	(void)CONCUR_TODO(0);
}
