/*
 * stopper.c - lesson 07, exercise "stopper".  Read lessons/07-ipc.md first.
 *
 * Goal: a worker loop that SIGTERM stops gracefully: the item in progress
 * is finished, no new one starts, and the handler does nothing that is
 * not async-signal-safe.  The contract is in stopper.h.
 * Check your work with:  make check LESSON=7 EXERCISE=stopper
 */
/* KNOWN WRONG: no handler: SIGTERM keeps its default action and kills the process. */
#include "stopper.h"

#include <signal.h>
#include <stddef.h>

#include "concur_todo.h"

/* Set by the handler, read by the loop: the one kind of variable a handler may write. */
static volatile sig_atomic_t stop_requested;

static void on_sigterm(int sig)
{
	(void)sig;
	stop_requested = 1;
}

int run_until_stopped(stopper_job job, int max_items)
{
	struct sigaction act = {.sa_handler = on_sigterm}, old;
	int done = 0;

	stop_requested = 0;
	sigemptyset(&act.sa_mask);
	(void)act;
	(void)old;
	/* The flag is checked only between items: a started item always finishes. */
	while (done < max_items && !stop_requested) {
		job(done);
		done++;
	}
	return done;
}
