/*
 * helgrind_explain.c - one Helgrind finding in plain words for a student
 * (see helgrind_internal.h): what was raced or misused, where (function,
 * file, line), by which threads, holding which locks, and what to do.
 */
#include "helgrind_internal.h"
#include "util.h"

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
		sb_printf(b, " (library code: Helgrind recorded no line of your program there)");
	} else {
		sb_printf(b, "at a place Helgrind could not name");
	}
}

static void put_thread(struct sb *b, int thread)
{
	if (thread > 0)
		sb_printf(b, "thread #%d", thread);
	else
		sb_printf(b, "a thread");
}

/* ", holding no lock" / ", holding a lock (at address 0x..)" / "" if unknown. */
static void put_locks(struct sb *b, const struct hg_access *a)
{
	const char *addr = a->locks_held ? strstr(a->locks_held, "at address") : NULL;

	if (a->nlocks == 0)
		sb_printf(b, ", holding no lock");
	else if (a->nlocks == 1)
		sb_printf(b, ", holding a lock");
	else if (a->nlocks > 1)
		sb_printf(b, ", holding %d locks", a->nlocks);
	if (a->nlocks > 0 && a->locks_named)
		sb_printf(b, " (%s)", a->locks_named);
	else if (a->nlocks > 0 && addr)
		sb_printf(b, " (%s)", addr);
}

/* Whether the two "Locks held" texts name a common lock address. */
static int locks_share(const char *x, const char *y)
{
	const char *p;

	if (!x || !y)
		return 0;
	for (p = strstr(x, "0x"); p; p = strstr(p + 2, "0x")) {
		size_t n = 2 + strspn(p + 2, "0123456789abcdefABCDEF");
		const char *q;

		for (q = strstr(y, "0x"); q; q = strstr(q + 2, "0x"))
			if (strspn(q + 2, "0123456789abcdefABCDEF") + 2 == n && strncmp(p, q, n) == 0)
				return 1;
	}
	return 0;
}

static void explain_race(const struct hg_finding *f, struct sb *b)
{
	const struct hg_access *acc[2] = {&f->now, &f->before};
	char *name = NULL;

	if (f->variable) {
		name = xasprintf("`%s`", f->variable);
	}

	/* what */
	sb_printf(b, "Data race on ");
	if (f->variable) {
		const char *what = f->var_kind == HG_VAR_GLOBAL	 ? "global variable"
				   : f->var_kind == HG_VAR_LOCAL ? "local variable"
								 : "variable";

		sb_printf(b, "%s (%s", name, what);
		if (f->variable_decl)
			sb_printf(b, ", declared at %s", f->variable_decl);
		if (f->stack_info)
			sb_printf(b, ", on %s", f->stack_info);
		sb_printf(b, ").\n");
	} else if (f->var_kind == HG_VAR_HEAP) {
		sb_printf(b, "a heap block allocated");
		if (f->alloc.file || f->alloc.top_fn) {
			sb_printf(b, " ");
			put_place(b, &f->alloc);
		}
		if (f->var_offset >= 0 && f->block_size > 0)
			sb_printf(b, " (at byte %ld of the %ld-byte block)", f->var_offset, f->block_size);
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
		sb_printf(b, "  ");
		put_thread(b, acc[i]->thread);
		sb_printf(b, " %s it ", acc[i]->is_write == 1 ? "wrote" : acc[i]->is_write == 0 ? "read" : "accessed");
		put_place(b, acc[i]);
		put_locks(b, acc[i]);
		sb_printf(b, "%s\n", i == 0 ? ";" : ".");
	}

	/* what to do: first about the locks, then about the stack */
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
}

/* "`accounts[1].lock`" for a named lock, the address or letter as it is otherwise. */
static char *lock_label(const char *lock, const char *fallback)
{
	if (!lock)
		return xstrdup(fallback);
	if (hg_starts_with(lock, "0x"))
		return xstrdup(lock);
	return xasprintf("`%s`", lock);
}

static void explain_lock_order(const struct hg_finding *f, struct sb *b)
{
	char *x = lock_label(f->lock_first, "A"), *y = lock_label(f->lock_second, "B");

	sb_printf(b, "Lock order violated (a possible deadlock): ");
	put_thread(b, f->now.thread);
	sb_printf(b, " acquired lock %s and then lock %s (the second one ", y, x);
	put_place(b, &f->now);
	sb_printf(b, "), while earlier lock %s then %s was observed", x, y);
	if (f->before.file || f->before2.file) {
		sb_printf(b, " (%s ", x);
		put_place(b, &f->before);
		sb_printf(b, ", then %s ", y);
		put_place(b, &f->before2);
		sb_printf(b, ")");
	}
	sb_printf(b, ".\nTwo threads doing this at the same time can deadlock: each holds one lock "
		     "and waits forever for the other. Always take the locks in one global order.");
	free(x);
	free(y);
}

/* A title and advice for the kinds that are not races or lock orders. */
static void kind_words(const struct hg_finding *f, const char **title, const char **advice)
{
	const char *k = f->kind, *w = f->what ? f->what : "";

	*title = NULL;
	*advice = "Check how the pthread function at that line is used, and its return value.";
	if (strcmp(k, "UnlockUnlocked") == 0) {
		*title = "Unlocking a mutex that is not locked";
		*advice = "Every unlock must match an earlier lock by the same thread: look for a "
			  "path that unlocks twice, or unlocks without having locked.";
	} else if (strcmp(k, "UnlockForeign") == 0) {
		*title = "Unlocking a mutex that another thread holds";
		*advice = "Only the thread that locked a mutex may unlock it. To let one thread "
			  "signal another, use a condition variable or a semaphore.";
	} else if (strcmp(k, "UnlockBogus") == 0) {
		*title = "Unlocking something that is not a valid mutex";
		*advice = "Check that the pointer given to the unlock call points to a mutex that "
			  "was initialised (pthread_mutex_init() or PTHREAD_MUTEX_INITIALIZER) and "
			  "not yet destroyed.";
	} else if (strcmp(k, "PthAPIerror") == 0) {
		*title = "A pthread call failed";
		*advice = "Check the return value of every pthread call: the error code says why "
			  "it failed, and the program went on as if it had worked.";
	} else if (strcmp(k, "Misc") == 0) {
		*title = "Incorrect use of the pthread API";
		if (strstr(w, "still holds"))
			*advice = "A thread ended while still holding a lock: make sure every way "
				  "out of the function (early returns and error paths too) unlocks "
				  "what it locked.";
		else if (strstr(w, "cond_") && strstr(w, "mutex"))
			*advice = "pthread_cond_wait() must be called with its mutex locked by the "
				  "calling thread, and always with the same mutex for a given "
				  "condition variable.";
		else if (strstr(w, "destroy of a locked"))
			*advice = "Unlock a mutex before destroying it, and destroy it only when "
				  "no thread can use it any more.";
		else if (strstr(w, "re-lock"))
			*advice = "The thread locked a mutex it already holds: with a normal mutex "
				  "it waits for itself forever. Unlock first, or take the lock "
				  "only once.";
		else if (strstr(w, "dubious"))
			*advice = "The condition variable was signalled without holding the mutex "
				  "that the waiting threads use: change the shared state and "
				  "signal while holding that mutex, or a wake-up can be lost.";
	}
}

static void explain_other(const struct hg_finding *f, struct sb *b)
{
	const char *title, *advice;

	kind_words(f, &title, &advice);
	if (title)
		sb_printf(b, "%s: ", title);
	else
		sb_printf(b, "Helgrind reports a problem of kind \"%s\": ", f->kind);
	put_thread(b, f->now.thread);
	sb_printf(b, " ");
	put_place(b, &f->now);
	sb_printf(b, ".\n");
	if (f->what)
		sb_printf(b, "  Helgrind says: \"%s\".\n", f->what);
	if (f->lock_seen.file) {
		sb_printf(b, "  The lock was first used ");
		put_place(b, &f->lock_seen);
		sb_printf(b, ".\n");
	}
	sb_printf(b, "%s", advice);
}

char *hg_explain(const struct hg_finding *f)
{
	struct sb b = {0};

	if (strcmp(f->kind, "Race") == 0)
		explain_race(f, &b);
	else if (strcmp(f->kind, "LockOrder") == 0)
		explain_lock_order(f, &b);
	else
		explain_other(f, &b);
	return sb_take(&b);
}
