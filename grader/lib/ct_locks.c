/*
 * ct_locks.c - the mutex wrappers, lock knobs and deadlock watchdog behind
 * ct_locks.h.
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
#include "ct_protocol.h"
#include "ct_wrapper.h"

/* Each field is written only by the thread the record describes. */
struct lock_thread {
	atomic_int slot; /* ct_current_thread() of the thread: -1 for the test's own thread */
	_Atomic(const pthread_mutex_t *) waiting;
	_Atomic uintptr_t waiting_pc;
	atomic_int nheld;
	struct {
		_Atomic(const pthread_mutex_t *) m;
		_Atomic uintptr_t pc;
	} held[CT_MAX_HELD];
	_Atomic(const pthread_mutex_t *) tried; /* the last trylock, if it returned EBUSY */
	atomic_ulong busy;                      /* trylocks that returned EBUSY */
};

#define MAX_RECORDS (CT_MAX_THREADS + 64)
static struct lock_thread records[MAX_RECORDS];
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

/* Names, written by the test's thread before it starts workers; names_lock protects them. */
#define MAX_NAMES 128
static pthread_mutex_t names_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	const pthread_mutex_t *m;
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
}

void ct_name_lock(const pthread_mutex_t *m, const char *fmt, ...)
{
	va_list ap;

	__real_pthread_mutex_lock(&names_lock);
	int i = 0;
	while (i < nnames && names[i].m != m)
		i++;
	if (i < MAX_NAMES) {
		names[i].m = m;
		va_start(ap, fmt);
		vsnprintf(names[i].name, sizeof names[i].name, fmt, ap);
		va_end(ap);
		if (i == nnames)
			nnames++;
	}
	__real_pthread_mutex_unlock(&names_lock);
}

const char *ct_lock_name(const pthread_mutex_t *m)
{
	const char *name = NULL;

	__real_pthread_mutex_lock(&names_lock);
	for (int i = 0; i < nnames && !name; i++)
		if (names[i].m == m)
			name = names[i].name; /* entries are never moved or rewritten while tests run */
	__real_pthread_mutex_unlock(&names_lock);
	return name;
}

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
static bool knobs_apply(void) { return ct_current_thread() >= 0 || ct_in_forked_child(); }

/* The calling thread's record, created on first use; NULL once the table is full. */
static struct lock_thread *self(void)
{
	if (!me) {
		int i = atomic_fetch_add(&nrecords, 1);
		if (i >= MAX_RECORDS)
			return NULL;
		me = &records[i];
		me->slot = ct_current_thread();
	}
	return me;
}

static void push_held(struct lock_thread *t, const pthread_mutex_t *m, uintptr_t pc)
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
static bool pop_held(struct lock_thread *t, const pthread_mutex_t *m)
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
	if (t)
		push_held(t, m, pc);
	uint64_t ns = hold_ns;
	if (ns && knobs_apply())
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

	if (!w || !knobs_apply())
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
	if (yield_at_locks && knobs_apply())
		sched_yield();
	wait_for_window();
}

int __wrap_pthread_mutex_lock(pthread_mutex_t *m)
{
	CT_ENTER(pthread_mutex_lock);
	uintptr_t pc = (uintptr_t)__builtin_return_address(0);
	struct lock_thread *t = self();
	int err;

	before_locking();
	if (t) {
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
	struct lock_thread *t = self();
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
		after_taking(m, pc, self());
	return err;
}

int __wrap_pthread_mutex_unlock(pthread_mutex_t *m)
{
	CT_ENTER(pthread_mutex_unlock);
	struct lock_thread *t = self();
	int err;

	wait_for_window();
	/* Forget it first: for a moment nobody is seen holding it, never two threads. */
	bool released = t && pop_held(t, m) && t->nheld == 0;
	err = __real_pthread_mutex_unlock(m);
	if (yield_at_locks && knobs_apply())
		sched_yield();
	uint64_t pause = unlock_pause_ns;
	if (pause && knobs_apply())
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

/*
 * A thread waiting on a condition variable does not hold the mutex while
 * it waits, and holds it again when the call returns (also on a timeout).
 * So the tracker forgets the mutex before the wait (for a moment nobody
 * is seen holding it, never two threads) and takes it back after, with the
 * wait's own call site as where it was taken.  A wait ends a critical
 * section (ct_cs_log_start) and its return starts a new one.  The wait is
 * not a lock: the knobs do not act on it, it is not logged
 * (ct_lock_log_start), and the watchdog does not see the thread as waiting
 * for the mutex.  A wait that fails at once (EINVAL, EPERM: m was not
 * held) changes nothing.
 */
static bool release_for_wait(pthread_mutex_t *m, struct lock_thread *t) { return t && pop_held(t, m); }

static void retake_after_wait(pthread_mutex_t *m, struct lock_thread *t, bool was_held, uintptr_t pc)
{
	if (was_held)
		push_held(t, m, pc);
}

int __wrap_pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
	CT_ENTER(pthread_cond_wait);
	uintptr_t pc = (uintptr_t)__builtin_return_address(0);
	struct lock_thread *t = self();
	bool held = release_for_wait(m, t);
	int err = __real_pthread_cond_wait(c, m);

	retake_after_wait(m, t, held, pc);
	return err;
}

int __wrap_pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abstime)
{
	CT_ENTER(pthread_cond_timedwait);
	uintptr_t pc = (uintptr_t)__builtin_return_address(0);
	struct lock_thread *t = self();
	bool held = release_for_wait(m, t);
	int err = __real_pthread_cond_timedwait(c, m, abstime);

	retake_after_wait(m, t, held, pc);
	return err;
}

int __wrap_pthread_cond_signal(pthread_cond_t *c)
{
	CT_ENTER(pthread_cond_signal);
	return __real_pthread_cond_signal(c);
}

int __wrap_pthread_cond_broadcast(pthread_cond_t *c)
{
	CT_ENTER(pthread_cond_broadcast);
	return __real_pthread_cond_broadcast(c);
}

int ct_locks_held(const pthread_mutex_t **out, int max)
{
	struct lock_thread *t = self();
	int n = t ? t->nheld : 0;

	for (int i = 0; i < n && i < max; i++)
		out[i] = t->held[i].m;
	return n;
}

int ct_locks_snapshot(struct ct_lock_view *out, int max)
{
	int n = atomic_load(&nrecords);

	if (n > MAX_RECORDS)
		n = MAX_RECORDS;
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
static void describe_pc(uintptr_t pc, char *buf, size_t len) { ct_code_token(pc ? pc - 1 : 0, buf, len); }

static void describe_thread(const struct lock_thread *t, char *buf, size_t len)
{
	int slot = t->slot;

	if (slot >= 0)
		snprintf(buf, len, "thread %d", slot + 1);
	else
		snprintf(buf, len, "the test's own thread");
}

/* The record that holds m, and where it took it; -1 if none is seen holding it. */
static int holder_of(const pthread_mutex_t *m, int n, uintptr_t *pc)
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
	int n = atomic_load(&nrecords), path[MAX_RECORDS];

	if (n > MAX_RECORDS)
		n = MAX_RECORDS;
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
			h = holder_of(m, n, &hpc);
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
			describe_thread(t, who, sizeof who);
			if (!w) {
				fprintf(f, "- %s has ended, still holding", who);
			} else {
				describe_pc(t->waiting_pc, where, sizeof where);
				fprintf(f, "- %s waits for %s at %s, while holding", who,
					ct_describe_lock(w, lock, sizeof lock), where);
			}
			int nh = t->nheld;
			if (nh == 0)
				fprintf(f, " no lock");
			for (int i = 0; i < nh && i < CT_MAX_HELD; i++) {
				describe_pc(t->held[i].pc, where, sizeof where);
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

static void *watch(void *unused)
{
	static char seen[4096], now[4096];

	(void)unused;
	seen[0] = '\0';
	for (;;) {
		ct_sleep_ns(100 * CT_MS);
		if (!find_deadlock(now, sizeof now)) {
			seen[0] = '\0';
			continue;
		}
		/* Threads move between two looks unless they are really stuck. */
		if (strcmp(now, seen) != 0) {
			memcpy(seen, now, sizeof seen);
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

	if (atomic_exchange(&started, true))
		return;
	snprintf(test_name, sizeof test_name, "%s", name);
	if (pthread_attr_init(&a) == 0) {
		pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
		int err = ct_real_pthread_create(&t, &a, watch, NULL);
		if (err)
			fprintf(stderr, "ct_locks: cannot start the deadlock watchdog: %s\n", strerror(err));
		pthread_attr_destroy(&a);
	}
}
