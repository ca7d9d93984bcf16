/*
 * helgrind_report.c - parse Helgrind's XML (libxml2) and the "Locks held"
 * lines of its text log, and explain each finding to a student.
 *
 * Layout of this file:
 *   1. small helpers (allocation, string builder, text scanning)
 *   2. frames and stacks: choosing the program's own frame, display paths
 *   3. one <error> -> one raw finding; <announcethread> -> thread_info
 *   4. the text log: "Locks held" of each race, matched to the XML's races
 *   5. merging duplicates, explanations, printing
 *
 * Helgrind 3.19 XML facts this relies on (see tests/unit/fixtures/):
 *   - a Race is <xwhat><text>Possible data race during read of size 8 at .. by
 *     thread #3</text><hthreadid>3</hthreadid></xwhat> <stack>, then <xauxwhat>
 *     "This conflicts with a previous write of size 8 by thread #2" <stack>,
 *     then <auxwhat>/<xauxwhat> describing the address;
 *   - a LockOrder is <xwhat> 'Thread #3: lock order "X before Y" violated'
 *     <stack> (where X was taken while holding Y), <auxwhat> "Required order
 *     was established by acquisition of lock at X" <stack>, <auxwhat> "followed
 *     by a later acquisition of lock at Y" <stack>, then "Lock at .. was first
 *     observed" <stack> pairs (whose addresses are not the locks' addresses);
 *   - any <auxwhat>/<xauxwhat> may be followed by the <stack> it talks about.
 */
#include "helgrind_report.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>

/* ---- 1. helpers ---------------------------------------------------------- */

static void out_of_memory(void)
{
	perror("helgrind_report");
	abort();
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		out_of_memory();
	return p;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		out_of_memory();
	return p;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		out_of_memory();
	return p;
}

/* Returns a malloc'd copy of s, or NULL if s is NULL. */
static char *xstrdup(const char *s)
{
	return s ? memcpy(xmalloc(strlen(s) + 1), s, strlen(s) + 1) : NULL;
}

/* Returns a malloc'd copy of the n first bytes of s. */
static char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* Grows *v (an array of *cap elements of size elem) so that it can hold n + 1. */
static void grow(void **v, int *cap, int n, size_t elem)
{
	if (n < *cap)
		return;
	*cap = *cap ? 2 * *cap : 8;
	*v = xrealloc(*v, (size_t)*cap * elem);
}

/* A growing, always NUL-terminated string. */
struct sb {
	char *s;
	size_t len, cap;
};

static void sb_printf(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_printf(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		out_of_memory();
	if (b->len + (size_t)n + 1 > b->cap) {
		b->cap = 2 * (b->len + (size_t)n + 1);
		b->s = xrealloc(b->s, b->cap);
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* Returns the string built so far (the caller owns it), "" if nothing. */
static char *sb_take(struct sb *b)
{
	char *s = b->s ? b->s : xstrdup("");

	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

static int starts_with(const char *s, const char *prefix)
{
	return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

/* NULL-tolerant string equality: two NULLs are equal. */
static int streq_null(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

/* A malloc'd copy of s without leading and trailing white space. */
static char *dup_trimmed(const char *s)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

/* The number after the first occurrence of key in s (e.g. key "thread #"), or def. */
static long number_after(const char *s, const char *key, long def)
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

/* "..during read of size 8 .." / "..previous write of size 8 .." -> is_write and size. */
static void parse_rw_size(const char *s, int *is_write, int *size)
{
	*is_write = -1;
	*size = 0;
	if (strstr(s, "write of size "))
		*is_write = 1;
	else if (strstr(s, "read of size "))
		*is_write = 0;
	if (*is_write >= 0)
		*size = (int)number_after(s, "of size ", 0);
}

/* Thread number of "thread #N" / "Thread #N" in s, 0 if none. */
static int thread_in(const char *s)
{
	long t = number_after(s, "thread #", -1);

	if (t < 0)
		t = number_after(s, "Thread #", 0);
	return t > 0 && t < 1000000000L ? (int)t : 0;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* ---- 2. frames and stacks ------------------------------------------------ */

static void access_init(struct hg_access *a)
{
	memset(a, 0, sizeof(*a));
	a->is_write = -1;
	a->nlocks = -1;
}

static void access_free(struct hg_access *a)
{
	free(a->fn);
	free(a->file);
	free(a->locks_held);
	free(a->locks_named);
	free(a->top_fn);
	access_init(a);
}

/* The first element child of node named name, or NULL. */
static xmlNode *child_elem(const xmlNode *node, const char *name)
{
	for (xmlNode *c = node ? node->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
			return c;
	return NULL;
}

/* The trimmed text of node, malloc'd; NULL if node is NULL. */
static char *node_text(const xmlNode *node)
{
	xmlChar *content;
	char *s;

	if (!node)
		return NULL;
	content = xmlNodeGetContent(node);
	if (!content)
		return xstrdup("");
	s = dup_trimmed((const char *)content);
	xmlFree(content);
	return s;
}

static char *child_text(const xmlNode *node, const char *name)
{
	return node_text(child_elem(node, name));
}

/*
 * Whether a frame's <obj> is the program itself rather than a shared library
 * or Valgrind's preload: not under /usr/lib, /lib, /usr/libexec/valgrind, and
 * no path component that is a shared object (".so" at its end or followed by '.').
 */
static int is_own_obj(const char *obj)
{
	static const char *const system_dirs[] = {
		"/usr/lib/", "/lib/", "/lib64/", "/lib32/", "/usr/lib64/", "/usr/lib32/",
		"/usr/libexec/valgrind/",
	};
	const char *p;

	if (!obj || !*obj)
		return 0;
	for (size_t i = 0; i < sizeof(system_dirs) / sizeof(system_dirs[0]); i++)
		if (starts_with(obj, system_dirs[i]))
			return 0;
	for (p = strstr(obj, ".so"); p; p = strstr(p + 1, ".so"))
		if (p[3] == '\0' || p[3] == '.')
			return 0;
	return 1;
}

/* Whether path lies strictly below dir (string-wise); then *rest is the part after "dir/". */
static int path_below(const char *path, const char *dir, const char **rest)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n == 0 || strncmp(path, dir, n) != 0)
		return 0;
	if (n == 1 && dir[0] == '/') {
		*rest = path + 1;
		return path[0] == '/' && path[1] != '\0';
	}
	if (path[n] != '/' || path[n + 1] == '\0')
		return 0;
	*rest = path + n + 1;
	return 1;
}

char *hg_display_path(const char *dir, const char *file, const char *build_dir)
{
	char *full, *cwd, *res = NULL;
	const char *rest, *pwd;

	if (!file)
		return NULL;
	if (file[0] != '/' && strchr(file, '/'))
		return xstrdup(file);
	if (file[0] == '/' || !dir || !*dir) {
		full = xstrdup(file);
	} else {
		full = xmalloc(strlen(dir) + strlen(file) + 2);
		sprintf(full, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", file);
	}
	if (full[0] != '/')
		return full;
	if (build_dir && *build_dir && path_below(full, build_dir, &rest))
		res = xstrdup(rest);
	if (!res) {
		cwd = getcwd(NULL, 0);
		if (cwd && path_below(full, cwd, &rest))
			res = xstrdup(rest);
		free(cwd);
	}
	/* The compiler may have recorded the logical $PWD (through a symlink). */
	pwd = getenv("PWD");
	if (!res && pwd && pwd[0] == '/' && path_below(full, pwd, &rest))
		res = xstrdup(rest);
	if (!res)
		return full;
	free(full);
	return res;
}

/*
 * Fills a's place from a <stack>: the first frame of the program's own code
 * that has a <file> (not one of a system header, say an inline function of
 * /usr/include), and the innermost named function.  Leaves thread, locks and
 * read/write alone.  Does nothing if stack is NULL.
 */
static void take_stack(struct hg_access *a, const xmlNode *stack, const char *build_dir)
{
	for (xmlNode *fr = stack ? stack->children : NULL; fr; fr = fr->next) {
		char *obj, *file, *dir, *line;
		int own;

		if (fr->type != XML_ELEMENT_NODE || strcmp((const char *)fr->name, "frame") != 0)
			continue;
		if (!a->top_fn)
			a->top_fn = child_text(fr, "fn");
		obj = child_text(fr, "obj");
		file = child_text(fr, "file");
		dir = child_text(fr, "dir");
		own = is_own_obj(obj) && file && *file && !starts_with(file, "/usr/") &&
		      !(file[0] != '/' && starts_with(dir, "/usr/"));
		if (own) {
			line = child_text(fr, "line");
			free(a->fn);
			free(a->file);
			a->fn = child_text(fr, "fn");
			a->file = hg_display_path(dir, file, build_dir);
			a->line = line ? atoi(line) : 0;
			free(line);
		}
		free(obj);
		free(file);
		free(dir);
		if (own)
			return;
	}
}

/* ---- 3. errors and thread announcements ---------------------------------- */

static void finding_free(struct hg_finding *f)
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
	access_free(&f->now);
	access_free(&f->before);
	access_free(&f->alloc);
	access_free(&f->before2);
	access_free(&f->lock_seen);
	memset(f, 0, sizeof(*f));
}

static void finding_init(struct hg_finding *f)
{
	memset(f, 0, sizeof(*f));
	access_init(&f->now);
	access_init(&f->before);
	access_init(&f->alloc);
	access_init(&f->before2);
	access_init(&f->lock_seen);
	f->var_offset = -1;
}

/* Which hg_access the next <stack> of an <error> belongs to. */
enum pending { P_NONE, P_NOW, P_BEFORE, P_BEFORE2, P_ALLOC, P_LOCK_SEEN };

/* State carried across the children of one <error>. */
struct error_state {
	enum pending pending;
	int stack_thread;   /* "thread #N's stack" / "of thread N" */
	char *stack_fn;     /* "in frame #0, created by main (..)" -> "main" */
	int alloc_thread;
};

/* The part of s between the first and the last '"', malloc'd, or NULL. */
static char *quoted(const char *s)
{
	const char *a = strchr(s, '"'), *b = strrchr(s, '"');

	return a && b > a + 1 ? xstrndup(a + 1, (size_t)(b - a - 1)) : NULL;
}

/* "Location 0x.. is 4 bytes inside ..." -> 4, or -1. */
static long offset_in(const char *s)
{
	return number_after(s, " is ", -1);
}

/* Handles an <auxwhat> text of an error. */
static void on_auxwhat(struct hg_finding *f, struct error_state *st, const char *t)
{
	const char *p;

	st->pending = P_NONE;
	if (starts_with(t, "Location ") && (p = strstr(t, " inside ")) != NULL) {
		p += strlen(" inside ");
		f->var_offset = offset_in(t);
		free(f->variable);
		if (starts_with(p, "global var \"")) {
			f->var_kind = HG_VAR_GLOBAL;
			f->variable = quoted(p);
		} else if (starts_with(p, "local var \"")) {
			f->var_kind = HG_VAR_LOCAL;
			f->variable = quoted(p);
		} else {
			/* "inside buf[3]," then "a global variable ..." or "in frame #.." */
			size_t n = strlen(p);

			while (n > 0 && (p[n - 1] == ',' || isspace((unsigned char)p[n - 1])))
				n--;
			f->variable = n ? xstrndup(p, n) : NULL;
		}
	} else if (starts_with(t, "Address ") &&
		   (p = strstr(t, " inside data symbol \"")) != NULL) {
		f->var_kind = HG_VAR_GLOBAL;
		f->var_offset = offset_in(t);
		free(f->variable);
		f->variable = quoted(p);
	} else if (starts_with(t, "Address ") && strstr(t, " inside a block of size ")) {
		f->var_kind = HG_VAR_HEAP;
		f->var_offset = offset_in(t);
		f->block_size = number_after(t, "block of size ", 0);
		st->pending = P_ALLOC;
	} else if (starts_with(t, "Block was alloc'd by thread #")) {
		st->alloc_thread = thread_in(t);
	} else if (starts_with(t, "Address ") && strstr(t, "'s stack")) {
		/* "Address 0x1fff00059c is on thread #1's stack" */
		f->var_kind = HG_VAR_LOCAL;
		st->stack_thread = thread_in(t);
	} else if (starts_with(t, "in frame #") && (p = strstr(t, "created by ")) != NULL) {
		/* "in frame #0, created by main (stack_race.c:13)" */
		const char *end = strstr(p, " (");

		p += strlen("created by ");
		free(st->stack_fn);
		st->stack_fn = end && end > p ? xstrndup(p, (size_t)(end - p)) : xstrdup(p);
	} else if (starts_with(t, "in frame #")) {
		/* "in frame #1 of thread 1", after a local "Location" line */
		f->var_kind = HG_VAR_LOCAL;
		st->stack_thread = (int)number_after(t, "of thread ", 0);
	} else if (starts_with(t, "a global variable")) {
		f->var_kind = HG_VAR_GLOBAL;
	} else if (starts_with(t, "Required order was established by acquisition of lock")) {
		st->pending = P_BEFORE;
	} else if (starts_with(t, "followed by a later acquisition of lock")) {
		st->pending = P_BEFORE2;
	} else if (starts_with(t, "Lock at ") && strstr(t, "was first observed")) {
		/* LockOrder lists one per lock; keep the first for the other kinds */
		if (strcmp(f->kind ? f->kind : "", "LockOrder") != 0 && !f->lock_seen.file &&
		    !f->lock_seen.top_fn)
			st->pending = P_LOCK_SEEN;
	}
}

/* Handles an <xauxwhat> of an error: the conflicting access, or where a variable is declared. */
static void on_xauxwhat(struct hg_finding *f, struct error_state *st, const xmlNode *x)
{
	char *t = child_text(x, "text");
	char *file, *line;

	st->pending = P_NONE;
	if (!t)
		return;
	if (starts_with(t, "This conflicts with a previous")) {
		char *tid = child_text(x, "hthreadid");

		parse_rw_size(t, &f->before.is_write, &f->before.size);
		f->before.thread = tid ? atoi(tid) : thread_in(t);
		free(tid);
		st->pending = P_BEFORE;
	} else if (strstr(t, "declared at ")) {
		file = child_text(x, "file");
		line = child_text(x, "line");
		free(f->variable_decl);
		if (file && line) {
			f->variable_decl = xmalloc(strlen(file) + strlen(line) + 2);
			sprintf(f->variable_decl, "%s:%s", file, line);
		} else {
			/* "declared at sum.c:12, in frame #0 of thread 1": the text up to ',' */
			const char *p = strstr(t, "declared at ") + strlen("declared at ");

			f->variable_decl = xstrndup(p, strcspn(p, ","));
		}
		if (starts_with(t, "a global variable")) {
			f->var_kind = HG_VAR_GLOBAL;
		} else if (strstr(t, "in frame #")) {
			f->var_kind = HG_VAR_LOCAL;
			st->stack_thread = (int)number_after(t, "of thread ", 0);
		}
		free(file);
		free(line);
	}
	free(t);
}

/* 'Thread #3: lock order "0x10C060 before 0x10C0A0" violated' -> the two addresses. */
static void parse_lock_order(struct hg_finding *f)
{
	char *q = f->what ? quoted(f->what) : NULL;
	char *sep = q ? strstr(q, " before ") : NULL;

	if (sep) {
		f->lock_first = xstrndup(q, (size_t)(sep - q));
		f->lock_second = xstrdup(sep + strlen(" before "));
	}
	free(q);
}

/* Turns one <error> element into a raw finding (f must be fresh). */
static void parse_error(struct hg_finding *f, const xmlNode *err, const char *build_dir)
{
	struct error_state st = { .pending = P_NONE };

	for (xmlNode *c = err->children; c; c = c->next) {
		const char *name = (const char *)c->name;
		struct hg_access *target = NULL;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp(name, "kind") == 0) {
			free(f->kind);
			f->kind = node_text(c);
		} else if (strcmp(name, "xwhat") == 0 || strcmp(name, "what") == 0) {
			char *t = strcmp(name, "xwhat") == 0 ? child_text(c, "text") : node_text(c);
			int first = !f->what;

			if (t && first) {
				f->what = t;
			} else if (t) {
				/* PthAPIerror: <xwhat> then <what>with error code ..</what> */
				char *both = xmalloc(strlen(f->what) + strlen(t) + 2);

				sprintf(both, "%s %s", f->what, t);
				free(f->what);
				free(t);
				f->what = both;
			}
			if (first && f->what) {
				int n = 0;

				parse_rw_size(f->what, &f->now.is_write, &f->now.size);
				/* 1st <hthreadid>: the thread; 2nd (UnlockForeign): the holder */
				for (xmlNode *h = c->children; h; h = h->next) {
					char *v;

					if (h->type != XML_ELEMENT_NODE ||
					    strcmp((const char *)h->name, "hthreadid") != 0)
						continue;
					v = node_text(h);
					if (n == 0)
						f->now.thread = atoi(v);
					else if (n == 1)
						f->other_thread = atoi(v);
					free(v);
					n++;
				}
				if (n == 0)
					f->now.thread = thread_in(f->what);
				st.pending = P_NOW;
			}
		} else if (strcmp(name, "stack") == 0) {
			switch (st.pending) {
			case P_NOW:
				target = &f->now;
				break;
			case P_BEFORE:
				target = &f->before;
				break;
			case P_BEFORE2:
				target = &f->before2;
				break;
			case P_ALLOC:
				target = &f->alloc;
				break;
			case P_LOCK_SEEN:
				target = &f->lock_seen;
				break;
			case P_NONE:
				break;
			}
			if (target && !target->file && !target->top_fn)
				take_stack(target, c, build_dir);
			st.pending = P_NONE;
		} else if (strcmp(name, "auxwhat") == 0) {
			char *t = node_text(c);

			on_auxwhat(f, &st, t);
			free(t);
		} else if (strcmp(name, "xauxwhat") == 0) {
			on_xauxwhat(f, &st, c);
		}
	}
	if (!f->kind)
		f->kind = xstrdup("Unknown");
	if (strcmp(f->kind, "LockOrder") == 0)
		parse_lock_order(f);
	if (f->var_kind == HG_VAR_HEAP) {
		struct sb b = { 0 };

		f->alloc.thread = st.alloc_thread;
		sb_printf(&b, "a block of size %ld alloc'd", f->block_size);
		if (st.alloc_thread)
			sb_printf(&b, " by thread #%d", st.alloc_thread);
		if (f->alloc.file) {
			if (f->alloc.fn)
				sb_printf(&b, " in %s()", f->alloc.fn);
			sb_printf(&b, " at %s:%d", f->alloc.file, f->alloc.line);
		}
		f->block_info = sb_take(&b);
	} else if (f->var_kind == HG_VAR_LOCAL && (st.stack_thread || st.stack_fn)) {
		struct sb b = { 0 };

		if (st.stack_thread)
			sb_printf(&b, "thread #%d's stack", st.stack_thread);
		else
			sb_printf(&b, "a thread's stack");
		if (st.stack_fn)
			sb_printf(&b, ", in the frame of %s()", st.stack_fn);
		f->stack_info = sb_take(&b);
	}
	/* "declared at sum.c:4" names a bare file: show the path the accesses use for it */
	if (f->variable_decl && !strchr(f->variable_decl, '/')) {
		const char *paths[] = { f->now.file, f->before.file };

		for (int i = 0; i < 2; i++) {
			size_t n = strcspn(f->variable_decl, ":");

			if (paths[i] && strchr(paths[i], '/') &&
			    strlen(base_name(paths[i])) == n &&
			    strncmp(base_name(paths[i]), f->variable_decl, n) == 0) {
				const char *at = f->variable_decl + n; /* ":12" */
				char *d = xmalloc(strlen(paths[i]) + strlen(at) + 1);

				sprintf(d, "%s%s", paths[i], at);
				free(f->variable_decl);
				f->variable_decl = d;
				break;
			}
		}
	}
	free(st.stack_fn);
}

/* One <announcethread>. */
struct announce {
	int thread;
	int root;
	struct hg_access where; /* where it was created */
};

static void parse_announce(struct announce *a, const xmlNode *node, const char *build_dir)
{
	char *tid = child_text(node, "hthreadid");

	a->thread = tid ? atoi(tid) : 0;
	free(tid);
	a->root = child_elem(node, "isrootthread") != NULL;
	access_init(&a->where);
	take_stack(&a->where, child_elem(node, "stack"), build_dir);
}

static int cmp_announce(const void *x, const void *y)
{
	const struct announce *a = x, *b = y;

	return (a->thread > b->thread) - (a->thread < b->thread);
}

/* "thread #1 is the program's main thread; thread #2 was created by main() at r.c:18", or NULL. */
static char *thread_info_of(struct announce *v, int n)
{
	struct sb b = { 0 };
	int shown = 0;

	qsort(v, (size_t)n, sizeof(*v), cmp_announce);
	for (int i = 0; i < n; i++) {
		if (i > 0 && v[i].thread == v[i - 1].thread)
			continue;
		if (shown++)
			sb_printf(&b, "; ");
		if (v[i].root) {
			sb_printf(&b, "thread #%d is the program's main thread", v[i].thread);
		} else if (v[i].where.file) {
			sb_printf(&b, "thread #%d was created by %s%s at %s:%d", v[i].thread,
				  v[i].where.fn ? v[i].where.fn : "a function",
				  v[i].where.fn ? "()" : "", v[i].where.file, v[i].where.line);
		} else {
			sb_printf(&b, "thread #%d was created outside your code", v[i].thread);
		}
	}
	return shown ? sb_take(&b) : NULL;
}

/* Swallows libxml2's messages; counts the errors in *(int *)arg. */
static void quiet_errors(void *arg, xmlErrorPtr err)
{
	if (err && err->level >= XML_ERR_ERROR)
		(*(int *)arg)++;
}

/* Everything read from the XML, before merging. */
struct raw {
	struct hg_finding *v;
	int n, cap;
	struct announce *ann;
	int nann, capann;
};

static void raw_free(struct raw *raw)
{
	for (int i = 0; i < raw->n; i++)
		finding_free(&raw->v[i]);
	for (int i = 0; i < raw->nann; i++)
		access_free(&raw->ann[i].where);
	free(raw->v);
	free(raw->ann);
	memset(raw, 0, sizeof(*raw));
}

/*
 * Reads the XML into raw.  Returns -1 if it is not readable Valgrind XML,
 * else 0, with *complete = 1 if the document ended properly.
 */
static int read_xml(const char *path, const char *build_dir, struct raw *raw, int *complete)
{
	xmlTextReaderPtr r;
	int fd, ret, nerr = 0, root = 0, closed = 0;

	*complete = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	r = xmlReaderForFd(fd, path, NULL, XML_PARSE_NONET);
	if (!r) {
		close(fd);
		return -1;
	}
	xmlTextReaderSetStructuredErrorHandler(r, quiet_errors, &nerr);
	ret = xmlTextReaderRead(r);
	while (ret == 1) {
		int type = xmlTextReaderNodeType(r), depth = xmlTextReaderDepth(r);
		const char *name = (const char *)xmlTextReaderConstName(r);

		if (depth == 0 && type == XML_READER_TYPE_ELEMENT) {
			if (!name || strcmp(name, "valgrindoutput") != 0)
				break;
			root = 1;
			if (xmlTextReaderIsEmptyElement(r))
				closed = 1;
		} else if (depth == 0 && type == XML_READER_TYPE_END_ELEMENT) {
			closed = 1;
		} else if (root && depth == 1 && type == XML_READER_TYPE_ELEMENT && name &&
			   (strcmp(name, "error") == 0 || strcmp(name, "announcethread") == 0)) {
			int is_error = strcmp(name, "error") == 0;
			/* NULL if the element is cut off by the end of the file */
			xmlNode *node = xmlTextReaderExpand(r);

			if (!node)
				break;
			if (is_error) {
				grow((void **)&raw->v, &raw->cap, raw->n, sizeof(*raw->v));
				finding_init(&raw->v[raw->n]);
				parse_error(&raw->v[raw->n++], node, build_dir);
			} else {
				grow((void **)&raw->ann, &raw->capann, raw->nann,
				     sizeof(*raw->ann));
				parse_announce(&raw->ann[raw->nann++], node, build_dir);
			}
			ret = xmlTextReaderNext(r);
			continue;
		}
		ret = xmlTextReaderRead(r);
	}
	xmlFreeTextReader(r);
	close(fd);
	if (!root)
		return -1;
	*complete = ret == 0 && closed && nerr == 0;
	return 0;
}

/* ---- 4. the text log's "Locks held" -------------------------------------- */

#define LOG_MAX_FRAMES 64

struct log_frame {
	char *fn, *file; /* file as printed (usually a base name), NULL for "(in /obj)" */
	int line;
};

struct log_side {
	int thread, is_write, size;
	char *locks;
	struct log_frame frames[LOG_MAX_FRAMES];
	int nframes;
};

struct log_race {
	struct log_side now, before;
};

/* A lock's variable, from 'Lock at 0xADDR was first observed' and the 'Location ...' after it. */
struct log_lock {
	unsigned long addr;
	char *name;
};

struct log {
	struct log_race *v;
	int n, cap;
	struct log_lock *locks;
	int nlocks, locks_cap;
};

static void log_free(struct log *lg)
{
	for (int i = 0; i < lg->n; i++) {
		struct log_side *sides[] = { &lg->v[i].now, &lg->v[i].before };

		for (int s = 0; s < 2; s++) {
			free(sides[s]->locks);
			for (int k = 0; k < sides[s]->nframes; k++) {
				free(sides[s]->frames[k].fn);
				free(sides[s]->frames[k].file);
			}
		}
	}
	free(lg->v);
	for (int i = 0; i < lg->nlocks; i++)
		free(lg->locks[i].name);
	free(lg->locks);
	memset(lg, 0, sizeof(*lg));
}

/*
 * The text of a log line without Valgrind's "==PID== " prefix; NULL for
 * Valgrind's own "--PID--" / "**PID**" lines.  Lines without a prefix are
 * returned as they are.
 */
static const char *log_strip_prefix(const char *s)
{
	if ((s[0] == '=' || s[0] == '-' || s[0] == '*') && s[1] == s[0] &&
	    isdigit((unsigned char)s[2])) {
		const char *p = s + 2;
		char c = s[0];

		while (isdigit((unsigned char)*p))
			p++;
		if (p[0] == c && p[1] == c) {
			if (c != '=')
				return NULL;
			p += 2;
			return *p == ' ' ? p + 1 : p;
		}
	}
	return s;
}

/*
 * Parses "0x109173: sum_share (global_race.c:10)", "0x484C7D6: ??? (in /obj)",
 * "0x488D250: (below main) (libc_start_call_main.h:74)" into fr.  Returns 0, or
 * -1 if s is not a frame.
 */
static int parse_log_frame(const char *s, struct log_frame *fr)
{
	const char *p = s, *end, *paren = NULL;
	size_t n;

	memset(fr, 0, sizeof(*fr));
	if (!starts_with(p, "0x"))
		return -1;
	p += 2;
	while (isxdigit((unsigned char)*p))
		p++;
	if (*p != ':')
		return -1;
	p++;
	while (*p == ' ')
		p++;
	n = strlen(p);
	while (n > 0 && isspace((unsigned char)p[n - 1]))
		n--;
	end = p + n;
	if (n > 0 && end[-1] == ')') {
		for (const char *q = end - 1; q > p; q--)
			if (q[0] == '(' && q[-1] == ' ') {
				paren = q - 1;
				break;
			}
	}
	if (paren) {
		const char *in = paren + 2, *colon = NULL;

		if (!starts_with(in, "in ")) {
			for (const char *q = end - 2; q > in; q--)
				if (*q == ':') {
					colon = q;
					break;
				}
		}
		if (colon) {
			int ok = colon + 1 < end - 1;

			for (const char *q = colon + 1; q < end - 1; q++)
				if (!isdigit((unsigned char)*q))
					ok = 0;
			if (ok) {
				fr->file = xstrndup(in, (size_t)(colon - in));
				fr->line = atoi(colon + 1);
			}
		}
		end = paren;
	}
	if (end > p && !(end - p == 3 && strncmp(p, "???", 3) == 0))
		fr->fn = xstrndup(p, (size_t)(end - p));
	return 0;
}

/*
 * The variable in 'Location 0x.. is 0 bytes inside shared.lock,' or
 * 'Address 0x.. is 0 bytes inside data symbol "shared"' (with the offset
 * if it is not 0); NULL for anything else (a heap block, a stack).
 */
static char *lock_variable(const char *t)
{
	const char *in = strstr(t, " bytes inside ");
	long off;

	if (!in)
		return NULL;
	off = strtol(strstr(t, " is ") ? strstr(t, " is ") + 4 : "0", NULL, 10);
	in += strlen(" bytes inside ");
	if (starts_with(in, "data symbol \"")) {
		const char *q = in + strlen("data symbol \""), *e = strchr(q, '"');
		if (!e)
			return NULL;
		char *sym = xstrndup(q, (size_t)(e - q));
		if (off == 0)
			return sym;
		char *out = xmalloc(strlen(sym) + 32);
		sprintf(out, "%s+%ld", sym, off);
		free(sym);
		return out;
	}
	if (starts_with(in, "global var \"")) {
		const char *q = in + strlen("global var \""), *e = strchr(q, '"');
		return e && off == 0 ? xstrndup(q, (size_t)(e - q)) : NULL;
	}
	if (starts_with(in, "a block") || starts_with(in, "local var") || starts_with(in, "global var"))
		return NULL;
	size_t n = strcspn(in, ", \n");
	return n ? xstrndup(in, n) : NULL;
}

/* The name of the lock at addr, or NULL. */
static const char *lock_name_of(const struct log *lg, unsigned long addr)
{
	for (int i = 0; i < lg->nlocks; i++)
		if (lg->locks[i].addr == addr)
			return lg->locks[i].name;
	return NULL;
}

/*
 * The names of all the lock addresses in s ("1, at address 0x.." or
 * "0x10C0A0"), joined with " and "; NULL unless every one is known.
 */
static char *name_locks(const struct log *lg, const char *s)
{
	struct sb b = { 0 };
	int n = 0;

	for (const char *p = s ? strstr(s, "0x") : NULL; p; p = strstr(p + 2, "0x")) {
		const char *name = lock_name_of(lg, strtoul(p, NULL, 16));
		if (!name) {
			free(b.s);
			return NULL;
		}
		sb_printf(&b, "%s%s", n++ ? " and " : "", name);
	}
	return n ? b.s : NULL;
}

/* Reads the races of a Helgrind text log into lg.  A missing file leaves lg empty. */
static void read_log(const char *path, struct log *lg)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	struct log_race *cur = NULL; /* the race being read */
	struct log_side *side = NULL; /* its access whose lines are being read */
	unsigned long pending_lock = 0; /* a lock announced, whose location comes next */

	if (!f)
		return;
	while (getline(&line, &cap, f) >= 0) {
		const char *t = log_strip_prefix(line);
		struct log_frame fr;

		if (!t)
			continue;
		while (*t == ' ' || *t == '\t')
			t++;
		if (starts_with(t, "Lock at 0x") && strstr(t, "was first observed")) {
			pending_lock = strtoul(t + strlen("Lock at "), NULL, 16);
			side = NULL;
			cur = NULL;
			continue;
		}
		if (pending_lock && (starts_with(t, "Location 0x") || starts_with(t, "Address 0x"))) {
			char *name = lock_variable(t);
			if (name) {
				grow((void **)&lg->locks, &lg->locks_cap, lg->nlocks, sizeof(*lg->locks));
				lg->locks[lg->nlocks++] = (struct log_lock){ pending_lock, name };
			}
			pending_lock = 0;
			continue;
		}
		if (starts_with(t, "Possible data race during ")) {
			grow((void **)&lg->v, &lg->cap, lg->n, sizeof(*lg->v));
			cur = &lg->v[lg->n++];
			memset(cur, 0, sizeof(*cur));
			side = &cur->now;
		} else if (cur && starts_with(t, "This conflicts with a previous")) {
			side = &cur->before;
		} else if (side && starts_with(t, "Locks held:")) {
			if (!side->locks)
				side->locks = dup_trimmed(t + strlen("Locks held:"));
			continue;
		} else if (side && (starts_with(t, "at ") || starts_with(t, "by ")) &&
			   parse_log_frame(t + 3, &fr) == 0) {
			if (side->nframes < LOG_MAX_FRAMES) {
				side->frames[side->nframes++] = fr;
			} else {
				free(fr.fn);
				free(fr.file);
			}
			continue;
		} else {
			/* a blank line, "Address ..", a separator: this access's lines are over */
			side = NULL;
			if (starts_with(t, "---") || starts_with(t, "Thread #"))
				cur = NULL;
			continue;
		}
		parse_rw_size(t, &side->is_write, &side->size);
		side->thread = thread_in(t);
	}
	free(line);
	fclose(f);
}

/* Whether the log's access s can be the XML's access a. */
static int log_side_matches(const struct hg_access *a, const struct log_side *s)
{
	if (a->file) {
		const char *base = base_name(a->file);

		for (int i = 0; i < s->nframes; i++) {
			const struct log_frame *fr = &s->frames[i];

			if (fr->file && strcmp(base_name(fr->file), base) == 0 &&
			    fr->line == a->line && (!a->fn || streq_null(a->fn, fr->fn)))
				return 1;
		}
		return 0;
	}
	if (a->top_fn) {
		for (int i = 0; i < s->nframes; i++)
			if (s->frames[i].fn)
				return strcmp(s->frames[i].fn, a->top_fn) == 0;
		return 0;
	}
	return 1;
}

/* "none" -> 0, "2, at addresses 0x.. 0x.." -> 2, else -1. */
static int count_locks(const char *s)
{
	if (!s)
		return -1;
	if (strcmp(s, "none") == 0)
		return 0;
	if (isdigit((unsigned char)*s))
		return atoi(s);
	return -1;
}

/*
 * Sets locks_held of the XML's race f (the ordinal-th race of the XML) from
 * the best-matching log race: both accesses must match by (fn, file, line);
 * then agreeing read/write and size, the same ordinal and the same thread
 * numbers make a candidate better.  If the best candidates disagree about an
 * access's locks, that access stays unknown.
 */
static void match_locks(struct hg_finding *f, int ordinal, const struct log *lg)
{
	int best = -1;
	int *score = xcalloc((size_t)(lg->n ? lg->n : 1), sizeof(*score));
	struct hg_access *acc[2] = { &f->now, &f->before };

	for (int i = 0; i < lg->n; i++) {
		const struct log_race *lr = &lg->v[i];

		score[i] = -1;
		if (!log_side_matches(&f->now, &lr->now) ||
		    !log_side_matches(&f->before, &lr->before))
			continue;
		score[i] = 0;
		if (lr->now.is_write == f->now.is_write && lr->now.size == f->now.size &&
		    lr->before.is_write == f->before.is_write && lr->before.size == f->before.size)
			score[i] += 4;
		if (i == ordinal)
			score[i] += 2;
		if (lr->now.thread == f->now.thread && lr->before.thread == f->before.thread)
			score[i] += 1;
		if (score[i] > best)
			best = score[i];
	}
	for (int s = 0; best >= 0 && s < 2; s++) {
		const char *locks = NULL;
		int agree = 1;

		for (int i = 0; i < lg->n; i++) {
			const struct log_side *ls;

			if (score[i] != best)
				continue;
			ls = s == 0 ? &lg->v[i].now : &lg->v[i].before;
			if (!ls->locks || (locks && strcmp(locks, ls->locks) != 0))
				agree = 0;
			locks = ls->locks;
		}
		if (agree && locks) {
			acc[s]->locks_held = xstrdup(locks);
			acc[s]->nlocks = count_locks(locks);
			acc[s]->locks_named = name_locks(lg, locks);
		}
	}
	free(score);
}

/* ---- 5. merging, explanations, printing ---------------------------------- */

static int same_place(const struct hg_access *a, const struct hg_access *b)
{
	if (!streq_null(a->fn, b->fn) || !streq_null(a->file, b->file) || a->line != b->line)
		return 0;
	return a->file || streq_null(a->top_fn, b->top_fn);
}

static int same_finding(const struct hg_finding *a, const struct hg_finding *b)
{
	return streq_null(a->kind, b->kind) && same_place(&a->now, &b->now) &&
	       same_place(&a->before, &b->before) && same_place(&a->before2, &b->before2) &&
	       streq_null(a->variable, b->variable) && streq_null(a->block_info, b->block_info) &&
	       streq_null(a->stack_info, b->stack_info);
}

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
			if (strspn(q + 2, "0123456789abcdefABCDEF") + 2 == n &&
			    strncmp(p, q, n) == 0)
				return 1;
	}
	return 0;
}

static void explain_race(struct hg_finding *f, struct sb *b)
{
	const struct hg_access *acc[2] = { &f->now, &f->before };
	char *name = NULL;

	if (f->variable) {
		name = xmalloc(strlen(f->variable) + 3);
		sprintf(name, "`%s`", f->variable);
	}

	/* what */
	sb_printf(b, "Data race on ");
	if (f->variable) {
		const char *what = f->var_kind == HG_VAR_GLOBAL ? "global variable" :
				   f->var_kind == HG_VAR_LOCAL ? "local variable" : "variable";

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
			sb_printf(b, " (at byte %ld of the %ld-byte block)", f->var_offset,
				  f->block_size);
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
		sb_printf(b, " %s it ", acc[i]->is_write == 1 ? "wrote" :
					acc[i]->is_write == 0 ? "read" : "accessed");
		put_place(b, acc[i]);
		put_locks(b, acc[i]);
		sb_printf(b, "%s\n", i == 0 ? ";" : ".");
	}

	/* what to do: first about the locks, then about the stack */
	sb_printf(b, "Nothing orders these two accesses, so their result depends on timing. ");
	if (f->now.nlocks > 0 && f->before.nlocks > 0 &&
	    !locks_share(f->now.locks_held, f->before.locks_held)) {
		sb_printf(b, "They hold different locks: a variable must always be protected by "
			     "the same mutex. Choose one mutex for %s and take it at both places.",
			  name ? name : f->var_kind == HG_VAR_HEAP ? "this data" : "this memory");
	} else if (f->now.nlocks >= 0 && f->before.nlocks >= 0 &&
		   (f->now.nlocks == 0) != (f->before.nlocks == 0)) {
		const char *named = f->now.nlocks == 1 ? f->now.locks_named : f->before.locks_named;
		if ((f->now.nlocks == 1 || f->before.nlocks == 1) && named)
			sb_printf(b, "One access is protected and the other is not: these two accesses "
				     "need the same mutex, so take `%s` at both places.", named);
		else
			sb_printf(b, "One access is protected and the other is not: take the same mutex at "
				     "both places.");
	} else if (name) {
		sb_printf(b, "Protect every access to %s with the same mutex, or give each thread "
			     "its own %s and combine the results after pthread_join().", name,
			  f->var_kind == HG_VAR_LOCAL ? "copy" : "variable");
	} else if (f->var_kind == HG_VAR_HEAP) {
		sb_printf(b, "Protect every access to this heap data with the same mutex, or give "
			     "each thread its own part and combine the results after "
			     "pthread_join().");
	} else {
		sb_printf(b, "Protect every access to this memory with the same mutex.");
	}
	if (f->var_kind == HG_VAR_LOCAL)
		sb_printf(b, "\n%s is a local variable, on a thread's stack, that another thread "
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
	if (starts_with(lock, "0x"))
		return xstrdup(lock);
	char *s = xmalloc(strlen(lock) + 3);
	sprintf(s, "`%s`", lock);
	return s;
}

static void explain_lock_order(struct hg_finding *f, struct sb *b)
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

static void explain_other(struct hg_finding *f, struct sb *b)
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

static char *explain(struct hg_finding *f)
{
	struct sb b = { 0 };

	if (strcmp(f->kind, "Race") == 0)
		explain_race(f, &b);
	else if (strcmp(f->kind, "LockOrder") == 0)
		explain_lock_order(f, &b);
	else
		explain_other(f, &b);
	return sb_take(&b);
}

int hg_report_load_ex(const char *xml_path, const char *log_path, const char *build_dir,
		      struct hg_report *out)
{
	struct raw raw = { 0 };
	struct log lg = { 0 };
	int complete, ordinal = 0;

	if (!out)
		return -1;
	memset(out, 0, sizeof(*out));
	if (!xml_path || read_xml(xml_path, build_dir, &raw, &complete) < 0) {
		raw_free(&raw);
		return -1;
	}
	out->ok = complete;
	out->nerrors = raw.n;

	if (log_path)
		read_log(log_path, &lg);
	for (int i = 0; i < raw.n; i++) {
		struct hg_finding *f = &raw.v[i];
		if (strcmp(f->kind, "Race") == 0)
			match_locks(f, ordinal++, &lg);
		/* A lock order's two locks by their variables' names, when the log has them. */
		char **order[] = { &f->lock_first, &f->lock_second };
		for (int k = 0; k < 2; k++) {
			char *name = *order[k] ? name_locks(&lg, *order[k]) : NULL;
			if (name) {
				free(*order[k]);
				*order[k] = name;
			}
		}
	}
	log_free(&lg);

	/* merge: raw findings move into out->findings, duplicates are freed */
	out->findings = xcalloc((size_t)(raw.n ? raw.n : 1), sizeof(*out->findings));
	out->counts = xcalloc((size_t)(raw.n ? raw.n : 1), sizeof(*out->counts));
	for (int i = 0; i < raw.n; i++) {
		int j;

		for (j = 0; j < out->nfindings; j++)
			if (same_finding(&out->findings[j], &raw.v[i]))
				break;
		if (j < out->nfindings) {
			out->counts[j]++;
			finding_free(&raw.v[i]);
		} else {
			out->findings[out->nfindings] = raw.v[i];
			out->counts[out->nfindings++] = 1;
		}
	}
	raw.n = 0;
	for (int i = 0; i < out->nfindings; i++)
		out->findings[i].explanation = explain(&out->findings[i]);
	out->thread_info = thread_info_of(raw.ann, raw.nann);
	raw_free(&raw);
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
		finding_free(&r->findings[i]);
	free(r->findings);
	free(r->counts);
	free(r->thread_info);
	memset(r, 0, sizeof(*r));
}

/* Writes s with every line after the first indented by indent spaces. */
static void put_indented(FILE *f, const char *s, int indent)
{
	for (const char *nl; (nl = strchr(s, '\n')) != NULL; s = nl + 1)
		fprintf(f, "%.*s\n%*s", (int)(nl - s), s, indent, "");
	fprintf(f, "%s\n", s);
}

void hg_report_print(const struct hg_report *r, FILE *f, int max_findings)
{
	int shown;

	if (!r || !f)
		return;
	if (r->nfindings == 0) {
		if (r->ok)
			fputs("Helgrind found no problems.\n", f);
		else
			fputs("Helgrind's report is incomplete (the run probably did not finish), "
			      "and it shows no problem before the point where it stops.\n", f);
		return;
	}
	fprintf(f, "Helgrind found %d problem%s%s.\n", r->nfindings, r->nfindings == 1 ? "" : "s",
		r->ok ? "" : " before its report stops (the run probably did not finish, "
			     "so there may be more)");
	fputs("Helgrind reports *possible* problems: it follows which accesses are ordered by "
	      "locks, pthread_create() and pthread_join(), so it finds a race even if the bad "
	      "interleaving did not happen in this run.\n", f);
	if (r->thread_info)
		fprintf(f, "Threads: %s.\n", r->thread_info);
	shown = max_findings < 0 || max_findings > r->nfindings ? r->nfindings : max_findings;
	for (int i = 0; i < shown; i++) {
		int w = fprintf(f, "\n%d. ", i + 1) - 1; /* the width of "N. " */

		if (w < 0)
			w = 3;

		put_indented(f, r->findings[i].explanation ? r->findings[i].explanation : "", w);
		if (r->counts && r->counts[i] > 1)
			fprintf(f, "%*s(reported %d times)\n", w, "", r->counts[i]);
	}
	if (shown < r->nfindings)
		fprintf(f, "\n... and %d more.\n", r->nfindings - shown);
}
