/*
 * race_sbuf.c - Helgrind driver for lesson 08, exercise "sbuf".
 *
 * Helgrind orders a sem_post before the sem_wait it satisfies, so two
 * threads that pass their semaphore one after the other (the first one's
 * post let the second one in) are ordered, whatever they do with the ring.
 * So the driver makes threads that really may overlap meet unordered, in
 * rounds that start together (ct_driver_threads), with the grader's yields
 * at every lock and unlock:
 *   1. two producers and two consumers share a buffer of capacity 2, one
 *      item each per round, so each side often waits for the other;
 *   2. two producers fill a buffer big enough for all their items, so
 *      neither ever waits: both take slots sem_init made, and nothing but
 *      s->lock orders one producer's ring and tail against the other's;
 *   3. two consumers empty it, each with items an earlier phase stored:
 *      nothing but s->lock orders one consumer's head against the other's.
 * A ring, head or tail touched without s->lock is then reported.  Each
 * round moves a fixed number of items, so the program ends whatever the
 * order of events.
 */
#include "ct_driver.h"
#include "sbuf.h"

#define ROUNDS 8

static struct sbuf s;
static long sums[2]; /* sums[i]: what consumer i got, added up; only consumer i writes it */

static void put_one(int producer, unsigned round)
{
	if (sbuf_put(&s, producer * 1000L + round) != 0)
		ct_driver_fail("sbuf_put did not return 0");
}

static void get_one(int consumer)
{
	long item;

	if (sbuf_get(&s, &item) != 0)
		ct_driver_fail("sbuf_get did not return 0");
	sums[consumer] += item;
}

/* Phase 1: threads 0 and 1 produce, 2 and 3 consume. */
static void mixed_round(int thread, unsigned round)
{
	if (thread < 2)
		put_one(thread, round);
	else
		get_one(thread - 2);
}

static void producers_round(int thread, unsigned round) { put_one(thread, round); }

static void consumers_round(int thread, unsigned round)
{
	(void)round;
	get_one(thread);
}

/* What two producers put over ROUNDS rounds: 0 + 1 + ... and 1000 + 1001 + ... */
#define ALL_ITEMS (2L * (ROUNDS * (ROUNDS - 1) / 2) + 1000L * ROUNDS)

static void expect_all_taken(void)
{
	if (sums[0] + sums[1] != ALL_ITEMS)
		ct_driver_fail("the consumers' items add up to %ld; the producers put %ld", sums[0] + sums[1], ALL_ITEMS);
	sums[0] = sums[1] = 0;
}

int main(void)
{
	if (sbuf_init(&s, 2) != 0)
		ct_driver_fail("sbuf_init(s, 2) did not return 0");
	ct_driver_threads(4, ROUNDS, mixed_round);
	expect_all_taken();
	sbuf_destroy(&s);

	if (sbuf_init(&s, SBUF_MAX_CAPACITY) != 0)
		ct_driver_fail("sbuf_init(s, %d) did not return 0", SBUF_MAX_CAPACITY);
	ct_driver_threads(2, ROUNDS, producers_round);
	ct_driver_threads(2, ROUNDS, consumers_round);
	expect_all_taken();
	sbuf_destroy(&s);
	ct_driver_pass();
}
