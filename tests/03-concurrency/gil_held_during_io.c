/*
 * gil_held_during_io.c - known-wrong variant of exercises/03-concurrency/gil.c: holds the global lock during wait_io too, so not even the IO overlaps.
 * Graded by make test; the expected verdict is in variants.json.
 */
#include <pthread.h>

#include "gil.h"

struct worker {
	const struct gil_task *task;
	int index;
};

static pthread_mutex_t gil = PTHREAD_MUTEX_INITIALIZER;

static void *worker_main(void *arg)
{
	const struct worker *w = arg;

	for (int r = 0; r < w->task->rounds; r++) {
		pthread_mutex_lock(&gil);
		w->task->compute(w->index);
		w->task->wait_io(w->index); /* still holding the lock */
		pthread_mutex_unlock(&gil);
	}
	return NULL;
}

int run_with_gil(int n, const struct gil_task *task)
{
	struct worker w[64];
	pthread_t t[64];

	for (int i = 0; i < n; i++) {
		w[i] = (struct worker){task, i};
		if (pthread_create(&t[i], NULL, worker_main, &w[i]) != 0)
			return -1;
	}
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	return 0;
}

