/*
 * alt_gil_timedlock.c - a correct gil written differently from the
 * reference: the global lock taken with pthread_mutex_timedlock (retried
 * on ETIMEDOUT), through two small helpers; the workers' arguments on the
 * heap, joined last to first.
 */
#include "gil.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

static pthread_mutex_t global_lock = PTHREAD_MUTEX_INITIALIZER; /* held around every compute() */

static void gil_take(void)
{
	struct timespec until;

	do {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 2;
	} while (pthread_mutex_timedlock(&global_lock, &until) == ETIMEDOUT);
}

static void gil_give(void) { pthread_mutex_unlock(&global_lock); }

struct worker {
	const struct gil_task *task;
	int index;
	pthread_t id;
};

static void *work(void *p)
{
	struct worker *w = p;
	int rounds = w->task->rounds;

	while (rounds-- > 0) {
		gil_take();
		w->task->compute(w->index);
		gil_give();
		w->task->wait_io(w->index);
	}
	return NULL;
}

int run_with_gil(int n, const struct gil_task *task)
{
	struct worker *ws = malloc((size_t)n * sizeof *ws);
	int started = 0, err = 0;

	if (!ws)
		return ENOMEM;
	for (; started < n; started++) {
		ws[started] = (struct worker){.task = task, .index = started};
		err = pthread_create(&ws[started].id, NULL, work, &ws[started]);
		if (err)
			break;
	}
	while (started-- > 0) {
		int e = pthread_join(ws[started].id, NULL);
		if (e && !err)
			err = e;
	}
	free(ws);
	return err;
}
