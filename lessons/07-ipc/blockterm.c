/* blockterm.c - a stop flag with no window: SIGTERM stays blocked except between items. */
#include <signal.h>
#include <stdio.h>
#include <time.h>

static volatile sig_atomic_t stop; /* set by the handler */

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static void job(int item) /* 300 ms of work; SIGTERM is blocked while it runs */
{
	struct timespec t = {0, 300 * 1000 * 1000};

	nanosleep(&t, NULL); /* not interrupted: the signal waits, pending */
	printf("  item %d done\n", item);
}

/* Runs job(0), job(1), ... until SIGTERM or max items; returns the number done, or -1. */
static int run_items(int max)
{
	sigset_t term, old;
	int done = 0;

	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &term, &old) == -1) /* from now on SIGTERM waits, pending */
		return -1;
	while (done < max) {
		sigprocmask(SIG_SETMASK, &old, NULL); /* a pending SIGTERM is handled here, before ... */
		sigprocmask(SIG_BLOCK, &term, NULL);
		if (stop) /* ... this test, and nothing can set stop between it and the job */
			break;
		job(done++);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return done;
}

int main(void)
{
	struct sigaction act = {.sa_handler = on_term};

	sigemptyset(&act.sa_mask);
	if (sigaction(SIGTERM, &act, NULL) == -1)
		return 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("  stopped after %d items\n", run_items(100));
	return 0;
}
