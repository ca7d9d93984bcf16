/*
 * race_detach.c - Helgrind driver for lesson 02, exercise "detach": starts
 * two detached jobs, reuses the caller's stack, and waits for both jobs
 * through a mutex and condition variable.
 */
#include <pthread.h>

#include "ct_driver.h"
#include "detach.h"

/* lock protects done. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int done;

static void job(void *arg)
{
	pthread_mutex_lock(&lock);
	done += *(int *)arg;
	pthread_cond_signal(&changed);
	pthread_mutex_unlock(&lock);
}

/* Writes over the stack the caller's callees used. */
__attribute__((noinline)) static void reuse_stack(void)
{
	volatile char area[2048];

	for (size_t i = 0; i < sizeof area; i++)
		area[i] = (char)i;
}

int main(void)
{
	static int one = 1;

	for (int i = 0; i < 2; i++) {
		if (run_detached(job, &one) != 0)
			ct_driver_fail("run_detached(job, &one) did not return 0");
		reuse_stack();
	}
	pthread_mutex_lock(&lock);
	while (done < 2)
		pthread_cond_wait(&changed, &lock);
	pthread_mutex_unlock(&lock);
	ct_driver_pass();
}
