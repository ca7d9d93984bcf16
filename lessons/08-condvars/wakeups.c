/*
 * wakeups.c - how often a woken consumer finds nothing to take.
 *
 * One producer puts ITEMS numbers, one at a time, into a box that holds
 * one; two consumers take them.  Both sides wait on condition variables,
 * in while loops.  Between two items a consumer works a little, with the
 * lock free, so that it often comes back just as the other one is being
 * woken.  Each consumer counts its returns from pthread_cond_wait
 * and how many of them found the box empty again: the other consumer got
 * there first (a stolen wake-up), or nobody signalled at all (a spurious
 * one).  Each of those would have been a bug with an `if`: run
 * `./wakeups if` to see the same program wait in an `if` instead.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#define ITEMS 100000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER; /* protects everything below */
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER; /* consumers wait on it */
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER;  /* the producer waits on it */
static bool full;  /* the box holds an item */
static bool done;  /* the producer has put its last item */
static long item;  /* the item, while full */
static bool use_if; /* set by main before the threads start: wait in an if (BAD) */

struct consumer {
	long taken, wakeups, found_empty, sum;
};

static void *consume(void *arg)
{
	struct consumer *c = arg;

	pthread_mutex_lock(&lock);
	for (;;) {
		while (!full && !done) {
			pthread_cond_wait(&not_empty, &lock);
			c->wakeups++;
			if (!full && !done)
				c->found_empty++; /* an `if` now takes an item that is not there */
			if (use_if)
				break; /* BAD: this is what an if does: one wait, then on */
		}
		if (!full && done)
			break; /* done, and nothing left */
		c->sum += item;
		c->taken++;
		full = false;
		pthread_cond_signal(&not_full);
		pthread_mutex_unlock(&lock);
		for (volatile int k = 0; k < 200; k++)
			; /* work on the item, with the lock free */
		pthread_mutex_lock(&lock);
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

int main(int argc, char **argv)
{
	struct consumer c[2] = {{0}, {0}};
	pthread_t t[2];

	use_if = argc > 1 && argv[1][0] == 'i';
	for (int i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, consume, &c[i]) != 0)
			return 1;
	pthread_mutex_lock(&lock);
	for (long k = 1; k <= ITEMS; k++) {
		while (full)
			pthread_cond_wait(&not_full, &lock);
		item = k;
		full = true;
		pthread_cond_signal(&not_empty);
	}
	done = true;
	pthread_cond_broadcast(&not_empty); /* every consumer must hear it */
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < 2; i++)
		if (pthread_join(t[i], NULL) != 0)
			return 1;

	for (int i = 0; i < 2; i++)
		printf("consumer %d: took %ld items, woke up %ld times, found the box empty %ld times\n", i + 1,
		       c[i].taken, c[i].wakeups, c[i].found_empty);
	printf("items taken: %ld of %d, sum %s\n", c[0].taken + c[1].taken, ITEMS,
	       c[0].sum + c[1].sum == (long)ITEMS * (ITEMS + 1) / 2 ? "right" : "WRONG");
	return 0;
}
