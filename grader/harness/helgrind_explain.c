/*
 * helgrind_explain.c - one Helgrind finding in plain words for a student
 * (see helgrind_internal.h): what was raced or misused, where (function,
 * file, line), by which threads, holding which locks, and what to do.
 */
#define _GNU_SOURCE
#include "helgrind_internal.h"
#include "util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* "sum_share()" (or "worker(bool)" for names that already carry parentheses). */
static void put_fn(struct sb *b, const char *fn)
{
	sb_printf(b, "%s%s", fn, strchr(fn, '(') ? "" : "()");
}

/* "in sum_share() at sum.c:31" / "at sum.c:31" / "inside memset() (library code, ...)". */
static void put_place(struct sb *b, const struct hg_access *a)
{
	if (a->file) {
		if (a->fn) {
			sb_printf(b, "in ");
			put_fn(b, a->fn);
			sb_printf(b, " ");
		}
		if (a->line > 0)
			sb_printf(b, "at %s:%d", a->file, a->line);
		else
			sb_printf(b, "in %s", a->file);
	} else if (a->top_fn) {
		sb_printf(b, "inside ");
		put_fn(b, a->top_fn);
		sb_printf(b, " (library code: no line of your program was recorded there)");
	} else {
		sb_printf(b, "at a place the report does not name");
	}
}

static void put_thread(struct sb *b, int thread)
{
	if (thread > 0)
		sb_printf(b, "thread #%d", thread);
	else
		sb_printf(b, "a thread");
}

/*
 * ", holding no lock" / ", holding a lock (at address 0x..)" / ", holding 2
 * locks (a, and 1 that no longer existed ...)" / "" if unknown.  tool: the
 * report's.
 */
static void put_locks(struct sb *b, const struct hg_access *a, const char *tool)
{
	const char *addr = a->locks_held ? strstr(a->locks_held, "at address") : NULL;
	size_t addr_len = addr ? strcspn(addr, "(") : 0;

	while (addr_len > 0 && addr[addr_len - 1] == ' ')
		addr_len--;
	if (a->nlocks == 0)
		sb_printf(b, ", holding no lock");
	else if (a->nlocks == 1)
		sb_printf(b, ", holding a lock");
	else if (a->nlocks > 1)
		sb_printf(b, ", holding %d locks", a->nlocks);
	if (a->nlocks <= 0)
		return;
	if (a->nlocks_hidden > 0 && (a->locks_named || addr_len))
		sb_printf(b, " (%.*s, and %d that no longer existed when %s reported: destroyed or freed since)",
			  a->locks_named ? (int)strlen(a->locks_named) : (int)addr_len,
			  a->locks_named ? a->locks_named : addr, a->nlocks_hidden, tool);
	else if (a->nlocks_hidden > 0)
		sb_printf(b, " (%s that no longer existed when %s reported: destroyed or freed since)",
			  a->nlocks_hidden == 1 ? "one" : "they", tool);
	else if (a->locks_named)
		sb_printf(b, " (%s)", a->locks_named);
	else if (addr)
		sb_printf(b, " (%s)", addr);
}

/*
 * The length of the lock token at s: an address "0x10C060" (Helgrind's
 * "Locks held") or a mutex number "M12" (ThreadSanitizer's "mutexes:"),
 * after a character that is not part of a word; 0 if there is none.
 */
static size_t lock_token(const char *text, const char *s)
{
	if (s > text && (isalnum((unsigned char)s[-1]) || s[-1] == '_'))
		return 0;
	if (s[0] == '0' && s[1] == 'x')
		return 2 + strspn(s + 2, "0123456789abcdefABCDEF");
	if (s[0] == 'M' && isdigit((unsigned char)s[1]))
		return 1 + strspn(s + 1, "0123456789");
	return 0;
}

/* Whether the two "Locks held" texts name a common lock (by address or number). */
static int locks_share(const char *x, const char *y)
{
	if (!x || !y)
		return 0;
	for (const char *p = x; *p; p++) {
		size_t n = lock_token(x, p);

		for (const char *q = y; n && *q; q++)
			if (lock_token(y, q) == n && strncmp(p, q, n) == 0)
				return 1;
	}
	return 0;
}

/* The verb of an access: "freed" for the free() of a race with free(). */
static const char *access_verb(const struct hg_finding *f, int side)
{
	const struct hg_access *a = side == 0 ? &f->now : &f->before;

	if (f->free_race == side + 1)
		return "freed";
	return a->is_write == 1 ? "wrote" : a->is_write == 0 ? "read" : "accessed";
}

/* The heading of a race on a heap block: "a heap block allocated in main() at x.c:20 (at byte 4 of ...)". */
static void put_heap_block(struct sb *b, const struct hg_finding *f)
{
	if (f->block_freed) {
		if (f->block_size > 0)
			sb_printf(b, "a %ld-byte heap block", f->block_size);
		else
			sb_printf(b, "a heap block, freed since"); /* its size is no longer known */
		if (f->var_offset >= 0)
			sb_printf(b, " (at byte %ld)", f->var_offset);
		return;
	}
	sb_printf(b, "a heap block allocated");
	if (f->alloc.file || f->alloc.top_fn) {
		sb_printf(b, " ");
		put_place(b, &f->alloc);
	}
	if (f->noffsets > 1 && f->block_size > 0) {
		sb_printf(b, " (at bytes ");
		for (int i = 0; i < f->noffsets; i++)
			sb_printf(b, "%s%ld", i == 0 ? "" : i == f->noffsets - 1 ? " and " : ", ", f->offsets[i]);
		sb_printf(b, " of the %ld-byte block)", f->block_size);
	} else if (f->var_offset >= 0 && f->block_size > 0) {
		sb_printf(b, " (at byte %ld of the %ld-byte block)", f->var_offset, f->block_size);
	} else if (f->noffsets > 1) { /* DRD gives no size */
		sb_printf(b, " (at bytes ");
		for (int i = 0; i < f->noffsets; i++)
			sb_printf(b, "%s%ld", i == 0 ? "" : i == f->noffsets - 1 ? " and " : ", ", f->offsets[i]);
		sb_printf(b, ")");
	} else if (f->var_offset >= 0) {
		sb_printf(b, " (at byte %ld)", f->var_offset);
	}
}

/* "deposit() at x.c:18" / "x.c:18": a place where "in" would not read (a has a file). */
static void put_at(struct sb *b, const struct hg_access *a)
{
	if (a->fn) {
		put_fn(b, a->fn);
		sb_printf(b, " at ");
	}
	sb_printf(b, "%s:%d", a->file, a->line);
}

/*
 * DRD's earlier access, which it records no place for: "another thread
 * (running deposit()) accessed it somewhere between its start and
 * deposit() at x.c:18 (...)".
 */
static void put_segment(struct sb *b, const struct hg_finding *f, const char *tool)
{
	const struct hg_access *from = &f->seg_start, *to = &f->seg_end;
	const char *fn = to->start_fn ? to->start_fn : from->start_fn;

	sb_printf(b, "  another thread");
	if (fn) {
		sb_printf(b, " (running ");
		put_fn(b, fn);
		sb_printf(b, ")");
	}
	if (!from->file && !to->file) {
		sb_printf(b,
			  " accessed it too: %s shows no place for that access (the thread had already finished "
			  "when %s saw the conflict).\n",
			  tool, tool);
		return;
	}
	sb_printf(b, " accessed it somewhere between ");
	if (from->file)
		put_at(b, from);
	else
		sb_printf(b, "its start");
	sb_printf(b, " and ");
	if (to->file)
		put_at(b, to);
	else
		sb_printf(b, "its end");
	sb_printf(b,
		  " (%s records the stretch of that thread's code between two of its synchronisation points, "
		  "not the line of the access).\n",
		  tool);
}

/*
 * GCC names a static variable declared inside a function NAME.N ("big.0"):
 * the name as the student wrote it, with what follows (an index, a
 * member), or NULL if v is not such a name.
 */
static char *static_local_name(const char *v)
{
	size_t id = strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789");

	if (id == 0 || v[id] != '.' || !isdigit((unsigned char)v[id + 1]))
		return NULL;
	size_t digits = strspn(v + id + 1, "0123456789");
	char after = v[id + 1 + digits];
	if (after != '\0' && after != '[' && after != '.')
		return NULL;
	return xasprintf("%.*s%s", (int)id, v, v + id + 1 + digits);
}

static void explain_race(const struct hg_finding *f, const struct hg_report *r, struct sb *b)
{
	const struct hg_access *acc[2] = {&f->now, &f->before};
	const char *tool = hg_tool(r);
	/* DRD: no place, no thread for the earlier access */
	int before_unknown = !f->before.thread && !f->before.file && !f->before.top_fn;
	char *name = NULL, *plain = f->variable ? static_local_name(f->variable) : NULL;

	if (f->variable)
		name = xasprintf("`%s`", plain ? plain : f->variable);

	/* what */
	sb_printf(b, "Data race %s ", f->free_race ? "with free() on" : "on");
	if (f->variable) {
		const char *what = f->var_kind == HG_VAR_GLOBAL	 ? "global variable"
				   : f->var_kind == HG_VAR_LOCAL ? "local variable"
								 : "variable";
		/* Its function is where it was accessed, when both accesses are in the same one. */
		const char *fn = f->now.top_fn && (!f->before.top_fn || strcmp(f->before.top_fn, f->now.top_fn) == 0)
					 ? f->now.top_fn
					 : NULL;

		if (plain && fn)
			sb_printf(b, "%s (a static variable in %s()", name, fn);
		else if (plain)
			sb_printf(b, "%s (a static variable inside a function", name);
		else
			sb_printf(b, "%s (%s", name, what);
		if (f->var_size > 0 && f->var_offset > 0)
			sb_printf(b, ", at byte %ld of its %ld", f->var_offset, f->var_size);
		if (f->variable_decl)
			sb_printf(b, ", declared at %s", f->variable_decl);
		if (f->stack_info)
			sb_printf(b, ", on %s", f->stack_info);
		sb_printf(b, ").\n");
	} else if (f->var_kind == HG_VAR_HEAP) {
		put_heap_block(b, f);
		sb_printf(b, ".\n");
	} else if (f->var_kind == HG_VAR_LOCAL) {
		sb_printf(b, "a local variable");
		if (f->stack_info)
			sb_printf(b, " on %s", f->stack_info);
		sb_printf(b, ".\n");
	} else {
		sb_printf(b, "an unnamed location.\n");
	}

	/* the two accesses */
	for (int i = 0; i < 2; i++) {
		if (i == 1 && before_unknown) {
			put_segment(b, f, tool);
			break;
		}
		sb_printf(b, "  ");
		put_thread(b, acc[i]->thread);
		sb_printf(b, " %s it ", access_verb(f, i));
		put_place(b, acc[i]);
		put_locks(b, acc[i], tool);
		sb_printf(b, "%s\n", i == 0 ? ";" : ".");
	}

	/* what to do: first about free(), then the locks, then the stack */
	if (f->free_race) {
		sb_printf(b, "Nothing makes the free() wait until the other thread is done with the block, so that "
			     "thread can use memory that is already freed, and perhaps reused for something else. A "
			     "mutex does not fix this: free the block only after every thread that uses it has "
			     "finished with it: pthread_join() those threads first, or count the block's users (a "
			     "reference count, changed under a mutex or atomically) and let the last one free it.");
		free(name);
		free(plain);
		return;
	}
	sb_printf(b, "Nothing orders these two accesses, so their result depends on timing. ");
	if (f->now.nlocks > 0 && f->before.nlocks > 0 && !locks_share(f->now.locks_held, f->before.locks_held)) {
		sb_printf(b,
			  "They hold different locks: a variable must always be protected by "
			  "the same mutex. Choose one mutex for %s and take it at both places.",
			  name			       ? name
			  : f->var_kind == HG_VAR_HEAP ? "this data"
						       : "this memory");
	} else if (f->now.nlocks >= 0 && f->before.nlocks >= 0 && (f->now.nlocks == 0) != (f->before.nlocks == 0)) {
		const char *named = f->now.nlocks == 1 ? f->now.locks_named : f->before.locks_named;
		if ((f->now.nlocks == 1 || f->before.nlocks == 1) && named)
			sb_printf(b,
				  "One access is protected and the other is not: these two accesses "
				  "need the same mutex, so take `%s` at both places.",
				  named);
		else
			sb_printf(b, "One access is protected and the other is not: take the same mutex at "
				     "both places.");
	} else if (name) {
		sb_printf(b,
			  "Protect every access to %s with the same mutex, or give each thread "
			  "its own %s and combine the results after pthread_join().",
			  name, f->var_kind == HG_VAR_LOCAL ? "copy" : "variable");
	} else if (f->var_kind == HG_VAR_HEAP) {
		sb_printf(b, "Protect every access to this heap data with the same mutex, or give "
			     "each thread its own part and combine the results after "
			     "pthread_join().");
	} else {
		sb_printf(b, "Protect every access to this memory with the same mutex.");
	}
	if (f->var_kind == HG_VAR_LOCAL)
		sb_printf(b,
			  "\n%s is a local variable, on a thread's stack, that another thread "
			  "reached through a pointer: check that this is intended. Two common "
			  "mistakes: handing threads a pointer to a local that keeps changing "
			  "(such as &i of the loop that creates the threads) instead of giving "
			  "each thread its own copy (e.g. one array element per thread, alive "
			  "until pthread_join()); and a thread still using a function's stack "
			  "frame after that function returned.",
			  name ? name : "This");
	free(name);
	free(plain);
}

/*
 * "`accounts[1].lock`" for a named lock, "the lock at 0x.." for an
 * address; a name in words ("mutex M1") or a letter as it is.
 */
static char *lock_label(const char *lock, const char *fallback)
{
	if (!lock)
		return xstrdup(fallback);
	if (hg_starts_with(lock, "0x"))
		return xasprintf("the lock at %s", lock);
	if (strchr(lock, ' '))
		return xstrdup(lock);
	return xasprintf("`%s`", lock);
}

/*
 * "thread #7 took `chop[0]` in philosopher() at p.c:27, then `chop[1]` at
 * p.c:28 while still holding `chop[0]`" (the place of the first lock may be
 * unknown: the XML alone does not give it).
 */
static void put_step(struct sb *b, const struct hg_lock_step *s)
{
	char *held = lock_label(s->held, "A"), *taken = lock_label(s->taken, "B");
	const struct hg_access *h = &s->held_at, *t = &s->taken_at;

	put_thread(b, s->thread);
	if (h->file || h->top_fn) {
		sb_printf(b, " took %s ", held);
		put_place(b, h);
		sb_printf(b, ", then %s ", taken);
		if (t->file && h->file && hg_streq_null(t->fn, h->fn) && strcmp(t->file, h->file) == 0 && t->line > 0)
			sb_printf(b, "at %s:%d", t->file, t->line);
		else
			put_place(b, t);
		sb_printf(b, " while still holding %s", held);
	} else {
		sb_printf(b, " took %s ", taken);
		put_place(b, t);
		sb_printf(b, " while holding %s", held);
	}
	free(held);
	free(taken);
}

static int cmp_label(const void *x, const void *y)
{
	return strverscmp(*(const char *const *)x, *(const char *const *)y);
}

/* " Break the cycle: ..., for example `a` before `b` before `c`." (the cycle's locks by name) */
static void put_global_order(struct sb *b, const struct hg_lock_step *cycle, int n)
{
	const char **names = xcalloc((size_t)n, sizeof(*names));

	for (int k = 0; k < n; k++)
		names[k] = cycle[k].held ? cycle[k].held : "?";
	qsort(names, (size_t)n, sizeof(*names), cmp_label);
	sb_printf(b, " Break the cycle: give these locks one order and always take them in that order, for example ");
	for (int k = 0; k < n; k++) {
		char *l = lock_label(names[k], "?");

		sb_printf(b, "%s%s", k ? " before " : "", l);
		free(l);
	}
	sb_printf(b, ".");
	free(names);
}

/* The advice common to every lock-order finding: how n threads deadlock, and the fixes. */
static void put_deadlock_advice(struct sb *b, int n, int at_least)
{
	if (n == 2 && !at_least)
		sb_printf(b, "If two threads do this at the same time, each can take its first lock and then wait "
			     "forever for the other's: a deadlock, even though this run did not hang.");
	else
		sb_printf(b,
			  "If %s%d threads do these steps at the same time, each can hold its first lock and wait "
			  "forever for the next one, which the next thread round the cycle holds: a deadlock (as the "
			  "dining philosophers), even though this run did not hang.",
			  at_least ? "at least " : "", n);
}

static void explain_cycle(const struct hg_finding *f, struct sb *b)
{
	int n = f->ncycle, against = -1;

	sb_printf(b, "Lock-order cycle through %d locks (a possible deadlock): ", n);
	for (int k = 0; k < n; k++) {
		char *l = lock_label(f->cycle[k].held, "?");

		sb_printf(b, "%s -> ", l);
		free(l);
	}
	char *first = lock_label(f->cycle[0].held, "?");
	sb_printf(b, "%s.\n", first);
	for (int k = 0; k < n; k++) {
		sb_printf(b, "  ");
		put_step(b, &f->cycle[k]);
		sb_printf(b, "%s\n", k == n - 1 ? "." : ";");
		/* the locks are listed from the smallest name: a step from a larger to a smaller one goes back */
		if (against < 0 && f->cycle[k].held && f->cycle[k].taken &&
		    strverscmp(f->cycle[k].held, f->cycle[k].taken) > 0)
			against = k;
	}
	put_deadlock_advice(b, n, 0);
	put_global_order(b, f->cycle, n);
	if (against >= 0) {
		const struct hg_lock_step *s = &f->cycle[against];
		char *held = lock_label(s->held, "?"), *taken = lock_label(s->taken, "?");

		sb_printf(b, " The step that goes against it takes %s while holding %s (", taken, held);
		put_thread(b, s->thread);
		sb_printf(b, ", ");
		put_place(b, &s->taken_at);
		sb_printf(b, "): take %s first there.", taken);
		free(held);
		free(taken);
	}
	if (n > 2)
		sb_printf(b,
			  " Other ways out prevent the deadlock, but this report stays, since the locks are still "
			  "taken in a cycle of orders: let at most %d of these threads try at once (a semaphore with "
			  "%d seats), or take each further lock with pthread_mutex_trylock() and, when it fails, "
			  "release what you hold and start again.",
			  n - 1, n - 1);
	free(first);
}

static void explain_lock_order(const struct hg_finding *f, struct sb *b)
{
	char *x = lock_label(f->lock_first, "A"), *y = lock_label(f->lock_second, "B");
	struct hg_lock_step observed = {.held = f->lock_second,
					.taken = f->lock_first,
					.thread = f->now.thread,
					.held_at = f->held_at,
					.taken_at = f->now};
	int direct = f->before.file || f->before2.file;

	if (f->ncycle >= 2) {
		explain_cycle(f, b);
		free(x);
		free(y);
		return;
	}
	if (direct)
		sb_printf(b, "Lock-order cycle through 2 locks (a possible deadlock): %s and %s.\n", x, y);
	else
		sb_printf(b, "Lock-order cycle through %s, %s and at least one other lock (a possible deadlock).\n", y,
			  x);
	sb_printf(b, "  ");
	put_step(b, &observed);
	sb_printf(b, ";\n  ");
	if (direct) {
		sb_printf(b, "but earlier a thread took %s ", x);
		put_place(b, &f->before);
		sb_printf(b, ", then %s ", y);
		put_place(b, &f->before2);
		sb_printf(b, " while still holding %s.\n", x);
	} else {
		sb_printf(b,
			  "but earlier steps put %s before %s through at least one other lock (%s held while another "
			  "lock was taken, and that one, or a further one, held while %s was taken). No single line "
			  "takes both, so Helgrind shows no place for that order: the rest of the cycle is wherever "
			  "your code takes one of these locks while holding another.\n",
			  x, y, x, y);
	}
	put_deadlock_advice(b, direct ? 2 : 3, !direct);
	sb_printf(b,
		  " Break the cycle: give the locks one order and always take them in that order; here, take %s "
		  "before %s ",
		  x, y);
	put_place(b, &f->now);
	sb_printf(b, ".");
	if (!direct)
		sb_printf(b, " Other ways out prevent the deadlock, but this report stays, since the locks are "
			     "still taken in a cycle of orders: let fewer threads than there are locks in the cycle "
			     "try at once (a semaphore with that many seats), or take each further lock with "
			     "pthread_mutex_trylock() and, when it fails, release what you hold and start again.");
	free(x);
	free(y);
}

/* ---- misuse of the threads API ------------------------------------------ */

/*
 * What to say about one kind of misuse: matched on Helgrind's message, or
 * on the key another tool's reader chose (hg_finding.misuse: the "#..."
 * entries, and Helgrind's own parts for the problems both tools see).
 */
struct misuse {
	const char *kind;  /* Helgrind's <kind>, NULL: any */
	const char *match; /* a part of Helgrind's message or a reader's key, NULL: any */
	const char *object_kind;
	const char *title;
	const char *advice;
};

/* The advice for signalling without the mutex (two messages of Helgrind). */
#define SIGNAL_UNDER_MUTEX                                                                                             \
	"Change the state the waiters check, and signal, while holding the mutex they wait with: otherwise a "         \
	"waiter can check the condition, be interrupted before it sleeps, miss this signal and sleep forever (a "      \
	"lost wake-up)."

/* Advice that several entries share. */
#define ONE_SEMAPHORE                                                                                                  \
	"Every thread must use the same sem_t, initialised once with sem_init() before the threads start: a "          \
	"copy of a semaphore (a struct holding one, passed or assigned by value) is a different semaphore, and "       \
	"one that was never initialised has no defined value. Pass a pointer to the one semaphore."
#define UNLOCK_MATCHES_LOCK                                                                                            \
	"Every unlock must match an earlier lock by the same thread: look for a path that unlocks twice, or unlocks "  \
	"without having locked."
#define ONLY_THE_OWNER_UNLOCKS                                                                                         \
	"Only the thread that locked a mutex may unlock it. To let one thread signal another, use a condition "        \
	"variable or a semaphore."
#define INIT_ONCE                                                                                                      \
	"Initialise it once, before the threads that use it start (or with its static initialiser), and destroy it "   \
	"once, when no thread uses it any more; initialising it again while it is in use loses its state."

static const struct misuse misuses[] = {
    /* keys of the other tools' readers (drd_report.c, tsan_report.c) */
    {"Misc", "#unlock-not-held", "mutex", "Unlocking a mutex that this thread does not hold",
     UNLOCK_MATCHES_LOCK " " ONLY_THE_OWNER_UNLOCKS},
    {"Misc", "#rwlock-unlock-not-held", "read-write lock", "Unlocking a read-write lock that this thread does not hold",
     "Every pthread_rwlock_unlock() must match an earlier pthread_rwlock_rdlock() or _wrlock() by the same thread: "
     "look for a path that unlocks twice, unlocks without having locked, or unlocks another thread's lock."},
    {"Misc", "#rwlock-relock", "read-write lock",
     "Locking a read-write lock that this thread already holds for writing",
     "A thread that holds the write lock waits for itself forever if it locks again (for reading or writing). "
     "Unlock before locking again, or take the lock only once."},
    {"Misc", "#invalid-mutex", "mutex", "Using a mutex that is not initialised, or already destroyed",
     "Initialise a mutex (pthread_mutex_init() or PTHREAD_MUTEX_INITIALIZER) before any use, check that the "
     "pointer given to the call points to it, and do not use it after pthread_mutex_destroy()."},
    {"Misc", "#invalid-rwlock", "read-write lock",
     "Using a read-write lock that is not initialised, or already destroyed",
     "Initialise a read-write lock (pthread_rwlock_init() or PTHREAD_RWLOCK_INITIALIZER) before any use, lock it "
     "before pthread_rwlock_unlock(), and do not use it after pthread_rwlock_destroy()."},
    {"Misc", "#invalid-semaphore", "semaphore", "Using a semaphore that was never initialised, or is already destroyed",
     ONE_SEMAPHORE},
    {"Misc", "#reinit-mutex", "mutex", "Initialising a mutex that is already initialised", INIT_ONCE},
    {"Misc", "#reinit-rwlock", "read-write lock", "Initialising a read-write lock that is already initialised",
     INIT_ONCE},
    {"Misc", "#reinit-semaphore", "semaphore", "Initialising a semaphore that is already initialised", INIT_ONCE},
    {"Misc", "#unlock-unknown", "mutex", "Unlocking a mutex that was never locked, or is not a valid mutex",
     UNLOCK_MATCHES_LOCK " Check too that the pointer given to the call points to an initialised mutex."},
    {"Misc", "#wrong-type", NULL, "Using a synchronisation object as one of another type",
     "A pthread_mutex_t, pthread_spinlock_t, pthread_rwlock_t, pthread_cond_t, sem_t and pthread_barrier_t each "
     "have their own functions: use each object only with its own, and check that the pointer given to the "
     "call points to the object you mean."},
    {"Misc", "#reinit-cond", "condition variable", "Initialising a condition variable that is already initialised",
     INIT_ONCE},
    {"Misc", "#invalid-cond", "condition variable",
     "Using a condition variable that was never initialised, or is already destroyed",
     "Initialise a condition variable (pthread_cond_init() or PTHREAD_COND_INITIALIZER) before any use, and "
     "destroy it once, when no thread can wait on it any more."},
    {"Misc", "#wait-recursive", "condition variable",
     "Waiting on a condition variable with a recursive mutex locked more than once",
     "pthread_cond_wait() unlocks its mutex only once: locked twice, the mutex stays held while the thread "
     "sleeps, so the thread that should change the condition and signal can never take it. Lock the mutex "
     "only once around the wait."},
    {"Misc", "#destroy-waited-semaphore", "semaphore", "Destroying a semaphore that a thread is waiting on",
     "Destroy a semaphore only when no thread can wait on it any more: post it for every waiter, pthread_join() "
     "them, and only then sem_destroy() it."},
    {"Misc", "#destroy-in-use", NULL, "Destroying a synchronisation object that another thread still uses",
     "Destroy a mutex, condition variable, semaphore or barrier only when no thread can use it any more: after "
     "pthread_join() of every thread that uses it."},
    {"Misc", "#too-many-waiters", NULL, "More threads wait at a barrier than its count",
     "The count of pthread_barrier_init() must be the number of threads that wait at the barrier in each round: "
     "with more, the extra ones start the next round early."},
    {"Misc", "#thread-leak", NULL, "A thread that was neither joined nor detached",
     "Every thread must be joined (pthread_join()) or detached (pthread_detach()), or its resources are never "
     "freed; and the program cannot know that it has finished."},
    {"Misc", "#signal-unsafe", NULL, "Calling a function that is not async-signal-safe in a signal handler",
     "A signal handler may interrupt that very function (malloc(), printf(), a lock) in the middle of its work. "
     "Call only async-signal-safe functions there (write(), _exit(), sem_post(), ..., see man 7 signal-safety), "
     "or just set a volatile sig_atomic_t flag that the program checks."},
    {"Misc", "#signal-errno", NULL, "A signal handler that changes errno",
     "The interrupted code may be about to read errno: save errno on entry to the handler and restore it before "
     "returning."},
    {"Misc", "#held-too-long", NULL, "A lock held longer than the limit",
     "Keep critical sections short: do the slow work (I/O, sleeping, long computations) without holding the "
     "lock."},
    /* Helgrind's messages */
    {"UnlockUnlocked", "rwlock", "read-write lock", "Unlocking a read-write lock that is not locked",
     "Every pthread_rwlock_unlock() must match an earlier rdlock or wrlock by the same thread: look for a path "
     "that unlocks twice, or unlocks without having locked."},
    {"UnlockBogus", "rwlock", "read-write lock", "Unlocking a read-write lock that is not locked or not valid",
     "Every pthread_rwlock_unlock() must match an earlier pthread_rwlock_rdlock() or _wrlock() by the same "
     "thread, on a lock that was initialised (pthread_rwlock_init() or PTHREAD_RWLOCK_INITIALIZER) and not "
     "yet destroyed. Helgrind calls a lock invalid when it never saw it locked: then this unlock has no lock "
     "to match."},
    {"UnlockForeign", "rwlock", "read-write lock", "Unlocking a read-write lock that another thread holds",
     "Only a thread that holds a read-write lock (for reading or for writing) may unlock it."},
    {"UnlockUnlocked", NULL, "mutex", "Unlocking a mutex that is not locked", UNLOCK_MATCHES_LOCK},
    {"UnlockForeign", NULL, "mutex", "Unlocking a mutex that another thread holds", ONLY_THE_OWNER_UNLOCKS},
    {"UnlockBogus", NULL, "mutex", "Unlocking something that is not a valid mutex",
     "Check that the pointer given to the unlock call points to a mutex that was initialised "
     "(pthread_mutex_init() or PTHREAD_MUTEX_INITIALIZER) and not yet destroyed. Helgrind also calls a lock "
     "invalid when it never saw it locked: then this unlock has no lock to match."},
    {"Misc", "re-lock", "mutex", "Locking a mutex that this thread already holds",
     "With a normal mutex the thread now waits for itself forever (a self-deadlock); an error-checking mutex "
     "returns EDEADLK instead. Unlock before locking again, or take the lock only once (for example only in "
     "the caller, and say in the called function's comment that it expects the lock held)."},
    {"Misc", "pthread_rwlock_destroy of a locked", "read-write lock", "Destroying a read-write lock that is locked",
     "Unlock a read-write lock (every reader and the writer) before destroying it, and destroy it only when no "
     "thread can use it any more: after pthread_join()."},
    {"Misc", "destroy of a locked", "mutex", "Destroying a mutex that is locked",
     "Unlock a mutex before destroying it, and destroy it only when no thread can use it any more."},
    {"Misc", "called with un-held mutex", "condition variable",
     "Waiting on a condition variable without holding its mutex",
     "pthread_cond_wait() must be called with its mutex locked by the calling thread: it unlocks the mutex "
     "and sleeps in one step, so that no signal is lost between checking the condition and sleeping. Lock "
     "the mutex, check the condition in a while loop around the wait, and unlock after the loop."},
    {"Misc", "called with mutex held by a different thread", "condition variable",
     "Waiting on a condition variable with a mutex that another thread holds",
     "pthread_cond_wait() must be called with its mutex locked by the calling thread: lock it, check the "
     "condition in a while loop around the wait, and unlock after the loop."},
    {"Misc", "called with invalid mutex", "condition variable",
     "Waiting on a condition variable with a mutex that is not locked or not initialised",
     "pthread_cond_wait() must be called with its mutex locked by the calling thread, and always with the "
     "same mutex for a given condition variable: lock it, check the condition in a while loop around the "
     "wait, and unlock after the loop."},
    {"Misc", "cond is associated with a different mutex", "condition variable",
     "One condition variable used with two different mutexes",
     "A condition variable belongs to one mutex: the one that protects the condition its waiters check. Every "
     "pthread_cond_wait() on it must pass that mutex, and the state it waits for must change under it; with "
     "two mutexes a signal can come while a waiter is between its check and its wait, and be lost. Use one "
     "mutex, or one condition variable per mutex."},
    {"Misc", "dubious: associated lock is not held", "condition variable",
     "Signalling a condition variable while no thread holds its mutex", SIGNAL_UNDER_MUTEX},
    {"Misc", "associated lock is not held by calling thread", "condition variable",
     "Signalling a condition variable without holding its mutex", SIGNAL_UNDER_MUTEX},
    {"Misc", "destruction of condition variable being waited upon", "condition variable",
     "Destroying a condition variable that a thread is waiting on",
     "Destroy a condition variable only when no thread can wait on it any more: wake every waiter (set a "
     "'done' flag under the mutex, then pthread_cond_broadcast()), pthread_join() them, and only then "
     "destroy it."},
    {"Misc", "destruction of unknown cond var", "condition variable",
     "Destroying a condition variable that was never initialised",
     "Initialise a condition variable (pthread_cond_init() or PTHREAD_COND_INITIALIZER) before any use, and "
     "destroy it once."},
    {"Misc", "pthread_rwlock_t", "read-write lock", "Using a read-write lock where a mutex is expected",
     "pthread_mutex_*() and pthread_cond_wait() take a pthread_mutex_t; a pthread_rwlock_t has its own "
     "functions (pthread_rwlock_rdlock(), _wrlock(), _unlock()). Use each lock with its own functions."},
    {"Misc", "associated lock is a rwlock", "condition variable", "A condition variable used with a read-write lock",
     "A condition variable works only with a mutex (pthread_mutex_t). Protect the state it waits for with a "
     "mutex."},
    {"Misc", "with a pthread_mutex_t* argument", "mutex", "Using a mutex where a read-write lock is expected",
     "pthread_rwlock_*() take a pthread_rwlock_t. Use each lock with its own functions."},
    {"Misc", "'count' argument is zero", "barrier", "A barrier initialised with a count of 0",
     "The count of pthread_barrier_init() is the number of threads that must call pthread_barrier_wait() "
     "before any of them goes on: it must be at least 1. The call fails, so the barrier must not be used; "
     "check the return value of pthread_barrier_init()."},
    {"Misc", "barrier is already initialised", "barrier", "Initialising a barrier that is already initialised",
     "Initialise a barrier once, before the threads that use it start; to reuse it with another count, "
     "pthread_barrier_destroy() it first, when no thread waits at it. (A barrier resets itself after each "
     "round: waiting at it again needs no new pthread_barrier_init().)"},
    {"Misc", "threads are waiting at barrier", "barrier",
     "Destroying or re-initialising a barrier while threads wait at it",
     "The waiting threads would never be released. Destroy a barrier only after every thread has passed it "
     "for the last time: pthread_join() them first."},
    {"Misc", "barrier", "barrier", "Using a barrier that was not initialised",
     "Initialise a barrier with pthread_barrier_init() (and a count of at least 1) before any thread waits "
     "at it, and do not use it after pthread_barrier_destroy()."},
    {"Misc", "sem_init: initial value exceeds", "semaphore", "A semaphore initialised with more than 10000",
     "Helgrind follows at most 10000 units of a semaphore's initial value, and treats this one as 10000. A "
     "semaphore that counts free slots or items rarely needs more: check the value passed to sem_init()."},
    {"Misc", "sem_wait succeeded on semaphore without prior sem_post", "semaphore",
     "Waiting on a semaphore that, as far as Helgrind saw, was never initialised nor posted", ONE_SEMAPHORE},
    {"Misc", "still holds", NULL, "A thread ended while still holding a lock",
     "A thread ended while still holding a lock: make sure every way out of the function (early returns and "
     "error paths too) unlocks what it locked."},
    {"Misc", NULL, NULL, "Incorrect use of the threads API",
     "Check how the pthread function at that line is used, and its return value."},
    {NULL, NULL, NULL, NULL, "Check how the pthread function at that line is used, and its return value."},
};

/*
 * The table's entry for f: the first whose kind and message part match; for
 * the unlock kinds (whose message names no lock type), "rwlock" matches a
 * read-write lock found at the error's line.
 */
static const struct misuse *misuse_of(const struct hg_finding *f)
{
	const char *w = f->misuse ? f->misuse : f->what ? f->what : "";
	int rwlock = hg_streq_null(f->object_kind, "read-write lock");

	for (const struct misuse *m = misuses;; m++) {
		int unlock = m->kind && hg_starts_with(m->kind, "Unlock");

		if (m->kind && strcmp(m->kind, f->kind) != 0)
			continue;
		if (unlock && m->match ? rwlock : (!m->match || strstr(w, m->match)))
			return m;
	}
}

/* The object's kind: what the source line called, else the table's. */
static const char *object_kind_of(const struct hg_finding *f, const struct misuse *m)
{
	if (f->object_kind && !(m->object_kind && strcmp(m->object_kind, "condition variable") == 0))
		return f->object_kind;
	return m->object_kind;
}

/* "pthread_mutex_destroy" from "Thread #1's call to pthread_mutex_destroy failed ...", malloc'd, or NULL. */
static char *failed_call(const char *what)
{
	const char *p = what ? strstr(what, "call to ") : NULL;

	return p ? xstrndup(p + 8, strcspn(p + 8, " ")) : NULL;
}

/* A call that failed with an error code (PthAPIerror). */
static void explain_failed_call(const struct hg_finding *f, const struct hg_report *r, struct sb *b)
{
	char *fn = failed_call(f->what);
	int sem = fn && hg_starts_with(fn, "sem_");
	long code = hg_number_after(f->what, "error code ", 0);

	sb_printf(b, "A call to %s() failed: ", fn ? fn : "a threads function");
	put_thread(b, f->now.thread);
	sb_printf(b, " ");
	put_place(b, &f->now);
	sb_printf(b, ".\n");
	if (f->what)
		sb_printf(b, "  %s says: \"%s\".\n", hg_tool(r), f->what);
	if (f->object)
		sb_printf(b, "  Its argument: `%s`.\n", f->object);
	if (fn && strcmp(fn, "pthread_mutex_lock") == 0 && code == 35)
		sb_printf(b, "EDEADLK: this thread already holds this (error-checking) mutex. ");
	else if (fn && strstr(fn, "_destroy") && code == 16)
		sb_printf(b, "EBUSY: it is still locked, or still in use by another thread. ");
	else if (fn && strcmp(fn, "sem_init") == 0 && code == 22)
		sb_printf(b, "EINVAL: the initial value is larger than SEM_VALUE_MAX. ");
	else if (fn && strcmp(fn, "pthread_barrier_init") == 0 && code == 22)
		sb_printf(b, "EINVAL: the count is 0. ");
	if (sem)
		sb_printf(b, "sem_*() functions return -1 and set errno when they fail: check the return value of "
			     "every call, and stop (or handle the error) when it fails; the program went on as if it "
			     "had worked.");
	else
		sb_printf(b, "pthread functions return an error code (0 on success, never -1): check the return value "
			     "of every call; the program went on as if it had worked.");
	free(fn);
}

/* "thread #2 (which runs withdraw(), created in start() at x.c:48)". */
static void put_thread_origin(struct sb *b, const struct hg_thread *t, int id)
{
	if (t && t->root) {
		sb_printf(b, "the program's main thread (thread #%d)", id);
		return;
	}
	put_thread(b, id);
	if (!t || (!t->start_fn && !t->created.file))
		return;
	sb_printf(b, " (");
	if (t->start_fn) {
		sb_printf(b, "which runs ");
		put_fn(b, t->start_fn);
		if (t->created.file)
			sb_printf(b, ", ");
	}
	if (t->created.file) {
		sb_printf(b, "created ");
		put_place(b, &t->created);
	}
	sb_printf(b, ")");
}

/* A thread that ends holding locks: which thread, which function, which locks, what to look for. */
static void explain_exit_holding(const struct hg_finding *f, const struct hg_report *r, struct sb *b)
{
	const struct hg_thread *t = hg_thread_of(r, f->now.thread);
	int n = f->nexit_locks, many = f->nthreads > 1;

	if (many) {
		/* merged: the same function, creation site and locks */
		for (int i = 0; i < f->nthreads; i++)
			sb_printf(b, "%s#%d",
				  i == 0		 ? "Threads "
				  : i == f->nthreads - 1 ? " and "
							 : ", ",
				  f->threads[i]);
		sb_printf(b, " each ended while still holding %d lock%s", n, n == 1 ? "" : "s");
		if (t && (t->start_fn || t->created.file)) {
			sb_printf(b, " (");
			if (t->start_fn) {
				sb_printf(b, "they run ");
				put_fn(b, t->start_fn);
				sb_printf(b, "%s", t->created.file ? ", " : "");
			}
			if (t->created.file) {
				sb_printf(b, "created ");
				put_place(b, &t->created);
			}
			sb_printf(b, ")");
		}
		sb_printf(b, ".\n");
	} else {
		sb_printf(b, "A thread ended while still holding %d lock%s: ", n, n == 1 ? "" : "s");
		put_thread_origin(b, t, f->now.thread);
		sb_printf(b, ".\n");
	}
	if (f->exit_locks && n == 1 && f->lock_seen.file) {
		sb_printf(b, "  %s still holds %s, first used ", many ? "Each" : "It", f->exit_locks);
		put_place(b, &f->lock_seen);
		sb_printf(b, ".\n");
	} else if (f->exit_locks) {
		sb_printf(b, "  %s still holds %s.\n", many ? "Each" : "It", f->exit_locks);
	} else {
		sb_printf(b, "  %s does not say which lock%s, nor where %s taken.\n", hg_tool(r), n == 1 ? "" : "s",
			  n == 1 ? "it was" : "they were");
	}
	sb_printf(b, "A lock whose owner has ended is never unlocked: every thread that asks for it later waits "
		     "forever. ");
	if (t && t->root)
		sb_printf(b, "Unlock every lock before main() returns or calls exit()");
	else if (t && t->start_fn) {
		sb_printf(b, "Look in ");
		put_fn(b, t->start_fn);
		sb_printf(b, " (and the functions it calls) for a way out between a lock and its unlock");
	} else {
		sb_printf(b, "Look in the thread's function for a way out between a lock and its unlock");
	}
	if (!(t && t->root))
		sb_printf(b, " (a return, a break, a goto, an error path), and unlock before every way out");
	sb_printf(b, ".");
}

static void explain_other(const struct hg_finding *f, const struct hg_report *r, struct sb *b)
{
	const struct misuse *m = misuse_of(f);
	const char *kind = object_kind_of(f, m);

	if (strcmp(f->kind, "PthAPIerror") == 0) {
		explain_failed_call(f, r, b);
		return;
	}
	if (f->nexit_locks > 0) {
		explain_exit_holding(f, r, b);
		return;
	}
	if (m->title)
		sb_printf(b, "%s: ", m->title);
	else
		sb_printf(b, "%s reports a problem of kind \"%s\": ", hg_tool(r), f->kind);
	put_thread(b, f->now.thread);
	sb_printf(b, " ");
	put_place(b, &f->now);
	sb_printf(b, ".\n");
	if (f->what)
		sb_printf(b, "  %s says: \"%s\".\n", hg_tool(r), f->what);
	if (f->object && kind) {
		sb_printf(b, "  The %s is `%s`", kind, f->object);
		if (f->cond_mutex)
			sb_printf(b, ", waited on with `%s`", f->cond_mutex);
		sb_printf(b, ".\n");
	}
	/* the other mutex: the clue for two mutexes; the waiters' mutex for a signal or a destroy */
	if (f->cond_other_mutex && !f->cond_mutex)
		sb_printf(b, "  Its waiters wait with `%s` (at %s:%d).\n", f->cond_other_mutex, f->now.file,
			  f->cond_other_line);
	else if (f->cond_other_mutex && strstr(m->match ? m->match : "", "different mutex"))
		sb_printf(b, "  Elsewhere, `%s` is waited on with `%s` (at %s:%d).\n", f->object, f->cond_other_mutex,
			  f->now.file, f->cond_other_line);
	if (f->other_thread > 0)
		sb_printf(b, "  Thread #%d holds it.\n", f->other_thread);
	if (f->lock_prev.file) {
		sb_printf(b, "  The thread took it before ");
		put_place(b, &f->lock_prev);
		sb_printf(b, " and has not unlocked it since.\n");
	}
	if (f->lock_seen.file &&
	    !(strcmp(f->lock_seen.file, f->now.file ? f->now.file : "") == 0 && f->lock_seen.line == f->now.line)) {
		/* DRD says it of any object: a condition variable, a barrier */
		sb_printf(b, "  The %s was first used ", kind && strcmp(kind, "mutex") != 0 ? kind : "lock");
		put_place(b, &f->lock_seen);
		sb_printf(b, ".\n");
	}
	sb_printf(b, "%s", m->advice);
}

char *hg_explain(const struct hg_finding *f, const struct hg_report *r)
{
	struct sb b = {0};

	if (strcmp(f->kind, "Race") == 0)
		explain_race(f, r, &b);
	else if (strcmp(f->kind, "LockOrder") == 0)
		explain_lock_order(f, &b);
	else
		explain_other(f, r, &b);
	return sb_take(&b);
}
