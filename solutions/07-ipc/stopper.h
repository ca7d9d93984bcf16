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
 * It installs a SIGTERM handler with sigaction before the first item (not
 * with signal(), whose meaning differs between systems and which cannot
 * hand back the old action whole), and restores the previous action, as
 * sigaction handed it back, before it returns.  If installing the handler
 * fails, it returns -1 with errno set and calls no job.  The handler does
 * only one thing: it sets a flag of type volatile sig_atomic_t (no printf,
 * no malloc: they are not async-signal-safe).  Each call starts with the
 * flag clear, so a SIGTERM that stopped an earlier call does not stop
 * this one.
 *
 * The loop tests the flag before each item, and only there.  So an item
 * that has started is always finished, and after a SIGTERM that arrives
 * while an item runs, no further item starts.  A SIGTERM that lands
 * between the test and the start of the item it let through stops the
 * loop after that item: the test and the start are two steps, and a
 * signal may fall between them (blocking SIGTERM around the test with
 * sigprocmask would close that window; this exercise does not ask for it).
 */
int run_until_stopped(stopper_job job, int max_items);

#endif
