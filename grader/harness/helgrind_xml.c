/*
 * helgrind_xml.c - Helgrind's XML output (read with libxml2) -> raw findings
 * and thread announcements (see helgrind_internal.h).
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
 * The document is read element by element, so that a report cut off by a
 * timeout still gives the <error>s that are complete.
 */
#include "helgrind_internal.h"
#include "util.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>

/* ---- frames and stacks --------------------------------------------------- */

/* The first element child of node named name, or NULL. */
xmlNode *hg_xml_child(const xmlNode *node, const char *name)
{
	for (xmlNode *c = node ? node->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
			return c;
	return NULL;
}

/* The trimmed text of node, malloc'd; NULL if node is NULL. */
char *hg_xml_text(const xmlNode *node)
{
	xmlChar *content;
	char *s;

	if (!node)
		return NULL;
	content = xmlNodeGetContent(node);
	if (!content)
		return xstrdup("");
	s = hg_dup_trimmed((const char *)content);
	xmlFree(content);
	return s;
}

char *hg_xml_child_text(const xmlNode *node, const char *name)
{
	return hg_xml_text(hg_xml_child(node, name));
}

/*
 * Whether a frame's <obj> is the program itself rather than a shared library
 * or Valgrind's preload: not under /usr/lib, /lib, /usr/libexec/valgrind, and
 * no path component that is a shared object (".so" at its end or followed by '.').
 */
int hg_is_own_obj(const char *obj)
{
	static const char *const system_dirs[] = {
	    "/usr/lib/", "/lib/", "/lib64/", "/lib32/", "/usr/lib64/", "/usr/lib32/", "/usr/libexec/valgrind/",
	};
	const char *p;

	if (!obj || !*obj)
		return 0;
	for (size_t i = 0; i < sizeof(system_dirs) / sizeof(system_dirs[0]); i++)
		if (hg_starts_with(obj, system_dirs[i]))
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
		/* "./exercises/04-races" (-fdebug-prefix-map=SRC=.): the path is the same without "./" */
		while (dir[0] == '.' && dir[1] == '/')
			dir += 2;
		if (strcmp(dir, ".") == 0)
			dir = "";
		full = *dir ? xasprintf("%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", file) : xstrdup(file);
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
 * /usr/include), the innermost named function, and, when the stack goes
 * down to start_thread(), the outermost function of the program (the
 * thread's start routine).  Leaves thread, locks and read/write alone.
 * Does nothing if stack is NULL.
 */
void hg_xml_take_stack(struct hg_access *a, const xmlNode *stack, const char *build_dir)
{
	char *outer = NULL; /* the outermost own function so far */

	for (xmlNode *fr = stack ? stack->children : NULL; fr; fr = fr->next) {
		char *obj, *file, *dir, *line, *fn;
		int own;

		if (fr->type != XML_ELEMENT_NODE || strcmp((const char *)fr->name, "frame") != 0)
			continue;
		fn = hg_xml_child_text(fr, "fn");
		if (!a->top_fn && fn)
			a->top_fn = xstrdup(fn);
		obj = hg_xml_child_text(fr, "obj");
		file = hg_xml_child_text(fr, "file");
		dir = hg_xml_child_text(fr, "dir");
		own = hg_is_own_obj(obj) && file && *file && !hg_starts_with(file, "/usr/") &&
		      !(file[0] != '/' && hg_starts_with(dir, "/usr/"));
		if (own && !a->file) {
			line = hg_xml_child_text(fr, "line");
			free(a->fn);
			a->fn = fn ? xstrdup(fn) : NULL;
			a->file = hg_display_path(dir, file, build_dir);
			a->line = line ? atoi(line) : 0;
			free(line);
		}
		if (own) {
			free(outer);
			outer = fn ? xstrdup(fn) : NULL;
		}
		if (fn && strcmp(fn, "start_thread") == 0 && outer && !a->start_fn)
			a->start_fn = xstrdup(outer);
		free(fn);
		free(obj);
		free(file);
		free(dir);
	}
	free(outer);
}

/* ---- errors and thread announcements ----------------------------------- */

/* Which hg_access the next <stack> of an <error> belongs to (hg_desc_state.pending). */
enum pending { P_NONE, P_NOW, P_BEFORE, P_BEFORE2, P_ALLOC, P_LOCK_SEEN, P_LOCK_PREV };

/* "Location 0x.. is 4 bytes inside ..." -> 4, or -1. */
static long offset_in(const char *s)
{
	return hg_number_after(s, " is ", -1);
}

/* "declared at sum.c:12, in frame #0 of thread 1" (file and line, if given, from the XML's elements). */
static void on_declared(struct hg_finding *f, struct hg_desc_state *st, const char *t, const char *file,
			const char *line)
{
	free(f->variable_decl);
	if (file && line) {
		f->variable_decl = xasprintf("%s:%s", file, line);
	} else {
		/* the text up to ',' */
		const char *p = strstr(t, "declared at ") + strlen("declared at ");

		f->variable_decl = xstrndup(p, strcspn(p, ","));
	}
	if (hg_starts_with(t, "a global variable")) {
		f->var_kind = HG_VAR_GLOBAL;
	} else if (strstr(t, "in frame #")) {
		f->var_kind = HG_VAR_LOCAL;
		st->stack_thread = (int)hg_number_after(t, "of thread ", 0);
	}
}

void hg_desc_line(struct hg_finding *f, struct hg_desc_state *st, const char *t)
{
	const char *p;

	st->pending = P_NONE;
	if (hg_starts_with(t, "Location ") && (p = strstr(t, " inside ")) != NULL) {
		p += strlen(" inside ");
		f->var_offset = offset_in(t);
		free(f->variable);
		if (hg_starts_with(p, "global var \"")) {
			f->var_kind = HG_VAR_GLOBAL;
			f->variable = hg_quoted(p);
		} else if (hg_starts_with(p, "local var \"")) {
			f->var_kind = HG_VAR_LOCAL;
			f->variable = hg_quoted(p);
		} else {
			/* "inside buf[3]," then "a global variable ..." or "in frame #.." */
			size_t n = strlen(p);

			while (n > 0 && (p[n - 1] == ',' || isspace((unsigned char)p[n - 1])))
				n--;
			f->variable = n ? xstrndup(p, n) : NULL;
		}
	} else if (hg_starts_with(t, "Address ") && (p = strstr(t, " inside data symbol \"")) != NULL) {
		f->var_kind = HG_VAR_GLOBAL;
		f->var_offset = offset_in(t);
		free(f->variable);
		f->variable = hg_quoted(p);
	} else if (hg_starts_with(t, "Address ") && strstr(t, " inside a block of size ")) {
		f->var_kind = HG_VAR_HEAP;
		f->var_offset = offset_in(t);
		f->block_size = hg_number_after(t, "block of size ", 0);
		st->pending = P_ALLOC;
	} else if (hg_starts_with(t, "Address ") && strstr(t, " inside an unallocated block of size ")) {
		/* the block was freed before Helgrind described it (a race with free()) */
		f->var_kind = HG_VAR_HEAP;
		f->block_freed = 1;
		f->var_offset = offset_in(t);
		f->block_size = hg_number_after(t, "block of size ", 0);
	} else if (hg_starts_with(t, "Block was alloc'd by thread #")) {
		st->alloc_thread = hg_thread_in(t);
	} else if (hg_starts_with(t, "Address ") && strstr(t, "'s stack")) {
		/* "Address 0x1fff00059c is on thread #1's stack" */
		f->var_kind = HG_VAR_LOCAL;
		st->stack_thread = hg_thread_in(t);
	} else if (hg_starts_with(t, "in frame #") && (p = strstr(t, "created by ")) != NULL) {
		/* "in frame #0, created by main (stack_race.c:13)" */
		const char *end = strstr(p, " (");

		p += strlen("created by ");
		free(st->stack_fn);
		st->stack_fn = end && end > p ? xstrndup(p, (size_t)(end - p)) : xstrdup(p);
	} else if (hg_starts_with(t, "in frame #")) {
		/* "in frame #1 of thread 1", after a local "Location" line */
		f->var_kind = HG_VAR_LOCAL;
		st->stack_thread = (int)hg_number_after(t, "of thread ", 0);
	} else if (strstr(t, "declared at ")) {
		on_declared(f, st, t, NULL, NULL);
	} else if (hg_starts_with(t, "a global variable")) {
		f->var_kind = HG_VAR_GLOBAL;
	} else if (hg_starts_with(t, "Lock was previously acquired")) {
		st->pending = P_LOCK_PREV;
	} else if (hg_starts_with(t, "Required order was established by acquisition of lock")) {
		st->pending = P_BEFORE;
	} else if (hg_starts_with(t, "followed by a later acquisition of lock")) {
		st->pending = P_BEFORE2;
	} else if (hg_starts_with(t, "Lock at ") && strstr(t, "was first observed")) {
		/* LockOrder lists one per lock; keep the first for the other kinds */
		if (strcmp(f->kind ? f->kind : "", "LockOrder") != 0 && !f->lock_seen.file && !f->lock_seen.top_fn)
			st->pending = P_LOCK_SEEN;
	}
}

/* Handles an <xauxwhat> of an error: the conflicting access, or where a variable is declared. */
static void on_xauxwhat(struct hg_finding *f, struct hg_desc_state *st, const xmlNode *x)
{
	char *t = hg_xml_child_text(x, "text");
	char *file, *line;

	st->pending = P_NONE;
	if (!t)
		return;
	if (hg_starts_with(t, "This conflicts with a previous")) {
		char *tid = hg_xml_child_text(x, "hthreadid");

		hg_parse_rw_size(t, &f->before.is_write, &f->before.size);
		f->before.thread = tid ? atoi(tid) : hg_thread_in(t);
		free(tid);
		st->pending = P_BEFORE;
	} else if (strstr(t, "declared at ")) {
		file = hg_xml_child_text(x, "file");
		line = hg_xml_child_text(x, "line");
		on_declared(f, st, t, file, line);
		free(file);
		free(line);
	}
	free(t);
}

/* 'Thread #3: lock order "0x10C060 before 0x10C0A0" violated' -> the two addresses. */
static void parse_lock_order(struct hg_finding *f)
{
	char *q = f->what ? hg_quoted(f->what) : NULL;
	char *sep = q ? strstr(q, " before ") : NULL;

	if (sep) {
		f->lock_first = xstrndup(q, (size_t)(sep - q));
		f->lock_second = xstrdup(sep + strlen(" before "));
	}
	free(q);
}

void hg_decl_path(struct hg_finding *f, const char *path)
{
	size_t n = f->variable_decl ? strcspn(f->variable_decl, ":") : 0;

	if (!f->variable_decl || strchr(f->variable_decl, '/') || !path || !strchr(path, '/'))
		return;
	if (strlen(hg_base_name(path)) == n && strncmp(hg_base_name(path), f->variable_decl, n) == 0) {
		char *d = xasprintf("%s%s", path, f->variable_decl + n); /* + ":12" */

		free(f->variable_decl);
		f->variable_decl = d;
	}
}

void hg_desc_finish(struct hg_finding *f, struct hg_desc_state *st)
{
	if (f->var_kind == HG_VAR_HEAP) {
		struct sb b = {0};

		f->alloc.thread = st->alloc_thread;
		if (f->block_size > 0)
			sb_printf(&b, "a block of size %ld alloc'd", f->block_size);
		else
			sb_printf(&b, "a block alloc'd"); /* DRD gives no size */
		if (st->alloc_thread)
			sb_printf(&b, " by thread #%d", st->alloc_thread);
		if (f->alloc.file) {
			if (f->alloc.fn)
				sb_printf(&b, " in %s()", f->alloc.fn);
			sb_printf(&b, " at %s:%d", f->alloc.file, f->alloc.line);
		}
		f->block_info = sb_take(&b);
	} else if (f->var_kind == HG_VAR_LOCAL && (st->stack_thread || st->stack_fn)) {
		struct sb b = {0};

		if (st->stack_thread)
			sb_printf(&b, "thread #%d's stack", st->stack_thread);
		else
			sb_printf(&b, "a thread's stack");
		if (st->stack_fn)
			sb_printf(&b, ", in the frame of %s()", st->stack_fn);
		f->stack_info = sb_take(&b);
	}
	/* "declared at sum.c:4" names a bare file: show the path the accesses use for it */
	hg_decl_path(f, f->now.file);
	hg_decl_path(f, f->before.file);
	free(st->stack_fn);
	st->stack_fn = NULL;
}

/* The functions whose frame on top of a stack means the access is the freeing of the block. */
static int is_free_fn(const char *fn)
{
	static const char *const names[] = {
	    "free", "realloc", "cfree", "operator delete(void*)", "operator delete[](void*)", "_ZdlPv", "_ZdaPv", NULL};

	for (int i = 0; fn && names[i]; i++)
		if (strcmp(fn, names[i]) == 0)
			return 1;
	return 0;
}

/* What the kind of error and its message say beyond the stacks. */
void hg_kind_details(struct hg_finding *f)
{
	const char *held = f->what ? strstr(f->what, "Exiting thread still holds ") : NULL;

	if (strcmp(f->kind, "LockOrder") == 0)
		parse_lock_order(f);
	if (strcmp(f->kind, "Race") == 0)
		f->free_race = is_free_fn(f->now.top_fn) ? 1 : is_free_fn(f->before.top_fn) ? 2 : 0;
	if (held)
		f->nexit_locks = (int)hg_number_after(held, "holds ", 0);
}

/* Turns one <error> element into a raw finding (f must be fresh). */
static void parse_error(struct hg_finding *f, const xmlNode *err, const char *build_dir)
{
	struct hg_desc_state st = {.pending = P_NONE};

	for (xmlNode *c = err->children; c; c = c->next) {
		const char *name = (const char *)c->name;
		struct hg_access *target = NULL;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp(name, "kind") == 0) {
			free(f->kind);
			f->kind = hg_xml_text(c);
		} else if (strcmp(name, "xwhat") == 0 || strcmp(name, "what") == 0) {
			char *t = strcmp(name, "xwhat") == 0 ? hg_xml_child_text(c, "text") : hg_xml_text(c);
			int first = !f->what;

			if (t && first) {
				f->what = t;
			} else if (t) {
				/* PthAPIerror: <xwhat> then <what>with error code ..</what> */
				char *both = xasprintf("%s %s", f->what, t);

				free(f->what);
				free(t);
				f->what = both;
			}
			if (first && f->what) {
				int n = 0;

				hg_parse_rw_size(f->what, &f->now.is_write, &f->now.size);
				/* 1st <hthreadid>: the thread; 2nd (UnlockForeign): the holder */
				for (xmlNode *h = c->children; h; h = h->next) {
					char *v;

					if (h->type != XML_ELEMENT_NODE ||
					    strcmp((const char *)h->name, "hthreadid") != 0)
						continue;
					v = hg_xml_text(h);
					if (n == 0)
						f->now.thread = atoi(v);
					else if (n == 1)
						f->other_thread = atoi(v);
					free(v);
					n++;
				}
				if (n == 0)
					f->now.thread = hg_thread_in(f->what);
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
			case P_LOCK_PREV:
				target = &f->lock_prev;
				break;
			case P_NONE:
				break;
			}
			if (target && !target->file && !target->top_fn)
				hg_xml_take_stack(target, c, build_dir);
			st.pending = P_NONE;
		} else if (strcmp(name, "auxwhat") == 0) {
			char *t = hg_xml_text(c);

			hg_desc_line(f, &st, t);
			free(t);
		} else if (strcmp(name, "xauxwhat") == 0) {
			on_xauxwhat(f, &st, c);
		}
	}
	if (!f->kind)
		f->kind = xstrdup("Unknown");
	hg_desc_finish(f, &st);
	hg_kind_details(f);
}

static void parse_announce(struct hg_announce *a, const xmlNode *node, const char *build_dir)
{
	char *tid = hg_xml_child_text(node, "hthreadid");

	memset(a, 0, sizeof(*a));
	a->thread = tid ? atoi(tid) : 0;
	free(tid);
	a->root = hg_xml_child(node, "isrootthread") != NULL;
	hg_access_init(&a->where);
	hg_xml_take_stack(&a->where, hg_xml_child(node, "stack"), build_dir);
}

/* Swallows libxml2's messages; counts the errors in *(int *)arg. */
static void quiet_errors(void *arg, xmlErrorPtr err)
{
	if (err && err->level >= XML_ERR_ERROR)
		(*(int *)arg)++;
}

void hg_raw_free(struct hg_raw *raw)
{
	for (int i = 0; i < raw->n; i++)
		hg_finding_free(&raw->v[i]);
	for (int i = 0; i < raw->nann; i++)
		hg_access_free(&raw->ann[i].where);
	free(raw->v);
	free(raw->ann);
	memset(raw, 0, sizeof(*raw));
}

int hg_xml_read(const char *path, void (*on_element)(void *ctx, const char *name, const xmlNode *node), void *ctx,
		int *complete)
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
			/* NULL if the element is cut off by the end of the file */
			xmlNode *node = xmlTextReaderExpand(r);

			if (!node)
				break;
			on_element(ctx, (const char *)node->name, node);
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

/* What hg_read_xml() hands hg_xml_read(). */
struct read_ctx {
	struct hg_raw *raw;
	const char *build_dir;
};

static void on_helgrind_element(void *ctx, const char *name, const xmlNode *node)
{
	struct read_ctx *c = ctx;
	struct hg_raw *raw = c->raw;

	if (strcmp(name, "error") == 0) {
		hg_grow((void **)&raw->v, &raw->cap, raw->n, sizeof(*raw->v));
		hg_finding_init(&raw->v[raw->n]);
		parse_error(&raw->v[raw->n++], node, c->build_dir);
	} else {
		hg_grow((void **)&raw->ann, &raw->capann, raw->nann, sizeof(*raw->ann));
		parse_announce(&raw->ann[raw->nann++], node, c->build_dir);
	}
}

int hg_read_xml(const char *path, const char *build_dir, struct hg_raw *raw, int *complete)
{
	struct read_ctx c = {raw, build_dir};

	return hg_xml_read(path, on_helgrind_element, &c, complete);
}
