/*
 * alt_green_direct_switch.c - a correct "green" written unlike the
 * reference: no scheduler loop.  A thread that gives up the processor
 * switches straight to the next one (swapcontext from thread to thread);
 * the last one to finish switches back to green_run's caller.  Threads
 * live in a fixed table of GREEN_MAX slots, the run queue is a ring of
 * slot numbers, stacks are mmap'd with a guard page below them, and a
 * finished thread's stack is unmapped by whoever runs next (never by the
 * thread itself, which still stands on it).  green_read uses O_NONBLOCK and
 * puts the flags back.
 */
#include "green.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#define GUARD 4096

struct slot {
	bool used;
	ucontext_t ctx;
	char *map; /* GUARD + GREEN_STACK_SIZE bytes, the guard page at the bottom */
	green_fn fn;
	void *arg;
	int wait_fd;
};

static struct slot slots[GREEN_MAX];
static int ring[GREEN_MAX], ring_first, ring_len; /* the run queue */
static int running = -1;			  /* slot of the running thread */
static int zombie = -1;				  /* a finished slot whose stack is still to unmap */
static ucontext_t caller;			  /* green_run's caller */

static void push(int s)
{
	ring[(ring_first + ring_len++) % GREEN_MAX] = s;
}

static int pop(void)
{
	int s = ring[ring_first];
	ring_first = (ring_first + 1) % GREEN_MAX;
	ring_len--;
	return s;
}

static void bury_zombie(void)
{
	if (zombie >= 0) {
		munmap(slots[zombie].map, GUARD + GREEN_STACK_SIZE);
		slots[zombie].used = false;
		zombie = -1;
	}
}

/* When every queued thread waits in green_read: one poll on all of them, no timeout. */
static void wait_if_all_wait(void)
{
	struct pollfd fds[GREEN_MAX];

	for (int i = 0; i < ring_len; i++) {
		int s = ring[(ring_first + i) % GREEN_MAX];
		if (slots[s].wait_fd < 0)
			return;
		fds[i] = (struct pollfd){.fd = slots[s].wait_fd, .events = POLLIN};
	}
	if (ring_len > 0)
		while (poll(fds, (nfds_t)ring_len, -1) < 0 && errno == EINTR)
			;
}

/* Saves the running thread's context in *from and runs the head of the queue (or the caller, if none). */
static void switch_away(ucontext_t *from)
{
	wait_if_all_wait();
	ucontext_t *to = &caller;
	if (ring_len > 0) {
		running = pop();
		to = &slots[running].ctx;
	} else
		running = -1;
	if (swapcontext(from, to) == -1)
		abort();
	bury_zombie();
}

static void start(void)
{
	bury_zombie();
	slots[running].fn(slots[running].arg);
	green_exit();
}

int green_init(void)
{
	ring_first = ring_len = 0;
	running = zombie = -1;
	for (int s = 0; s < GREEN_MAX; s++)
		slots[s].used = false;
	return 0;
}

int green_create(green_fn fn, void *arg)
{
	int s = 0;

	while (s < GREEN_MAX && slots[s].used)
		s++;
	if (s == GREEN_MAX) {
		errno = EAGAIN;
		return -1;
	}
	struct slot *t = &slots[s];
	t->map = mmap(NULL, GUARD + GREEN_STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (t->map == MAP_FAILED)
		return -1;
	if (mprotect(t->map, GUARD, PROT_NONE) == -1 || getcontext(&t->ctx) == -1) {
		int err = errno;
		munmap(t->map, GUARD + GREEN_STACK_SIZE);
		errno = err;
		return -1;
	}
	t->ctx.uc_stack.ss_sp = t->map + GUARD;
	t->ctx.uc_stack.ss_size = GREEN_STACK_SIZE;
	t->ctx.uc_link = NULL;
	makecontext(&t->ctx, start, 0);
	t->fn = fn;
	t->arg = arg;
	t->wait_fd = -1;
	t->used = true;
	push(s);
	return 0;
}

void green_yield(void)
{
	int self = running;

	push(self);
	switch_away(&slots[self].ctx);
}

void green_exit(void)
{
	static ucontext_t dead; /* where the finished thread's registers go: never resumed */

	zombie = running;
	switch_away(&dead);
	abort();
}

int green_run(void)
{
	if (ring_len > 0)
		switch_away(&caller);
	bury_zombie();
	return 0;
}

ssize_t green_read(int fd, void *buf, size_t n)
{
	int flags = fcntl(fd, F_GETFL);
	ssize_t got;
	int err;

	if (flags < 0)
		return -1;
	if (!(flags & O_NONBLOCK) && fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return -1;
	for (;;) {
		got = read(fd, buf, n);
		err = errno;
		if (got >= 0 || (err != EAGAIN && err != EWOULDBLOCK && err != EINTR))
			break;
		if (err == EINTR)
			continue;
		slots[running].wait_fd = fd;
		green_yield();
		slots[running].wait_fd = -1;
	}
	if (!(flags & O_NONBLOCK))
		fcntl(fd, F_SETFL, flags);
	errno = err;
	return got;
}
