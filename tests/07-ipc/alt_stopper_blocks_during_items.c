/*
 * alt_stopper_blocks_during_items.c - a correct alternative for lesson
 * 07's stopper that closes the window between the test and the item:
 * SIGTERM stays blocked while an item runs and while the flag is tested,
 * and is unblocked only in between, where a pending SIGTERM is delivered
 * (its handler runs) before the next test.  The caller's signal mask is
 * restored before returning.  max_items < 0 counts as 0.
 */
#include "stopper.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>

static volatile sig_atomic_t stop_now;

static void on_term(int sig)
{
	(void)sig;
	stop_now = 1;
}

int run_until_stopped(stopper_job job, int max_items)
{
	struct sigaction act = {.sa_handler = on_term}, old_act;
	sigset_t term, old_mask;
	int done = 0;

	if (max_items < 0)
		max_items = 0;
	stop_now = 0;
	sigemptyset(&act.sa_mask);
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &term, &old_mask) == -1)
		return -1;
	if (sigaction(SIGTERM, &act, &old_act) == -1) {
		int err = errno;
		sigprocmask(SIG_SETMASK, &old_mask, NULL);
		errno = err;
		return -1;
	}
	for (;;) {
		/* A SIGTERM sent during the last item is delivered here, between items. */
		sigprocmask(SIG_UNBLOCK, &term, NULL);
		sigprocmask(SIG_BLOCK, &term, NULL);
		if (stop_now || done == max_items)
			break;
		job(done);
		done++;
	}
	/* One sent from here on is delivered after the restore, to the caller's action. */
	sigaction(SIGTERM, &old_act, NULL);
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	return done;
}
