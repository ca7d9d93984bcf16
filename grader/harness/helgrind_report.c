/*
 * helgrind_report.c - the Helgrind translator's public API (see
 * helgrind_report.h): load a report from the XML (helgrind_xml.c) and the
 * text log (helgrind_log.c), merge duplicates, explain each finding
 * (helgrind_explain.c) and print; plus the small text helpers the parts
 * share (helgrind_internal.h).
 */
#include "helgrind_internal.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- text helpers -------------------------------------------------------- */

void sb_printf(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if (b->len + (size_t)n + 1 > b->cap) {
		b->cap = 2 * (b->len + (size_t)n + 1);
		b->s = xrealloc(b->s, b->cap);
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

char *sb_take(struct sb *b)
{
	char *s = b->s ? b->s : xstrdup("");

	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

void hg_grow(void **v, int *cap, int n, size_t elem)
{
	if (n < *cap)
		return;
	*cap = *cap ? 2 * *cap : 8;
	*v = xrealloc(*v, (size_t)*cap * elem);
}

int hg_starts_with(const char *s, const char *prefix)
{
	return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

int hg_streq_null(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

char *hg_dup_trimmed(const char *s)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

long hg_number_after(const char *s, const char *key, long def)
{
	const char *p = s ? strstr(s, key) : NULL;
	char *end;
	long v;

	if (!p)
		return def;
	p += strlen(key);
	if (!isdigit((unsigned char)*p))
		return def;
	errno = 0;
	v = strtol(p, &end, 10);
	if (errno || end == p)
		return def;
	return v;
}

void hg_parse_rw_size(const char *s, int *is_write, int *size)
{
	*is_write = -1;
	*size = 0;
	if (strstr(s, "write of size "))
		*is_write = 1;
	else if (strstr(s, "read of size "))
		*is_write = 0;
	if (*is_write >= 0)
		*size = (int)hg_number_after(s, "of size ", 0);
}

int hg_thread_in(const char *s)
{
	long t = hg_number_after(s, "thread #", -1);

	if (t < 0)
		t = hg_number_after(s, "Thread #", 0);
	return t > 0 && t < 1000000000L ? (int)t : 0;
}

const char *hg_base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

char *hg_quoted(const char *s)
{
	const char *a = strchr(s, '"'), *b = strrchr(s, '"');

	return a && b > a + 1 ? xstrndup(a + 1, (size_t)(b - a - 1)) : NULL;
}

void hg_access_init(struct hg_access *a)
{
	memset(a, 0, sizeof(*a));
	a->is_write = -1;
	a->nlocks = -1;
}

void hg_access_free(struct hg_access *a)
{
	free(a->fn);
	free(a->file);
	free(a->locks_held);
	free(a->locks_named);
	free(a->top_fn);
	free(a->start_fn);
	hg_access_init(a);
}

void hg_access_copy_place(struct hg_access *a, const struct hg_access *b)
{
	a->fn = b->fn ? xstrdup(b->fn) : NULL;
	a->file = b->file ? xstrdup(b->file) : NULL;
	a->line = b->line;
	a->top_fn = b->top_fn ? xstrdup(b->top_fn) : NULL;
	a->start_fn = b->start_fn ? xstrdup(b->start_fn) : NULL;
}

void hg_finding_init(struct hg_finding *f)
{
	memset(f, 0, sizeof(*f));
	hg_access_init(&f->now);
	hg_access_init(&f->before);
	hg_access_init(&f->alloc);
	hg_access_init(&f->before2);
	hg_access_init(&f->lock_seen);
	hg_access_init(&f->lock_prev);
	hg_access_init(&f->held_at);
	hg_access_init(&f->seg_start);
	hg_access_init(&f->seg_end);
	f->var_offset = -1;
}

void hg_finding_free(struct hg_finding *f)
{
	free(f->kind);
	free(f->what);
	free(f->variable);
	free(f->variable_decl);
	free(f->block_info);
	free(f->explanation);
	free(f->stack_info);
	free(f->lock_first);
	free(f->lock_second);
	hg_access_free(&f->now);
	hg_access_free(&f->before);
	hg_access_free(&f->alloc);
	hg_access_free(&f->before2);
	hg_access_free(&f->lock_seen);
	hg_access_free(&f->lock_prev);
	hg_access_free(&f->held_at);
	hg_access_free(&f->seg_start);
	hg_access_free(&f->seg_end);
	free(f->threads);
	free(f->object);
	free(f->cond_mutex);
	free(f->cond_other_mutex);
	free(f->offsets);
	free(f->exit_locks);
	for (int i = 0; i < f->ncycle; i++) {
		free(f->cycle[i].held);
		free(f->cycle[i].taken);
		hg_access_free(&f->cycle[i].held_at);
		hg_access_free(&f->cycle[i].taken_at);
	}
	free(f->cycle);
	memset(f, 0, sizeof(*f));
}

/* ---- loading: the source, the threads ------------------------------------ */

/* The families of calls a misuse can be about, and the object each one takes first. */
static const struct {
	const char *prefix, *kind;
} call_kinds[] = {
    {"pthread_mutex_", "mutex"},     {"pthread_rwlock_", "read-write lock"}, {"pthread_cond_", "condition variable"},
    {"pthread_barrier_", "barrier"}, {"pthread_spin_", "spin lock"},	     {"sem_", "semaphore"},
};

/*
 * A misuse's object from the call at its line, when the log did not name it:
 * "pthread_mutex_unlock(&queue_lock)" -> "queue_lock", a mutex; a wait's
 * mutex too.
 */
static void object_from_source(struct hg_finding *f, const char *build_dir)
{
	const char *prefixes[sizeof(call_kinds) / sizeof(call_kinds[0]) + 1];
	struct hg_call c;

	for (size_t i = 0; i < sizeof(call_kinds) / sizeof(call_kinds[0]); i++)
		prefixes[i] = call_kinds[i].prefix;
	prefixes[sizeof(call_kinds) / sizeof(call_kinds[0])] = NULL;
	if (hg_source_call(f->now.file, build_dir, f->now.line, prefixes, &c) < 0)
		return;
	for (size_t i = 0; i < sizeof(call_kinds) / sizeof(call_kinds[0]); i++)
		if (hg_starts_with(c.fn, call_kinds[i].prefix))
			f->object_kind = call_kinds[i].kind;
	if (!f->object && c.nargs > 0)
		f->object = hg_lvalue_name(c.args[0]);
	if (hg_starts_with(c.fn, "pthread_cond_") && strstr(c.fn, "wait") && c.nargs > 1)
		f->cond_mutex = hg_lvalue_name(c.args[1]);
	if (hg_starts_with(c.fn, "pthread_cond_") && f->object)
		f->cond_other_mutex =
		    hg_source_cond_mutex(f->now.file, build_dir, f->object, f->cond_mutex, &f->cond_other_line);
	hg_call_free(&c);
}

static int cmp_int(const void *x, const void *y)
{
	int a = *(const int *)x, b = *(const int *)y;

	return (a > b) - (a < b);
}

/* f->threads: every thread the finding involves (not the one that allocated a block), ascending, each once. */
static void set_threads(struct hg_finding *f)
{
	int ids[8], n = 0, m = 0;
	const int extra[] = {f->now.thread, f->before.thread, f->other_thread};

	for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
		if (extra[i] > 0)
			ids[n++] = extra[i];
	f->threads = xcalloc((size_t)(n + f->ncycle + 1), sizeof(*f->threads));
	for (int i = 0; i < n; i++)
		f->threads[m++] = ids[i];
	for (int i = 0; i < f->ncycle; i++)
		if (f->cycle[i].thread > 0)
			f->threads[m++] = f->cycle[i].thread;
	qsort(f->threads, (size_t)m, sizeof(*f->threads), cmp_int);
	f->nthreads = 0;
	for (int i = 0; i < m; i++)
		if (f->nthreads == 0 || f->threads[f->nthreads - 1] != f->threads[i])
			f->threads[f->nthreads++] = f->threads[i];
}

static int cmp_announce(const void *x, const void *y)
{
	const struct hg_announce *a = x, *b = y;

	return cmp_int(&a->thread, &b->thread);
}

struct hg_announce *hg_announce_add(struct hg_raw *raw, int id)
{
	struct hg_announce *a;

	for (int i = 0; i < raw->nann; i++)
		if (raw->ann[i].thread == id)
			return NULL;
	hg_grow((void **)&raw->ann, &raw->capann, raw->nann, sizeof(*raw->ann));
	a = &raw->ann[raw->nann++];
	memset(a, 0, sizeof(*a));
	a->thread = id;
	a->root = id == 1;
	hg_access_init(&a->where);
	return a;
}

/*
 * For a tool that announces no thread (DRD): an announcement, of unknown
 * origin, for every thread of the findings; thread 1 is the main thread.
 */
static void announce_unannounced(struct hg_raw *raw)
{
	for (int i = 0; raw->unannounced && i < raw->n; i++)
		for (int k = 0; k < raw->v[i].nthreads; k++) {
			struct hg_announce *a = hg_announce_add(raw, raw->v[i].threads[k]);

			if (a)
				a->origin_unknown = 1;
		}
}

/* Sets start_fn of thread id, if unknown, to fn. */
static void thread_runs(struct hg_report *r, int id, const char *fn)
{
	for (int i = 0; fn && i < r->nthreads; i++)
		if (r->threads[i].id == id && !r->threads[i].start_fn)
			r->threads[i].start_fn = xstrdup(fn);
}

/*
 * r->threads from the announcements; each one's function from the stacks
 * of its accesses that go down to start_thread(), else from the
 * pthread_create() line that created it.
 */
static void build_threads(struct hg_report *r, struct hg_raw *raw, const char *build_dir)
{
	if (raw->nann > 1)
		qsort(raw->ann, (size_t)raw->nann, sizeof(*raw->ann), cmp_announce);
	r->threads = xcalloc((size_t)raw->nann + 1, sizeof(*r->threads));
	for (int i = 0; i < raw->nann; i++) {
		struct hg_thread *t = &r->threads[r->nthreads];

		if (r->nthreads > 0 && t[-1].id == raw->ann[i].thread)
			continue;
		t->id = raw->ann[i].thread;
		t->root = raw->ann[i].root;
		t->origin_unknown = raw->ann[i].origin_unknown;
		hg_access_init(&t->created);
		hg_access_copy_place(&t->created, &raw->ann[i].where);
		free(t->created.start_fn); /* the creating thread's, not this one's */
		t->created.start_fn = NULL;
		r->nthreads++;
	}
	for (int i = 0; i < raw->n; i++) {
		const struct hg_finding *f = &raw->v[i];

		thread_runs(r, f->now.thread, f->now.start_fn);
		thread_runs(r, f->before.thread, f->before.start_fn);
		thread_runs(r, f->held_at.thread, f->held_at.start_fn);
		thread_runs(r, f->now.thread, f->lock_prev.start_fn);
		for (int k = 0; k < f->ncycle; k++)
			thread_runs(r, f->cycle[k].thread, f->cycle[k].taken_at.start_fn);
	}
	for (int i = 0; i < r->nthreads; i++) {
		struct hg_thread *t = &r->threads[i];

		if (!t->start_fn && !t->root && !t->origin_unknown && t->created.file)
			t->start_fn = hg_source_thread_fn(t->created.file, build_dir, t->created.line);
	}
}

const struct hg_thread *hg_thread_of(const struct hg_report *r, int id)
{
	for (int i = 0; r && i < r->nthreads; i++)
		if (r->threads[i].id == id)
			return &r->threads[i];
	return NULL;
}

/*
 * "thread #1 is the program's main thread; thread #2 was created by main()
 * at r.c:18 to run worker()" for the threads ids (all if ids is NULL), or NULL.
 */
static char *threads_text(const struct hg_report *r, const int *ids, int nids)
{
	struct sb b = {0};
	int shown = 0;

	for (int i = 0; i < r->nthreads; i++) {
		const struct hg_thread *t = &r->threads[i];
		int wanted = !ids;

		for (int k = 0; !wanted && k < nids; k++)
			wanted = ids[k] == t->id;
		/* a thread the tool says nothing about, not even its function */
		if (!wanted || (t->origin_unknown && !t->root && !t->start_fn))
			continue;
		if (shown++)
			sb_printf(&b, "; ");
		if (t->root) {
			sb_printf(&b, "thread #%d is the program's main thread", t->id);
			continue;
		}
		if (t->origin_unknown)
			sb_printf(&b, "thread #%d", t->id);
		else if (t->created.file)
			sb_printf(&b, "thread #%d was created by %s%s at %s:%d", t->id,
				  t->created.fn ? t->created.fn : "a function", t->created.fn ? "()" : "",
				  t->created.file, t->created.line);
		else
			sb_printf(&b, "thread #%d was created outside your code", t->id);
		if (t->start_fn)
			sb_printf(&b, t->origin_unknown ? " runs %s()" : " to run %s()", t->start_fn);
	}
	return shown ? sb_take(&b) : NULL;
}

/* ---- merging -------------------------------------------------------------- */

static int same_place(const struct hg_access *a, const struct hg_access *b)
{
	if (!hg_streq_null(a->fn, b->fn) || !hg_streq_null(a->file, b->file) || a->line != b->line)
		return 0;
	return a->file || hg_streq_null(a->top_fn, b->top_fn);
}

/* Helgrind's message without what does not matter: thread numbers (#N) and addresses (0x..). */
static char *normalised(const char *what)
{
	struct sb b = {0};

	for (const char *p = what ? what : ""; *p;) {
		if (*p == '#' && p[1] >= '0' && p[1] <= '9') {
			sb_printf(&b, "#N");
			for (p++; *p >= '0' && *p <= '9'; p++)
				;
		} else if (p[0] == '0' && p[1] == 'x') {
			sb_printf(&b, "0x");
			p += 2 + strspn(p + 2, "0123456789abcdefABCDEF");
		} else {
			sb_printf(&b, "%c", *p++);
		}
	}
	return sb_take(&b);
}

/* The locks of a lock-order cycle, as one string: the same for every finding of one cycle. */
static char *cycle_key(const struct hg_finding *f)
{
	struct sb b = {0};

	for (int i = 0; i < f->ncycle; i++)
		sb_printf(&b, "%s\n", f->cycle[i].held ? f->cycle[i].held : "?");
	return sb_take(&b);
}

/*
 * Whether b is truly the same problem as a: a race on the same variable
 * or heap block at the same places, whichever threads (a block's offsets
 * are then listed); a lock-order
 * cycle through the same locks; another error with the same message (apart
 * from thread numbers and addresses), place and object, and for a thread
 * that ends holding locks the same function, creation site and locks.
 */
static int same_finding(const struct hg_finding *a, const struct hg_finding *b, const struct hg_report *r)
{
	if (!hg_streq_null(a->kind, b->kind))
		return 0;
	if (strcmp(a->kind, "LockOrder") == 0 && (a->ncycle || b->ncycle)) {
		char *ka = cycle_key(a), *kb = cycle_key(b);
		int same = a->ncycle == b->ncycle && strcmp(ka, kb) == 0;

		free(ka);
		free(kb);
		return same;
	}
	if (!same_place(&a->now, &b->now) || !same_place(&a->before, &b->before) ||
	    !same_place(&a->before2, &b->before2) || !hg_streq_null(a->variable, b->variable) ||
	    !hg_streq_null(a->block_info, b->block_info) || !hg_streq_null(a->stack_info, b->stack_info))
		return 0;
	if (strcmp(a->kind, "Race") == 0)
		return 1; /* a heap block's offsets are listed */
	if (strcmp(a->kind, "LockOrder") == 0)
		return hg_streq_null(a->lock_first, b->lock_first) && hg_streq_null(a->lock_second, b->lock_second);
	char *wa = normalised(a->what), *wb = normalised(b->what);
	int same =
	    strcmp(wa, wb) == 0 && hg_streq_null(a->object, b->object) && hg_streq_null(a->exit_locks, b->exit_locks);
	free(wa);
	free(wb);
	if (same && a->nexit_locks > 0) {
		const struct hg_thread *ta = hg_thread_of(r, a->now.thread), *tb = hg_thread_of(r, b->now.thread);

		same = ta && tb && ta->root == tb->root && hg_streq_null(ta->start_fn, tb->start_fn) &&
		       same_place(&ta->created, &tb->created);
	}
	return same;
}

/* Adds b's offset in the heap block to a's list. */
static void add_offset(struct hg_finding *a, const struct hg_finding *b)
{
	if (a->var_kind != HG_VAR_HEAP || b->var_offset < 0)
		return;
	if (a->noffsets == 0) {
		a->offsets = xcalloc(1, sizeof(*a->offsets));
		a->offsets[a->noffsets++] = a->var_offset;
	}
	for (int i = 0; i < a->noffsets; i++)
		if (a->offsets[i] == b->var_offset)
			return;
	a->offsets = xrealloc(a->offsets, (size_t)(a->noffsets + 1) * sizeof(*a->offsets));
	a->offsets[a->noffsets++] = b->var_offset;
	for (int i = a->noffsets - 1; i > 0 && a->offsets[i] < a->offsets[i - 1]; i--) {
		long t = a->offsets[i];

		a->offsets[i] = a->offsets[i - 1];
		a->offsets[i - 1] = t;
	}
}

/* Adds b's threads to a's. */
static void add_threads(struct hg_finding *a, const struct hg_finding *b)
{
	int n = a->nthreads;

	a->threads = xrealloc(a->threads, (size_t)(a->nthreads + b->nthreads + 1) * sizeof(*a->threads));
	for (int i = 0; i < b->nthreads; i++) {
		int known = 0;

		for (int k = 0; k < n && !known; k++)
			known = a->threads[k] == b->threads[i];
		if (!known)
			a->threads[a->nthreads++] = b->threads[i];
	}
	qsort(a->threads, (size_t)a->nthreads, sizeof(*a->threads), cmp_int);
}

/* Moves raw's findings into out->findings, freeing the duplicates; raw keeps its threads. */
static void merge(struct hg_raw *raw, struct hg_report *out)
{
	out->findings = xcalloc((size_t)(raw->n ? raw->n : 1), sizeof(*out->findings));
	out->counts = xcalloc((size_t)(raw->n ? raw->n : 1), sizeof(*out->counts));
	for (int i = 0; i < raw->n; i++) {
		int j;

		for (j = 0; j < out->nfindings; j++)
			if (same_finding(&out->findings[j], &raw->v[i], out))
				break;
		if (j < out->nfindings) {
			out->counts[j]++;
			add_threads(&out->findings[j], &raw->v[i]);
			add_offset(&out->findings[j], &raw->v[i]);
			hg_finding_free(&raw->v[i]);
		} else {
			out->findings[out->nfindings] = raw->v[i];
			out->counts[out->nfindings++] = 1;
		}
	}
	raw->n = 0;
}

void hg_report_build(struct hg_raw *raw, int complete, const char *build_dir, const char *tool, struct hg_report *out)
{
	out->ok = complete;
	out->nerrors = raw->n;
	out->tool = tool;
	for (int i = 0; i < raw->n; i++)
		if (strcmp(raw->v[i].kind, "Race") != 0 && strcmp(raw->v[i].kind, "LockOrder") != 0)
			object_from_source(&raw->v[i], build_dir);
	/* a variable of the driver (declared in a file no access is in): the path its threads were created in */
	for (int i = 0; i < raw->n; i++)
		for (int k = 0; k < raw->nann; k++)
			hg_decl_path(&raw->v[i], raw->ann[k].where.file);
	hg_find_cycles(raw->v, raw->n);
	for (int i = 0; i < raw->n; i++)
		set_threads(&raw->v[i]);
	announce_unannounced(raw);
	build_threads(out, raw, build_dir);

	merge(raw, out);
	for (int i = 0; i < out->nfindings; i++)
		out->findings[i].explanation = hg_explain(&out->findings[i], out);
	out->thread_info = threads_text(out, NULL, 0);
	hg_raw_free(raw);
}

const char *hg_tool(const struct hg_report *r)
{
	return r && r->tool ? r->tool : "Helgrind";
}

int hg_report_load_ex(const char *xml_path, const char *log_path, const char *build_dir, struct hg_report *out)
{
	struct hg_raw raw = {0};
	struct hg_log *lg;
	int complete;

	if (!out)
		return -1;
	memset(out, 0, sizeof(*out));
	if (!xml_path || hg_read_xml(xml_path, build_dir, &raw, &complete) < 0) {
		hg_raw_free(&raw);
		return -1;
	}
	lg = hg_log_read(log_path);
	hg_log_apply(&raw, lg);
	hg_log_free(lg);
	hg_report_build(&raw, complete, build_dir, "Helgrind", out);
	return 0;
}

int hg_report_load(const char *xml_path, const char *log_path, struct hg_report *out)
{
	return hg_report_load_ex(xml_path, log_path, NULL, out);
}

void hg_report_free(struct hg_report *r)
{
	if (!r)
		return;
	for (int i = 0; i < r->nfindings; i++)
		hg_finding_free(&r->findings[i]);
	free(r->findings);
	free(r->counts);
	free(r->thread_info);
	for (int i = 0; i < r->nthreads; i++) {
		hg_access_free(&r->threads[i].created);
		free(r->threads[i].start_fn);
	}
	free(r->threads);
	free(r->fatal);
	memset(r, 0, sizeof(*r));
}

/* ---- printing ------------------------------------------------------------ */

/* Writes s with every line after the first indented by indent spaces. */
static void put_indented(FILE *f, const char *s, int indent)
{
	for (const char *nl; (nl = strchr(s, '\n')) != NULL; s = nl + 1)
		fprintf(f, "%.*s\n%*s", (int)(nl - s), s, indent, "");
	fprintf(f, "%s\n", s);
}

/* Writes ", involving threads #2, #3 and #4" (at most 8 numbers, then how many more); n > 0. */
static void put_threads(FILE *f, const int *ids, int n)
{
	int shown = n > 8 ? 7 : n;

	fprintf(f, ", involving thread%s ", n == 1 ? "" : "s");
	for (int i = 0; i < shown; i++)
		fprintf(f, "%s#%d", i == 0 ? "" : i == n - 1 ? " and " : ", ", ids[i]);
	if (shown < n)
		fprintf(f, " and %d more", n - shown);
}

/* The threads of the first n findings, each once, in a malloc'd array; *count set. */
static int *threads_of_findings(const struct hg_report *r, int n, int *count)
{
	int total = 0, *ids;

	for (int i = 0; i < n; i++)
		total += r->findings[i].nthreads;
	ids = xcalloc((size_t)total + 1, sizeof(*ids));
	*count = 0;
	for (int i = 0; i < n; i++)
		for (int k = 0; k < r->findings[i].nthreads; k++) {
			int known = 0;

			for (int j = 0; j < *count && !known; j++)
				known = ids[j] == r->findings[i].threads[k];
			if (!known)
				ids[(*count)++] = r->findings[i].threads[k];
		}
	return ids;
}

/* Whether some finding is of this kind. */
static int has_kind(const struct hg_report *r, const char *kind)
{
	for (int i = 0; i < r->nfindings; i++)
		if (strcmp(r->findings[i].kind, kind) == 0)
			return 1;
	return 0;
}

void hg_report_print(const struct hg_report *r, FILE *f, int max_findings)
{
	int shown, nids, *ids;
	char *threads;
	const char *tool = hg_tool(r);

	if (!r || !f)
		return;
	if (r->fatal)
		fprintf(f, "%s stopped with an error of its own, so it could not check the whole run: \"%s\".\n", tool,
			r->fatal);
	if (r->nfindings == 0) {
		if (r->fatal)
			return;
		if (r->ok)
			fprintf(f, "%s found no problems.\n", tool);
		else
			fprintf(f,
				"%s's report is incomplete (the run probably did not finish), "
				"and it shows no problem before the point where it stops.\n",
				tool);
		return;
	}
	fprintf(f, "%s found %d problem%s%s.\n", tool, r->nfindings, r->nfindings == 1 ? "" : "s",
		r->ok ? "" : " before its report stops (the run probably did not finish, so there may be more)");
	if (has_kind(r, "Race"))
		fprintf(f,
			"%s reports *possible* problems: it follows which accesses are ordered by "
			"locks, pthread_create() and pthread_join(), so it finds a race even if the bad "
			"interleaving did not happen in this run.\n",
			tool);
	else if (has_kind(r, "LockOrder"))
		fprintf(f,
			"%s reports *possible* deadlocks: it records in which order each thread takes its "
			"locks, so it finds a cycle of locks even if this run did not deadlock.\n",
			tool);
	else
		fprintf(f,
			"%s saw the threads API misused in this run (a mutex, condition variable, semaphore "
			"or barrier used in a way its contract forbids).\n",
			tool);
	shown = max_findings < 0 || max_findings > r->nfindings ? r->nfindings : max_findings;
	ids = threads_of_findings(r, shown, &nids);
	threads = nids ? threads_text(r, ids, nids) : NULL;
	if (threads)
		fprintf(f, "Threads: %s.\n", threads);
	free(threads);
	free(ids);
	for (int i = 0; i < shown; i++) {
		const struct hg_finding *fi = &r->findings[i];
		int w = fprintf(f, "\n%d. ", i + 1) - 1; /* the width of "N. " */

		if (w < 0)
			w = 3;
		put_indented(f, fi->explanation ? fi->explanation : "", w);
		if (r->counts && r->counts[i] > 1) {
			fprintf(f, "%*s(reported %d times", w, "", r->counts[i]);
			if (fi->nthreads > 0)
				put_threads(f, fi->threads, fi->nthreads);
			fputs(")\n", f);
		}
	}
	if (shown < r->nfindings)
		fprintf(f, "\n... and %d more.\n", r->nfindings - shown);
}
