/*
 * green_kernel_threads.c - a known-wrong "green" library: every green
 * thread is a kernel thread (pthread_create), and a baton (one mutex, one
 * condition variable, a turn number) lets exactly one of them run at a
 * time, in first-in first-out order.  The order of the steps is right;
 * what is wrong is where they run: on kernel threads of their own, so a
 * blocking read() in one of them does not stall the others.
 */
#include "green.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

struct kthread {
	pthread_t id;
	green_fn fn;
	void *arg;
	struct kthread *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER; /* protects everything below */
static pthread_cond_t turn_changed = PTHREAD_COND_INITIALIZER;
static struct kthread *head, *tail, *running; /* the run queue; the thread holding the baton */
static int alive;
static struct kthread *finished[1024];
static int nfinished;

static void enqueue(struct kthread *t)
{
	t->next = NULL;
	if (tail)
		tail->next = t;
	else
		head = t;
	tail = t;
}

/* With lock held: give the baton to the head of the queue (or to nobody). */
static void pass_baton(void)
{
	running = head;
	if (head) {
		head = head->next;
		if (!head)
			tail = NULL;
	}
	pthread_cond_broadcast(&turn_changed);
}

static void wait_for_baton(struct kthread *self)
{
	while (running != self)
		pthread_cond_wait(&turn_changed, &lock);
}

static void *start(void *arg)
{
	struct kthread *self = arg;

	pthread_mutex_lock(&lock);
	wait_for_baton(self);
	pthread_mutex_unlock(&lock);
	self->fn(self->arg);
	green_exit();
	return NULL;
}

int green_init(void)
{
	head = tail = running = NULL;
	alive = 0;
	nfinished = 0;
	return 0;
}

int green_create(green_fn fn, void *arg)
{
	struct kthread *t = malloc(sizeof *t);

	if (!t)
		return -1;
	t->fn = fn;
	t->arg = arg;
	pthread_mutex_lock(&lock);
	enqueue(t);
	alive++;
	pthread_mutex_unlock(&lock);
	int err = pthread_create(&t->id, NULL, start, t);
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

void green_yield(void)
{
	pthread_mutex_lock(&lock);
	struct kthread *self = running;
	enqueue(self);
	pass_baton();
	wait_for_baton(self);
	pthread_mutex_unlock(&lock);
}

void green_exit(void)
{
	pthread_mutex_lock(&lock);
	finished[nfinished++] = running;
	alive--;
	pass_baton();
	pthread_mutex_unlock(&lock);
	pthread_exit(NULL);
}

int green_run(void)
{
	pthread_mutex_lock(&lock);
	pass_baton();
	while (alive > 0)
		pthread_cond_wait(&turn_changed, &lock);
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < nfinished; i++) {
		pthread_join(finished[i]->id, NULL);
		free(finished[i]);
	}
	nfinished = 0;
	return 0;
}

ssize_t green_read(int fd, void *buf, size_t n)
{
	ssize_t got;

	do
		got = read(fd, buf, n);
	while (got == -1 && errno == EINTR);
	return got;
}
