/*
 * test_sbuf.c - grader suite for lesson 08, exercise "sbuf" (sbuf.h).
 *
 * The semaphores' values are read with sem_getvalue whenever no thread is
 * inside the buffer, so a test knows what each one counts.  The student's
 * calls that may block run in worker threads (buffers.h); the wrapped
 * sem_wait and sem_post tell the lock tracker who waits on which
 * semaphore, holding what (ct_conds.h).  Two tests make every post pause
 * its caller (ct_set_wake_pause) so that the thread it woke runs first: an
 * item announced before it is stored, or a slot freed before its item is
 * copied out, is then read at the wrong moment in every run.  Fault
 * injection makes sem_wait fail as a signal handler would make it fail
 * (EINTR), and with other errors.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "buffers.h"
#include "ct_locks.h"
#include "ct_test.h"
#include "sbuf.h"

CT_SUITE(sbuf);

static struct sbuf s;
static struct buffer buf;

static int put(void *p, long item) { return sbuf_put(p, item); }
static int get(void *p, long *item) { return sbuf_get(p, item); }

static int value_of(sem_t *sem)
{
	int v = -1;

	sem_getvalue(sem, &v);
	return v;
}

/* Both semaphores hold what they must count, after `after`. */
static void expect_counts(int slots, int items, const char *after)
{
	int vs = value_of(&s.slots), vi = value_of(&s.items);

	CT_CHECK(vs == slots && vi == items,
		 "after %s, s->slots is %d and s->items %d; expected %d and %d: slots counts the free slots, items "
		 "the stored items (each sem_wait takes one, each sem_post gives one back)",
		 after, vs, vi, slots, items);
}

/* sbuf_init(&s, capacity) on memory full of garbage, checked; names the semaphores and the lock. */
static void open_buffer(int capacity)
{
	char after[40];

	memset(&s, 0x5a, sizeof s);
	int err = sbuf_init(&s, capacity);
	CT_CHECK(err == 0, "sbuf_init(s, %d) returned %d (%s); expected 0", capacity, err, strerror(err));
	snprintf(after, sizeof after, "sbuf_init(s, %d)", capacity);
	expect_counts(capacity, 0, after);
	CT_CHECK(s.capacity == capacity && s.head == s.tail && s.head >= 0 && s.head < capacity,
		 "after sbuf_init(s, %d), s->capacity is %d, s->head %d and s->tail %d; expected capacity %d and an "
		 "empty ring (head == tail, an index from 0 to %d)",
		 capacity, s.capacity, s.head, s.tail, capacity, capacity - 1);
	ct_name_object(&s.slots, "s->slots");
	ct_name_object(&s.items, "s->items");
	ct_name_lock(&s.lock, "s->lock");
	buf = (struct buffer){"sbuf_put", "sbuf_get", "s", put, get, &s, &s.slots, &s.items, "s->slots", "s->items", &s.lock,
			      "Wait on the semaphore that counts what you need (s->slots before a put, s->items before a "
			      "get) before you touch the ring, and check what sem_wait returns"};
}

static void destroy_buffer(void) { sbuf_destroy(&s); }

static void expect_empty(int capacity, const char *after) { expect_counts(capacity, 0, after); }

static const struct buffer_suite suite = {&buf, open_buffer, destroy_buffer, expect_empty, NULL};

static void expect_put(long item, int want)
{
	int got = sbuf_put(&s, item);
	CT_CHECK(got == want, "sbuf_put(s, %ld) returned %d (%s); expected %d", item, got, strerror(got), want);
}

static void expect_get(long want_item)
{
	long item = POISON;
	int got = sbuf_get(&s, &item);
	CT_CHECK(got == 0 && item == want_item,
		 "sbuf_get(s, &item) returned %d with item %ld; expected 0 and %ld, the oldest item stored (first in, "
		 "first out)",
		 got, item, want_item);
}

/* ---- without threads -------------------------------------------------- */

static int init(int capacity) { return sbuf_init(&s, capacity); }

CT_TEST(sbuf, correct_init_counts_slots_and_items_and_cleans_up_after_errors)
{
	const struct init_fault faults[] = {
		{CT_CALL_sem_init, 1, ENOSYS, "the first sem_init failing with ENOSYS", "sem_init's errno"},
		{CT_CALL_sem_init, 2, EINVAL, "the second sem_init failing with EINVAL", "sem_init's errno"},
		{CT_CALL_pthread_mutex_init, 1, ENOMEM, "pthread_mutex_init failing with ENOMEM",
		 "the error number pthread_mutex_init returned"},
	};
	const struct init_made made[] = {
		{CT_CALL_sem_init, CT_CALL_sem_destroy, "semaphore(s)"},
		{CT_CALL_pthread_mutex_init, CT_CALL_pthread_mutex_destroy, "mutex(es)"},
	};

	open_buffer(SBUF_MAX_CAPACITY);
	sbuf_destroy(&s);
	open_buffer(1);
	sbuf_destroy(&s);
	expect_init_errors(init, "sbuf_init(s, 4)", SBUF_MAX_CAPACITY, "two semaphores and one mutex", faults, 3, made, 2);
	ct_pass();
}

/* The ring holds want[0..n-1] from ring[head] on, and tail is just after them. */
static void expect_ring(const char *after, const long *want, int n)
{
	bool same = s.head >= 0 && s.head < s.capacity && s.tail == (s.head + n) % s.capacity;
	for (int i = 0; same && i < n; i++)
		same = s.ring[(s.head + i) % s.capacity] == want[i];
	CT_CHECK(same,
		 "after %s (capacity %d), s->head is %d, s->tail %d and ring[head] %ld; expected %d item%s from "
		 "ring[head] on, the oldest (%ld) first, and tail just after them, where the next item goes: the ring "
		 "sbuf.h describes",
		 after, s.capacity, s.head, s.tail, s.head >= 0 && s.head < s.capacity ? s.ring[s.head] : 0, n,
		 n == 1 ? "" : "s", n ? want[0] : 0);
}

CT_TEST(sbuf, correct_items_come_out_in_the_order_they_were_put)
{
	open_buffer(3);
	expect_put(1, 0);
	expect_counts(2, 1, "sbuf_put(s, 1) into an empty buffer of capacity 3");
	expect_ring("sbuf_put(s, 1) into an empty buffer", (long[]){1}, 1);
	expect_put(2, 0);
	expect_put(3, 0);
	expect_counts(0, 3, "three puts into a buffer of capacity 3");
	expect_ring("sbuf_put of 1, 2 and 3", (long[]){1, 2, 3}, 3);
	expect_get(1);
	expect_counts(1, 2, "sbuf_get from a full buffer of capacity 3");
	expect_ring("taking out 1", (long[]){2, 3}, 2);
	expect_put(4, 0); /* into the slot 1 came from: the ring wraps around */
	expect_ring("putting 4 into the slot 1 left", (long[]){2, 3, 4}, 3);
	expect_get(2);
	expect_get(3);
	expect_get(4);
	expect_counts(3, 0, "taking out every item");
	expect_ring("taking out every item", NULL, 0);
	sbuf_destroy(&s);

	open_buffer(1);
	for (long k = 10; k < 13; k++) {
		expect_put(k, 0);
		expect_get(k);
	}
	ct_pass();
}

/* ---- one blocked call ---------------------------------------------------- */

CT_TEST(sbuf, correct_put_waits_for_a_free_slot)
{
	test_put_waits_while_full(&suite);
	ct_pass();
}

CT_TEST(sbuf, correct_get_waits_for_an_item)
{
	test_get_waits_while_empty(&suite);
	ct_pass();
}

/*
 * A consumer waits; a producer thread puts, and pauses after each post, so
 * that the consumer runs at once: it must find the item already stored.
 */
CT_TEST(sbuf, correct_an_item_is_stored_before_it_is_announced)
{
	struct call consumer, producer;

	open_buffer(2);
	for (long round = 0; round < 3; round++) {
		call_start(&consumer, &buf, true, 0);
		expect_blocked(&consumer, 100, "was empty", &s.items, "s->items");
		ct_set_wake_pause(5 * CT_MS);
		call_start(&producer, &buf, false, 40 + round);
		call_join(&producer);
		call_join(&consumer);
		ct_set_wake_pause(0);
		CT_CHECK(producer.result == 0, "sbuf_put(s, %ld) returned %d; expected 0", 40 + round, producer.result);
		CT_CHECK(consumer.result == 0 && consumer.item == 40 + round,
			 "sbuf_get(s, &item) returned %d with item %ld, but the only item put was %ld: the consumer "
			 "took its slot before the item was in it. sbuf_put must store the item (under the lock) and "
			 "only then sem_post(&s->items): a post tells a consumer that an item is ready",
			 consumer.result, consumer.item, 40 + round);
	}
	expect_counts(2, 0, "three items put and taken out");
	ct_pass();
}

/*
 * A producer waits on a full buffer of capacity 1; a consumer thread gets,
 * and pauses after each post, so that the producer runs at once: the
 * consumer must already have its item.
 */
CT_TEST(sbuf, correct_a_slot_is_freed_only_after_its_item_is_taken)
{
	struct call consumer, producer;

	open_buffer(1);
	expect_put(1, 0);
	for (long round = 0; round < 3; round++) {
		call_start(&producer, &buf, false, 2 + round);
		expect_blocked(&producer, 100, "was full", &s.slots, "s->slots");
		ct_set_wake_pause(5 * CT_MS);
		call_start(&consumer, &buf, true, 0);
		call_join(&consumer);
		call_join(&producer);
		ct_set_wake_pause(0);
		CT_CHECK(consumer.result == 0 && consumer.item == 1 + round,
			 "sbuf_get(s, &item) returned %d with item %ld; expected %ld, the item in the buffer: the "
			 "producer waiting for a slot stored %ld over it before the consumer had copied it out. "
			 "sbuf_get must copy the item out (under the lock) and only then sem_post(&s->slots): a "
			 "post tells a producer that the slot may be overwritten",
			 consumer.result, consumer.item, 1 + round, 2 + round);
		CT_CHECK(producer.result == 0, "sbuf_put(s, %ld) returned %d once a slot was free; expected 0", 2 + round,
			 producer.result);
	}
	expect_get(4);
	ct_pass();
}

/* ---- sem_wait's errors ---------------------------------------------------- */

/* The next sem_wait (or sem_timedwait) fails with err, as a signal or a fault would make it. */
static void fail_next_wait(int err)
{
	ct_faults_reset();
	ct_fail_call(CT_CALL_sem_wait, 1, err);
	ct_fail_call(CT_CALL_sem_timedwait, 1, err);
}

static int waits_failed(void)
{
	return ct_faults_injected(CT_CALL_sem_wait) + ct_faults_injected(CT_CALL_sem_timedwait);
}

/* c, whose first sem_wait was interrupted (EINTR), must still be waiting. */
static void expect_still_waiting(struct call *c, const char *state)
{
	char call[80];

	call_wait_blocked(c, 100 * CT_MS);
	ct_sleep_ns(50 * CT_MS);
	call_name(c, call, sizeof call);
	CT_CHECK(waits_failed() == 1, "%s never called sem_wait while the buffer %s; it must wait on a semaphore",
		 call, state);
	if (c->returned && c->result == EINTR)
		CT_CHECK(false,
			 "%s returned EINTR: its sem_wait was interrupted (the grader made it fail with EINTR, as a "
			 "signal handler would). That is no error of the buffer's: call sem_wait again",
			 call);
	CT_CHECK(!c->returned,
		 "%s returned %d although its sem_wait failed with EINTR (interrupted, having taken nothing) while "
		 "the buffer %s: check what sem_wait returns, and on -1 with errno EINTR wait again",
		 call, c->result, state);
}

CT_TEST(sbuf, correct_an_interrupted_sem_wait_is_retried)
{
	struct call c;

	open_buffer(1);
	fail_next_wait(EINTR);
	call_start(&c, &buf, true, 0);
	expect_still_waiting(&c, "was empty");
	expect_put(3, 0);
	call_join(&c);
	CT_CHECK(c.result == 0 && c.item == 3, "sbuf_get(s, &item) returned %d with item %ld once 3 was put; expected "
		 "0 and 3", c.result, c.item);
	expect_counts(1, 0, "a get interrupted once, then given its item");

	expect_put(5, 0);
	fail_next_wait(EINTR);
	call_start(&c, &buf, false, 6);
	expect_still_waiting(&c, "was full");
	expect_get(5);
	call_join(&c);
	CT_CHECK(c.result == 0, "sbuf_put(s, 6) returned %d once a slot was free; expected 0", c.result);
	expect_get(6);
	expect_counts(1, 0, "a put interrupted once, then given its slot");
	ct_pass();
}

CT_TEST(sbuf, correct_other_sem_wait_failures_are_returned)
{
	open_buffer(2);
	fail_next_wait(EINVAL);
	int err = sbuf_put(&s, 5);
	CT_CHECK(waits_failed() == 1, "sbuf_put(s, 5) never called sem_wait; it must wait on s->slots");
	CT_CHECK(err == EINVAL,
		 "sbuf_put(s, 5) returned %d, though its sem_wait failed with EINVAL; expected EINVAL (%d), the errno "
		 "of sem_wait%s",
		 err, EINVAL, err == 0 ? ": only EINTR is waited again, any other failure is returned" : "");
	expect_counts(2, 0, "a put whose sem_wait failed");
	expect_put(6, 0);
	fail_next_wait(EINVAL);
	long item = POISON;
	err = sbuf_get(&s, &item);
	CT_CHECK(err == EINVAL,
		 "sbuf_get(s, &item) returned %d, though its sem_wait failed with EINVAL; expected EINVAL (%d), the "
		 "errno of sem_wait",
		 err, EINVAL);
	expect_counts(1, 1, "a get whose sem_wait failed");
	expect_get(6);
	ct_pass();
}

/* ---- many threads ---------------------------------------------------------- */

CT_TEST(sbuf, correct_many_producers_and_consumers_get_every_item_once_in_order)
{
	const struct stress plans[] = {
		{1, 1, 300, 1}, {3, 2, 150, 1}, {2, 3, 200, 2}, {4, 4, 100, 5},
	};

	test_stress(&suite, plans, 4);
	ct_pass();
}

/* ---- sleeping, not spinning --------------------------------------------------- */

CT_TEST(sbuf, timing_waiting_threads_use_no_cpu)
{
	test_waiting_uses_no_cpu(&suite);
	ct_pass();
}
