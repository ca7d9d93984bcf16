/*
 * alt_pool_ring.c - a correct alternative for lesson 11's pool: the tasks
 * wait in a ring that grows with realloc, and one condition variable,
 * broadcast at every change, serves the workers and pool_wait alike.
 */
#include "pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

struct slot {
	pool_fn *fn;
	void *arg;
};

struct pool {
	pthread_mutex_t mu;     /* protects everything below but workers and nworkers */
	pthread_cond_t changed; /* broadcast whenever the ring, running or quit changes */
	struct slot *ring;
	int cap, first, len;    /* ring[first .. first + len - 1], modulo cap */
	int running;            /* tasks taken out of the ring and not finished */
	bool quit;
	pthread_t *workers;     /* written only by pool_create */
	int nworkers;
};

static void *work(void *arg)
{
	struct pool *p = arg;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (p->len == 0 && !p->quit)
			pthread_cond_wait(&p->changed, &p->mu);
		if (p->len == 0)
			break;
		struct slot s = p->ring[p->first];
		p->first = (p->first + 1) % p->cap;
		p->len--;
		p->running++;
		pthread_mutex_unlock(&p->mu);
		s.fn(s.arg);
		pthread_mutex_lock(&p->mu);
		p->running--;
		pthread_cond_broadcast(&p->changed);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

static void finish(struct pool *p, int started)
{
	pthread_mutex_lock(&p->mu);
	p->quit = true;
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->mu);
	for (int i = 0; i < started; i++)
		pthread_join(p->workers[i], NULL);
	pthread_cond_destroy(&p->changed);
	pthread_mutex_destroy(&p->mu);
	free(p->ring);
	free(p->workers);
	free(p);
}

struct pool *pool_create(int nthreads)
{
	if (nthreads < 1 || nthreads > POOL_MAX_THREADS) {
		errno = EINVAL;
		return NULL;
	}
	struct pool *p = malloc(sizeof *p);
	pthread_t *w = malloc(sizeof *w * (size_t)nthreads);
	if (!p || !w) {
		free(p);
		free(w);
		errno = ENOMEM;
		return NULL;
	}
	*p = (struct pool){.workers = w};
	int err = pthread_mutex_init(&p->mu, NULL);
	if (err == 0 && (err = pthread_cond_init(&p->changed, NULL)) != 0)
		pthread_mutex_destroy(&p->mu);
	if (err) {
		free(w);
		free(p);
		errno = err;
		return NULL;
	}
	for (int i = 0; i < nthreads; i++) {
		err = pthread_create(&w[i], NULL, work, p);
		if (err) {
			finish(p, i);
			errno = err;
			return NULL;
		}
	}
	p->nworkers = nthreads;
	return p;
}

int pool_submit(struct pool *p, pool_fn *fn, void *arg)
{
	int err = 0;

	pthread_mutex_lock(&p->mu);
	if (p->len == p->cap) {
		int cap = p->cap ? 2 * p->cap : 8;
		struct slot *r = realloc(p->ring, sizeof *r * (size_t)cap);
		if (!r) {
			err = ENOMEM;
			goto out;
		}
		/* The ring was full: the tasks in r[0 .. first - 1] come after r[cap - 1], so move them there. */
		for (int i = 0; i < p->first; i++)
			r[p->cap + i] = r[i];
		p->ring = r;
		p->cap = cap;
	}
	p->ring[(p->first + p->len) % p->cap] = (struct slot){fn, arg};
	p->len++;
	pthread_cond_broadcast(&p->changed);
out:
	pthread_mutex_unlock(&p->mu);
	return err;
}

void pool_wait(struct pool *p)
{
	pthread_mutex_lock(&p->mu);
	while (p->len > 0 || p->running > 0)
		pthread_cond_wait(&p->changed, &p->mu);
	pthread_mutex_unlock(&p->mu);
}

void pool_destroy(struct pool *p) { finish(p, p->nworkers); }
