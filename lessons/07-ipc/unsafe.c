/* unsafe.c - BROKEN: a signal handler that calls malloc, while main calls it too. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <unistd.h>

static void on_alarm(int sig)
{
	(void)sig;
	free(malloc(5000)); /* WRONG: malloc is not async-signal-safe */
}

static void *idle(void *arg) /* with a second thread, glibc's malloc takes its arena lock */
{
	(void)arg;
	pause();
	return NULL;
}

int main(void)
{
	struct sigaction act = {.sa_handler = on_alarm, .sa_flags = SA_RESTART};
	struct itimerval every = {{0, 100}, {0, 100}}; /* SIGALRM every 100 us */
	pthread_t t;

	sigemptyset(&act.sa_mask);
	if (sigaction(SIGALRM, &act, NULL) == -1 || pthread_create(&t, NULL, idle, NULL) != 0 ||
	    setitimer(ITIMER_REAL, &every, NULL) == -1)
		return 1;
	for (long i = 0; i < 10000000; i++)
		free(malloc(5000));
	puts("done");
	return 0; /* ends the idle thread too */
}
