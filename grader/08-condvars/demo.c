/*
 * demo.c - `make demo LESSON=8`: what a waiting thread costs.
 *
 * 1. A consumer waits WAIT_MS for the one item a producer puts late, in
 *    three ways: spinning (lock, look, unlock, again), sleep-polling (the
 *    same with a 1 ms nanosleep between looks), and blocking in the
 *    reference bbuf_get (solutions/08-condvars/bbuf.c: pthread_cond_wait)
 *    and sbuf_get (sem_wait).  For each: the consumer thread's own CPU time
 *    while it waited, how many times it looked at the buffer, and how long
 *    after the put it had the item.
 * 2. Throughput: ITEMS items through the reference bbuf and sbuf, from 2
 *    producers to 2 consumers, with capacity 1 and 16 (every item checked
 *    off once).
 *
 * DESIGN: the spinning and polling consumers use a one-slot box of this
 * file's own (a mutex, a count and an item), the wrong ways to wait; the
 * blocking ones use the lesson's exercises.  Each consumer reads its own
 * CPU clock (CLOCK_THREAD_CPUTIME_ID) before and after its wait; the
 * producer stamps the time of its put just before it makes it.  Every
 * pthread call's result is checked (ct_demo.h).  About 3 seconds.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bbuf.h"
#include "ct_clock.h"
#include "ct_demo.h"
#include "sbuf.h"

#define WAIT_MS 300
#define ITEMS 200000 /* per throughput row: 2 producers put ITEMS / 2 each */

/* A wrong result from the reference solutions: the demo stops. */
_Noreturn static void wrong(const char *what)
{
	fprintf(stderr, "demo: %s\n", what);
	exit(1);
}

/* ---- part 1: one consumer, one late item ------------------------------------ */

/* The demo's own one-slot box, for the spinning and polling consumers. */
static struct {
	pthread_mutex_t lock; /* protects count and item */
	int count;
	long item;
} box = {PTHREAD_MUTEX_INITIALIZER, 0, 0};

static struct bbuf bb;
static struct sbuf sb;

enum way { SPIN, POLL, CONDVAR, SEMAPHORE };

struct wait_run {
	enum way way;
	long looks;              /* how many times the consumer looked at the box */
	uint64_t cpu_ns;         /* the consumer's CPU time from its start to its item */
	uint64_t got_ns, put_ns; /* when the consumer had the item; when the producer put it */
};

/* Takes the box's item if there is one; counts the look. */
static bool box_take(struct wait_run *r, long *item)
{
	bool got = false;

	demo_mutex_lock(&box.lock);
	r->looks++;
	if (box.count == 1) {
		*item = box.item;
		box.count = 0;
		got = true;
	}
	demo_mutex_unlock(&box.lock);
	return got;
}

static void *consumer(void *arg)
{
	struct wait_run *r = arg;
	uint64_t cpu0 = ct_thread_cpu_ns();
	long item = 0;

	switch (r->way) {
	case SPIN:
		while (!box_take(r, &item))
			; /* BAD: burns a CPU the whole time */
		break;
	case POLL:
		while (!box_take(r, &item)) /* BAD: wakes up 1000 times a second, answers up to 1 ms late */
			nanosleep(&(struct timespec){0, 1000 * 1000}, NULL);
		break;
	case CONDVAR:
		r->looks = 1;
		demo_check(bbuf_get(&bb, &item), "bbuf_get");
		break;
	case SEMAPHORE:
		r->looks = 1;
		demo_check(sbuf_get(&sb, &item), "sbuf_get");
		break;
	}
	r->got_ns = ct_now_ns();
	r->cpu_ns = ct_thread_cpu_ns() - cpu0;
	if (item != 42)
		wrong("the consumer got a wrong item");
	return NULL;
}

static void put_late(struct wait_run *r)
{
	ct_sleep_ns((uint64_t)WAIT_MS * 1000 * 1000);
	r->put_ns = ct_now_ns();
	switch (r->way) {
	case SPIN:
	case POLL:
		demo_mutex_lock(&box.lock);
		box.item = 42;
		box.count = 1;
		demo_mutex_unlock(&box.lock);
		break;
	case CONDVAR: demo_check(bbuf_put(&bb, 42), "bbuf_put"); break;
	case SEMAPHORE: demo_check(sbuf_put(&sb, 42), "sbuf_put"); break;
	}
}

static void wait_row(enum way way, const char *name)
{
	struct wait_run r = {.way = way};
	pthread_t t;

	demo_pthread_create(&t, NULL, consumer, &r);
	put_late(&r);
	demo_pthread_join(t, NULL);
	printf("   %-34s %9.1f ms %10ld %12.0f us\n", name, (double)r.cpu_ns / 1e6, r.looks,
	       (double)(r.got_ns - r.put_ns) / 1e3);
}

/* ---- part 2: throughput --------------------------------------------------------- */

struct mover {
	bool use_sbuf, is_producer;
	int index; /* producer or consumer 0 or 1 */
};

static unsigned char seen[2][ITEMS]; /* seen[c][item]: consumer c got it (each consumer its own row) */

static void *move_items(void *arg)
{
	const struct mover *m = arg;

	for (long k = 0; k < ITEMS / 2; k++) {
		if (m->is_producer) {
			long item = m->index * (ITEMS / 2) + k;
			demo_check(m->use_sbuf ? sbuf_put(&sb, item) : bbuf_put(&bb, item), "put");
		} else {
			long item;
			demo_check(m->use_sbuf ? sbuf_get(&sb, &item) : bbuf_get(&bb, &item), "get");
			if (item < 0 || item >= ITEMS)
				wrong("a consumer got a value no producer put");
			seen[m->index][item]++;
		}
	}
	return NULL;
}

static void throughput_row(bool use_sbuf, int capacity)
{
	struct mover m[4];
	pthread_t t[4];

	demo_check(use_sbuf ? sbuf_init(&sb, capacity) : bbuf_init(&bb, capacity), "init");
	for (int c = 0; c < 2; c++)
		for (long k = 0; k < ITEMS; k++)
			seen[c][k] = 0;
	uint64_t t0 = ct_now_ns(), cpu0 = ct_process_cpu_ns();
	for (int i = 0; i < 4; i++) {
		m[i] = (struct mover){.use_sbuf = use_sbuf, .is_producer = i < 2, .index = i % 2};
		demo_pthread_create(&t[i], NULL, move_items, &m[i]);
	}
	for (int i = 0; i < 4; i++)
		demo_pthread_join(t[i], NULL);
	uint64_t wall = ct_now_ns() - t0, cpu = ct_process_cpu_ns() - cpu0;
	for (long k = 0; k < ITEMS; k++)
		if (seen[0][k] + seen[1][k] != 1)
			wrong("an item was not delivered exactly once");
	if (use_sbuf)
		sbuf_destroy(&sb);
	else
		bbuf_destroy(&bb);
	printf("   %-34s %8d %9.0f ms %9.0f ms %11.0f\n", use_sbuf ? "sbuf (semaphores)" : "bbuf (condition variables)",
	       capacity, (double)wall / 1e6, (double)cpu / 1e6, ITEMS / ((double)wall / 1e9));
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("Lesson 08 demo: what waiting costs (%d usable CPUs).\n\n", demo_usable_cpus());
	printf("1. A consumer waits %d ms for an item that a producer puts late.\n\n", WAIT_MS);
	printf("   %-34s %12s %10s %15s\n", "the consumer waits by", "its CPU time", "looks", "item after put");
	demo_check(bbuf_init(&bb, 1), "bbuf_init");
	demo_check(sbuf_init(&sb, 1), "sbuf_init");
	wait_row(SPIN, "spinning (lock, look, unlock)");
	wait_row(POLL, "polling (look, sleep 1 ms)");
	wait_row(CONDVAR, "pthread_cond_wait (bbuf_get)");
	wait_row(SEMAPHORE, "sem_wait (sbuf_get)");
	bbuf_destroy(&bb);
	sbuf_destroy(&sb);
	printf("\n   Spinning keeps a CPU busy the whole time, polling wakes up about once a millisecond\n"
	       "   and answers up to a millisecond late; a blocked thread uses no CPU until it is woken.\n\n");

	printf("2. %d items from 2 producers to 2 consumers, each delivered exactly once.\n\n", ITEMS);
	printf("   %-34s %8s %12s %12s %11s\n", "buffer", "capacity", "wall time", "CPU time", "items/s");
	throughput_row(false, 1);
	throughput_row(false, 16);
	throughput_row(true, 1);
	throughput_row(true, 16);
	printf("\n   With capacity 1 nearly every put and get waits for the other side: a sleep and a\n"
	       "   wake-up in the kernel per item. A few slots let each side run ahead and batch.\n");
	return 0;
}
