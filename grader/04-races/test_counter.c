/*
 * test_counter.c - grader suite for lesson 04, exercise "counter" (counter.h).
 *
 * The stress test starts its threads together at a rendezvous and turns on
 * ct_set_yield_at_locks(): every thread gives up the CPU just before each
 * lock and just after each unlock, so a read-modify-write split into two
 * critical sections, or a read done outside the lock, is entered by
 * another thread between its halves and loses updates in every run, not
 * once in a while, even when the threads share one CPU.  A missing
 * lock is also Helgrind's business (race_counter.c).
 */
#include <pthread.h>

#include "counter.h"
#include "ct_locks.h"
#include "ct_test.h"

CT_SUITE(counter);

#define THREADS 4
#define ADDS 20000

static struct counter shared;
static struct ct_rendezvous start;

static void init(struct counter *c)
{
	int err = counter_init(c);
	CT_CHECK(err == 0, "counter_init(c) returned %d; expected 0", err);
	ct_name_lock(&c->lock, "c->lock");
}

CT_TEST(counter, correct_adds_and_reads)
{
	static struct counter other;

	init(&shared);
	init(&other);
	long v = counter_get(&shared);
	CT_CHECK(v == 0, "counter_get(c) right after counter_init(c) returned %ld; expected 0", v);
	counter_add(&shared, 5);
	counter_add(&shared, -2);
	v = counter_get(&shared);
	CT_CHECK(v == 3, "after counter_add(c, 5) and counter_add(c, -2), counter_get(c) returned %ld; expected 3", v);
	counter_add(&other, 7);
	v = counter_get(&shared);
	CT_CHECK(v == 3 && counter_get(&other) == 7,
		 "two counters are not independent: after adding 7 to the second one, the first reads %ld and the "
		 "second %ld; expected 3 and 7 (use the counter you are given, c, not a global)",
		 v, counter_get(&other));
	counter_destroy(&other);
	counter_destroy(&shared);
	ct_pass();
}

/* Checks that `what` (which just ran) locked c->lock and released every lock. */
static void check_locking(const char *what)
{
	const pthread_mutex_t *held[8];
	int nh = ct_locks_held(held, 8);

	CT_CHECK(ct_lock_log_has(&shared.lock),
		 "%s did not lock c->lock: every access to c->value must happen with c->lock held (volatile, or "
		 "a lock of your own, does not make it safe)",
		 what);
	CT_CHECK(nh == 0, "%s returned still holding %d lock%s: unlock before returning", what, nh, nh == 1 ? "" : "s");
}

CT_TEST(counter, correct_add_and_get_take_the_counters_lock)
{
	init(&shared);
	ct_lock_log_start();
	counter_add(&shared, 1);
	check_locking("counter_add(c, 1)");
	ct_lock_log_start();
	(void)counter_get(&shared);
	check_locking("counter_get(c)");
	ct_pass();
}

static void *adder(void *unused)
{
	(void)unused;
	ct_rendezvous_arrive(&start);
	for (int i = 0; i < ADDS; i++)
		counter_add(&shared, 1);
	return NULL;
}

CT_TEST(counter, correct_no_update_lost_under_stress)
{
	pthread_t t[THREADS];

	init(&shared);
	ct_set_yield_at_locks(true);
	ct_rendezvous_init(&start, THREADS, 500 * CT_MS);
	for (int i = 0; i < THREADS; i++) {
		int err = pthread_create(&t[i], NULL, adder, NULL);
		CT_CHECK(err == 0, "grader error: pthread_create failed (%d)", err);
	}
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	long v = counter_get(&shared), want = (long)THREADS * ADDS;
	CT_CHECK(v == want,
		 "%d threads each called counter_add(c, 1) %d times; counter_get(c) then returned %ld, not %ld: "
		 "%ld updates were lost. Another thread ran between the read and the write of c->value: the read, "
		 "the add and the write must all happen inside one lock/unlock of c->lock",
		 THREADS, ADDS, v, want, want - v);
	ct_pass();
}
