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
 * TODO: a record per green thread (its context, its stack, fn and arg,
 * whether it finished, what it waits for) and the scheduler's state (its
 * own context, the run queue, the running thread, how many are alive).
 */

int green_init(void)
{
	/* TODO: an empty scheduler (see green.h). */
	return CONCUR_TODO(-1);
}

int green_create(green_fn fn, void *arg)
{
	/* TODO: a new thread with its own stack and context, at the tail of the run queue. */
	(void)fn;
	(void)arg;
	return CONCUR_TODO(-1);
}

void green_yield(void)
{
	/* TODO: to the tail of the run queue; the thread at its head runs. */
	CONCUR_TODO((void)0);
}

void green_exit(void)
{
	/* TODO: the calling thread finishes; switch away from it for good. */
	CONCUR_TODO((void)0);
}

int green_run(void)
{
	/* TODO: run the threads in turn until every one has finished; free every stack. */
	return CONCUR_TODO(-1);
}

ssize_t green_read(int fd, void *buf, size_t n)
{
	/* TODO: read without blocking the kernel thread: wait by letting the others run. */
	(void)fd;
	(void)buf;
	(void)n;
	return CONCUR_TODO(-1);
}
