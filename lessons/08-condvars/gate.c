/*
 * gate.c - signal or broadcast: who hears that a gate opened.
 *
 * WORKERS threads wait until a gate opens.  main opens it once with
 * pthread_cond_signal, and then (with a new gate) with
 * pthread_cond_broadcast, and counts how many workers were woken.  Each
 * worker waits with pthread_cond_timedwait, at most 200 ms, so that the
 * program ends even when no one wakes it: that is the only reason for the
 * timeout here.  A worker whose wait timed out found the gate open only
 * because it looked again by itself.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#define WORKERS 4

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER; /* protects open, woken and late */
static pthread_cond_t opened = PTHREAD_COND_INITIALIZER; /* workers wait on it while the gate is shut */
static bool open;
static int woken; /* workers woken while the gate was open */
static int late;  /* workers that found it open only when their wait timed out */

static void *worker(void *arg)
{
	struct timespec deadline;

	(void)arg;
	clock_gettime(CLOCK_REALTIME, &deadline); /* the condition variable's default clock */
	deadline.tv_nsec += 200 * 1000 * 1000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&lock);
	int err = 0;
	while (!open && err != ETIMEDOUT)
		err = pthread_cond_timedwait(&opened, &lock, &deadline);
	if (err == ETIMEDOUT)
		late++;
	else
		woken++;
	pthread_mutex_unlock(&lock);
	return NULL;
}

static void run(bool broadcast)
{
	pthread_t t[WORKERS];
	struct timespec settle = {0, 20 * 1000 * 1000};

	open = false;
	woken = late = 0;
	for (int i = 0; i < WORKERS; i++)
		if (pthread_create(&t[i], NULL, worker, NULL) != 0)
			return;
	nanosleep(&settle, NULL); /* let them all start waiting */
	pthread_mutex_lock(&lock);
	open = true;
	if (broadcast)
		pthread_cond_broadcast(&opened); /* wakes every waiter */
	else
		pthread_cond_signal(&opened); /* wakes at least one */
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < WORKERS; i++)
		if (pthread_join(t[i], NULL) != 0)
			return;
	printf("%-22s %d of %d workers woken, %d found out only when their wait timed out\n",
	       broadcast ? "pthread_cond_broadcast:" : "pthread_cond_signal:", woken, WORKERS, late);
}

int main(void)
{
	run(false);
	run(true);
	return 0;
}
