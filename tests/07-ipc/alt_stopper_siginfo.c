/*
 * alt_stopper_siginfo.c - a correct alternative for lesson 07's stopper:
 * the handler takes a siginfo_t (SA_SIGINFO), is installed with
 * SA_RESTART and with every signal blocked while it runs, and the flag is
 * cleared once the handler is in place.
 */
#include "stopper.h"

#include <signal.h>
#include <stddef.h>

static volatile sig_atomic_t got_sigterm;

static void note_sigterm(int sig, siginfo_t *info, void *context)
{
	(void)sig;
	(void)info;
	(void)context;
	got_sigterm = 1;
}

int run_until_stopped(stopper_job job, int max_items)
{
	struct sigaction mine, previous;
	int item;

	mine.sa_sigaction = note_sigterm;
	mine.sa_flags = SA_SIGINFO | SA_RESTART;
	if (sigfillset(&mine.sa_mask) == -1 || sigaction(SIGTERM, &mine, &previous) == -1)
		return -1;
	got_sigterm = 0;
	for (item = 0; item < max_items; item++) {
		if (got_sigterm)
			break;
		job(item);
	}
	if (sigaction(SIGTERM, &previous, NULL) == -1)
		return -1;
	return item;
}
