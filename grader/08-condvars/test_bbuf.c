/*
 * test_bbuf.c - grader suite for lesson 08, exercise "bbuf" (bbuf.h).
 *
 * The student's calls that may block run in worker threads (buffers.h);
 * the lock tracker sees every lock, wait and signal they make (ct_locks.h,
 * ct_conds.h), so a test knows which condition variable a blocked thread
 * sleeps on and what it holds.  Most tests turn on spurious wake-ups
 * (ct_set_spurious_wakeups): every other pthread_cond_wait of a worker
 * returns at once without a signal, so code that waits in an `if` instead
 * of a `while` goes on with its condition false in every run.  A wake-up
 * that is lost (a signal where every waiter needed waking, one condition
 * variable for two conditions) leaves every thread waiting: the watchdog
 * then ends the test with the picture of who waits on what and who last
 * signalled it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "bbuf.h"
#include "buffers.h"
#include "ct_locks.h"
#include "ct_test.h"

CT_SUITE(bbuf);

static struct bbuf b;
static struct buffer buf;

static int put(void *p, long item) { return bbuf_put(p, item); }
static int get(void *p, long *item) { return bbuf_get(p, item); }

/* b->closed as a byte: a bool the student's code never set may hold any bit pattern. */
static unsigned char closed_byte(void)
{
	unsigned char c;

	memcpy(&c, &b.closed, 1);
	return c;
}

/* bbuf_init(&b, capacity) on memory full of garbage, checked; names the lock and condition variables. */
static void open_buffer(int capacity)
{
	memset(&b, 0x5a, sizeof b);
	int err = bbuf_init(&b, capacity);
	CT_CHECK(err == 0, "bbuf_init(b, %d) returned %d (%s); expected 0", capacity, err, strerror(err));
	CT_CHECK(b.capacity == capacity && b.count == 0 && closed_byte() == 0,
		 "after bbuf_init(b, %d), b->capacity is %d, b->count %d and b->closed %d; expected an empty, open "
		 "buffer of capacity %d (capacity %d, count 0, closed false)",
		 capacity, b.capacity, b.count, closed_byte(), capacity, capacity);
	CT_CHECK(b.head >= 0 && b.head < capacity, "after bbuf_init(b, %d), b->head is %d: not an index of the ring",
		 capacity, b.head);
	ct_name_lock(&b.lock, "b->lock");
	ct_name_object(&b.not_full, "b->not_full");
	ct_name_object(&b.not_empty, "b->not_empty");
	buf = (struct buffer){"bbuf_put", "bbuf_get", "b", put, get, &b, &b.not_full, &b.not_empty,
			      "b->not_full", "b->not_empty", &b.lock,
			      "A wake-up is only a hint to look again (the grader makes some of your waits return without "
			      "any signal, as POSIX allows, and another thread may have been faster): check the condition "
			      "in a while loop around the wait, not with an if"};
}

static void destroy_buffer(void) { bbuf_destroy(&b); }

/* After `after`, the buffer holds nothing. */
static void expect_empty(int capacity, const char *after)
{
	CT_CHECK(b.count == 0, "after %s (capacity %d), b->count is %d; expected 0", after, capacity, b.count);
}

static bool within_capacity(void *unused, char *why, size_t len);

static const struct buffer_suite suite = {&buf, open_buffer, destroy_buffer, expect_empty, within_capacity};

/* A put or get by the test's own thread that must not block, and must return `want`. */
static void expect_put(long item, int want) { expect_put_returns(&buf, item, want); }

static void expect_get(long want_item, int want)
{
	if (want == 0) {
		expect_get_returns(&buf, want_item);
		return;
	}
	long item = POISON;
	int got = bbuf_get(&b, &item);
	CT_CHECK(got == want, "bbuf_get(b, &item) returned %d (%s); expected %d (EPIPE: the buffer is closed and empty)",
		 got, strerror(got), want);
}

/* ---- without threads -------------------------------------------------- */

static int init(int capacity) { return bbuf_init(&b, capacity); }

CT_TEST(bbuf, correct_init_checks_capacity_and_cleans_up_after_errors)
{
	/* Each of the three initialisations fails in turn. */
	const struct init_fault faults[] = {
		{CT_CALL_pthread_mutex_init, 1, EAGAIN, "pthread_mutex_init failing with EAGAIN", "its return value"},
		{CT_CALL_pthread_cond_init, 1, ENOMEM, "the first pthread_cond_init failing with ENOMEM", "its return value"},
		{CT_CALL_pthread_cond_init, 2, EAGAIN, "the second pthread_cond_init failing with EAGAIN", "its return value"},
	};
	const struct init_made made[] = {
		{CT_CALL_pthread_mutex_init, CT_CALL_pthread_mutex_destroy, "mutex(es)"},
		{CT_CALL_pthread_cond_init, CT_CALL_pthread_cond_destroy, "condition variable(s)"},
	};

	open_buffer(BBUF_MAX_CAPACITY);
	bbuf_destroy(&b);
	open_buffer(1);
	bbuf_destroy(&b);
	expect_init_errors(init, "bbuf_init(b, 4)", BBUF_MAX_CAPACITY, "one mutex and two condition variables", faults, 3,
			   made, 2);
	ct_pass();
}

/* The ring holds want[0..n-1] from items[head] on, and count says n. */
static void expect_ring(const char *after, const long *want, int n)
{
	bool same = b.count == n && b.head >= 0 && b.head < b.capacity;
	for (int i = 0; same && i < n; i++)
		same = b.items[(b.head + i) % b.capacity] == want[i];
	CT_CHECK(same,
		 "after %s (capacity %d), b->count is %d and b->head %d, and items[head] is %ld; expected %d item%s, "
		 "the oldest (%ld) at items[head] and each next one at (head + 1) %% capacity: the ring bbuf.h "
		 "describes",
		 after, b.capacity, b.count, b.head, b.head >= 0 && b.head < b.capacity ? b.items[b.head] : 0, n,
		 n == 1 ? "" : "s", n ? want[0] : 0);
}

CT_TEST(bbuf, correct_items_come_out_in_the_order_they_were_put)
{
	open_buffer(3);
	expect_put(1, 0);
	expect_ring("bbuf_put(b, 1) into an empty buffer", (long[]){1}, 1);
	expect_put(2, 0);
	expect_put(3, 0);
	expect_ring("bbuf_put of 1, 2 and 3", (long[]){1, 2, 3}, 3);
	expect_get(1, 0);
	expect_ring("taking out 1", (long[]){2, 3}, 2);
	expect_put(4, 0); /* into the slot 1 came from: the ring wraps around */
	expect_ring("putting 4 into the slot 1 left", (long[]){2, 3, 4}, 3);
	expect_get(2, 0);
	expect_get(3, 0);
	expect_get(4, 0);
	expect_ring("taking out every item", NULL, 0);
	bbuf_destroy(&b);

	open_buffer(1);
	for (long k = 10; k < 13; k++) {
		expect_put(k, 0);
		expect_get(k, 0);
	}
	ct_pass();
}

/* ---- one blocked call ---------------------------------------------------- */

CT_TEST(bbuf, correct_put_waits_while_the_buffer_is_full)
{
	test_put_waits_while_full(&suite);
	ct_pass();
}

CT_TEST(bbuf, correct_get_waits_while_the_buffer_is_empty)
{
	test_get_waits_while_empty(&suite);
	ct_pass();
}

/* ---- many threads ---------------------------------------------------------- */

/* The buffer never holds more than its capacity, nor a negative count (read under its lock). */
static bool within_capacity(void *unused, char *why, size_t len)
{
	(void)unused;
	pthread_mutex_lock(&b.lock);
	int count = b.count;
	pthread_mutex_unlock(&b.lock);
	if (count >= 0 && count <= b.capacity)
		return true;
	snprintf(why, len,
		 "the buffer was seen holding %d items (b->count, read under b->lock), with capacity %d: %s. Wait in "
		 "a while loop until the condition holds, and change count only under the lock",
		 count, b.capacity, count < 0 ? "a get took an item that was not there" : "a put stored into a full buffer");
	return false;
}

CT_TEST(bbuf, correct_many_producers_and_consumers_get_every_item_once_in_order)
{
	const struct stress plans[] = {
		{1, 1, 300, 1}, {3, 2, 150, 1}, {2, 3, 200, 2}, {4, 4, 100, 7},
	};

	test_stress(&suite, plans, 4);
	ct_pass();
}

/* A producer that puts two items in a row. */
struct two_puts {
	long first;
	int results[2];
};

static void *put_two(void *arg)
{
	struct two_puts *p = arg;

	p->results[0] = bbuf_put(&b, p->first);
	p->results[1] = bbuf_put(&b, p->first + 100);
	return NULL;
}

/*
 * Two consumers wait on an empty buffer of capacity 1, the older first;
 * then a producer puts two items in a row.  The grader runs the condition
 * variables (ct_set_fifo_conds): a signal wakes the oldest waiter, and a
 * woken thread goes on only once its waker waits again.  So the producer's
 * second put finds the buffer full and waits; the consumer that took the
 * first item then signals, and if both sides wait on one condition
 * variable, that signal wakes the other consumer instead of the producer:
 * a lost wake-up, in every run.
 */
CT_TEST(bbuf, correct_each_side_waits_on_its_own_condition_variable)
{
	struct call consumer[2];

	open_buffer(1);
	ct_set_fifo_conds(true);
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 2; i++) {
			call_start(&consumer[i], &buf, true, 0);
			struct ct_wait w = call_wait_blocked(&consumer[i], 500 * CT_MS);
			CT_CHECK(w.kind != CT_WAIT_COND || w.on == &b.not_empty,
				 "bbuf_get(b, &item) on an empty buffer sleeps on %s; it must wait on b->not_empty, "
				 "which bbuf_put signals",
				 ct_object_name(w.on) ? ct_object_name(w.on) : "a condition variable of your own");
		}
		struct two_puts p = {.first = 100 + round};
		pthread_t t;
		int err = pthread_create(&t, NULL, put_two, &p);
		CT_CHECK(err == 0, "grader error: pthread_create failed (%d)", err);
		pthread_join(t, NULL);
		for (int i = 0; i < 2; i++)
			call_join(&consumer[i]);
		CT_CHECK(p.results[0] == 0 && p.results[1] == 0, "bbuf_put(b, %ld) and bbuf_put(b, %ld) returned %d and %d; "
			 "expected 0 and 0", p.first, p.first + 100, p.results[0], p.results[1]);
		long a = consumer[0].item, c = consumer[1].item;
		CT_CHECK(consumer[0].result == 0 && consumer[1].result == 0 &&
				 ((a == p.first && c == p.first + 100) || (a == p.first + 100 && c == p.first)),
			 "two consumers waiting on an empty buffer got %ld and %ld (results %d and %d) when %ld and %ld "
			 "were put; expected one item each",
			 a, c, consumer[0].result, consumer[1].result, p.first, p.first + 100);
	}
	ct_pass();
}

/* ---- closing ------------------------------------------------------------------ */

#define WAITERS 3

static void start_waiters(struct call *c, bool is_get, const char *state)
{
	for (int i = 0; i < WAITERS; i++) {
		call_start(&c[i], &buf, is_get, 500 + i);
		struct ct_wait w = call_wait_blocked(&c[i], 500 * CT_MS);
		char name[80];
		CT_CHECK(!c[i].returned, "%s returned %d while the buffer %s; it must wait", call_name(&c[i], name,
			 sizeof name), c[i].result, state);
		(void)w;
	}
}

static void expect_all_epipe(struct call *c, const char *what)
{
	for (int i = 0; i < WAITERS; i++) {
		call_join(&c[i]);
		char name[80];
		CT_CHECK(c[i].result == EPIPE, "%s, waiting when %s, returned %d (%s); expected EPIPE", call_name(&c[i],
			 name, sizeof name), what, c[i].result, strerror(c[i].result));
	}
}

CT_TEST(bbuf, correct_close_wakes_every_waiting_consumer)
{
	struct call c[WAITERS];

	open_buffer(2);
	ct_set_spurious_wakeups(true);
	start_waiters(c, true, "was empty");
	bbuf_close(&b);
	expect_all_epipe(c, "the empty buffer was closed");
	ct_pass();
}

CT_TEST(bbuf, correct_close_wakes_every_waiting_producer)
{
	struct call c[WAITERS];

	open_buffer(1);
	ct_set_spurious_wakeups(true);
	expect_put(5, 0);
	start_waiters(c, false, "was full");
	bbuf_close(&b);
	expect_all_epipe(c, "the full buffer was closed");
	expect_get(5, 0); /* stored before the close: still delivered */
	expect_get(0, EPIPE);
	ct_pass();
}

CT_TEST(bbuf, correct_a_closed_buffer_refuses_puts_and_delivers_what_it_holds)
{
	open_buffer(4);
	expect_put(1, 0);
	expect_put(2, 0);
	bbuf_close(&b);
	CT_CHECK(closed_byte() == 1, "after bbuf_close(b), b->closed is %d; expected true", closed_byte());
	expect_put(3, EPIPE);
	CT_CHECK(b.count == 2, "bbuf_put(b, 3) into a closed buffer returned EPIPE but b->count is now %d; it must "
		 "store nothing (expected 2)", b.count);
	bbuf_close(&b);
	CT_CHECK(closed_byte() == 1, "after a second bbuf_close(b), b->closed is %d; expected true", closed_byte());
	expect_get(1, 0);
	expect_get(2, 0);
	expect_get(0, EPIPE);
	expect_get(0, EPIPE);
	expect_put(4, EPIPE);

	/* Closing one buffer closes only that one. */
	static struct bbuf other;
	int err = bbuf_init(&other, 2);
	CT_CHECK(err == 0, "bbuf_init of a second buffer returned %d", err);
	err = bbuf_put(&other, 8);
	CT_CHECK(err == 0,
		 "bbuf_put into a second, open buffer returned %d (%s) after the first buffer was closed; closing "
		 "one buffer must not close another",
		 err, strerror(err));
	ct_pass();
}

/* ---- sleeping, not spinning --------------------------------------------------- */

CT_TEST(bbuf, timing_waiting_threads_use_no_cpu)
{
	test_waiting_uses_no_cpu(&suite);
	ct_pass();
}
