/*
 * green.c - lesson 12, exercise "green".  Read lessons/12-green-threads.md first.
 *
 * Goal: green threads on one kernel thread, switched with getcontext,
 * makecontext and swapcontext: a first-in first-out run queue, threads
 * that yield, exit and finish, a scheduler that frees every stack, and a
 * read that lets the other green threads run while it waits.  The contract
 * is in green.h.
 * Check your work with:  make check LESSON=12 EXERCISE=green
 */
#include "green.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <ucontext.h>
#include <unistd.h>

#include "concur_todo.h"

/*
 * DESIGN.  green_run is the scheduler: a loop in its own context that takes
 * the thread at the head of the run queue and switches to it.  A thread
 * gives the processor back by switching to the scheduler's context: when
 * it yields (it is then back at the queue's tail), waits in green_read (the
 * same, with wait_fd set) or finishes.  A finished thread's stack is freed
 * by the scheduler, which by then runs on its own stack: no thread ever
 * frees the stack it runs on.
 *
 * A thread is RUNNABLE (in the queue), RUNNING (current) or FINISHED (freed
 * by the scheduler as soon as it switched away from it).  No lock anywhere:
 * only the kernel thread inside green_run touches this state, and a green
 * thread is never interrupted by another (cooperative multitasking).
 */
struct green_thread {
	ucontext_t context; /* where it goes on when it runs next */
	void *stack;	    /* GREEN_STACK_SIZE bytes, malloc'd by green_create */
	green_fn fn;
	void *arg;
	int wait_fd;		   /* the descriptor it waits for in green_read, or -1 */
	bool finished;		   /* set by green_exit; the scheduler frees it then */
	struct green_thread *next; /* the next one in the run queue */
};

static ucontext_t scheduler;		 /* green_run's loop, where a thread switches to give up the CPU */
static struct green_thread *head, *tail; /* the run queue: head runs next, new and yielding ones at tail */
static struct green_thread *current;	 /* the running green thread, NULL while the scheduler runs */
static int alive;			 /* created and not finished, counted against GREEN_MAX */

static void enqueue(struct green_thread *t)
{
	t->next = NULL;
	if (tail)
		tail->next = t;
	else
		head = t;
	tail = t;
}

static struct green_thread *dequeue(void)
{
	struct green_thread *t = head;

	head = t->next;
	if (!head)
		tail = NULL;
	return t;
}

/* Gives the processor to the scheduler; returns when the scheduler picks the caller again. */
static void to_scheduler(struct green_thread *self)
{
	/* Fails only if the signal mask cannot be read or set: the thread cannot go on then. */
	if (swapcontext(&self->context, &scheduler) == -1)
		abort();
}

/* Every green thread starts here (makecontext cannot pass a pointer portably): fn(arg), then finish. */
static void trampoline(void)
{
	current->fn(current->arg);
	green_exit();
}

int green_init(void)
{
	head = tail = current = NULL;
	alive = 0;
	return 0;
}

int green_create(green_fn fn, void *arg)
{
	if (alive >= GREEN_MAX) {
		errno = EAGAIN;
		return -1;
	}
	struct green_thread *t = malloc(sizeof *t);
	if (!t)
		return -1; /* malloc set errno to ENOMEM */
	t->stack = malloc(GREEN_STACK_SIZE);
	if (!t->stack) {
		free(t);
		errno = ENOMEM;
		return -1;
	}
	/* getcontext fills in what makecontext needs (the signal mask, the registers' defaults). */
	if (getcontext(&t->context) == -1) {
		int err = errno;
		free(t->stack);
		free(t);
		errno = err;
		return -1;
	}
	t->context.uc_stack.ss_sp = t->stack;
	t->context.uc_stack.ss_size = GREEN_STACK_SIZE;
	t->context.uc_link = NULL; /* trampoline never returns: it ends in green_exit */
	makecontext(&t->context, trampoline, 0);
	t->fn = fn;
	t->arg = arg;
	t->wait_fd = -1;
	t->finished = false;
	enqueue(t);
	alive++;
	return 0;
}

void green_yield(void)
{
	enqueue(current);
	to_scheduler(current);
}

void green_exit(void)
{
	current->finished = true;
	to_scheduler(current);
	abort(); /* the scheduler never switches back to a finished thread */
}

/* Whether every runnable thread is waiting in green_read (and there is one). */
static bool all_waiting(void)
{
	for (struct green_thread *t = head; t; t = t->next)
		if (t->wait_fd < 0)
			return false;
	return head != NULL;
}

/*
 * Sleeps in one poll() until one of the waiting threads' descriptors is
 * ready (readable, at end of file, or in error): the threads then try their
 * reads again, in turn.  Blocks.
 */
static void sleep_until_one_is_ready(void)
{
	struct pollfd fds[GREEN_MAX];
	int n = 0;

	for (struct green_thread *t = head; t && n < GREEN_MAX; t = t->next)
		fds[n++] = (struct pollfd){.fd = t->wait_fd, .events = POLLIN};
	/* An error other than EINTR: each thread's own read will say what it is. */
	while (poll(fds, n, -1) == -1 && errno == EINTR)
		;
}

int green_run(void)
{
	while (head) {
		if (all_waiting())
			sleep_until_one_is_ready();
		current = dequeue();
		if (swapcontext(&scheduler, &current->context) == -1)
			abort(); /* as in to_scheduler */
		/* Back here when current yielded, started to wait or finished. */
		struct green_thread *t = current;
		current = NULL;
		if (t->finished) {
			/* Its stack is no longer in use: this code runs on green_run's caller's stack. */
			free(t->stack);
			free(t);
			alive--;
		}
	}
	return 0;
}

ssize_t green_read(int fd, void *buf, size_t n)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	ssize_t got;

	/* poll with a timeout of 0 only looks: it never blocks the kernel thread. */
	for (;;) {
		int ready = poll(&p, 1, 0);
		if (ready == 1)
			break; /* readable, at end of file, or in error: read says which, without blocking */
		if (ready == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		current->wait_fd = fd; /* the scheduler may sleep on it when everyone waits */
		green_yield();
		current->wait_fd = -1;
	}
	do
		got = read(fd, buf, n);
	while (got == -1 && errno == EINTR);
	return got;
}
