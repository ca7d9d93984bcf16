/*
 * race_detach.c - Helgrind driver for lesson 02, exercise "detach": in
 * each of ROUNDS rounds, starts two detached jobs that meet at a
 * rendezvous (so they really run at the same time) and reuses the
 * caller's stack after each start; then waits for every job through a
 * mutex and condition variable.  The grader yields at every lock and
 * unlock, so the jobs' critical sections and the caller's fall between
 * one another.
 */
#include <pthread.h>

#include "ct_driver.h"
#include "detach.h"

#define ROUNDS 2

/* lock protects done. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int done;

static struct ct_meet meet[ROUNDS]; /* of the two jobs of a round: the jobs' argument */

static void job(void *arg)
{
	ct_meet_wait(arg, 0);
	pthread_mutex_lock(&lock);
	done++;
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
	for (int r = 0; r < ROUNDS; r++)
		ct_meet_init(&meet[r], 2);
	for (int r = 0; r < ROUNDS; r++)
		for (int i = 0; i < 2; i++) {
			if (run_detached(job, &meet[r]) != 0)
				ct_driver_fail("run_detached(job, arg) did not return 0");
			reuse_stack();
		}
	pthread_mutex_lock(&lock);
	while (done < 2 * ROUNDS)
		pthread_cond_wait(&changed, &lock);
	pthread_mutex_unlock(&lock);
	ct_driver_pass();
}
