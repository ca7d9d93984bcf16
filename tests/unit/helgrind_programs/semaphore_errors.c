/*
 * semaphore_errors.c - misuse of POSIX semaphores, no data race.
 *
 *   sem_init() with a value larger than SEM_VALUE_MAX fails (EINVAL), and
 *   the program goes on without checking;
 *   sem_init() with a value above Helgrind's limit of 10000;
 *   consume() is given a copy of the queue, semaphore included (a struct
 *   passed by value): its sem_wait() succeeds on a semaphore that nobody
 *   initialised or posted.
 */
#include <limits.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

struct queue {
	sem_t items; /* counts the items in buf */
	int buf[4];
};

static sem_t huge, many;

static int consume(struct queue q) /* BUG: q is a copy, its semaphore too */
{
	sem_wait(&q.items);
	return q.buf[0];
}

int main(void)
{
	struct queue q = { .buf = { 42 } };

	sem_init(&huge, 0, (unsigned)SEM_VALUE_MAX + 1u); /* BUG: fails, unchecked */
	sem_init(&many, 0, 20000);
	if (sem_init(&q.items, 0, 0) != 0)
		return 1;
	sem_post(&q.items);
	printf("%d\n", consume(q));
	sem_destroy(&q.items);
	sem_destroy(&many);
	return 0;
}
