/*
 * unlock_errors.c - misuse of mutexes, no data race: unlocking a mutex that
 * is not locked, unlocking a mutex another thread holds, and locking again
 * a mutex the thread already holds (an error-checking mutex, so that the
 * second lock fails with EDEADLK instead of hanging).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t config_lock;
static pthread_mutex_t ready_lock = PTHREAD_MUTEX_INITIALIZER; /* held by main() meanwhile */

static void release_queue(void) { pthread_mutex_unlock(&queue_lock); /* BUG: never locked */ }

static void *foreign_unlock(void *arg)
{
	(void)arg;
	pthread_mutex_unlock(&stats_lock); /* BUG: main() holds it */
	return NULL;
}

static void reload_config(void)
{
	pthread_mutex_lock(&config_lock);
	if (pthread_mutex_lock(&config_lock) == 0) /* BUG: already held */
		pthread_mutex_unlock(&config_lock);
	pthread_mutex_unlock(&config_lock);
}

int main(void)
{
	pthread_mutexattr_t attr;
	pthread_t t;
	int rc;

	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_init(&config_lock, &attr);
	pthread_mutexattr_destroy(&attr);

	release_queue();
	pthread_mutex_lock(&stats_lock);
	rc = pthread_create(&t, NULL, foreign_unlock, NULL);
	if (rc != 0) {
		fprintf(stderr, "pthread_create: error %d\n", rc);
		return 1;
	}
	pthread_join(t, NULL);
	reload_config();
	pthread_mutex_lock(&ready_lock);
	pthread_mutex_unlock(&ready_lock);
	return 0;
}
