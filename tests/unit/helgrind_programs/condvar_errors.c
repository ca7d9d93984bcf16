/*
 * condvar_errors.c - misuse of condition variables, no data race.
 *
 *   wait_unlocked()   waits on `ready` without holding its mutex
 *   two_mutexes()     waits on `ready` with `other_lock` while waiter()
 *                     waits on it with `ready_lock`
 *   signal_unlocked() signals `ready` while no thread holds `ready_lock`
 *   destroy_waited()  destroys `gone` while a thread waits on it
 * Every wait is a timed wait, so that the run ends.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t ready_lock = PTHREAD_MUTEX_INITIALIZER; /* protects is_ready */
static pthread_mutex_t other_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready = PTHREAD_COND_INITIALIZER;
static pthread_cond_t gone = PTHREAD_COND_INITIALIZER;
static int is_ready;

/* A deadline ms milliseconds from now, for pthread_cond_timedwait(). */
static struct timespec in_ms(long ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += ms * 1000000L;
	ts.tv_sec += ts.tv_nsec / 1000000000L;
	ts.tv_nsec %= 1000000000L;
	return ts;
}

static void *waiter(void *arg)
{
	struct timespec ts = in_ms(400);

	(void)arg;
	pthread_mutex_lock(&ready_lock);
	while (!is_ready)
		if (pthread_cond_timedwait(&ready, &ready_lock, &ts) == ETIMEDOUT)
			break;
	pthread_mutex_unlock(&ready_lock);
	return NULL;
}

static void wait_unlocked(void)
{
	struct timespec ts = in_ms(50);

	pthread_cond_timedwait(&ready, &ready_lock, &ts); /* BUG: ready_lock not held */
	pthread_mutex_unlock(&ready_lock);                /* the wait returned with it locked */
}

static void two_mutexes(void)
{
	struct timespec ts = in_ms(50);

	pthread_mutex_lock(&other_lock);
	pthread_cond_timedwait(&ready, &other_lock, &ts); /* BUG: ready goes with ready_lock */
	pthread_mutex_unlock(&other_lock);
}

static void signal_unlocked(void)
{
	pthread_cond_signal(&ready); /* BUG: nobody holds ready_lock */
}

static void *gone_waiter(void *arg)
{
	struct timespec ts = in_ms(300);

	(void)arg;
	pthread_mutex_lock(&other_lock);
	pthread_cond_timedwait(&gone, &other_lock, &ts);
	pthread_mutex_unlock(&other_lock);
	return NULL;
}

static void destroy_waited(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, gone_waiter, NULL) != 0)
		exit(1);
	usleep(100 * 1000);
	pthread_cond_destroy(&gone); /* BUG: gone_waiter() still waits on it */
	pthread_join(t, NULL);
}

int main(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, waiter, NULL) != 0)
		return 1;
	usleep(100 * 1000); /* waiter() now waits on ready with ready_lock */
	wait_unlocked();
	two_mutexes();
	pthread_join(t, NULL);
	signal_unlocked();
	destroy_waited();
	return 0;
}
