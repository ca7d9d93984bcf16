/* whichthread.c - a signal sent to the process goes to one thread that does not block it. */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NTHREADS 3
#define SIGNALS 300

static volatile sig_atomic_t got[NTHREADS + 1]; /* [0]: main; [1..]: the threads */
static _Thread_local int my_slot;                /* each thread's own index into got */

static void on_usr1(int sig)
{
	(void)sig;
	got[my_slot]++;
}

static void *sleeper(void *arg)
{
	my_slot = (int)(intptr_t)arg;
	for (;;)
		pause(); /* returns after each handler that ran in this thread */
	return NULL; /* never reached: main's return ends this thread */
}

static void send_all(const char *label)
{
	struct timespec gap = {0, 1000 * 1000};

	memset((void *)got, 0, sizeof got);
	for (int i = 0; i < SIGNALS; i++) {
		kill(getpid(), SIGUSR1); /* to the process, not to a thread */
		nanosleep(&gap, NULL);   /* one at a time: pending signals of one kind merge */
	}
	printf("%-40s main %3d", label, (int)got[0]);
	for (int t = 1; t <= NTHREADS; t++)
		printf("   thread %d %3d", t, (int)got[t]);
	printf("\n");
}

int main(void)
{
	struct sigaction act = {.sa_handler = on_usr1, .sa_flags = SA_RESTART};
	pthread_t tid[NTHREADS];
	sigset_t usr1;

	sigemptyset(&act.sa_mask);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	if (sigaction(SIGUSR1, &act, NULL) == -1)
		return 1;
	for (int t = 0; t < NTHREADS; t++)
		if (pthread_create(&tid[t], NULL, sleeper, (void *)(intptr_t)(t + 1)) != 0)
			return 1;
	send_all("nobody blocks SIGUSR1:");
	if (pthread_sigmask(SIG_BLOCK, &usr1, NULL) != 0) /* main blocks it now */
		return 1;
	send_all("main blocks SIGUSR1:");
	return 0; /* ends the sleeping threads too */
}
