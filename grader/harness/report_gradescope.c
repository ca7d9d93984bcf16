/*
 * report_gradescope.c - results.json for Gradescope's autograder
 * (https://gradescope-autograders.readthedocs.io/en/latest/specs/).
 *
 * One Gradescope test per (exercise, check), numbered "E.C", with the
 * check's points as score and max_score, "passed" or "failed", and as output
 * the student's text for that check (what `make check` says under it).  The
 * top level has the total score, the execution time in seconds, and the
 * whole table as output.
 *
 * DESIGN: hidden tests.  Gradescope's "visibility": "hidden" hides a test
 * from students, but then they "will not be able to see their total
 * score", and "after_published" shows the test, name and output, once
 * grades are published.  An instructor's hidden tests are graded inside
 * their check (partial credit shares the check's points among its tests),
 * so their points are already part of a visible test's score, and the
 * check's text says only "hidden tests: K of N passed".  So every test here
 * is "visible", no hidden test's name or message is in the file at all, and
 * what the instructor alone should read goes to run_autograder's standard
 * output, which is set to "stdout_visibility": "hidden" (shown to
 * instructors only).
 */
#include <stdlib.h>

#include "report.h"
#include "report_feedback.h"
#include "util.h"

static json_t *check_test(const struct report_input *in, const struct lesson_result *l, const struct exercise_result *x,
			  enum check_kind c, int number)
{
	const struct check_result *cr = &x->checks[c];
	char *name = report_unit_name(in, l, x, check_names[c]);
	char *num = xasprintf("%d.%d", number, c + 1);
	char *text = report_check_text(x, c);
	json_t *t = json_pack("{s:s, s:s, s:i, s:i, s:s, s:o, s:s, s:s, s:s, s:[sss]}", "name", name, "number", num,
			      "score", cr->points, "max_score", cr->max, "status",
			      cr->verdict == VERDICT_PASS || cr->verdict == VERDICT_SKIP ? "passed" : "failed",
			      "output", report_json_text(text), "output_format", "text", "name_format", "text",
			      "visibility", "visible", "tags", l->lesson->slug, x->ex->name, check_names[c]);
	free(name);
	free(num);
	free(text);
	return t;
}

int report_write_gradescope(const char *path, const struct report_input *in)
{
	json_t *tests = json_array();
	int points, max, number = 0;

	for (int i = 0; i < in->nlessons; i++)
		for (int k = 0; k < in->lessons[i].nresults; k++) {
			const struct exercise_result *x = &in->lessons[i].results[k];
			number++;
			for (int c = 0; c < NCHECKS; c++)
				if (x->checks[c].verdict != VERDICT_NONE)
					json_array_append_new(tests, check_test(in, &in->lessons[i], x, c, number));
		}
	report_totals(in, &points, &max);
	double s = report_seconds(in);
	int secs = (int)s + ((double)(int)s < s); /* whole seconds, rounded up */
	char *text = report_student_text(in);
	json_t *root = json_pack("{s:i, s:i, s:o, s:s, s:s, s:s, s:s, s:s, s:o, s:{s:i}}", "score", points,
				 "execution_time", secs, "output", report_json_text(text), "output_format", "text",
				 "test_output_format", "text", "test_name_format", "text", "visibility", "visible",
				 "stdout_visibility", "hidden", "tests", tests, "extra_data", "max_score", max);
	free(text);
	return report_dump_json(root, path, JSON_INDENT(2));
}
