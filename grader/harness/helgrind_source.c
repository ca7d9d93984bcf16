/*
 * helgrind_source.c - names that Helgrind does not print, read from the
 * program's own source (see helgrind_internal.h): the lock, condition
 * variable, semaphore or barrier of a misuse ("Thread #1 unlocked an invalid
 * lock at 0x10C080" names no variable; the line says
 * pthread_mutex_unlock(&queue_lock)), and the function a thread runs (the
 * third argument of the pthread_create() at its creation site).
 *
 * DESIGN: a few lines around the reported one are scanned for the first call
 * of a known function, and its arguments split at the top-level commas.
 * This is not a C parser: comments, strings and macros can defeat it, and
 * then the name is simply unknown (NULL), never a guess.  Paths are display
 * paths (hg_display_path()): relative to the current directory or to the
 * build directory.
 */
#define _GNU_SOURCE
#include "helgrind_internal.h"
#include "util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Source files larger than this are not read. */
#define SOURCE_MAX_BYTES (4u << 20)
/* How many lines before the reported one a call may start (a call split over lines). */
#define LINES_BEFORE 2
/* How many lines a call may span. */
#define LINES_SPAN 6

/* The file at display path path, or NULL. */
static char *read_source(const char *path, const char *build_dir)
{
	char *text, *full;

	if (!path)
		return NULL;
	text = read_file(path, SOURCE_MAX_BYTES);
	if (text || path[0] == '/' || !build_dir || !*build_dir)
		return text;
	full = xasprintf("%s/%s", build_dir, path);
	text = read_file(full, SOURCE_MAX_BYTES);
	free(full);
	return text;
}

/* The start of line n (1-based) of text, or NULL. */
static const char *line_start(const char *text, int n)
{
	const char *p = text;

	for (int i = 1; p && i < n; i++) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return p && *p ? p : NULL;
}

static int is_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/*
 * In [from, end) of text, the first call "NAME(" where NAME starts with one
 * of the prefixes (and is a whole word); returns the position of NAME, or NULL.
 */
static const char *find_call(const char *text, const char *from, const char *end, const char *const *prefixes)
{
	for (const char *p = from; p < end; p++) {
		if (p > text && is_ident_char(p[-1]))
			continue;
		for (int i = 0; prefixes[i]; i++) {
			size_t n = strlen(prefixes[i]);
			const char *q = p + n;

			if (strncmp(p, prefixes[i], n) != 0)
				continue;
			while (q < end && is_ident_char(*q))
				q++;
			while (q < end && (*q == ' ' || *q == '\t'))
				q++;
			if (q < end && *q == '(')
				return p;
		}
	}
	return NULL;
}

/* Fills c from the call at name (its '(' within end); 0, or -1 if it is not closed before end. */
static int split_call(const char *name, const char *end, struct hg_call *c)
{
	const char *p = name, *arg;
	int depth = 0;

	while (is_ident_char(*p))
		p++;
	c->fn = xstrndup(name, (size_t)(p - name));
	p = strchr(p, '(') + 1;
	arg = p;
	for (; p < end; p++) {
		if (*p == '(' || *p == '[' || *p == '{') {
			depth++;
		} else if ((*p == ')' || *p == ']' || *p == '}') && depth > 0) {
			depth--;
		} else if ((*p == ',' && depth == 0) || *p == ')') {
			char *a = xstrndup(arg, (size_t)(p - arg));

			if (c->nargs < HG_CALL_MAX_ARGS)
				c->args[c->nargs++] = hg_dup_trimmed(a);
			free(a);
			arg = p + 1;
			if (*p == ')')
				return 0;
		}
	}
	return -1;
}

/* hg_source_call() in text, the call starting up to `before` lines above `line`. */
static int call_at(const char *text, int line, int before, const char *const *prefixes, struct hg_call *c)
{
	int found = -1;

	memset(c, 0, sizeof(*c));
	/* the reported line first, then the lines above it (a call split over lines) */
	for (int back = 0; back <= before && found < 0 && line - back >= 1; back++) {
		const char *from = line_start(text, line - back), *to, *name, *end;

		if (!from)
			continue;
		to = strchr(from, '\n');
		to = to ? to : from + strlen(from);
		name = find_call(text, from, to, prefixes);
		if (!name)
			continue;
		end = line_start(text, line - back + LINES_SPAN);
		end = end ? end : from + strlen(from);
		found = split_call(name, end, c);
		if (found < 0)
			hg_call_free(c);
	}
	return found;
}

int hg_source_call(const char *path, const char *build_dir, int line, const char *const *prefixes, struct hg_call *c)
{
	char *text = line > 0 ? read_source(path, build_dir) : NULL;
	int found = text ? call_at(text, line, LINES_BEFORE, prefixes, c) : -1;

	if (!text)
		memset(c, 0, sizeof(*c));
	free(text);
	return found;
}

char *hg_source_cond_mutex(const char *path, const char *build_dir, const char *cond, const char *not_mutex, int *line)
{
	static const char *const waits[] = {"pthread_cond_wait", "pthread_cond_timedwait", "pthread_cond_clockwait",
					    NULL};
	char *text = cond ? read_source(path, build_dir) : NULL, *mutex = NULL;
	int n = 1;

	for (const char *p = text; p && *p && !mutex; n++) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		struct hg_call c;

		if (memmem(p, len, "pthread_cond_", 13) && call_at(text, n, 0, waits, &c) == 0) {
			char *cv = c.nargs > 1 ? hg_lvalue_name(c.args[0]) : NULL;
			char *m = cv && strcmp(cv, cond) == 0 ? hg_lvalue_name(c.args[1]) : NULL;

			if (m && !hg_streq_null(m, not_mutex)) {
				mutex = m;
				*line = n;
			} else {
				free(m);
			}
			free(cv);
			hg_call_free(&c);
		}
		p = nl ? nl + 1 : p + len;
	}
	free(text);
	return mutex;
}

void hg_call_free(struct hg_call *c)
{
	free(c->fn);
	for (int i = 0; i < c->nargs; i++)
		free(c->args[i]);
	memset(c, 0, sizeof(*c));
}

char *hg_lvalue_name(const char *arg)
{
	const char *p = arg;

	if (!p)
		return NULL;
	while (*p == '&' || *p == ' ')
		p++;
	if (*p == '(' || !*p)
		return NULL;
	for (const char *q = p; *q; q++)
		if (!is_ident_char(*q) && !strchr(".[]->+ ", *q))
			return NULL;
	return isalpha((unsigned char)*p) || *p == '_' ? xstrdup(p) : NULL;
}

char *hg_source_thread_fn(const char *path, const char *build_dir, int line)
{
	static const char *const create[] = {"pthread_create", NULL};
	struct hg_call c;
	char *fn = NULL, *text;
	const char *a;

	if (hg_source_call(path, build_dir, line, create, &c) < 0)
		return NULL;
	a = c.nargs == 4 ? c.args[2] : "";
	/* drop casts "(void *(*)(void *))" and '&' */
	while (*a == '(' || *a == '&' || *a == ' ') {
		if (*a == '(') {
			const char *close = strchr(a, ')');

			while (close && close[1] == ')')
				close++;
			if (!close)
				break;
			a = close + 1;
		} else {
			a++;
		}
	}
	fn = hg_lvalue_name(a);
	/* a function pointer parameter ("fn" of a wrapper) is not a name to show: the file must call or define it */
	text = fn ? read_source(path, build_dir) : NULL;
	if (fn) {
		int defined = 0;
		size_t n = strlen(fn);

		for (const char *p = text ? strstr(text, fn) : NULL; p && !defined; p = strstr(p + n, fn)) {
			const char *q = p + n;

			if ((p > text && is_ident_char(p[-1])) || is_ident_char(*q))
				continue;
			/* "worker(void *arg)": the definition or declaration of a start routine */
			q += strspn(q, " \t");
			if (*q++ != '(')
				continue;
			q += strspn(q, " \t");
			if (strncmp(q, "void", 4) != 0)
				continue;
			q += 4 + strspn(q + 4, " \t");
			defined = *q == '*';
		}
		if (!defined) {
			free(fn);
			fn = NULL;
		}
	}
	free(text);
	hg_call_free(&c);
	return fn;
}
