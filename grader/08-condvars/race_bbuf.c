/*
 * race_bbuf.c - Helgrind driver for lesson 08, exercise "bbuf".
 *
 * Two producers and two consumers share a buffer of capacity 1 in ROUNDS
 * rounds that start together (ct_driver_threads): in each round each
 * producer puts one item and each consumer takes one, so one side always
 * waits for the other, and with the grader's yields at every lock and
 * unlock the four threads' critical sections fall between one another's in
 * every run.  A field read or written without b->lock is reported, and so
 * is a condition variable signalled while no thread holds its mutex.  Then
 * two consumers wait on the empty buffer while a third thread closes it:
 * closed, read by the waiters and written by bbuf_close, meets unordered
 * unless both hold the lock.  Every round moves as many items in as out,
 * so the program ends whatever the order of events, unless a wake-up is
 * lost (then the harness's time limit ends it).
 */
#include <errno.h>
#include <time.h>

#include "bbuf.h"
#include "ct_driver.h"

#define ROUNDS 8

static struct bbuf b;
static long taken[2];   /* taken[i]: the items consumer i got; only consumer i writes it */
static int after_close[2]; /* what consumer i's get returned once the buffer was closed */

/* Threads 0 and 1 produce, threads 2 and 3 consume. */
static void round_of(int thread, unsigned round)
{
	if (thread < 2) {
		if (bbuf_put(&b, thread * 1000L + round) != 0)
			ct_driver_fail("bbuf_put into an open buffer did not return 0");
		return;
	}
	long item;
	if (bbuf_get(&b, &item) != 0)
		ct_driver_fail("bbuf_get from an open buffer did not return 0");
	taken[thread - 2]++;
}

/* Threads 0 and 1 wait on the empty buffer; thread 2 closes it once they (most likely) sleep. */
static void close_round(int thread, unsigned round)
{
	(void)round;
	if (thread < 2) {
		long item;
		after_close[thread] = bbuf_get(&b, &item);
		return;
	}
	struct timespec gap = {0, 20 * 1000 * 1000};
	nanosleep(&gap, NULL);
	bbuf_close(&b);
}

int main(void)
{
	if (bbuf_init(&b, 1) != 0)
		ct_driver_fail("bbuf_init(b, 1) did not return 0");
	ct_driver_threads(4, ROUNDS, round_of);
	if (taken[0] + taken[1] != 2 * ROUNDS)
		ct_driver_fail("the consumers took %ld items; %d were put", taken[0] + taken[1], 2 * ROUNDS);
	ct_driver_threads(3, 1, close_round);
	if (after_close[0] != EPIPE || after_close[1] != EPIPE)
		ct_driver_fail("bbuf_get on a closed, empty buffer returned %d and %d; expected EPIPE", after_close[0],
			       after_close[1]);
	if (bbuf_put(&b, 1) != EPIPE)
		ct_driver_fail("bbuf_put into a closed buffer did not return EPIPE");
	bbuf_destroy(&b);
	ct_driver_pass();
}
