/*
 * ct_locks.c - the mutex wrappers, lock knobs, thread records and deadlock
 * watchdog behind ct_locks.h.  The condition variable and semaphore
 * wrappers are in ct_conds.c, the picture of threads that all wait for one
 * another in ct_stuck.c; the records they share are in ct_locks_internal.h.
 */
#define _GNU_SOURCE
#include "ct_locks.h"

#include <dlfcn.h>
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "ct_api.h"
#include "ct_clock.h"
#include "ct_locks_internal.h"
#include "ct_protocol.h"
#include "ct_signals.h"
#include "ct_wrapper.h"

static struct lock_thread records[CT_LOCK_RECORDS];
static atomic_int nrecords;
static _Thread_local struct lock_thread *me;

/* The calling thread's log (ct_lock_log_start); only that thread touches it. */
#define LOG_MAX 32
static _Thread_local const pthread_mutex_t *lock_log[LOG_MAX];
static _Thread_local int nlog;
/* ... and the pairs (held, then taken while holding it) it saw, each once. */
#define PAIRS_MAX 128
static _Thread_local struct {
	const pthread_mutex_t *held, *taken;
} lock_pairs[PAIRS_MAX];
static _Thread_local int npairs;

/* The calling thread's critical-section log (ct_cs_log_start); only that thread touches it. */
static _Thread_local struct ct_interval *cs_log;
static _Thread_local int cs_max, cs_count;
static _Thread_local uint64_t cs_start;

static _Atomic uint64_t hold_ns, unlock_pause_ns, lockstep_ns;
static _Atomic int lockstep_parties;
static atomic_bool yield_at_locks;

/* The watchdog's advice under a cycle (ct_set_deadlock_advice); empty: the default. */
static char advice[512];
static const char default_advice[] =
	"Take locks in one global order everywhere (for example, the lower account number first), so that no "
	"such cycle can form.";

/* The last successful pthread_mutex_init and _destroy calls; each slot is claimed by one atomic increment. */
#define LIFE_MAX 64
static struct {
	_Atomic(const pthread_mutex_t *) m;
	atomic_bool destroyed; /* false: an init */
} life[LIFE_MAX];
static atomic_int nlife;

/* The calling thread's release hook (ct_on_next_release); only that thread touches it. */
static _Thread_local void (*release_hook)(void *);
static _Thread_local void *release_arg;

/* Inits and destroys of any thread (ct_mutex_events); a slot is claimed with one atomic add. */
#define MAX_MUTEX_EVENTS 256
static struct ct_mutex_event mutex_events[MAX_MUTEX_EVENTS];
static atomic_int nmutex_events;

/*
 * Names of mutexes, condition variables and semaphores, written by the
 * test's thread before it starts workers; names_lock protects them.
 */
#define MAX_NAMES 128
static pthread_mutex_t names_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	const void *p;
	char name[48];
} names[MAX_NAMES];
static int nnames;

/* fork() takes names_lock first, so that a child never starts with it held by a thread it does not have. */
static void lock_names(void) { __real_pthread_mutex_lock(&names_lock); }
static void unlock_names(void) { __real_pthread_mutex_unlock(&names_lock); }

__attribute__((constructor)) static void register_fork_handlers(void)
{
	int err = pthread_atfork(lock_names, unlock_names, unlock_names);

	if (err)
		fprintf(stderr, "ct_locks: pthread_atfork: %s\n", strerror(err));
}

void ct_locks_reset(void)
{
	__real_pthread_mutex_lock(&names_lock);
	nnames = 0;
	__real_pthread_mutex_unlock(&names_lock);
	hold_ns = 0;
	unlock_pause_ns = 0;
	lockstep_ns = 0;
	lockstep_parties = 0;
	yield_at_locks = false;
	advice[0] = '\0';
	nlog = npairs = 0;
	nlife = 0;
	release_hook = NULL;
	nmutex_events = 0;
	ct_conds_reset();
}

static void name_object(const void *p, const char *fmt, va_list ap)
{
	__real_pthread_mutex_lock(&names_lock);
	int i = 0;
	while (i < nnames && names[i].p != p)
		i++;
	if (i < MAX_NAMES) {
		names[i].p = p;
		vsnprintf(names[i].name, sizeof names[i].name, fmt, ap);
		if (i == nnames)
			nnames++;
	}
	__real_pthread_mutex_unlock(&names_lock);
}

void ct_name_lock(const pthread_mutex_t *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	name_object(m, fmt, ap);
	va_end(ap);
}

void ct_name_object(const void *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	name_object(p, fmt, ap);
	va_end(ap);
}

const char *ct_object_name(const void *p)
{
	const char *name = NULL;

	__real_pthread_mutex_lock(&names_lock);
	for (int i = 0; i < nnames && !name; i++)
		if (names[i].p == p)
			name = names[i].name; /* entries are never moved or rewritten while tests run */
	__real_pthread_mutex_unlock(&names_lock);
	return name;
}

const char *ct_lock_name(const pthread_mutex_t *m) { return ct_object_name(m); }

const char *ct_describe_lock(const pthread_mutex_t *m, char *buf, size_t len)
{
	const char *name = ct_lock_name(m);

	if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "a mutex at %p that the test did not give you (a lock of your own?)", (void *)m);
	return buf;
}

void ct_set_lock_hold(uint64_t ns) { hold_ns = ns; }
void ct_set_yield_at_locks(bool on) { yield_at_locks = on; }
void ct_set_unlock_pause(uint64_t ns) { unlock_pause_ns = ns; }
void ct_set_lock_lockstep(uint64_t ns, int parties)
{
	lockstep_parties = parties;
	lockstep_ns = ns;
}

/* Set by the test's thread before it starts workers; read by the watchdog only. */
void ct_set_deadlock_advice(const char *text) { snprintf(advice, sizeof advice, "%s", text ? text : ""); }

static void note_life(const pthread_mutex_t *m, bool destroyed)
{
	int i = atomic_fetch_add(&nlife, 1) % LIFE_MAX;

	life[i].m = NULL;
	life[i].destroyed = destroyed;
	life[i].m = m;
}

static bool had_life(const pthread_mutex_t *m, bool destroyed)
{
	int n = atomic_load(&nlife);

	for (int i = 0; i < n && i < LIFE_MAX; i++)
		if (life[i].m == m && life[i].destroyed == destroyed)
			return true;
	return false;
}

bool ct_mutex_initialised(const pthread_mutex_t *m) { return had_life(m, false); }
bool ct_mutex_destroyed(const pthread_mutex_t *m) { return had_life(m, true); }

/* The knobs act in threads created through pthread_create and in forked children (ct_locks.h). */
bool ct_locks_knobs_apply(void) { return ct_current_thread() >= 0 || ct_in_forked_child(); }

struct lock_thread *ct_locks_self(void)
{
	if (!me) {
		int i = atomic_fetch_add(&nrecords, 1);
		if (i >= CT_LOCK_RECORDS)
			return NULL;
		me = &records[i];
		me->join_slot = -1;
		me->slot = ct_current_thread();
	}
	return me;
}

struct lock_thread *ct_locks_records(int *n)
{
	int k = atomic_load(&nrecords);

	*n = k < CT_LOCK_RECORDS ? k : CT_LOCK_RECORDS;
	return records;
}

void ct_locks_push_held(struct lock_thread *t, const pthread_mutex_t *m, uintptr_t pc)
{
	int n = t->nheld;

	if (n == 0 && cs_log)
		cs_start = ct_now_ns();

	if (n < CT_MAX_HELD) {
		t->held[n].pc = pc;
		t->held[n].m = m;
		t->nheld = n + 1;
	}
}

/* Forgets the newest entry for m; false if the thread was not holding it. */
bool ct_locks_pop_held(struct lock_thread *t, const pthread_mutex_t *m)
{
	int n = t->nheld;

	for (int i = n - 1; i >= 0; i--)
		if (t->held[i].m == m) {
			for (int k = i; k + 1 < n; k++) {
				t->held[k].m = atomic_load(&t->held[k + 1].m);
				t->held[k].pc = atomic_load(&t->held[k + 1].pc);
			}
			t->nheld = n - 1;
			if (n == 1 && cs_log && cs_count < cs_max)
				cs_log[cs_count++] = (struct ct_interval){cs_start, ct_now_ns()};
			return true;
		}
	return false;
}

static void log_pair(const pthread_mutex_t *held, const pthread_mutex_t *taken)
{
	for (int i = 0; i < npairs; i++)
		if (lock_pairs[i].held == held && lock_pairs[i].taken == taken)
			return;
	if (npairs < PAIRS_MAX) {
		lock_pairs[npairs].held = held;
		lock_pairs[npairs++].taken = taken;
	}
}

/* Logs m, and m as taken while holding each mutex t holds (before m is pushed). */
static void log_lock(const pthread_mutex_t *m, const struct lock_thread *t)
{
	for (int i = 0; t && i < t->nheld && i < CT_MAX_HELD; i++)
		if (t->held[i].m != m)
			log_pair(t->held[i].m, m);
	for (int i = 0; i < nlog; i++)
		if (lock_log[i] == m)
			return;
	if (nlog < LOG_MAX)
		lock_log[nlog++] = m;
}

static void after_taking(const pthread_mutex_t *m, uintptr_t pc, struct lock_thread *t)
{
	log_lock(m, t);
	if (t) {
		ct_locks_push_held(t, m, pc);
		t->progress++;
	}
	uint64_t ns = hold_ns;
	if (ns && ct_locks_knobs_apply())
		ct_sleep_ns(ns);
}

/*
 * The lockstep knob, before any lock, trylock or unlock: join the window
 * open now, or open one, and wait until it closes (at its end, or once
 * lockstep_parties calls have joined it).  window_lock (a real mutex, so
 * the tracker never sees it) protects the window's fields.
 */
static pthread_mutex_t window_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t window_id;   /* the window open now (or the last one) */
static uint64_t window_end;  /* when it closes (ct_now_ns); at or before now: closed */
static int window_calls;     /* calls that joined it */

#define WINDOW_POLL_NS 100000ULL

static void wait_for_window(void)
{
	uint64_t w = lockstep_ns;

	if (!w || !ct_locks_knobs_apply())
		return;
	__real_pthread_mutex_lock(&window_lock);
	uint64_t now = ct_now_ns();
	if (window_end <= now) {
		window_id++;
		window_end = now + w;
		window_calls = 0;
	}
	uint64_t mine = window_id;
	if (++window_calls >= lockstep_parties && lockstep_parties > 0)
		window_end = now; /* everyone is here: it closes at once */
	for (;;) {
		now = ct_now_ns();
		uint64_t left = window_id == mine && window_end > now ? window_end - now : 0;
		__real_pthread_mutex_unlock(&window_lock);
		if (!left)
			return;
		ct_sleep_ns(left < WINDOW_POLL_NS ? left : WINDOW_POLL_NS);
		__real_pthread_mutex_lock(&window_lock);
	}
}

/* Before a call that may block for a lock: the yield and lockstep knobs. */
static void before_locking(void)
{
	if (yield_at_locks && ct_locks_knobs_apply())
		sched_yield();
	wait_for_window();
}

int __wrap_pthread_mutex_lock(pthread_mutex_t *m)
{
	CT_ENTER(pthread_mutex_lock);
	uintptr_t pc = (uintptr_t)__builtin_return_address(0);
	struct lock_thread *t = ct_locks_self();
	int err;

	before_locking();
	if (t) {
		t->progress++;
		t->waiting_pc = pc;
		t->waiting = m;
	}
	err = __real_pthread_mutex_lock(m);
	if (t)
		t->waiting = NULL;
	if (!err)
		after_taking(m, pc, t);
	return err;
}

int __wrap_pthread_mutex_trylock(pthread_mutex_t *m)
{
	CT_ENTER(pthread_mutex_trylock);
	uintptr_t pc = (uintptr_t)__builtin_return_address(0);
	struct lock_thread *t = ct_locks_self();
	int err;

	wait_for_window();
	err = __real_pthread_mutex_trylock(m);
	if (t) {
		t->tried = err == EBUSY ? m : NULL;
		if (err == EBUSY)
			t->busy++;
	}
	if (!err)
		after_taking(m, pc, t);
	return err;
}

/*
 * A lock that gives up at abstime: once it succeeds it is a lock like any
 * other.  While it waits, the watchdog does not count it as blocked for
 * good (it ends by itself).
 */
int __wrap_pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *abstime)
{
	CT_ENTER(pthread_mutex_timedlock);
	uintptr_t pc = (uintptr_t)__builtin_return_address(0);
	int err;

	before_locking();
	err = __real_pthread_mutex_timedlock(m, abstime);
	if (!err)
		after_taking(m, pc, ct_locks_self());
	return err;
}

int __wrap_pthread_mutex_unlock(pthread_mutex_t *m)
{
	CT_ENTER(pthread_mutex_unlock);
	struct lock_thread *t = ct_locks_self();
	int err;

	wait_for_window();
	/* Forget it first: for a moment nobody is seen holding it, never two threads. */
	bool released = false;

	if (t) {
		t->progress++;
		released = ct_locks_pop_held(t, m) && t->nheld == 0;
	}
	err = __real_pthread_mutex_unlock(m);
	if (yield_at_locks && ct_locks_knobs_apply())
		sched_yield();
	uint64_t pause = unlock_pause_ns;
	if (pause && ct_locks_knobs_apply())
		ct_sleep_ns(pause);
	if (released && !err && release_hook) {
		void (*fn)(void *) = release_hook;
		release_hook = NULL; /* once: fn may lock and unlock mutexes itself */
		fn(release_arg);
	}
	return err;
}

static void note_mutex_event(const pthread_mutex_t *m, enum ct_mutex_event_kind kind, int err)
{
	int i = atomic_fetch_add(&nmutex_events, 1);

	if (i < MAX_MUTEX_EVENTS)
		mutex_events[i] = (struct ct_mutex_event){m, kind, err};
}

/* Not CT_ENTER: a failure injected here is listed too (ct_mutex_events), so a test can tell which mutex it hit. */
int __wrap_pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a)
{
	ct_count_call(CT_CALL_pthread_mutex_init);
	int err = ct_fault_take(CT_CALL_pthread_mutex_init, NULL);
	if (!err)
		err = __real_pthread_mutex_init(m, a);
	if (!err)
		note_life(m, false);

	note_mutex_event(m, CT_MUTEX_INIT, err);
	return err;
}

int __wrap_pthread_mutex_destroy(pthread_mutex_t *m)
{
	CT_ENTER(pthread_mutex_destroy);
	int err = __real_pthread_mutex_destroy(m);
	if (!err)
		note_life(m, true);
	note_mutex_event(m, CT_MUTEX_DESTROY, err);
	return err;
}

int ct_locks_held(const pthread_mutex_t **out, int max)
{
	struct lock_thread *t = ct_locks_self();
	int n = t ? t->nheld : 0;

	for (int i = 0; i < n && i < max; i++)
		out[i] = t->held[i].m;
	return n;
}

int ct_locks_snapshot(struct ct_lock_view *out, int max)
{
	int n = atomic_load(&nrecords);

	if (n > CT_LOCK_RECORDS)
		n = CT_LOCK_RECORDS;
	for (int i = 0; i < n && i < max; i++) {
		const struct lock_thread *r = &records[i];
		struct ct_lock_view *v = &out[i];

		v->slot = r->slot;
		v->nheld = r->nheld;
		for (int h = 0; h < v->nheld && h < CT_MAX_HELD; h++)
			v->held[h] = r->held[h].m;
		v->waiting = r->waiting;
		v->tried = r->tried;
		v->busy = r->busy;
	}
	return n;
}

void ct_lock_log_start(void)
{
	nlog = npairs = 0;
}

bool ct_lock_log_nested(const pthread_mutex_t *held, const pthread_mutex_t *taken)
{
	for (int i = 0; i < npairs; i++)
		if (lock_pairs[i].held == held && lock_pairs[i].taken == taken)
			return true;
	return false;
}

bool ct_lock_log_has(const pthread_mutex_t *m)
{
	for (int i = 0; i < nlog; i++)
		if (lock_log[i] == m)
			return true;
	return false;
}

void ct_cs_log_start(struct ct_interval *buf, int max)
{
	cs_log = buf;
	cs_max = max;
	cs_count = 0;
}

int ct_cs_log_count(void)
{
	return cs_count;
}

void ct_on_next_release(void (*fn)(void *), void *arg)
{
	release_arg = arg;
	release_hook = fn;
}

void ct_mutex_events_start(void)
{
	nmutex_events = 0;
}

int ct_mutex_events(struct ct_mutex_event *out, int max)
{
	int n = nmutex_events;

	n = n < MAX_MUTEX_EVENTS ? n : MAX_MUTEX_EVENTS;
	for (int i = 0; i < n && i < max; i++)
		out[i] = mutex_events[i];
	return n;
}

int ct_lock_log(const pthread_mutex_t **out, int max)
{
	for (int i = 0; i < nlog && i < max; i++)
		out[i] = lock_log[i];
	return nlog;
}

/* ---- the watchdog -------------------------------------------------------- */

const char *ct_code_token(uintptr_t addr, char *buf, size_t len)
{
	Dl_info here, there;

	if (addr && dladdr((void *)ct_deadlock_watch_start, &here) && dladdr((void *)addr, &there) &&
	    here.dli_fbase == there.dli_fbase)
		snprintf(buf, len, "@0x%lx", (unsigned long)(addr - (uintptr_t)here.dli_fbase));
	else
		snprintf(buf, len, "(in a library)");
	return buf;
}

/* A return address names the call just before it. */
void ct_locks_describe_pc(uintptr_t pc, char *buf, size_t len) { ct_code_token(pc ? pc - 1 : 0, buf, len); }

void ct_locks_describe_thread(const struct lock_thread *t, char *buf, size_t len)
{
	int slot = t->slot;

	if (slot >= 0)
		snprintf(buf, len, "thread %d", slot + 1);
	else
		snprintf(buf, len, "the test's own thread");
}

int ct_locks_holder_of(const pthread_mutex_t *m, int n, uintptr_t *pc)
{
	for (int i = 0; i < n; i++) {
		int k = records[i].nheld;
		for (int h = 0; h < k && h < CT_MAX_HELD; h++)
			if (records[i].held[h].m == m) {
				*pc = records[i].held[h].pc;
				return i;
			}
	}
	return -1;
}

static bool has_ended(const struct lock_thread *t)
{
	int slot = t->slot;

	return slot >= 0 && ct_thread(slot).end_ns != 0;
}

/*
 * Writes the picture of the first group of threads found blocked for good
 * into buf; returns false if there is none.
 */
static bool find_deadlock(char *buf, size_t len)
{
	int n = atomic_load(&nrecords), path[CT_LOCK_RECORDS];

	if (n > CT_LOCK_RECORDS)
		n = CT_LOCK_RECORDS;
	for (int start = 0; start < n; start++) {
		int depth = 0, cur = start;
		const char *ending = NULL;

		while (depth < n) {
			const pthread_mutex_t *m = records[cur].waiting;
			uintptr_t hpc = 0;
			int h;

			if (!m)
				break;
			path[depth++] = cur;
			h = ct_locks_holder_of(m, n, &hpc);
			if (h < 0)
				break;
			if (h == cur) {
				/* Taken at another call site: most likely twice in this very call. */
				ending = hpc == records[cur].waiting_pc ? "self" : "self-twice";
				break;
			}
			if (has_ended(&records[h])) {
				ending = "ended";
				path[depth++] = h;
				break;
			}
			bool seen = false;
			for (int k = 0; k < depth && !seen; k++)
				seen = path[k] == h;
			if (seen) {
				/* Keep only the cycle itself. */
				int k = 0;
				while (path[k] != h)
					k++;
				memmove(path, path + k, (size_t)(depth - k) * sizeof *path);
				depth -= k;
				ending = "cycle";
				break;
			}
			cur = h;
		}
		if (!ending)
			continue;

		FILE *f = fmemopen(buf, len, "w");
		if (!f)
			return false;
		fprintf(f, "%s\n", strcmp(ending, "cycle") == 0 ? "cycle" : "stuck");
		for (int k = 0; k < depth; k++) {
			const struct lock_thread *t = &records[path[k]];
			const pthread_mutex_t *w = t->waiting;
			char who[40], lock[120], where[40];
			ct_locks_describe_thread(t, who, sizeof who);
			if (!w) {
				fprintf(f, "- %s has ended, still holding", who);
			} else {
				ct_locks_describe_pc(t->waiting_pc, where, sizeof where);
				fprintf(f, "- %s waits for %s at %s, while holding", who,
					ct_describe_lock(w, lock, sizeof lock), where);
			}
			int nh = t->nheld;
			if (nh == 0)
				fprintf(f, " no lock");
			for (int i = 0; i < nh && i < CT_MAX_HELD; i++) {
				ct_locks_describe_pc(t->held[i].pc, where, sizeof where);
				fprintf(f, "%s %s (taken at %s)", i ? "," : "",
					ct_describe_lock(t->held[i].m, lock, sizeof lock), where);
			}
			fprintf(f, "\n");
		}
		if (strcmp(ending, "cycle") == 0)
			fprintf(f, "Each of these threads waits for a lock that the next one holds, so none of them can "
				   "ever go on: a deadlock. %s\n", advice[0] ? advice : default_advice);
		else if (strcmp(ending, "self-twice") == 0)
			fprintf(f, "A thread waits for a lock it already holds itself: a mutex locked twice by the same "
				   "thread waits forever. It was taken at another line. It took the lock at one call and, "
				   "without unlocking it, locks it again at another: unlock before locking again (was the "
				   "second call meant to be pthread_mutex_unlock?), and do not call a function that takes "
				   "the lock while holding it. If both lines lock the same mutex in one call (two "
				   "arguments that name the same object, such as one account given as both ends of a "
				   "transfer), check for that before locking; if an earlier call took it, unlock on every "
				   "path out of that function, including early returns.\n");
		else if (strcmp(ending, "self") == 0)
			fprintf(f, "A thread waits for a lock it already holds itself: a mutex locked twice by the same "
				   "thread waits forever. It was taken at this same line before, by an earlier call that "
				   "returned without unlocking it (or by an earlier turn of a loop): unlock on every path "
				   "out of the function, including early returns.\n");
		else
			fprintf(f, "A thread waits for a lock held by a thread that has ended without unlocking it, "
				   "so it will never be free: unlock on every path out of the function, including early "
				   "returns.\n");
		fclose(f);
		return true;
	}
	return false;
}

static char test_name[256];
static atomic_bool watching = true;

void ct_deadlock_watch_enable(bool on) { watching = on; }

/*
 * The picture of threads blocked for good, if any: a cycle of mutex waits
 * (or a mutex that will never be free), else every thread waiting for
 * another one (ct_stuck.c).  *fingerprint moves whenever a thread did.
 */
static bool find_blocked(char *buf, size_t len, uint64_t *fingerprint)
{
	*fingerprint = 0;
	return find_deadlock(buf, len) || ct_find_stuck(buf, len, fingerprint);
}

static void *watch(void *unused)
{
	static char seen[4096], now[4096];
	uint64_t seen_print = 0, now_print;

	(void)unused;
	seen[0] = '\0';
	for (;;) {
		ct_sleep_ns(100 * CT_MS);
		if (!watching || !find_blocked(now, sizeof now, &now_print)) {
			seen[0] = '\0';
			continue;
		}
		/* Threads move between two looks unless they are really stuck. */
		if (strcmp(now, seen) != 0 || now_print != seen_print) {
			memcpy(seen, now, sizeof seen);
			seen_print = now_print;
			continue;
		}
		char path[300];
		snprintf(path, sizeof path, CT_DEADLOCK_FILE_FMT, test_name);
		FILE *f = fopen(path, "w");
		if (f) {
			fputs(now, f);
			fclose(f);
		}
		fprintf(stderr, "ct_locks: deadlock in %s:\n%s", test_name, now);
		ct_exit_now(CT_EXIT_DEADLOCK);
	}
	return NULL;
}

void ct_deadlock_watch_start(const char *name)
{
	static atomic_bool started;
	pthread_t t;
	pthread_attr_t a;

	/* The caller is the test's own thread: the watchdog waits for it too, before it calls a lost wake-up. */
	struct lock_thread *me_test = ct_locks_self();
	if (me_test)
		me_test->is_main = true;
	if (atomic_exchange(&started, true))
		return;
	snprintf(test_name, sizeof test_name, "%s", name);
	if (pthread_attr_init(&a) == 0) {
		pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
		sigset_t old;
		ct_block_process_signals(&old); /* the watchdog never takes a signal meant for the student's code */
		int err = ct_real_pthread_create(&t, &a, watch, NULL);
		ct_restore_signals(&old);
		if (err)
			fprintf(stderr, "ct_locks: cannot start the deadlock watchdog: %s\n", strerror(err));
		pthread_attr_destroy(&a);
	}
}
