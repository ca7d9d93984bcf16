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
	hg_access_init(a);
}

void hg_finding_init(struct hg_finding *f)
{
	memset(f, 0, sizeof(*f));
	hg_access_init(&f->now);
	hg_access_init(&f->before);
	hg_access_init(&f->alloc);
	hg_access_init(&f->before2);
	hg_access_init(&f->lock_seen);
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
	memset(f, 0, sizeof(*f));
}

/* ---- loading and merging ------------------------------------------------- */

static int same_place(const struct hg_access *a, const struct hg_access *b)
{
	if (!hg_streq_null(a->fn, b->fn) || !hg_streq_null(a->file, b->file) || a->line != b->line)
		return 0;
	return a->file || hg_streq_null(a->top_fn, b->top_fn);
}

static int same_finding(const struct hg_finding *a, const struct hg_finding *b)
{
	return hg_streq_null(a->kind, b->kind) && same_place(&a->now, &b->now) && same_place(&a->before, &b->before) &&
	       same_place(&a->before2, &b->before2) && hg_streq_null(a->variable, b->variable) &&
	       hg_streq_null(a->block_info, b->block_info) && hg_streq_null(a->stack_info, b->stack_info);
}

/* Adds what the text log knows to the XML's findings: the locks held, the locks' names. */
static void add_log(struct hg_raw *raw, const struct hg_log *lg)
{
	int ordinal = 0;

	for (int i = 0; i < raw->n; i++) {
		struct hg_finding *f = &raw->v[i];
		char **order[] = {&f->lock_first, &f->lock_second};

		if (strcmp(f->kind, "Race") == 0)
			hg_log_match_locks(f, ordinal++, lg);
		/* A lock order's two locks by their variables' names, when the log has them. */
		for (int k = 0; k < 2; k++) {
			char *name = *order[k] ? hg_log_name_locks(lg, *order[k]) : NULL;

			if (name) {
				free(*order[k]);
				*order[k] = name;
			}
		}
	}
}

/* Moves raw's findings into out->findings, freeing the duplicates; raw keeps its threads. */
static void merge(struct hg_raw *raw, struct hg_report *out)
{
	out->findings = xcalloc((size_t)(raw->n ? raw->n : 1), sizeof(*out->findings));
	out->counts = xcalloc((size_t)(raw->n ? raw->n : 1), sizeof(*out->counts));
	for (int i = 0; i < raw->n; i++) {
		int j;

		for (j = 0; j < out->nfindings; j++)
			if (same_finding(&out->findings[j], &raw->v[i]))
				break;
		if (j < out->nfindings) {
			out->counts[j]++;
			hg_finding_free(&raw->v[i]);
		} else {
			out->findings[out->nfindings] = raw->v[i];
			out->counts[out->nfindings++] = 1;
		}
	}
	raw->n = 0;
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
	out->ok = complete;
	out->nerrors = raw.n;

	lg = hg_log_read(log_path);
	add_log(&raw, lg);
	hg_log_free(lg);

	merge(&raw, out);
	for (int i = 0; i < out->nfindings; i++)
		out->findings[i].explanation = hg_explain(&out->findings[i]);
	out->thread_info = hg_thread_info(raw.ann, raw.nann);
	hg_raw_free(&raw);
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
			      "and it shows no problem before the point where it stops.\n",
			      f);
		return;
	}
	fprintf(f, "Helgrind found %d problem%s%s.\n", r->nfindings, r->nfindings == 1 ? "" : "s",
		r->ok ? "" : " before its report stops (the run probably did not finish, so there may be more)");
	fputs("Helgrind reports *possible* problems: it follows which accesses are ordered by "
	      "locks, pthread_create() and pthread_join(), so it finds a race even if the bad "
	      "interleaving did not happen in this run.\n",
	      f);
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
