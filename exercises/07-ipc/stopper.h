/*
 * stopper.h - lesson 07, exercise "stopper": a worker that stops
 * gracefully when it receives SIGTERM: it finishes the item in progress,
 * then returns.
 *
 * This header is the contract between your code and the grader.  The grader
 * compiles your stopper.c against its own pristine copy of this file.
 */
#ifndef STOPPER_H
#define STOPPER_H

/* One unit of work, supplied by the caller: it takes a while (it may sleep). */
typedef void (*stopper_job)(int item);

/*
 * run_until_stopped - process items 0, 1, 2, ... by calling job(item), one
 * after the other, until SIGTERM arrives or max_items are done.  Returns
 * the number of items done.
 *
 * It installs a SIGTERM handler with sigaction before the first item and
 * restores the previous action before it returns.  The handler does only
 * one thing: it sets a flag of type volatile sig_atomic_t (no printf, no
 * malloc: they are not async-signal-safe).  The loop checks the flag
 * between items, so an item that has started is always finished, and no
 * item starts after the signal has arrived.
 */
int run_until_stopped(stopper_job job, int max_items);

#endif
