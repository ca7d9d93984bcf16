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
 *
 * A read made just after the unlock is caught by a writer of the grader's
 * that waits for counter_get to release c->lock, then changes the value
 * while counter_get pauses after its unlock (ct_set_unlock_pause): a read
 * made inside the lock returns the old value, one made after it the new.
 * Counters are filled with garbage before counter_init, as memory from
 * malloc may be, and pthread_mutex_init is made to fail once to see what
 * counter_init returns.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "counter.h"
#include "ct_locks.h"
#include "ct_test.h"

CT_SUITE(counter);

#define THREADS 4
#define ADDS 20000

static struct counter shared;
static struct ct_rendezvous start;

/* counter_init on memory full of other bytes, as a counter from malloc or on the stack may be. */
static void init(struct counter *c)
{
	memset(c, 0xa5, sizeof *c);
	int err = counter_init(c);
	CT_CHECK(err == 0, "counter_init(c) returned %d; expected 0", err);
	CT_CHECK(ct_mutex_initialised(&c->lock),
		 "counter_init(c) did not initialise c->lock with pthread_mutex_init(): a counter's memory may hold "
		 "anything before counter_init (the grader filled it with 0xa5 bytes)");
	ct_name_lock(&c->lock, "c->lock");
}

CT_TEST(counter, correct_adds_and_reads)
{
	static struct counter other;

	init(&shared);
	init(&other);
	long v = counter_get(&shared);
	CT_CHECK(v == 0,
		 "counter_get(c) right after counter_init(c) returned %ld; expected 0 (the grader filled the counter "
		 "with 0xa5 bytes before counter_init, which must set the value to 0)",
		 v);
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

/* ---- a read made after the unlock ---- */

#define HOLD_MS 40 /* the reader holds c->lock this long, and pauses this long after unlocking it */
#define TRIES 3    /* a busy machine may keep the grader's writer from running in time: try again */

static struct ct_interval reader_cs[8];
static atomic_int reader_cs_count;
static atomic_bool reader_done, reader_locked; /* counter_get returned; it locked c->lock */
static atomic_long reader_got;
static _Atomic uint64_t reader_returned_ns;

static void *reader(void *unused)
{
	(void)unused;
	ct_cs_log_start(reader_cs, 8);
	ct_lock_log_start();
	reader_got = counter_get(&shared);
	reader_returned_ns = ct_now_ns();
	reader_cs_count = ct_cs_log_count();
	reader_locked = ct_lock_log_has(&shared.lock);
	reader_done = true;
	return NULL;
}

/*
 * One try: a thread calls counter_get(c) on a counter at 0; the grader
 * waits until that thread holds c->lock, then takes it as soon as it is
 * free and writes 1000.  True if the try tells something: the grader wrote
 * (at *wrote_ns) before counter_get returned, while it paused after its
 * unlock.
 */
static bool try_reading_during_a_write(uint64_t *wrote_ns)
{
	pthread_t t;

	init(&shared);
	reader_done = reader_locked = false;
	reader_cs_count = 0;
	*wrote_ns = 0;
	int err = pthread_create(&t, NULL, reader, NULL);
	CT_CHECK(err == 0, "grader error: pthread_create failed (%d)", err);
	bool seen_held = false;
	uint64_t deadline = ct_now_ns() + 1000 * CT_MS;
	while (!seen_held && !reader_done && ct_now_ns() < deadline) {
		int busy = pthread_mutex_trylock(&shared.lock);
		if (busy == 0)
			pthread_mutex_unlock(&shared.lock);
		seen_held = busy == EBUSY;
		if (!seen_held)
			ct_sleep_ns(CT_MS / 2);
	}
	if (seen_held) {
		pthread_mutex_lock(&shared.lock); /* as soon as counter_get lets go */
		*wrote_ns = ct_now_ns();
		shared.value = 1000; /* the grader's own write, with the lock held */
		pthread_mutex_unlock(&shared.lock);
	}
	pthread_join(t, NULL);
	return seen_held && *wrote_ns < reader_returned_ns;
}

CT_TEST(counter, correct_get_reads_the_value_inside_the_lock)
{
	uint64_t wrote_ns = 0;
	bool told = false;

	ct_set_lock_hold(HOLD_MS * CT_MS);
	ct_set_unlock_pause(HOLD_MS * CT_MS);
	for (int k = 0; k < TRIES && !told; k++) {
		told = try_reading_during_a_write(&wrote_ns);
		CT_CHECK(told || reader_locked,
			 "counter_get(c), called in a thread, never took c->lock: it must read c->value with c->lock "
			 "held");
	}
	if (!told)
		CT_SKIP("skipped: the machine was too busy (in %d tries the grader's writer did not run while "
			"counter_get held c->lock or paused after unlocking it)",
			TRIES);
	bool locked_after_write = false;
	for (int k = 0; k < reader_cs_count && k < 8; k++)
		locked_after_write |= reader_cs[k].start_ns >= wrote_ns;
	CT_CHECK(reader_got == 0 || locked_after_write,
		 "counter_get(c) returned %ld, a value the grader wrote after counter_get had unlocked c->lock "
		 "(counter_get released the lock %.0f ms after taking it and paused; the grader wrote at %.0f ms): "
		 "the read of c->value happens after the unlock, where another thread can change it. Copy the value "
		 "into a local variable while the lock is held, unlock, then return the copy.",
		 (long)reader_got,
		 reader_cs_count ? (double)(reader_cs[reader_cs_count - 1].end_ns - reader_cs[0].start_ns) / 1e6 : 0.0,
		 reader_cs_count ? (double)(wrote_ns - reader_cs[0].start_ns) / 1e6 : 0.0);
	ct_pass();
}

/* ---- the lock's life ---- */

CT_TEST(counter, correct_init_reports_a_failed_mutex_init)
{
	memset(&shared, 0xa5, sizeof shared);
	ct_fail_call(CT_CALL_pthread_mutex_init, 1, ENOMEM);
	int err = counter_init(&shared);
	int failed = ct_faults_injected(CT_CALL_pthread_mutex_init);
	ct_faults_reset();
	CT_CHECK(failed == 1, "counter_init(c) did not call pthread_mutex_init(): it must initialise c->lock with it");
	CT_CHECK(err == ENOMEM,
		 "counter_init(c): pthread_mutex_init() failed with ENOMEM (the grader made it fail), and counter_init "
		 "returned %d; expected ENOMEM (%d), the error number that pthread_mutex_init returned%s",
		 err, ENOMEM,
		 err == -1 ? ". A pthread function returns its error number; it neither returns -1 nor sets errno"
			   : "");
	ct_pass();
}

CT_TEST(counter, correct_destroy_destroys_the_lock)
{
	init(&shared);
	counter_add(&shared, 1);
	counter_destroy(&shared);
	CT_CHECK(ct_mutex_destroyed(&shared.lock),
		 "counter_destroy(c) did not destroy c->lock: call pthread_mutex_destroy(&c->lock)");
	ct_pass();
}
