/*
 * drd_report.c - DRD's XML -> the raw findings of the Helgrind translator
 * (see drd_report.h), which then explains them as it explains Helgrind's
 * (hg_report_build()).
 *
 * DRD 3.19 XML facts this relies on (tests/unit/fixtures/drd_*.xml):
 *   - every <error> has <kind>, a plain <what> and the <stack> of the call;
 *     its <tid> is Valgrind's thread slot, not DRD's thread number (slots are
 *     reused), so only slot 1, the main thread, is taken as a number;
 *   - a race: <what>"Conflicting load by thread 3 at 0x0010c080 size 8",
 *     then <auxwhat>/<xauxwhat> as Helgrind's ("Location .. inside global
 *     var", "declared at ..") or, for the heap, "Address 0x.. is at offset 4
 *     from 0x.." and <allocation_context><stack>; then pairs of
 *     <other_segment_start>/<other_segment_end>, each with a <stack> while
 *     the other thread lives, empty once it has finished;
 *   - a misuse: <what> "Mutex not locked by calling thread: mutex 0x..,
 *     recursion count 1, owner 1." (DRD thread numbers), then
 *     <first_observed_at><what>mutex</what><address>..</address><stack> for
 *     each object involved.
 * DRD's words for each misuse are mapped to the explainer's through
 * drd_misuses[] below.
 */
#define _GNU_SOURCE
#include "drd_report.h"
#include "helgrind_internal.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

/* A thread that exits holding locks is one finding with at most this many names. */
#define EXIT_MAX_LOCKS 16

/*
 * DRD's kinds and messages -> the kind Helgrind gives the same problem and
 * the explainer's key (NULL: the kind alone says it).  First match wins;
 * prefix NULL matches any message of the kind, kind NULL any kind.
 */
static const struct drd_misuse {
	const char *kind, *prefix;
	const char *hg_kind, *key;
} drd_misuses[] = {
    /* refined in misuse_details(): unlocked, a wait, another owner */
    {"MutexErr", "Mutex not locked by calling thread", "UnlockForeign", NULL},
    {"MutexErr", "Mutex not locked", "UnlockUnlocked", NULL},
    {"MutexErr", "Recursive locking not allowed", "Misc", "re-lock"},
    {"MutexErr", "Mutex locked recursively", "Misc", "#wait-recursive"},
    {"MutexErr", "Destroying locked mutex", "Misc", "destroy of a locked"},
    {"MutexErr", "Mutex still locked at thread exit", "Misc", "still holds"},
    {"MutexErr", "Mutex reinitialization", "Misc", "#reinit-mutex"},
    {"MutexErr", "Mutex type", "Misc", "#wrong-type"},
    /* "The object at address 0x.. is not a mutex." (an unlock: refined) */
    {"MutexErr", NULL, "Misc", "#invalid-mutex"},
    {"CondErr", "initialized twice", "Misc", "#reinit-cond"},
    {"CondErr", "destruction of condition variable being waited", "Misc",
     "destruction of condition variable being waited upon"},
    {"CondErr", NULL, "Misc", "#invalid-cond"},
    {"CondDestrErr", NULL, "Misc", "destruction of condition variable being waited upon"},
    {"CondRaceErr", NULL, "Misc", "associated lock is not held by calling thread"},
    {"CondWaitErr", NULL, "Misc", "cond is associated with a different mutex"},
    {"SemaphoreErr", "Semaphore reinitialization", "Misc", "#reinit-semaphore"},
    {"SemaphoreErr", "Destruction of semaphore", "Misc", "#destroy-waited-semaphore"},
    {"SemaphoreErr", NULL, "Misc", "#invalid-semaphore"},
    {"BarrierErr", "pthread_barrier_init: 'count' argument is zero", "Misc", "'count' argument is zero"},
    {"BarrierErr", "Barrier reinitialization", "Misc", "barrier is already initialised"},
    {"BarrierErr", "Number of concurrent", "Misc", "#too-many-waiters"},
    {"BarrierErr", "Not a barrier", "Misc", "barrier"},
    {"BarrierErr", NULL, "Misc", "threads are waiting at barrier"},
    {"RwlockErr", "Destroying locked rwlock", "Misc", "pthread_rwlock_destroy of a locked"},
    {"RwlockErr", "Reader-writer lock still locked at thread exit", "Misc", "still holds"},
    {"RwlockErr", "Reader-writer lock reinitialization", "Misc", "#reinit-rwlock"},
    {"RwlockErr", "Recursive writer locking", "Misc", "#rwlock-relock"},
    {"RwlockErr", "Already locked for writing", "Misc", "#rwlock-relock"},
    {"RwlockErr", NULL, "Misc", "#rwlock-unlock-not-held"},
    {"GenericErr", "Not a reader-writer lock", "Misc", "#invalid-rwlock"},
    {"GenericErr", "wrong type of synchronization object", "Misc", "#wrong-type"},
    {"HoldtimeErr", NULL, "Misc", "#held-too-long"},
    {NULL, NULL, "Misc", "#unknown"},
};

/* A thread that exits holding locks: the finding, and the names of its locks so far. */
struct exit_group {
	int finding; /* index into raw->v */
	char *names[EXIT_MAX_LOCKS];
	int nnames, unknown;
};

struct drd_ctx {
	struct hg_raw *raw;
	const char *build_dir;
	struct exit_group *exits;
	int nexits, capexits;
};

static const struct drd_misuse *drd_misuse_of(const char *kind, const char *what)
{
	for (const struct drd_misuse *m = drd_misuses;; m++)
		if ((!m->kind || strcmp(m->kind, kind) == 0) && (!m->prefix || hg_starts_with(what, m->prefix)))
			return m;
}

/* "pthread_mutex_unlock@*" -> "pthread_mutex_unlock": DRD's names of its intercepts. */
static void drop_version(char *fn)
{
	char *at = fn ? strchr(fn, '@') : NULL;

	if (at && at != fn)
		*at = '\0';
}

/* Whether fn (a top frame, may be NULL) is one of the calls that lock. */
static int is_lock_call(const char *fn)
{
	return fn && (strstr(fn, "_lock") || strstr(fn, "_rdlock") || strstr(fn, "_wrlock")) && !strstr(fn, "unlock");
}

/* The variable of the lock taken or initialised by the call at a's line ("a->lock"), or NULL. */
static char *lock_name_at(const struct hg_access *a, const char *build_dir)
{
	static const char *const prefixes[] = {"pthread_mutex_", "pthread_rwlock_", "pthread_spin_", NULL};
	struct hg_call c;
	char *name = NULL;

	if (!a->file || hg_source_call(a->file, build_dir, a->line, prefixes, &c) < 0)
		return NULL;
	if (c.nargs > 0)
		name = hg_lvalue_name(c.args[0]);
	hg_call_free(&c);
	return name;
}

/* A race's <what>: "Conflicting store by thread 3 at 0x0010c080 size 8". */
static void race_details(struct hg_finding *f)
{
	const char *w = f->what ? f->what : "";

	f->now.is_write = strstr(w, "Conflicting store") ? 1 : strstr(w, "Conflicting load") ? 0 : -1;
	f->now.size = (int)hg_number_after(w, " size ", 0);
	f->now.thread = (int)hg_number_after(w, "by thread ", 0);
}

/* Refines what the table says from the message's numbers and the call. */
static void misuse_details(struct hg_finding *f)
{
	const char *w = f->what ? f->what : "";
	long count = hg_number_after(w, "recursion count ", -1), owner = hg_number_after(w, "owner ", 0);
	int wait = f->now.top_fn && hg_starts_with(f->now.top_fn, "pthread_cond_") && strstr(f->now.top_fn, "wait");
	int unlock = f->now.top_fn && strstr(f->now.top_fn, "unlock");

	if (strcmp(f->kind, "UnlockForeign") == 0 || strcmp(f->kind, "UnlockUnlocked") == 0) {
		if (wait) {
			/* pthread_cond_wait() unlocks the mutex it is given */
			free(f->kind);
			f->kind = xstrdup("Misc");
			f->misuse =
			    count > 0 ? "called with mutex held by a different thread" : "called with un-held mutex";
			hg_access_free(&f->lock_seen); /* the mutex's first use, said of the condition variable */
		} else if (count > 0 && owner > 0) {
			f->other_thread = (int)owner;
		} else {
			free(f->kind);
			f->kind = xstrdup("UnlockUnlocked");
		}
	} else if (unlock && hg_streq_null(f->misuse, "#invalid-mutex")) {
		f->misuse = "#unlock-unknown"; /* DRD has not seen this mutex: never locked, or not a mutex */
	}
}

/* Reads one <first_observed_at>: where the object at its <address> was first used. */
static void on_first_observed(struct hg_finding *f, const xmlNode *fo, const char *build_dir)
{
	if (f->lock_seen.file || f->lock_seen.top_fn)
		return; /* the first one is the error's object */
	hg_xml_take_stack(&f->lock_seen, hg_xml_child(fo, "stack"), build_dir);
	drop_version(f->lock_seen.top_fn);
}

/* Reads the parts of an <error> after its <what>. */
static void parse_parts(struct hg_finding *f, const xmlNode *err, const char *build_dir)
{
	struct hg_desc_state st = {0};
	int nowstack = 0, segments = 0;

	for (const xmlNode *c = err->children; c; c = c->next) {
		const char *name = (const char *)c->name;
		char *t;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp(name, "stack") == 0 && !nowstack++) {
			hg_xml_take_stack(&f->now, c, build_dir);
			drop_version(f->now.top_fn);
		} else if (strcmp(name, "auxwhat") == 0 && (t = hg_xml_text(c)) != NULL) {
			if (hg_starts_with(t, "Address ") && strstr(t, " is at offset ")) {
				/* "Address 0x4a6d034 is at offset 4 from 0x4a6d030." */
				f->var_kind = HG_VAR_HEAP;
				f->var_offset = hg_number_after(t, " is at offset ", -1);
			} else {
				hg_desc_line(f, &st, t);
			}
			free(t);
		} else if (strcmp(name, "xauxwhat") == 0 && (t = hg_xml_child_text(c, "text")) != NULL) {
			hg_desc_line(f, &st, t);
			free(t);
		} else if (strcmp(name, "allocation_context") == 0) {
			hg_xml_take_stack(&f->alloc, hg_xml_child(c, "stack"), build_dir);
		} else if (strcmp(name, "other_segment_start") == 0 && segments++ == 0) {
			/* the first conflicting segment only */
			hg_xml_take_stack(&f->seg_start, hg_xml_child(c, "stack"), build_dir);
		} else if (strcmp(name, "other_segment_end") == 0 && segments == 1) {
			hg_xml_take_stack(&f->seg_end, hg_xml_child(c, "stack"), build_dir);
		} else if (strcmp(name, "first_observed_at") == 0) {
			on_first_observed(f, c, build_dir);
		}
	}
	hg_desc_finish(f, &st);
}

/* The exit group of thread `owner`, made if new (a fresh finding from f, which is then taken). */
static struct exit_group *exit_group_of(struct drd_ctx *c, int owner, struct hg_finding *f)
{
	struct hg_raw *raw = c->raw;
	struct exit_group *g;

	for (int i = 0; i < c->nexits; i++)
		if (raw->v[c->exits[i].finding].now.thread == owner) {
			hg_finding_free(f);
			return &c->exits[i];
		}
	hg_grow((void **)&c->exits, &c->capexits, c->nexits, sizeof(*c->exits));
	g = &c->exits[c->nexits++];
	memset(g, 0, sizeof(*g));
	g->finding = raw->n;
	hg_grow((void **)&raw->v, &raw->cap, raw->n, sizeof(*raw->v));
	raw->v[raw->n++] = *f;
	return g;
}

/*
 * "Mutex still locked at thread exit: mutex 0x.., recursion count 1, owner
 * 2.": one finding per thread that exits, with all its locks (DRD reports
 * each lock apart).  Takes f.
 */
static void add_exit(struct drd_ctx *c, struct hg_finding *f)
{
	int owner = (int)hg_number_after(f->what, "owner ", 0);
	char *name = lock_name_at(&f->lock_seen, c->build_dir);
	/* the lock's first use by the thread itself shows the function it runs */
	char *start =
	    is_lock_call(f->lock_seen.top_fn) && f->lock_seen.start_fn ? xstrdup(f->lock_seen.start_fn) : NULL;
	struct exit_group *g;
	struct hg_finding *e;

	/* the thread that exits, not main's pthread_join() where DRD noticed */
	f->now.thread = owner;
	free(f->now.start_fn);
	f->now.start_fn = start;
	f->what[strcspn(f->what, ":")] = '\0';
	g = exit_group_of(c, owner, f);
	e = &c->raw->v[g->finding];
	e->nexit_locks++;
	if (name && g->nnames < EXIT_MAX_LOCKS)
		g->names[g->nnames++] = name;
	else {
		free(name);
		g->unknown = 1;
	}
	if (e->nexit_locks > 1)
		hg_access_free(&e->lock_seen); /* "first used" is said of one lock only */
}

/* The names of each exit group's locks, "`a`", "`a` and `b`", into its finding; frees the groups. */
static void finish_exits(struct drd_ctx *c)
{
	for (int i = 0; i < c->nexits; i++) {
		struct exit_group *g = &c->exits[i];
		struct hg_finding *e = &c->raw->v[g->finding];
		struct sb b = {0};

		for (int k = 0; k < g->nnames; k++) {
			sb_printf(&b, "%s`%s`", k == 0 ? "" : k == g->nnames - 1 ? " and " : ", ", g->names[k]);
			free(g->names[k]);
		}
		if (!g->unknown && g->nnames > 0)
			e->exit_locks = sb_take(&b);
		else
			free(sb_take(&b));
	}
	free(c->exits);
	c->exits = NULL;
	c->nexits = c->capexits = 0;
}

static void on_drd_element(void *ctx, const char *name, const xmlNode *err)
{
	struct drd_ctx *c = ctx;
	struct hg_finding f;
	char *kind, *tid;
	const struct drd_misuse *m;

	if (strcmp(name, "error") != 0)
		return;
	hg_finding_init(&f);
	kind = hg_xml_child_text(err, "kind");
	f.what = hg_xml_child_text(err, "what");
	if (!f.what)
		f.what = xstrdup("");
	if (*f.what && f.what[strlen(f.what) - 1] == '.')
		f.what[strlen(f.what) - 1] = '\0'; /* as Helgrind's, which the explainer quotes */
	tid = hg_xml_child_text(err, "tid");
	parse_parts(&f, err, c->build_dir);
	if (kind && strcmp(kind, "ConflictingAccess") == 0) {
		f.kind = xstrdup("Race");
		race_details(&f);
	} else {
		m = drd_misuse_of(kind ? kind : "", f.what);
		f.kind = xstrdup(m->hg_kind);
		f.misuse = m->key;
		/* Valgrind's slot 1 is always the main thread; other slots are not DRD's numbers */
		f.now.thread = tid && strcmp(tid, "1") == 0 ? 1 : 0;
		misuse_details(&f);
	}
	free(kind);
	free(tid);
	hg_kind_details(&f);
	if (hg_streq_null(f.misuse, "still holds")) {
		add_exit(c, &f);
		return;
	}
	hg_grow((void **)&c->raw->v, &c->raw->cap, c->raw->n, sizeof(*c->raw->v));
	c->raw->v[c->raw->n++] = f;
}

int drd_report_load(const char *xml_path, const char *build_dir, struct hg_report *out)
{
	struct hg_raw raw = {.unannounced = 1};
	struct drd_ctx c = {.raw = &raw, .build_dir = build_dir};
	int complete;

	if (!out)
		return -1;
	memset(out, 0, sizeof(*out));
	if (!xml_path || hg_xml_read(xml_path, on_drd_element, &c, &complete) < 0) {
		finish_exits(&c);
		hg_raw_free(&raw);
		return -1;
	}
	finish_exits(&c);
	hg_report_build(&raw, complete, build_dir, "DRD", out);
	return 0;
}
