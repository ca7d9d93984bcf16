/*
 * alt_gil_trylock.c - a correct gil written differently from the
 * reference: the global lock tried first and waited for only when busy,
 * the index passed in the pointer argument itself, the rounds counted
 * down, and the threads created with an explicit attribute.
 */
#include "gil.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>

static pthread_mutex_t the_gil = PTHREAD_MUTEX_INITIALIZER;

/* One call's shared task and the threads of that call. */
struct call {
	const struct gil_task *task;
	pthread_t threads[64];
};

struct start {
	struct call *call;
	intptr_t index;
};

static void *thread_main(void *p)
{
	const struct start *s = p;
	const struct gil_task *t = s->call->task;
	int i = (int)s->index;

	for (int left = t->rounds; left > 0; left--) {
		if (pthread_mutex_trylock(&the_gil) == EBUSY)
			pthread_mutex_lock(&the_gil); /* another thread computes: sleep until it is done */
		t->compute(i);
		pthread_mutex_unlock(&the_gil);
		t->wait_io(i);
	}
	return NULL;
}

int run_with_gil(int n, const struct gil_task *task)
{
	struct call call = {.task = task};
	struct start starts[64];
	pthread_attr_t attr;
	int created = 0, result = pthread_attr_init(&attr);

	if (result)
		return result;
	while (created < n && !result) {
		starts[created] = (struct start){&call, created};
		result = pthread_create(&call.threads[created], &attr, thread_main, &starts[created]);
		if (!result)
			created++;
	}
	pthread_attr_destroy(&attr);
	for (int i = 0; i < created; i++) {
		int e = pthread_join(call.threads[i], NULL);
		if (!result)
			result = e;
	}
	return result;
}
