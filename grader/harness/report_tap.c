/*
 * report_tap.c - TAP version 13 (https://testanything.org/tap-version-13-specification.html):
 *
 *   TAP version 13
 *   1..17
 *   # 01-processes/spawn: 8 of 10 points (correctness 6/6, timing 0/2, races 2/2)
 *   ok 1 - 01-processes/spawn correctness: correct_exit_codes
 *   not ok 2 - 01-processes/spawn timing: timing_children_run_at_the_same_time
 *     ---
 *     status: "failed"
 *     check: "timing"
 *     hidden: false
 *     message: "the 4 children of spawn_all(4, ...) were never all alive ..."
 *     ...
 *   ok 3 - 01-processes/spawn correctness: hidden test 1
 *     ---
 *     status: "passed"
 *     check: "correctness"
 *     hidden: true
 *     ...
 *   ok 4 - 01-processes/spawn races: helgrind
 *   # total: 18 of 20 points
 *
 * One test point per case of report_cases (each test, the races check, the
 * checks failed for a reason no test gives, or "build"); a test not run is
 * "# SKIP".  The YAML block follows every point that did not pass and
 * every hidden one; its strings are JSON strings, which YAML 1.2 reads as
 * its own double-quoted scalars, so any text is safe in them.  A hidden
 * test is never named and none of its messages is written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "report_feedback.h"
#include "util.h"

/* A description may not hold '#' (it starts a directive) or a newline. */
static void print_description(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '#' || *s == '\\')
			fputc('\\', f);
		fputc(*s == '\n' ? ' ' : *s, f);
	}
}

static void yaml_string(FILE *f, const char *key, const char *value)
{
	json_t *j = report_json_text(value);
	char *s = json_dumps(j, JSON_ENCODE_ANY);

	fprintf(f, "  %s: %s\n", key, s ? s : "\"\"");
	free(s);
	json_decref(j);
}

static void print_case(FILE *f, int number, const char *unit, const struct report_case *k)
{
	fprintf(f, "%s %d - ", k->end == CASE_PASSED || k->end == CASE_SKIPPED ? "ok" : "not ok", number);
	print_description(f, unit);
	fprintf(f, " %s: ", check_names[k->check]);
	print_description(f, k->name);
	if (k->end == CASE_SKIPPED)
		fputs(" # SKIP not run", f);
	fputc('\n', f);
	if (k->end == CASE_PASSED && !k->hidden && !k->message)
		return;
	fputs("  ---\n", f);
	yaml_string(f, "status", k->status);
	yaml_string(f, "check", check_names[k->check]);
	fprintf(f, "  hidden: %s\n", k->hidden ? "true" : "false");
	if (k->message)
		yaml_string(f, "message", k->message);
	fputs("  ...\n", f);
}

static void print_points(FILE *f, const char *unit, const struct exercise_result *x)
{
	int pts = 0, max = 0;

	for (int c = 0; c < NCHECKS; c++) {
		pts += x->checks[c].points;
		max += x->checks[c].max;
	}
	fprintf(f, "# %s: %d of %d points (", unit, pts, max);
	const char *sep = "";
	for (int c = 0; c < NCHECKS; c++)
		if (x->checks[c].verdict != VERDICT_NONE) {
			fprintf(f, "%s%s %d/%d", sep, check_names[c], x->checks[c].points, x->checks[c].max);
			sep = ", ";
		}
	fputs(")\n", f);
}

int report_write_tap(const char *path, const struct report_input *in)
{
	char *tmp = report_temp_path(path);
	FILE *f = fopen(tmp, "w");
	int number = 0, points, max;

	if (!f) {
		free(tmp);
		return -1;
	}
	fprintf(f, "TAP version 13\n1..%d\n", report_case_totals(in, NULL));
	for (int i = 0; i < in->nlessons; i++)
		for (int k = 0; k < in->lessons[i].nresults; k++) {
			const struct exercise_result *x = &in->lessons[i].results[k];
			char *unit = xasprintf("%s/%s", in->lessons[i].lesson->slug, x->ex->name);
			struct report_case *c;
			int n = report_cases(x, &c);
			print_points(f, unit, x);
			for (int j = 0; j < n; j++)
				print_case(f, ++number, unit, &c[j]);
			report_cases_free(c, n);
			free(unit);
		}
	report_totals(in, &points, &max);
	fprintf(f, "# total: %d of %d points\n", points, max);
	int rc = ferror(f) ? -1 : 0;
	if (fclose(f) != 0)
		rc = -1;
	return report_commit(tmp, path, rc);
}
