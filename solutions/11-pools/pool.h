/*
 * pool.h - lesson 11, exercise "pool": a thread pool.  A fixed number of
 * worker threads, started once, take tasks from a shared queue and run
 * them, so that a program pays for creating its threads once instead of
 * once per task.
 *
 * This header is the contract between your code and the grader.  The grader
 * compiles your pool.c against its own pristine copy of this file.
 */
#ifndef POOL_H
#define POOL_H

#define POOL_MAX_THREADS 64

/* A pool; what it holds is yours to define, in pool.c. */
struct pool;

/* A task: fn(arg), run once by one of the pool's worker threads. */
typedef void pool_fn(void *arg);

/*
 * pool_create - a pool of exactly nthreads worker threads, all started
 * here, and an empty queue.  Returns the pool, or NULL with errno set:
 * EINVAL if nthreads is not between 1 and POOL_MAX_THREADS, ENOMEM if
 * memory ran out, or the error number pthread_create returned; after an
 * error every thread already started has been joined and nothing is left
 * allocated.
 */
struct pool *pool_create(int nthreads);

/*
 * pool_submit - adds fn(arg) to the queue and returns without waiting for
 * it to run: 0, or ENOMEM (the task will then never run).  A worker that
 * sleeps for want of work is woken.  Tasks run only in the pool's worker
 * threads, never in the thread that submits them, and the pool never
 * creates a thread after pool_create.  Any number of threads may submit at
 * once, and a task may submit more tasks to its own pool.
 */
int pool_submit(struct pool *p, pool_fn *fn, void *arg);

/*
 * pool_wait - blocks, asleep and using no CPU, until every task submitted
 * so far has finished running, including the tasks those tasks submitted.
 * Returns at once if there are none.  The pool stays usable.
 */
void pool_wait(struct pool *p);

/*
 * pool_destroy - first runs every task still queued (and any those submit),
 * then stops every worker thread and joins it, and frees everything the
 * pool allocated.  Blocks until then.  No thread may use p afterwards.
 *
 * A worker with nothing to do sleeps on a condition variable, using no
 * CPU, until pool_submit or pool_destroy wakes it.  Several pools may be
 * used at once, independently.
 */
void pool_destroy(struct pool *p);

#endif
