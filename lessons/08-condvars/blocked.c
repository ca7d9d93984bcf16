/*
 * blocked.c - a thread's state while it spins and while it waits.
 *
 * Two threads wait for the same flag for 300 ms: one spins on it (takes
 * the lock, looks, lets go, again), the other sleeps in pthread_cond_wait.
 * Meanwhile main reads each thread's state and CPU time from the kernel
 * (/proc/self/task/TID/stat: the state letter, then utime and stime in
 * clock ticks), the way `ps` and `top` do.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER; /* protects ready and the tids */
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER; /* broadcast when ready is set */
static bool ready;
static pid_t spinner_tid, sleeper_tid;

static void *spinner(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	spinner_tid = gettid();
	while (!ready) { /* BAD: runnable the whole time */
		pthread_mutex_unlock(&lock);
		pthread_mutex_lock(&lock);
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

static void *sleeper(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	sleeper_tid = gettid();
	while (!ready)
		pthread_cond_wait(&changed, &lock); /* blocked: off every CPU until woken */
	pthread_mutex_unlock(&lock);
	return NULL;
}

/* Prints the thread's state letter and its CPU time so far. */
static void show(const char *who, pid_t tid)
{
	char path[64], line[512];
	unsigned long utime = 0, stime = 0;
	char state = '?';

	snprintf(path, sizeof path, "/proc/self/task/%d/stat", (int)tid);
	FILE *f = fopen(path, "r");
	if (f && fgets(line, sizeof line, f)) {
		const char *p = strrchr(line, ')'); /* the name may hold spaces: fields start after it */
		if (p)
			sscanf(p + 2, "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &state, &utime, &stime);
	}
	if (f)
		fclose(f);
	printf("  %-38s state %c, CPU time so far %4.0f ms\n", who, state,
	       (utime + stime) * 1000.0 / sysconf(_SC_CLK_TCK));
}

int main(void)
{
	pthread_t s, w;
	struct timespec tick = {0, 100 * 1000 * 1000};

	if (pthread_create(&s, NULL, spinner, NULL) != 0 || pthread_create(&w, NULL, sleeper, NULL) != 0)
		return 1;
	for (int i = 1; i <= 3; i++) {
		nanosleep(&tick, NULL);
		printf("after %d ms:\n", i * 100);
		pthread_mutex_lock(&lock);
		pid_t st = spinner_tid, wt = sleeper_tid;
		pthread_mutex_unlock(&lock);
		show("spinning thread (unlock, lock, look)", st);
		show("thread in pthread_cond_wait", wt);
	}
	pthread_mutex_lock(&lock);
	ready = true;
	pthread_cond_broadcast(&changed);
	pthread_mutex_unlock(&lock);
	if (pthread_join(s, NULL) != 0 || pthread_join(w, NULL) != 0)
		return 1;
	puts("both saw the flag and ended");
	return 0;
}
