/*
 * alt_green_wait_list.c - a correct "green" written unlike the reference:
 * each thread's record and stack are one calloc'd block (the record first,
 * the stack after it); the run queue is a circular doubly linked list with
 * a sentinel; and a thread that must wait in green_read leaves the run
 * queue for a wait list.  Before each switch the scheduler polls the
 * waiting threads' descriptors, with a timeout of 0 while some thread can
 * run and of -1 (sleep until one is ready) when none can, and puts the
 * ready ones back at the tail of the run queue.
 */
#include "green.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <ucontext.h>
#include <unistd.h>

struct gthread {
	struct gthread *prev, *next; /* in the run queue or the wait list */
	ucontext_t ctx;
	green_fn fn;
	void *arg;
	int fd; /* the descriptor it waits for, while on the wait list */
	bool done;
	char stack[]; /* GREEN_STACK_SIZE bytes */
};

static struct gthread runq = {.prev = &runq, .next = &runq}; /* sentinel of the run queue */
static struct gthread *waiting[GREEN_MAX];
static int nwaiting, nalive;
static struct gthread *self;
static ucontext_t sched_ctx;

static void unlink_thread(struct gthread *t)
{
	t->prev->next = t->next;
	t->next->prev = t->prev;
}

static void append(struct gthread *t)
{
	t->prev = runq.prev;
	t->next = &runq;
	runq.prev->next = t;
	runq.prev = t;
}

static void back_to_scheduler(void)
{
	if (swapcontext(&self->ctx, &sched_ctx) < 0)
		abort();
}

static void entry(void)
{
	self->fn(self->arg);
	green_exit();
}

int green_init(void)
{
	runq.prev = runq.next = &runq;
	nwaiting = nalive = 0;
	self = NULL;
	return 0;
}

int green_create(green_fn fn, void *arg)
{
	if (nalive == GREEN_MAX) {
		errno = EAGAIN;
		return -1;
	}
	struct gthread *t = calloc(1, sizeof *t + GREEN_STACK_SIZE);
	if (t == NULL)
		return -1;
	if (getcontext(&t->ctx) < 0) {
		int e = errno;
		free(t);
		errno = e;
		return -1;
	}
	t->ctx.uc_stack.ss_sp = t->stack;
	t->ctx.uc_stack.ss_size = GREEN_STACK_SIZE;
	makecontext(&t->ctx, entry, 0);
	t->fn = fn;
	t->arg = arg;
	append(t);
	nalive++;
	return 0;
}

void green_yield(void)
{
	append(self);
	back_to_scheduler();
}

void green_exit(void)
{
	self->done = true;
	back_to_scheduler();
	abort();
}

/* Moves the waiting threads whose descriptor is ready to the tail of the run queue; sleeps if none can run. */
static void wake_ready(void)
{
	struct pollfd p[GREEN_MAX];

	if (nwaiting == 0)
		return;
	for (int i = 0; i < nwaiting; i++)
		p[i] = (struct pollfd){.fd = waiting[i]->fd, .events = POLLIN};
	int timeout = runq.next == &runq ? -1 : 0;
	while (poll(p, (nfds_t)nwaiting, timeout) < 0)
		if (errno != EINTR)
			return;
	int kept = 0;
	for (int i = 0; i < nwaiting; i++)
		if (p[i].revents)
			append(waiting[i]);
		else
			waiting[kept++] = waiting[i];
	nwaiting = kept;
}

int green_run(void)
{
	for (;;) {
		wake_ready();
		if (runq.next == &runq) {
			if (nwaiting == 0)
				break;
			continue;
		}
		self = runq.next;
		unlink_thread(self);
		if (swapcontext(&sched_ctx, &self->ctx) < 0)
			abort();
		if (self->done) {
			free(self);
			nalive--;
		}
		self = NULL;
	}
	return 0;
}

ssize_t green_read(int fd, void *buf, size_t n)
{
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int r = poll(&p, 1, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r > 0)
			break;
		self->fd = fd;
		waiting[nwaiting++] = self;
		back_to_scheduler();
	}
	ssize_t got;
	while ((got = read(fd, buf, n)) < 0 && errno == EINTR)
		;
	return got;
}
