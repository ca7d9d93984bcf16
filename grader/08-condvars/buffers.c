/*
 * buffers.c - the shared half of lesson 08's suites (buffers.h).
 *
 * DESIGN: the workers are the test's own code around one call of the
 * student's; what they record (their thread id, when the call returned,
 * their own scheduler account at that moment) is written before
 * `returned` is set and read by the test's thread after it sees it set.
 * The activity of a blocked worker is read from the outside
 * (ct_thread_activity), never from the worker.
 */
#define _GNU_SOURCE
#include "buffers.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ct_locks.h"
#include "ct_test.h"

static void *call_body(void *arg)
{
	struct call *c = arg;

	c->tid = gettid();
	c->slot = ct_current_thread();
	c->started = true;
	c->result = c->is_get ? c->buf->get(c->buf->b, &c->item) : c->buf->put(c->buf->b, c->item);
	c->returned_ns = ct_now_ns();
	c->at_return = ct_sched_self();
	c->returned = true;
	return NULL;
}

void call_start(struct call *c, const struct buffer *buf, bool is_get, long item)
{
	*c = (struct call){.buf = buf, .is_get = is_get, .item = is_get ? POISON : item, .slot = -1};
	int err = pthread_create(&c->thread, NULL, call_body, c);
	CT_CHECK(err == 0, "grader error: pthread_create failed (%d)", err);
}

struct ct_wait call_wait_blocked(struct call *c, uint64_t timeout_ns)
{
	uint64_t until = ct_now_ns() + timeout_ns;

	for (;;) {
		struct ct_wait w = c->started ? ct_thread_wait(c->slot) : (struct ct_wait){0};
		if (w.kind != CT_WAIT_NONE || c->returned || ct_now_ns() > until)
			return w;
		ct_sleep_ns(CT_MS / 2);
	}
}

void call_join(struct call *c)
{
	if (c->joined)
		return;
	int err = pthread_join(c->thread, NULL);
	CT_CHECK(err == 0, "grader error: pthread_join failed (%d)", err);
	c->joined = true;
}

const char *call_name(const struct call *c, char *buf, size_t len)
{
	if (c->is_get)
		snprintf(buf, len, "%s(%s, &item)", c->buf->get_name, c->buf->var);
	else
		snprintf(buf, len, "%s(%s, %ld)", c->buf->put_name, c->buf->var, c->item);
	return buf;
}

static const char *kind_name(enum ct_wait_kind k)
{
	switch (k) {
	case CT_WAIT_MUTEX: return "locking a mutex";
	case CT_WAIT_COND: return "in pthread_cond_wait";
	case CT_WAIT_SEM: return "in sem_wait";
	case CT_WAIT_JOIN: return "in pthread_join";
	case CT_WAIT_NONE: break;
	}
	return "running";
}

void expect_blocked(struct call *c, int ms, const char *state, const void *expected, const char *expected_name)
{
	char call[80], name[120];
	struct ct_wait w = call_wait_blocked(c, (uint64_t)ms * CT_MS);

	call_name(c, call, sizeof call);
	/* Blocked at once is not enough: a wait that returns without a signal must be waited again. */
	uint64_t until = ct_now_ns() + (uint64_t)ms * CT_MS;
	while (!c->returned && ct_now_ns() < until)
		ct_sleep_ns(CT_MS);
	char what[80];
	if (c->result == 0)
		snprintf(what, sizeof what, "0 with item %ld", c->item);
	else
		snprintf(what, sizeof what, "%d (%s)", c->result, strerror(c->result));
	if (c->returned && c->is_get)
		CT_CHECK(false, "%s returned %s while the buffer %s: it went on without an item. %s", call, what, state,
			 c->buf->wait_advice);
	if (c->returned)
		CT_CHECK(false, "%s returned %s while the buffer %s: it did not wait for a free slot%s. %s", call,
			 c->result == 0 ? "0" : what, state, c->result == 0 ? ", and stored into a full buffer" : "",
			 c->buf->wait_advice);
	w = ct_thread_wait(c->slot);
	if (w.kind != CT_WAIT_COND && w.kind != CT_WAIT_SEM)
		return; /* not asleep in a wait: the timing check tells busy-waiting and polling apart */
	CT_CHECK(w.on == expected,
		 "%s is blocked %s on %s while the buffer %s; it must wait on %s, which is what the other side "
		 "wakes when that changes",
		 call, kind_name(w.kind), ct_object_name(w.on) ? ct_object_name(w.on) : "a condition variable or "
		 "semaphore of your own", state, expected_name);
	const pthread_mutex_t *held[CT_MAX_HELD];
	int nh = ct_thread_holds(c->slot, held, CT_MAX_HELD);
	CT_CHECK(nh == 0,
		 "%s sleeps %s while holding %s: no other thread can take that lock, so none can ever change the "
		 "buffer and wake it. %s",
		 call, kind_name(w.kind), ct_describe_lock(held[0], name, sizeof name),
		 w.kind == CT_WAIT_SEM ? "Wait on the semaphore first, then take the lock"
				       : "pthread_cond_wait gives back only the mutex you pass it: hold no other lock "
					 "while you wait");
}

/* ---- initialisation ------------------------------------------------------- */

void expect_init_errors(int (*init)(int capacity), const char *call, int max, const char *needs,
			const struct init_fault *f, int n, const struct init_made *m, int nm)
{
	const int bad[] = {0, -1, max + 1};
	char name[40];

	snprintf(name, sizeof name, "%.*s", (int)strcspn(call, "("), call);
	for (int i = 0; i < 3; i++) {
		int err = init(bad[i]);
		CT_CHECK(err == EINVAL, "%s with capacity %d returned %d; expected EINVAL (%d): the capacity must be 1 to %d",
			 name, bad[i], err, EINVAL, max);
	}
	for (int i = 0; i < n; i++) {
		ct_api_reset();
		ct_faults_reset();
		ct_fail_call(f[i].call, f[i].nth, f[i].err);
		errno = EDOM; /* no call here fails with it: an errno read by mistake shows */
		int err = init(4);
		int injected = ct_faults_injected(f[i].call);
		ct_fault_clear(f[i].call);
		CT_CHECK(injected == 1, "%s made too few %s calls: it needs %s", call, ct_call_name(f[i].call), needs);
		CT_CHECK(err == f[i].err, "with %s, %s returned %d; expected that error, %d (%s)", f[i].what, call, err,
			 f[i].err, f[i].how);
		for (int k = 0; k < nm; k++) {
			int made = ct_count(m[k].init) - ct_faults_injected(m[k].init), gone = ct_count(m[k].destroy);
			CT_CHECK(gone == made,
				 "after %s with %s, %s had initialised %d %s and destroyed %d: after an error nothing may "
				 "be left initialised (destroy what was made, in reverse order)",
				 call, f[i].what, name, made, m[k].things, gone);
		}
	}
	ct_faults_reset();
}

/* ---- sleeping, not spinning ---------------------------------------------- */

void expect_sleeps_while_blocked(struct call *c, int window_ms, const char *state, void (*unblock)(void *arg),
				 void *arg)
{
	char call[80];
	const uint64_t window = (uint64_t)window_ms * CT_MS;

	call_name(c, call, sizeof call);
	/* Let it settle into whatever it does while it cannot go on. */
	call_wait_blocked(c, 200 * CT_MS);
	ct_sleep_ns(20 * CT_MS);
	int tid = c->tid;
	struct ct_thread_activity a = ct_thread_activity(tid);
	uint64_t t0 = ct_now_ns();
	if (!a.ok && !c->returned) {
		unblock(arg);
		call_join(c);
		CT_SKIP("the thread's CPU time cannot be read here (/proc/self/task/%d/schedstat and status)", tid);
	}
	ct_sleep_ns(window);
	struct ct_thread_activity b = ct_thread_activity(tid);
	uint64_t t1 = ct_now_ns();
	CT_CHECK(!c->returned, "%s returned %d while the buffer %s: it must wait until it can go on", call, c->result,
		 state);
	double ms = (double)(t1 - t0) / 1e6;
	double busy = (double)(b.run_ns - a.run_ns + b.wait_ns - a.wait_ns) / 1e6;
	unsigned long naps = b.voluntary - a.voluntary;
	if (busy > 0.5 * ms) {
		unblock(arg);
		call_join(c);
		CT_CHECK(false,
			 "%s was blocked for %.0f ms, because the buffer %s, and all that time its thread wanted a CPU: "
			 "it ran %.1f ms and waited %.1f ms for a CPU, so it busy-waits (a loop that checks again and "
			 "again). A waiting thread must sleep: call pthread_cond_wait (or sem_wait), which uses no CPU "
			 "until another thread wakes it",
			 call, ms, state, (double)(b.run_ns - a.run_ns) / 1e6, (double)(b.wait_ns - a.wait_ns) / 1e6);
	}
	if (naps > 1) {
		unblock(arg);
		call_join(c);
		CT_CHECK(false,
			 "%s was blocked for %.0f ms, because the buffer %s, and in that time its thread went to sleep "
			 "and woke up %lu times, although nothing changed: it polls (sleeps a little, then looks "
			 "again). Polling wastes CPU on every check and answers late; sleep in pthread_cond_wait (or "
			 "sem_wait) until the thread that changes the buffer wakes you",
			 call, ms, state, naps);
	}
	/* Now let it go on: it must be woken, not find out by itself later. */
	struct ct_thread_activity before = ct_thread_activity(tid);
	uint64_t released = ct_now_ns();
	unblock(arg);
	call_join(c);
	CT_CHECK(c->returned && c->result == 0, "%s returned %d once it could go on; expected 0", call, c->result);
	if (before.ok && c->at_return.ok && c->returned_ns > released) {
		double late = (double)(c->returned_ns - released) / 1e6;
		double used = (double)(c->at_return.run_ns - before.run_ns + c->at_return.wait_ns - before.wait_ns) / 1e6;
		double asleep = late - used;
		CT_CHECK(asleep < 20,
			 "%s went on %.0f ms after the test made room for it, and it slept %.0f ms of those: it was not "
			 "woken, it looked again by itself (a slow polling loop). The thread that changes the buffer "
			 "must wake the waiter: pthread_cond_signal (or sem_post)",
			 call, late, asleep);
	}
}

/* ---- the stress run ------------------------------------------------------- */

#define MAX_THREADS 8
#define MAX_ITEMS 4096
/* Producer p's k-th item. */
#define ITEM(p, k) (((long)(p) + 1) << 20 | (long)(k))

static struct ct_rendezvous go;

struct worker {
	const struct buffer *buf;
	int index, quota;
	long got[MAX_ITEMS]; /* consumers: what came out, in order */
	int ngot;
	int failed_result; /* a put or get that did not return 0, and what it returned */
	pthread_t thread;
	atomic_int slot;
};

static struct worker producers[MAX_THREADS], consumers[MAX_THREADS];

static void *produce(void *arg)
{
	struct worker *w = arg;

	w->slot = ct_current_thread();
	ct_rendezvous_arrive(&go);
	for (int k = 0; k < w->quota; k++) {
		int r = w->buf->put(w->buf->b, ITEM(w->index, k));
		if (r != 0) {
			w->failed_result = r;
			break;
		}
	}
	return NULL;
}

static void *consume(void *arg)
{
	struct worker *w = arg;

	w->slot = ct_current_thread();
	ct_rendezvous_arrive(&go);
	while (w->ngot < w->quota) {
		long item = POISON;
		int r = w->buf->get(w->buf->b, &item);
		if (r != 0) {
			w->failed_result = r;
			break;
		}
		w->got[w->ngot++] = item;
	}
	return NULL;
}

static bool all_ended(const struct stress *s)
{
	for (int i = 0; i < s->producers; i++)
		if (!ct_thread(producers[i].slot).end_ns)
			return false;
	for (int i = 0; i < s->consumers; i++)
		if (!ct_thread(consumers[i].slot).end_ns)
			return false;
	return true;
}

/* Who got producer p's item k: the consumer's index in *who and its position in *at; how many times in all. */
static int deliveries(const struct stress *s, long item, int *who, int *at)
{
	int n = 0;

	for (int c = 0; c < s->consumers; c++)
		for (int i = 0; i < consumers[c].ngot; i++)
			if (consumers[c].got[i] == item) {
				if (n++ == 0) {
					*who = c;
					*at = i;
				}
			}
	return n;
}

void stress_run(const struct buffer *buf, const struct stress *s, bool (*sample)(void *arg, char *why, size_t len),
		void *arg)
{
	char plan[200], why[300];
	int total = s->producers * s->per_producer;

	CT_CHECK(s->producers <= MAX_THREADS && s->consumers <= MAX_THREADS && total <= MAX_ITEMS,
		 "grader error: stress run too large");
	snprintf(plan, sizeof plan, "%d producer%s putting %d items each and %d consumer%s, capacity %d",
		 s->producers, s->producers == 1 ? "" : "s", s->per_producer, s->consumers,
		 s->consumers == 1 ? "" : "s", s->capacity);
	ct_rendezvous_init(&go, s->producers + s->consumers, 500 * CT_MS);
	for (int i = 0; i < s->consumers; i++) {
		consumers[i] = (struct worker){.buf = buf, .index = i, .quota = total / s->consumers, .slot = -1};
		if (i < total % s->consumers)
			consumers[i].quota++;
		int err = pthread_create(&consumers[i].thread, NULL, consume, &consumers[i]);
		CT_CHECK(err == 0, "grader error: pthread_create failed (%d)", err);
	}
	for (int i = 0; i < s->producers; i++) {
		producers[i] = (struct worker){.buf = buf, .index = i, .quota = s->per_producer, .slot = -1};
		int err = pthread_create(&producers[i].thread, NULL, produce, &producers[i]);
		CT_CHECK(err == 0, "grader error: pthread_create failed (%d)", err);
	}
	/* Watch the buffer while they run, for a while; then join (the watchdog sees a join blocked). */
	uint64_t until = ct_now_ns() + 1500 * CT_MS;
	bool ok = true;
	while (ok && sample && ct_now_ns() < until && !all_ended(s)) {
		ok = sample(arg, why, sizeof why);
		ct_sleep_ns(CT_MS / 5);
	}
	CT_CHECK(ok, "with %s: %s", plan, why);
	for (int i = 0; i < s->producers; i++)
		pthread_join(producers[i].thread, NULL);
	for (int i = 0; i < s->consumers; i++)
		pthread_join(consumers[i].thread, NULL);

	for (int i = 0; i < s->producers; i++)
		CT_CHECK(producers[i].failed_result == 0, "with %s: %s returned %d (%s) in producer %d; expected 0",
			 plan, buf->put_name, producers[i].failed_result, strerror(producers[i].failed_result), i + 1);
	for (int i = 0; i < s->consumers; i++)
		CT_CHECK(consumers[i].failed_result == 0, "with %s: %s returned %d (%s) in consumer %d; expected 0",
			 plan, buf->get_name, consumers[i].failed_result, strerror(consumers[i].failed_result), i + 1);
	/* Every value that came out was put, and in each consumer each producer's items come in order. */
	for (int c = 0; c < s->consumers; c++) {
		int last[MAX_THREADS];
		for (int p = 0; p < s->producers; p++)
			last[p] = -1;
		for (int i = 0; i < consumers[c].ngot; i++) {
			long item = consumers[c].got[i];
			long p = (item >> 20) - 1, k = item & 0xfffff;
			CT_CHECK(item >= 0 && p >= 0 && p < s->producers && k < s->per_producer,
				 "with %s: consumer %d got %ld (its item number %d), a value no producer put: %s",
				 plan, c + 1, item, i + 1,
				 item == POISON ? "get returned 0 without storing anything into *item"
						: "it read a slot that held no item (taken from an empty buffer, or before "
						  "the item was stored)");
			CT_CHECK(k > last[p],
				 "with %s: consumer %d got producer %ld's item %ld after its item %d: items must come out "
				 "in the order they were stored (first in, first out)%s",
				 plan, c + 1, p + 1, k, last[p],
				 k == last[p] ? ", each exactly once" : "");
			last[p] = (int)k;
		}
	}
	for (int p = 0; p < s->producers; p++)
		for (int k = 0; k < s->per_producer; k++) {
			int who = 0, at = 0, n = deliveries(s, ITEM(p, k), &who, &at);
			CT_CHECK(n == 1,
				 "with %s: producer %d's item %d (the value %ld) was delivered %d times%s: every item "
				 "stored must come out exactly once%s",
				 plan, p + 1, k, ITEM(p, k), n, n ? "" : ", never",
				 n ? " (the same slot was taken twice: check that an item is there, take it and move on, "
				     "all in one critical section)"
				   : " (another item was stored over it before anyone took it, or it was lost)");
		}
}

/* ---- the shared tests -------------------------------------------------------- */

void expect_put_returns(const struct buffer *buf, long item, int want)
{
	int got = buf->put(buf->b, item);
	CT_CHECK(got == want, "%s(%s, %ld) returned %d (%s); expected %d%s", buf->put_name, buf->var, item, got,
		 strerror(got), want, want == EPIPE ? " (EPIPE: the buffer is closed)" : "");
}

void expect_get_returns(const struct buffer *buf, long want_item)
{
	long item = POISON;
	int got = buf->get(buf->b, &item);
	CT_CHECK(got == 0, "%s(%s, &item) returned %d (%s); expected 0 with item %ld, the oldest item stored",
		 buf->get_name, buf->var, got, strerror(got), want_item);
	CT_CHECK(item == want_item,
		 "%s(%s, &item) returned 0 with item %ld; expected %ld, the oldest item stored (first in, first out)",
		 buf->get_name, buf->var, item, want_item);
}

void test_put_waits_while_full(const struct buffer_suite *s)
{
	const struct buffer *buf = s->buf;

	for (int capacity = 1; capacity <= 2; capacity++) {
		struct call c;
		char state[80];

		s->open(capacity);
		ct_set_spurious_wakeups(true);
		for (int k = 0; k < capacity; k++)
			expect_put_returns(buf, 10 + k, 0);
		snprintf(state, sizeof state, "held %d item%s (capacity %d)", capacity, capacity == 1 ? "" : "s",
			 capacity);
		call_start(&c, buf, false, 99);
		expect_blocked(&c, 100, state, buf->not_full, buf->not_full_name);
		expect_get_returns(buf, 10); /* frees a slot: the waiting put must now store 99 */
		call_join(&c);
		CT_CHECK(c.result == 0, "%s(%s, 99) returned %d once a slot was free; expected 0", buf->put_name, buf->var,
			 c.result);
		for (int k = 1; k < capacity; k++)
			expect_get_returns(buf, 10 + k);
		expect_get_returns(buf, 99);
		if (s->expect_empty)
			s->expect_empty(capacity, "taking out every item");
		s->destroy();
	}
}

void test_get_waits_while_empty(const struct buffer_suite *s)
{
	const struct buffer *buf = s->buf;
	struct call c;

	s->open(2);
	ct_set_spurious_wakeups(true);
	call_start(&c, buf, true, 0);
	expect_blocked(&c, 100, "was empty", buf->not_empty, buf->not_empty_name);
	expect_put_returns(buf, 77, 0);
	call_join(&c);
	CT_CHECK(c.result == 0 && c.item == 77,
		 "%s(%s, &item), waiting on an empty buffer, returned %d with item %ld once 77 was put; expected 0 "
		 "and 77",
		 buf->get_name, buf->var, c.result, c.item);
	if (s->expect_empty)
		s->expect_empty(2, "the only item was taken out");
	s->destroy();
}

void test_stress(const struct buffer_suite *s, const struct stress *plans, int n)
{
	for (int i = 0; i < n; i++) {
		char after[120];

		s->open(plans[i].capacity);
		ct_set_spurious_wakeups(true);
		ct_set_yield_at_locks(true);
		stress_run(s->buf, &plans[i], s->sample, NULL);
		ct_set_yield_at_locks(false);
		ct_set_spurious_wakeups(false);
		snprintf(after, sizeof after, "every item of a run with %d producers and %d consumers was taken out",
			 plans[i].producers, plans[i].consumers);
		if (s->expect_empty)
			s->expect_empty(plans[i].capacity, after);
		s->destroy();
	}
}

struct unblock {
	const struct buffer *buf;
	bool put; /* put 42, or get the 1 the test put */
};

static void unblock_it(void *arg)
{
	const struct unblock *u = arg;

	if (u->put)
		expect_put_returns(u->buf, 42, 0);
	else
		expect_get_returns(u->buf, 1);
}

void test_waiting_uses_no_cpu(const struct buffer_suite *s)
{
	const struct buffer *buf = s->buf;
	struct call c;

	s->open(1);
	call_start(&c, buf, true, 0);
	expect_sleeps_while_blocked(&c, 200, "is empty", unblock_it, &(struct unblock){buf, true});
	CT_CHECK(c.item == 42, "%s returned item %ld; expected 42, the item put", buf->get_name, c.item);

	expect_put_returns(buf, 1, 0);
	call_start(&c, buf, false, 2);
	expect_sleeps_while_blocked(&c, 200, "is full", unblock_it, &(struct unblock){buf, false});
	s->destroy();
}
