/*
 * report.c - tables and reports (see report.h).
 */
#define _GNU_SOURCE
#include "report.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ct_protocol.h"
#include "jobs.h"
#include "judge.h"
#include "util.h"

static bool use_color(FILE *f) { return isatty(fileno(f)) && !getenv("NO_COLOR"); }

static const char *verdict_word(enum verdict v)
{
	switch (v) {
	case VERDICT_PASS: return "pass";
	case VERDICT_FAIL: return "FAIL";
	case VERDICT_SKIP: return "skip";
	default: return "-";
	}
}

static const char *color_of(enum verdict v)
{
	switch (v) {
	case VERDICT_PASS: return "\033[32m";
	case VERDICT_FAIL: return "\033[1;31m";
	case VERDICT_SKIP: return "\033[33m";
	default: return "";
	}
}

/* Prints text with every line but the first indented by `indent` spaces (the first by `first`). */
static void print_lines(FILE *f, const char *text, int first, int indent)
{
	const char *p = text;

	for (int line = 0; *p; line++) {
		size_t n = strcspn(p, "\n");
		fprintf(f, "%*s%.*s\n", line ? indent : first, "", (int)n, p);
		p += n;
		if (*p == '\n')
			p++;
	}
}

static void print_indented(FILE *f, const char *text, int indent) { print_lines(f, text, indent, indent); }

/*
 * The compiler's output, indented, with its first error (the one to fix
 * first: the rest often follow from it) in bold red on a terminal.
 */
static void print_compiler_output(FILE *f, const char *log, bool color)
{
	const char *p = log;
	bool highlighted = false;

	while (*p) {
		size_t n = strcspn(p, "\n");
		bool first_error = color && !highlighted && memmem(p, n, ": error:", 8);
		fprintf(f, "    %s%.*s%s\n", first_error ? "\033[1;31m" : "", (int)n, p, first_error ? "\033[0m" : "");
		highlighted |= first_error;
		p += n;
		if (*p == '\n')
			p++;
	}
}

static void print_cell(FILE *f, const struct check_result *c, bool color)
{
	char cell[32];

	if (c->verdict == VERDICT_NONE) {
		fprintf(f, "  %-12s", "-");
		return;
	}
	snprintf(cell, sizeof cell, "%s %2d/%-2d", verdict_word(c->verdict), c->points, c->max);
	fprintf(f, "  %s%-12s%s", color ? color_of(c->verdict) : "", cell, color ? "\033[0m" : "");
}

/* VERBOSE=1: what each passing test of check c proved, by its name. */
static void print_passed_tests(FILE *f, const struct exercise_result *x, enum check_kind c)
{
	for (int i = 0; i < x->ntests; i++) {
		const struct test_result *t = &x->tests[i];
		if (t->check != c || t->hidden || t->status != TEST_PASSED || t->reason)
			continue;
		char *name = readable_test_name(t->name);
		fprintf(f, "%14s+ passed: %s\n", "", name);
		free(name);
	}
}

/* Whether the race check failed on what the tool found (not on a TODO, a hang or a crash). */
static bool race_tool_found(const struct check_result *cr)
{
	return cr->verdict == VERDICT_FAIL && cr->summary && strstr(cr->summary, " found ") &&
	       strstr(cr->summary, " problem");
}

/*
 * The hints that answer what failed (hints.json "answers"): one line each,
 * each answer once, in the order the failing tests ran.  Returns how many.
 */
static int print_answers(FILE *f, const struct lesson *l, const struct exercise_result *x)
{
	enum { MAX_SHOWN = 4 };
	const struct hint_answer *shown[MAX_SHOWN];
	int n = 0;

	for (int i = 0; i <= x->ntests && n < MAX_SHOWN; i++) {
		const char *name = "races";
		if (i < x->ntests) {
			const struct test_result *t = &x->tests[i];
			if (t->hidden || t->status == TEST_PASSED || t->status == TEST_NOT_IMPLEMENTED ||
			    t->status == TEST_NOT_RUN)
				continue;
			name = t->name;
		} else if (!race_tool_found(&x->checks[CHECK_RACES])) {
			break;
		}
		const struct hint_answer *a = exercise_answer_for(x->ex, name);
		bool again = false;
		for (int k = 0; a && k < n; k++)
			again |= shown[k] == a;
		if (!a || again)
			continue;
		fprintf(f, "  A hint about %s:  make hint LESSON=%d EXERCISE=%s ABOUT=%s\n", a->about, l->number,
			x->ex->name, a->id);
		shown[n++] = a;
	}
	return n;
}

void report_print(FILE *f, const struct lesson_result *r, const char *tree, bool verbose)
{
	size_t tlen = strlen(tree);
	bool is_file = tlen > 2 && strcmp(tree + tlen - 2, ".c") == 0;
	bool color = use_color(f);
	const struct lesson *l = r->lesson;

	fprintf(f, "\n%sLesson %02d: %s%s   (grading %s%s%s, %.1f s)\n", color ? "\033[1m" : "", l->number,
		l->title, color ? "\033[0m" : "", tree, is_file ? "" : "/", is_file ? "" : l->slug, r->wall_s);
	fprintf(f, "  %-12s  %-12s  %-12s  %-12s  %s\n", "exercise", "correctness", "timing", "races", "points");
	for (int i = 0; i < r->nresults; i++) {
		const struct exercise_result *x = &r->results[i];
		int pts = 0, max = 0;

		fprintf(f, "  %-12s", x->ex->name);
		for (int c = 0; c < NCHECKS; c++) {
			print_cell(f, &x->checks[c], color);
			pts += x->checks[c].points;
			max += x->checks[c].max;
		}
		fprintf(f, "  %3d/%d\n", pts, max);
	}
	fprintf(f, "  %-54s  %3d/%d\n", "total", r->points, r->max);

	for (int i = 0; i < r->nresults; i++) {
		const struct exercise_result *x = &r->results[i];
		bool failed = false;

		for (int c = 0; c < NCHECKS; c++)
			failed |= x->checks[c].verdict == VERDICT_FAIL;
		if (!failed && !verbose && !x->build_log && !x->timelines)
			continue;
		/* The exercise and its contract, not one function: the failing test names the function it called. */
		fprintf(f, "\n%s%s%s (the contract: %s.h): %s\n", color ? "\033[1m" : "", x->ex->name,
			color ? "\033[0m" : "", x->ex->name, x->source);
		const char *shown_summary = NULL;
		for (int c = 0; c < NCHECKS; c++) {
			const struct check_result *cr = &x->checks[c];
			if (cr->verdict == VERDICT_NONE || (cr->verdict == VERDICT_PASS && !verbose))
				continue;
			/* A build problem fails every check the same way: say it once. */
			if (cr->verdict == VERDICT_FAIL && shown_summary && cr->summary &&
			    strcmp(shown_summary, cr->summary) == 0 && !cr->details) {
				fprintf(f, "  %-11s %s%s%s (same reason)\n", check_names[c], color ? color_of(cr->verdict) : "",
					verdict_word(cr->verdict), color ? "\033[0m" : "");
				continue;
			}
			fprintf(f, "  %-11s %s%s%s: ", check_names[c], color ? color_of(cr->verdict) : "",
				verdict_word(cr->verdict), color ? "\033[0m" : "");
			print_lines(f, cr->summary ? cr->summary : "", 0, 14);
			if (cr->details)
				print_indented(f, cr->details, 14);
			if (verbose)
				print_passed_tests(f, x, (enum check_kind)c);
			shown_summary = cr->summary;
		}
		if (x->timelines) {
			fprintf(f, "  what ran when, as the grader saw it (time to the right, each row named on its left):\n");
			print_indented(f, x->timelines, 4);
		}
		if (x->build_log && *x->build_log && (failed || verbose)) {
			fprintf(f, "  compiler output:\n");
			print_compiler_output(f, x->build_log, color);
		}
		if (failed && print_answers(f, l, x) == 0)
			fprintf(f, "  Stuck? Read lessons/%s.md, then run:  make hint LESSON=%d EXERCISE=%s\n", l->slug,
				l->number, x->ex->name);
		else if (failed)
			fprintf(f, "  Still stuck? Read lessons/%s.md; make hint LESSON=%d EXERCISE=%s gives the general "
				   "hints, one level at a time\n",
				l->slug, l->number, x->ex->name);
	}
}

void report_print_total(FILE *f, const struct lesson_result *r, int n)
{
	int pts = 0, max = 0;

	for (int i = 0; i < n; i++) {
		pts += r[i].points;
		max += r[i].max;
	}
	fprintf(f, "\nAll lessons: %d/%d points\n", pts, max);
}

static json_t *check_json(const struct check_result *c)
{
	static const char *const names[] = {"pass", "fail", "skip", "none"};

	return json_pack("{s:s, s:i, s:i, s:s?, s:s?}", "verdict", names[c->verdict], "points", c->points, "max",
			 c->max, "summary", c->summary, "details", c->details);
}

int report_write_json(const char *path, const struct lesson_result *r, int n)
{
	json_t *lessons = json_array();
	int pts = 0, max = 0;

	for (int i = 0; i < n; i++) {
		json_t *exs = json_array();

		for (int k = 0; k < r[i].nresults; k++) {
			const struct exercise_result *x = &r[i].results[k];
			json_t *checks = json_object();
			int p = 0, m = 0;

			for (int c = 0; c < NCHECKS; c++) {
				json_object_set_new(checks, check_names[c], check_json(&x->checks[c]));
				p += x->checks[c].points;
				m += x->checks[c].max;
			}
			json_t *tests = json_array();
			for (int t = 0; t < x->ntests; t++)
				json_array_append_new(tests, json_pack("{s:s, s:s, s:s, s:s?, s:b}", "name", x->tests[t].name,
								       "check", check_names[x->tests[t].check], "status",
								       test_status_name(x->tests[t].status), "reason",
								       x->tests[t].reason, "hidden", x->tests[t].hidden));
			json_array_append_new(exs, json_pack("{s:s, s:s, s:s, s:i, s:i, s:f, s:f, s:o, s:o}", "name",
							     x->ex->name, "function", x->ex->function, "source",
							     x->source, "points", p, "max", m, "test_seconds", x->test_s,
							     "race_seconds", x->race_s, "checks", checks, "tests", tests));
		}
		json_array_append_new(lessons, json_pack("{s:s, s:s, s:i, s:i, s:f, s:o}", "lesson", r[i].lesson->slug,
							 "title", r[i].lesson->title, "points", r[i].points, "max",
							 r[i].max, "seconds", r[i].wall_s, "exercises", exs));
		pts += r[i].points;
		max += r[i].max;
	}
	/* Whether the programs ran confined (jobs.h): what a report's verdicts could rely on. */
	json_t *root = json_pack("{s:i, s:i, s:b, s:b, s:o}", "points", pts, "max", max, "as_root", geteuid() == 0,
				 "confined", jobs_confinement(), "lessons", lessons);
	int rc = json_dump_file(root, path, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(root);
	return rc;
}

/* One CSV field, quoted per RFC 4180 when needed. */
static void csv_field(FILE *f, const char *s, bool last)
{
	s = s ? s : "";
	if (strpbrk(s, ",\"\n\r")) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else {
		fputs(s, f);
	}
	fputs(last ? "\r\n" : ",", f);
}

int report_write_csv(const char *path, const struct lesson_result *r, int n)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs("lesson,exercise,check,verdict,points,max,summary\r\n", f);
	for (int i = 0; i < n; i++)
		for (int k = 0; k < r[i].nresults; k++)
			for (int c = 0; c < NCHECKS; c++) {
				const struct exercise_result *x = &r[i].results[k];
				char p[16], m[16];
				snprintf(p, sizeof p, "%d", x->checks[c].points);
				snprintf(m, sizeof m, "%d", x->checks[c].max);
				csv_field(f, r[i].lesson->slug, false);
				csv_field(f, x->ex->name, false);
				csv_field(f, check_names[c], false);
				csv_field(f, verdict_word(x->checks[c].verdict), false);
				csv_field(f, p, false);
				csv_field(f, m, false);
				csv_field(f, x->checks[c].summary, true);
			}
	return fclose(f) == 0 ? 0 : -1;
}
