/*
 * ct_stuck.c - the picture of threads that all wait for one another
 * (ct_find_stuck, ct_locks_internal.h): a lost wake-up, or a thread that
 * sleeps on a condition variable or semaphore holding a lock its waker
 * needs.
 *
 * A group of threads is blocked for good when every thread of the test is
 * in an untimed wait that only another thread can end (for a mutex, on a
 * condition variable or semaphore, or in pthread_join), the test's own
 * thread included, and nothing has been posted or signalled that one of
 * them has yet to take: then no thread is left to wake any other.  The
 * watchdog (ct_locks.c) trusts such a picture only when it sees it twice,
 * 100 ms apart, with no thread having made a tracked call in between.
 *
 * The picture: one line per thread (what it waits on, where, what it
 * holds), one line per condition variable or semaphore waited on (who
 * last signalled or posted it, from where, how many waited then), and the
 * one piece of advice that fits best.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>

#include "ct_locks_internal.h"

/* Whether t is in a wait that only another thread can end. */
static bool blocked_for_good(const struct lock_thread *t)
{
	if (t->waiting)
		return true;
	int kind = t->blocked;
	return kind != CT_WAIT_NONE && !t->timed;
}

static bool has_ended(const struct lock_thread *t)
{
	int slot = t->slot;

	return slot >= 0 && ct_thread(slot).end_ns != 0;
}

static const char *describe_object(const void *p, enum ct_wait_kind kind, char *buf, size_t len)
{
	const char *name = ct_object_name(p);

	if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "a %s at %p that the test did not give you (one of your own?)",
			 kind == CT_WAIT_SEM ? "semaphore" : "condition variable", p);
	return buf;
}

static void describe_slot(int slot, char *buf, size_t len)
{
	if (slot >= 0)
		snprintf(buf, len, "thread %d", slot + 1);
	else
		snprintf(buf, len, "the test's own thread");
}

/* ", while holding no lock" / ", while holding X (taken at ...), Y (...)". */
static void put_held(FILE *f, const struct lock_thread *t)
{
	char lock[120], where[40];
	int nh = t->nheld;

	fprintf(f, ", while holding");
	if (nh == 0)
		fprintf(f, " no lock");
	for (int i = 0; i < nh && i < CT_MAX_HELD; i++) {
		ct_locks_describe_pc(t->held[i].pc, where, sizeof where);
		fprintf(f, "%s %s (taken at %s)", i ? "," : "", ct_describe_lock(t->held[i].m, lock, sizeof lock),
			where);
	}
}

static int sem_value(const void *s)
{
	int v = 0;

	return sem_getvalue((sem_t *)s, &v) == 0 ? v : -1;
}

static void put_thread(FILE *f, const struct lock_thread *t)
{
	char who[40], what[120], lock[120], where[40];
	const pthread_mutex_t *m = t->waiting;

	ct_locks_describe_thread(t, who, sizeof who);
	if (m) {
		ct_locks_describe_pc(t->waiting_pc, where, sizeof where);
		fprintf(f, "- %s waits for %s at %s", who, ct_describe_lock(m, lock, sizeof lock), where);
		put_held(f, t);
	} else if (t->blocked == CT_WAIT_JOIN) {
		int slot = t->join_slot;
		char whom[40] = "a thread the test did not start";
		if (slot >= 0)
			describe_slot(slot, whom, sizeof whom);
		fprintf(f, "- %s waits in pthread_join for %s", who, whom);
		if (!t->is_main) {
			ct_locks_describe_pc(t->blocked_pc, where, sizeof where);
			fprintf(f, " at %s", where);
			put_held(f, t);
		}
	} else {
		const void *on = t->blocked_on;
		ct_locks_describe_pc(t->blocked_pc, where, sizeof where);
		if (t->blocked == CT_WAIT_SEM) {
			fprintf(f, "- %s waits in sem_wait on %s (value %d) at %s", who,
				describe_object(on, CT_WAIT_SEM, what, sizeof what), sem_value(on), where);
		} else {
			fprintf(f, "- %s waits on %s", who, describe_object(on, CT_WAIT_COND, what, sizeof what));
			const pthread_mutex_t *cl = t->cond_lock;
			if (cl)
				fprintf(f, " (with %s)", ct_describe_lock(cl, lock, sizeof lock));
			fprintf(f, " at %s", where);
		}
		put_held(f, t);
	}
	fprintf(f, "\n");
}

static const char *plural(int n, const char *one, const char *many) { return n == 1 ? one : many; }

/* What is known of the condition variable or semaphore obj, waited on by threads of the picture. */
static void put_object(FILE *f, const void *obj, enum ct_wait_kind kind)
{
	char name[120], who[40], where[40];
	struct ct_sync_view v;

	describe_object(obj, kind, name, sizeof name);
	if (!ct_conds_view(obj, &v))
		return;
	describe_slot(v.last_slot, who, sizeof who);
	ct_locks_describe_pc(v.last_pc, where, sizeof where);
	if (kind == CT_WAIT_SEM) {
		fprintf(f, "%s: value %d, %d %s waiting; ", name, sem_value(obj), v.waiting,
			plural(v.waiting, "thread", "threads"));
		if (v.nobody)
			fprintf(f, "never posted.\n");
		else
			fprintf(f, "last posted by %s at %s; %d %s in all.\n", who, where, v.posts,
				plural(v.posts, "post", "posts"));
		return;
	}
	fprintf(f, "%s: %d %s waiting; ", name, v.waiting, plural(v.waiting, "thread", "threads"));
	if (v.nobody)
		fprintf(f, "never signalled nor broadcast.\n");
	else
		fprintf(f, "last %s by %s at %s, when %d %s waited on it; %d %s and %d %s in all.\n",
			v.last_broadcast ? "broadcast (pthread_cond_broadcast)" : "signalled (pthread_cond_signal)",
			who, where, v.waiting_at_last, plural(v.waiting_at_last, "thread", "threads"), v.signals,
			plural(v.signals, "signal", "signals"), v.broadcasts, plural(v.broadcasts, "broadcast", "broadcasts"));
}

/* The one piece of advice that fits best the threads order[0..k-1] of records r. */
static void put_advice(FILE *f, const struct lock_thread *r, const int *order, int k)
{
	char a[40], b[40], name[120], lock[120], wa[40], wb[40];

	/* A thread that sleeps holding a lock another thread waits for. */
	for (int i = 0; i < k; i++) {
		const struct lock_thread *t = &r[order[i]];
		int kind = t->blocked;
		if (t->waiting || (kind != CT_WAIT_SEM && kind != CT_WAIT_COND))
			continue;
		for (int j = 0; j < k; j++) {
			const struct lock_thread *u = &r[order[j]];
			const pthread_mutex_t *m = u->waiting;
			bool holds = false;
			for (int h = 0; m && h < t->nheld && h < CT_MAX_HELD; h++)
				holds = holds || t->held[h].m == m;
			if (!holds)
				continue;
			ct_locks_describe_thread(t, a, sizeof a);
			ct_locks_describe_thread(u, b, sizeof b);
			a[0] = (char)toupper((unsigned char)a[0]);
			fprintf(f,
				"%s sleeps in %s holding %s, and %s, which could wake it, waits for that lock: they "
				"wait for each other forever (a deadlock). Never sleep on a semaphore or a condition "
				"variable while holding a lock the waking thread needs: wait first, then lock "
				"(pthread_cond_wait gives back only the mutex you pass it).\n",
				a, kind == CT_WAIT_SEM ? "sem_wait" : "pthread_cond_wait",
				ct_describe_lock(m, lock, sizeof lock), b);
			return;
		}
	}
	/* Waiters at two places of the code share one condition variable. */
	for (int i = 0; i < k; i++) {
		const struct lock_thread *t = &r[order[i]];
		if (t->waiting || t->blocked != CT_WAIT_COND)
			continue;
		for (int j = i + 1; j < k; j++) {
			const struct lock_thread *u = &r[order[j]];
			if (u->waiting || u->blocked != CT_WAIT_COND || u->blocked_on != t->blocked_on ||
			    u->blocked_pc == t->blocked_pc)
				continue;
			ct_locks_describe_pc(t->blocked_pc, wa, sizeof wa);
			ct_locks_describe_pc(u->blocked_pc, wb, sizeof wb);
			fprintf(f,
				"Threads that wait at two places (at %s and at %s), for two different conditions, share "
				"one condition variable, %s. A signal wakes just one waiter, and it may be one whose "
				"condition is still false: that one goes back to sleep, and the thread that could have "
				"gone on is never woken (a lost wake-up). Give each condition its own condition variable "
				"(one for \"not full\", one for \"not empty\"), or broadcast.\n",
				wa, wb, describe_object(t->blocked_on, CT_WAIT_COND, name, sizeof name));
			return;
		}
	}
	/* Woken by a broadcast, back to sleep; or last woken by a thread that has ended. */
	for (int i = 0; i < k; i++) {
		const struct lock_thread *t = &r[order[i]];
		struct ct_sync_view v;
		if (t->waiting || t->blocked != CT_WAIT_COND || !ct_conds_view(t->blocked_on, &v) || v.nobody)
			continue;
		describe_object(t->blocked_on, CT_WAIT_COND, name, sizeof name);
		if (v.last_broadcast && v.waiting_at_last >= 1 && v.waiting >= v.waiting_at_last) {
			fprintf(f,
				"%s was broadcast while %d %s waited on it, and %s waiting on it again: %s woke, looked, "
				"and went back to sleep, so the condition of the wait loop does not see the change that "
				"was announced. A waiter's loop must also end on what the broadcast announced (a flag "
				"that says to stop, for one).\n",
				name, v.waiting_at_last, plural(v.waiting_at_last, "thread", "threads"),
				v.waiting_at_last == 1 ? "it is" : "they are all", v.waiting_at_last == 1 ? "it" : "they");
			return;
		}
		if (v.last_slot >= 0 && ct_thread(v.last_slot).end_ns) {
			describe_slot(v.last_slot, a, sizeof a);
			a[0] = (char)toupper((unsigned char)a[0]);
			fprintf(f,
				"%s, the last thread to wake %s, has ended, and no thread left will wake it again: its "
				"waiters sleep forever. Did the threads that would wake them finish early (having taken "
				"more than was there), or stop without waking the others?\n",
				a, name);
			return;
		}
	}
	/* A signal where every waiter needed waking, or no signal at all. */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < k; i++) {
			const struct lock_thread *t = &r[order[i]];
			struct ct_sync_view v;
			if (t->waiting || t->blocked != CT_WAIT_COND || !ct_conds_view(t->blocked_on, &v))
				continue;
			describe_object(t->blocked_on, CT_WAIT_COND, name, sizeof name);
			if (pass == 0 && !v.nobody && !v.last_broadcast && v.waiting_at_last >= 2) {
				fprintf(f,
					"%s was last signalled with pthread_cond_signal while %d threads waited on it: a "
					"signal wakes at most one of them, and the others sleep on. When a change concerns "
					"every waiter (closing wakes them all, and each must return), use "
					"pthread_cond_broadcast.\n",
					name, v.waiting_at_last);
				return;
			}
			if (pass == 1 && v.nobody) {
				fprintf(f,
					"Nothing ever signalled %s, so its waiters sleep forever: after every change that "
					"can make a waiter's condition true, signal or broadcast it, while holding the "
					"mutex.\n",
					name);
				return;
			}
		}
	for (int i = 0; i < k; i++) {
		const struct lock_thread *t = &r[order[i]];
		if (t->waiting || t->blocked != CT_WAIT_SEM)
			continue;
		fprintf(f,
			"Nothing will post %s again: every thread that could is waiting itself. Post each semaphore "
			"once for every unit it counts (a slot freed, an item stored), on every path.\n",
			describe_object(t->blocked_on, CT_WAIT_SEM, name, sizeof name));
		return;
	}
	fprintf(f, "A signal sent while no thread waits is not remembered: a thread that checks its condition, "
		   "is overtaken, and only then waits, sleeps forever (a lost wake-up). Change the state and signal "
		   "while holding the mutex the waiters use, and wait in a while loop that checks the state "
		   "first.\n");
}

bool ct_find_stuck(char *buf, size_t len, uint64_t *fingerprint)
{
	int n, k = 0, order[CT_LOCK_RECORDS];
	struct lock_thread *r = ct_locks_records(&n);
	bool main_blocked = false, sleeper = false;
	uint64_t fp = ct_conds_fingerprint();

	/* Every thread the test or the student started, and has not ended, must be in a record, blocked. */
	int created = ct_threads_created();
	for (int slot = 0; slot < created && slot < CT_MAX_THREADS; slot++) {
		if (ct_thread(slot).end_ns)
			continue;
		bool found = false;
		for (int i = 0; i < n && !found; i++)
			found = r[i].slot == slot && blocked_for_good(&r[i]);
		if (!found)
			return false;
	}
	for (int i = 0; i < n; i++) {
		struct lock_thread *t = &r[i];
		if (has_ended(t))
			continue;
		if (!blocked_for_good(t))
			return false;
		main_blocked = main_blocked || t->is_main;
		int kind = t->blocked;
		if (!t->waiting && (kind == CT_WAIT_COND || kind == CT_WAIT_SEM)) {
			struct ct_sync_view v;
			const void *on = t->blocked_on;
			/* Something posted or signalled for it: it will wake. */
			if (kind == CT_WAIT_SEM && sem_value(on) > 0)
				return false;
			if (kind == CT_WAIT_COND && ct_conds_view(on, &v) && v.pending > 0)
				return false;
			sleeper = true;
		}
		fp = fp * 1000003u + t->progress;
		order[k++] = i;
	}
	if (!main_blocked || !sleeper)
		return false;
	/* The test's own thread last. */
	for (int i = 0; i + 1 < k; i++)
		if (r[order[i]].is_main) {
			int m = order[i];
			memmove(order + i, order + i + 1, (size_t)(k - i - 1) * sizeof *order);
			order[k - 1] = m;
			break;
		}

	FILE *f = fmemopen(buf, len, "w");
	if (!f)
		return false;
	fprintf(f, "stuck\n");
	for (int i = 0; i < k; i++)
		put_thread(f, &r[order[i]]);
	/* Each condition variable and semaphore waited on, once. */
	for (int i = 0; i < k; i++) {
		const struct lock_thread *t = &r[order[i]];
		int kind = t->blocked;
		if (t->waiting || (kind != CT_WAIT_COND && kind != CT_WAIT_SEM))
			continue;
		bool before = false;
		for (int j = 0; j < i && !before; j++)
			before = !r[order[j]].waiting && r[order[j]].blocked == kind &&
				 r[order[j]].blocked_on == t->blocked_on;
		if (!before)
			put_object(f, t->blocked_on, kind);
	}
	fprintf(f, "Every thread is waiting for another one, and none is left to wake the others. ");
	put_advice(f, r, order, k);
	fclose(f);
	*fingerprint = fp;
	return true;
}
