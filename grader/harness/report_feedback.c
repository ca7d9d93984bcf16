/*
 * report_feedback.c - the student's texts the platform reports share (see
 * report_feedback.h).
 */
#define _GNU_SOURCE
#include "report_feedback.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

void report_totals(const struct report_input *in, int *points, int *max)
{
	*points = *max = 0;
	for (int i = 0; i < in->nlessons; i++) {
		*points += in->lessons[i].points;
		*max += in->lessons[i].max;
	}
}

double report_seconds(const struct report_input *in)
{
	double s = 0;

	for (int i = 0; i < in->nlessons; i++)
		s += in->lessons[i].wall_s;
	return s;
}

char *report_student_text(const struct report_input *in)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return xstrdup("(the grader could not render its table: out of memory)");
	/* A memory stream is no terminal: report_print uses no colours. */
	for (int i = 0; i < in->nlessons; i++)
		report_print(f, &in->lessons[i], in->tree, false);
	if (in->nlessons > 1)
		report_print_total(f, in->lessons, in->nlessons);
	if (fclose(f) != 0 || !text)
		return xstrdup("(the grader could not render its table: out of memory)");
	/* The table begins with an empty line, for the terminal. */
	if (text[0] == '\n')
		memmove(text, text + 1, len);
	return text;
}

static void append(char **text, const char *more)
{
	char *joined = xasprintf("%s%s%s", *text ? *text : "", *text && **text ? "\n" : "", more);

	free(*text);
	*text = joined;
}

char *report_check_text(const struct exercise_result *x, enum check_kind c)
{
	const struct check_result *cr = &x->checks[c];
	char *text = xstrdup(cr->summary ? cr->summary : "");

	if (cr->details)
		append(&text, cr->details);
	if (c == CHECK_TIMING && x->timelines) {
		append(&text, "what ran when, as the grader saw it (time to the right, each row named on its left):");
		append(&text, x->timelines);
	}
	/* The compiler's output once, under the first check that failed (all of them fail when it did not build). */
	enum check_kind first_failed = NCHECKS;
	for (int k = 0; k < NCHECKS && first_failed == NCHECKS; k++)
		if (x->checks[k].verdict == VERDICT_FAIL)
			first_failed = k;
	if (x->build_log && *x->build_log && c == first_failed) {
		append(&text, "compiler output:");
		append(&text, x->build_log);
	}
	return text;
}

bool report_exercise_unbuilt(const struct exercise_result *x)
{
	/* The judge fails every check with the build's one reason, and lists no test (judge.c). */
	const char *reason = NULL;

	if (x->ntests > 0)
		return false;
	for (int c = 0; c < NCHECKS; c++) {
		const struct check_result *cr = &x->checks[c];
		if (cr->verdict == VERDICT_NONE)
			continue;
		if (cr->verdict != VERDICT_FAIL || !cr->summary || (reason && strcmp(reason, cr->summary) != 0))
			return false;
		reason = cr->summary;
	}
	return reason != NULL;
}

char *report_unit_name(const struct report_input *in, const struct lesson_result *l, const struct exercise_result *x,
		       const char *what)
{
	if (in->nlessons > 1)
		return xasprintf("%s/%s: %s", l->lesson->slug, x->ex->name, what);
	return xasprintf("%s: %s", x->ex->name, what);
}

/* Length of the UTF-8 sequence at s if it is a valid one (and, for XML 1.0, an allowed character), else 0. */
static size_t char_len(const unsigned char *s, bool xml)
{
	if (s[0] < 0x80)
		return !xml || s[0] >= 0x20 || s[0] == '\t' || s[0] == '\n' || s[0] == '\r' ? 1 : 0;
	size_t n = (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3 : (s[0] & 0xf8) == 0xf0 ? 4 : 0;
	unsigned long cp = n ? s[0] & (0x7f >> n) : 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	static const unsigned long least[] = {0, 0, 0x80, 0x800, 0x10000};
	/* Overlong forms, UTF-16 surrogates and what lies beyond Unicode are not UTF-8. */
	if (n == 0 || cp < least[n] || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return xml && (cp == 0xfffe || cp == 0xffff) ? 0 : n;
}

char *report_clean_text(const char *text, bool xml)
{
	static const char cut[] = "\n(cut here: the rest is too long for this report)";
	const unsigned char *s = (const unsigned char *)(text ? text : "");
	size_t len = strlen((const char *)s), out = 0;
	char *t = xcalloc(len + sizeof cut, 1);

	while (*s) {
		size_t n = char_len(s, xml);
		if (out + (n ? n : 1) > REPORT_FIELD_MAX - sizeof cut) {
			memcpy(t + out, cut, sizeof cut);
			return t;
		}
		if (n == 0) {
			t[out++] = '?';
			s++;
			continue;
		}
		memcpy(t + out, s, n);
		out += n;
		s += n;
	}
	t[out] = '\0';
	return t;
}

json_t *report_json_text(const char *text)
{
	char *clean = report_clean_text(text, false);
	json_t *j = json_string(clean);

	free(clean);
	return j;
}

char *report_temp_path(const char *path)
{
	return xasprintf("%s.tmp-%ld", path, (long)getpid());
}

int report_commit(char *tmp, const char *path, int rc)
{
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -1;
	if (rc != 0)
		unlink(tmp);
	free(tmp);
	return rc ? -1 : 0;
}

int report_dump_json(json_t *j, const char *path, size_t flags)
{
	char *tmp = report_temp_path(path);
	int rc = j && json_dump_file(j, tmp, flags) == 0 ? 0 : -1;

	json_decref(j);
	return report_commit(tmp, path, rc);
}

static enum report_case_end end_of(enum test_status s)
{
	switch (s) {
	case TEST_PASSED:
		return CASE_PASSED;
	case TEST_NOT_RUN:
		return CASE_SKIPPED;
	case TEST_TIMED_OUT:
	case TEST_CRASHED:
		return CASE_ERROR;
	default:
		return CASE_FAILED;
	}
}

static struct report_case *add_case(struct report_case **c, int *n)
{
	*c = xrealloc(*c, (size_t)(*n + 1) * sizeof **c);
	struct report_case *k = &(*c)[(*n)++];
	*k = (struct report_case){0};
	return k;
}

int report_cases(const struct exercise_result *x, struct report_case **out)
{
	struct report_case *c = NULL;
	int n = 0, hidden = 0;
	bool explained[NCHECKS] = {false};

	*out = NULL;
	if (report_exercise_unbuilt(x)) {
		enum check_kind first = CHECK_CORRECTNESS;
		while (first < NCHECKS - 1 && x->checks[first].verdict == VERDICT_NONE)
			first++;
		struct report_case *k = add_case(&c, &n);
		*k = (struct report_case){.name = xstrdup("build"),
					  .check = first,
					  .end = CASE_ERROR,
					  .status = "not-built",
					  .message = report_check_text(x, first)};
		*out = c;
		return n;
	}
	for (int i = 0; i < x->ntests; i++) {
		const struct test_result *t = &x->tests[i];
		struct report_case *k = add_case(&c, &n);
		k->check = t->check;
		k->end = end_of(t->status);
		k->status = test_status_name(t->status);
		k->hidden = t->hidden;
		if (t->hidden) {
			k->name = xasprintf("hidden test %d", ++hidden);
			if (k->end != CASE_PASSED)
				k->message = xstrdup(
				    "one of the instructor's hidden tests: its name and messages are not shown");
		} else {
			k->name = xstrdup(t->name);
			k->message = t->reason ? xstrdup(t->reason) : NULL;
		}
		if (k->end == CASE_FAILED || k->end == CASE_ERROR)
			explained[t->check] = true;
	}
	for (int ck = 0; ck < NCHECKS; ck++) {
		const struct check_result *cr = &x->checks[ck];
		/* The races check is Helgrind's, not a suite's test: always a case of its own. */
		bool own =
		    ck == CHECK_RACES ? cr->verdict != VERDICT_NONE : cr->verdict == VERDICT_FAIL && !explained[ck];
		if (!own)
			continue;
		struct report_case *k = add_case(&c, &n);
		k->name = xstrdup(ck == CHECK_RACES ? "helgrind" : "whole check");
		k->check = ck;
		k->end = cr->verdict == VERDICT_PASS   ? CASE_PASSED
			 : cr->verdict == VERDICT_SKIP ? CASE_SKIPPED
						       : CASE_FAILED;
		k->status = cr->verdict == VERDICT_PASS ? "passed" : cr->verdict == VERDICT_SKIP ? "skipped" : "failed";
		k->message = cr->verdict == VERDICT_PASS ? NULL : report_check_text(x, ck);
	}
	*out = c;
	return n;
}

void report_cases_free(struct report_case *c, int n)
{
	for (int i = 0; i < n; i++) {
		free(c[i].name);
		free(c[i].message);
	}
	free(c);
}

void report_tally_cases(const struct report_case *c, int n, int by_end[4])
{
	for (int i = 0; i < n; i++)
		by_end[c[i].end]++;
}

int report_case_totals(const struct report_input *in, int by_end[4])
{
	int total = 0, ignored[4] = {0};

	for (int i = 0; i < in->nlessons; i++)
		for (int k = 0; k < in->lessons[i].nresults; k++) {
			struct report_case *c;
			int n = report_cases(&in->lessons[i].results[k], &c);
			report_tally_cases(c, n, by_end ? by_end : ignored);
			total += n;
			report_cases_free(c, n);
		}
	return total;
}
