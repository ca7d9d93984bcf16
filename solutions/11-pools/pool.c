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

/* One queued task: a singly linked list, oldest first. */
struct task {
	pool_fn *fn;
	void *arg;
	struct task *next;
};

struct pool {
	pthread_mutex_t lock;  /* protects every field below but threads and nthreads */
	pthread_cond_t work;   /* workers wait on it while the queue is empty and the pool not stopping */
	pthread_cond_t idle;   /* pool_wait waits on it while unfinished > 0 */
	struct task *head, *tail; /* the queue: head is taken next, tail is where a task is added */
	int unfinished;        /* tasks submitted and not yet finished: queued or running */
	bool stopping;         /* set by pool_destroy: workers exit once the queue is empty */
	pthread_t threads[POOL_MAX_THREADS]; /* written only by pool_create */
	int nthreads;
};

/* Takes the oldest task off the queue; lock held, queue not empty. */
static struct task *take_locked(struct pool *p)
{
	struct task *t = p->head;

	p->head = t->next;
	if (!p->head)
		p->tail = NULL;
	return t;
}

static void *worker(void *arg)
{
	struct pool *p = arg;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->head && !p->stopping)
			pthread_cond_wait(&p->work, &p->lock);
		if (!p->head)
			break; /* stopping, and nothing left to run */
		struct task *t = take_locked(p);
		/* Run the task without the lock: other workers take tasks meanwhile. */
		pthread_mutex_unlock(&p->lock);
		t->fn(t->arg);
		free(t);
		pthread_mutex_lock(&p->lock);
		if (--p->unfinished == 0)
			pthread_cond_broadcast(&p->idle);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* Stops and joins the first n workers of p, then frees p: pool_create's way back, pool_destroy's end. */
static void stop_workers(struct pool *p, int n)
{
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	/* Every sleeping worker must see it: broadcast. */
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	for (int i = 0; i < n; i++)
		pthread_join(p->threads[i], NULL);
	pthread_cond_destroy(&p->idle);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

struct pool *pool_create(int nthreads)
{
	if (nthreads < 1 || nthreads > POOL_MAX_THREADS) {
		errno = EINVAL;
		return NULL;
	}
	struct pool *p = calloc(1, sizeof *p);
	if (!p)
		return NULL; /* calloc set errno to ENOMEM */
	int err = pthread_mutex_init(&p->lock, NULL);
	if (!err) {
		err = pthread_cond_init(&p->work, NULL);
		if (err)
			pthread_mutex_destroy(&p->lock);
	}
	if (!err) {
		err = pthread_cond_init(&p->idle, NULL);
		if (err) {
			pthread_cond_destroy(&p->work);
			pthread_mutex_destroy(&p->lock);
		}
	}
	if (err) {
		free(p);
		errno = err;
		return NULL;
	}
	for (int i = 0; i < nthreads; i++) {
		err = pthread_create(&p->threads[i], NULL, worker, p);
		if (err) {
			stop_workers(p, i); /* joins the i already started, frees p */
			errno = err;        /* pthreads return the error, they do not set errno */
			return NULL;
		}
	}
	p->nthreads = nthreads;
	return p;
}

int pool_submit(struct pool *p, pool_fn *fn, void *arg)
{
	struct task *t = malloc(sizeof *t);
	if (!t)
		return ENOMEM;
	*t = (struct task){fn, arg, NULL};
	pthread_mutex_lock(&p->lock);
	if (p->tail)
		p->tail->next = t;
	else
		p->head = t;
	p->tail = t;
	p->unfinished++;
	/* One task more: one sleeping worker can take it. */
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

void pool_wait(struct pool *p)
{
	pthread_mutex_lock(&p->lock);
	/* Queued and running tasks both count: an empty queue is not enough. */
	while (p->unfinished > 0)
		pthread_cond_wait(&p->idle, &p->lock);
	pthread_mutex_unlock(&p->lock);
}

void pool_destroy(struct pool *p)
{
	/* Workers leave only once the queue is empty: what is queued still runs. */
	stop_workers(p, p->nthreads);
}
