/*
 * stopper.c - lesson 07, exercise "stopper".  Read lessons/07-ipc.md first.
 *
 * Goal: a worker loop that SIGTERM stops gracefully: the item in progress
 * is finished, no new one starts, and the handler does nothing that is
 * not async-signal-safe.  The contract is in stopper.h.
 * Check your work with:  make check LESSON=7 EXERCISE=stopper
 */
#include "stopper.h"

#include <signal.h>
#include <stddef.h>

#include "concur_todo.h"

int run_until_stopped(stopper_job job, int max_items)
{
	/*
	 * TODO: call job(0), job(1), ... until max_items are done or SIGTERM
	 * has arrived, never stopping in the middle of an item; see stopper.h.
	 */
	(void)job;
	(void)max_items;
	return CONCUR_TODO(-1);
}
