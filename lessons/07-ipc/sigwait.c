/* sigwait.c - signals for a process with threads: block them everywhere, take them in one thread with sigwait. */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static atomic_int stop; /* set by the signal thread, read by the worker */

static void *signal_thread(void *arg) /* an ordinary thread: it may printf, lock, malloc */
{
	const sigset_t *set = arg;
	int sig;

	for (;;) {
		int err = sigwait(set, &sig); /* sleeps until one of set is pending, then takes it */
		if (err != 0) {
			fprintf(stderr, "sigwait: %s\n", strerror(err));
			return NULL;
		}
		printf("signal thread: got %s\n", sig == SIGTERM ? "SIGTERM, stopping" : "SIGUSR1");
		if (sig == SIGTERM) {
			atomic_store(&stop, 1);
			return NULL;
		}
	}
}

static void *worker(void *arg)
{
	struct timespec item = {0, 50 * 1000 * 1000};
	int done = 0;

	(void)arg;
	while (!atomic_load(&stop)) {
		nanosleep(&item, NULL); /* SIGTERM is blocked here: no EINTR, no handler */
		done++;
	}
	printf("worker: stopped after %d items\n", done);
	return NULL;
}

int main(void)
{
	struct timespec pause = {0, 120 * 1000 * 1000};
	pthread_t sigs, work;
	sigset_t set;
	int err;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR1);
	/* Block them in main first: every thread created later inherits the mask. */
	if ((err = pthread_sigmask(SIG_BLOCK, &set, NULL)) != 0 ||
	    (err = pthread_create(&sigs, NULL, signal_thread, &set)) != 0 ||
	    (err = pthread_create(&work, NULL, worker, NULL)) != 0) {
		fprintf(stderr, "setup: %s\n", strerror(err));
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	nanosleep(&pause, NULL);
	kill(getpid(), SIGUSR1); /* process-directed: only sigwait can take it */
	nanosleep(&pause, NULL);
	kill(getpid(), SIGTERM);
	if (pthread_join(sigs, NULL) != 0 || pthread_join(work, NULL) != 0)
		return 1;
	return 0;
}
