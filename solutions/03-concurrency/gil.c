/*
 * gil.c - lesson 03, exercise "gil".  Read lessons/03-concurrency.md first.
 *
 * Goal: n threads that may compute only while holding one global lock, and
 * release it while they wait for IO, like CPython's global interpreter lock.
 * The contract is in gil.h.
 * Check your work with:  make check LESSON=3 EXERCISE=gil
 */
#include "gil.h"

#include <errno.h>
#include <pthread.h>

#include "concur_todo.h"

/* The global interpreter lock: held around every compute(), by one thread at a time. */
static pthread_mutex_t gil = PTHREAD_MUTEX_INITIALIZER;

/* A thread's argument: the shared task and its own index. */
struct worker {
	const struct gil_task *task;
	int index;
};

static void *worker_main(void *arg)
{
	const struct worker *w = arg;

	for (int r = 0; r < w->task->rounds; r++) {
		/* CPU work only with the lock held: no two threads ever compute at once. */
		pthread_mutex_lock(&gil);
		w->task->compute(w->index);
		pthread_mutex_unlock(&gil);
		/* Blocking IO without it, so other threads can compute meanwhile. */
		w->task->wait_io(w->index);
	}
	return NULL;
}

int run_with_gil(int n, const struct gil_task *task)
{
	struct worker workers[64];
	pthread_t threads[64];
	int started = 0, err = 0;

	if (n < 1 || n > 64)
		return EINVAL;
	for (int i = 0; i < n && !err; i++) {
		workers[i] = (struct worker){task, i};
		err = pthread_create(&threads[i], NULL, worker_main, &workers[i]);
		if (!err)
			started++;
	}
	/* Join every thread that was started, even after a failure; the first error is the result. */
	for (int i = 0; i < started; i++) {
		int e = pthread_join(threads[i], NULL);
		if (e && !err)
			err = e;
	}
	return err;
}
