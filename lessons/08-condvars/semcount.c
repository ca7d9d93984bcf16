/*
 * semcount.c - a semaphore counts what is free: SPOTS parking spots, CARS cars.
 *
 * Each car waits for a spot (sem_wait takes one, sleeping while none is
 * free), parks for a while, and leaves (sem_post gives the spot back).  The
 * cars count how many are parked at once, under a mutex: never more than
 * SPOTS.  sem_getvalue shows the count at the end: every spot free again.
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <time.h>

#define SPOTS 3
#define CARS 8

static sem_t spots;                                      /* free spots: SPOTS at the start */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER; /* protects parked and most */
static int parked, most;

/* sem_wait, again after a signal handler interrupted it (EINTR); 0 or an errno. */
static int take(sem_t *s)
{
	while (sem_wait(s) == -1)
		if (errno != EINTR)
			return errno;
	return 0;
}

static void *car(void *arg)
{
	struct timespec stay = {0, 10 * 1000 * 1000};

	(void)arg;
	if (take(&spots) != 0)
		return NULL;
	pthread_mutex_lock(&lock);
	if (++parked > most)
		most = parked;
	pthread_mutex_unlock(&lock);
	nanosleep(&stay, NULL); /* parked */
	pthread_mutex_lock(&lock);
	parked--;
	pthread_mutex_unlock(&lock);
	sem_post(&spots); /* the spot is free again */
	return NULL;
}

int main(void)
{
	pthread_t t[CARS];
	int value;

	if (sem_init(&spots, 0, SPOTS) == -1) { /* 0: shared by this process's threads only */
		perror("sem_init");
		return 1;
	}
	for (int i = 0; i < CARS; i++)
		if (pthread_create(&t[i], NULL, car, NULL) != 0)
			return 1;
	for (int i = 0; i < CARS; i++)
		if (pthread_join(t[i], NULL) != 0)
			return 1;
	sem_getvalue(&spots, &value);
	printf("%d cars, %d spots: at most %d parked at once; %d spots free at the end\n", CARS, SPOTS, most, value);
	sem_destroy(&spots);
	return 0;
}
