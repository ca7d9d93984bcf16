/*
 * report_prairielearn.c - /grade/results/results.json for PrairieLearn's
 * external grader (https://prairielearn.readthedocs.io/en/latest/externalGrading/).
 *
 * "score" is the fraction of the points (0 to 1); "message" the total in
 * words, "output" the whole table, and "tests" one entry per (exercise,
 * check): name, description (the function and the file), points,
 * max_points, message (the check's one-line summary) and output (the rest
 * of its text), which the <pl-external-grader-results> element renders.
 *
 * When nothing could be built (every file missing, refused or not
 * compiling) the submission is "gradable": false, with the reasons as
 * "format_errors" and in "message": PrairieLearn then counts no attempt
 * against the student.  Hidden tests are never named (report_feedback.h).
 */
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "report_feedback.h"
#include "util.h"

/* The check's text without its first line (the summary, which is the test's message). */
static char *rest_of(const char *text)
{
	const char *nl = strchr(text, '\n');
	return xstrdup(nl ? nl + 1 : "");
}

static json_t *check_test(const struct report_input *in, const struct lesson_result *l, const struct exercise_result *x,
			  enum check_kind c)
{
	const struct check_result *cr = &x->checks[c];
	char *name = report_unit_name(in, l, x, check_names[c]);
	char *description = xasprintf("%s() in %s: the %s check", x->ex->function, x->source, check_names[c]);
	char *text = report_check_text(x, c), *rest = rest_of(text);
	json_t *t = json_pack("{s:s, s:s, s:i, s:i, s:o, s:o}", "name", name, "description", description, "points",
			      cr->points, "max_points", cr->max, "message",
			      report_json_text(cr->summary ? cr->summary : ""), "output", report_json_text(rest));
	free(name);
	free(description);
	free(text);
	free(rest);
	return t;
}

int report_write_prairielearn(const char *path, const struct report_input *in)
{
	json_t *tests = json_array(), *errors = json_array();
	int points, max, exercises = 0, unbuilt = 0;

	for (int i = 0; i < in->nlessons; i++)
		for (int k = 0; k < in->lessons[i].nresults; k++) {
			const struct exercise_result *x = &in->lessons[i].results[k];
			exercises++;
			if (report_exercise_unbuilt(x)) {
				unbuilt++;
				char *why = report_check_text(x, CHECK_CORRECTNESS);
				json_array_append_new(errors, report_json_text(why));
				free(why);
			}
			for (int c = 0; c < NCHECKS; c++)
				if (x->checks[c].verdict != VERDICT_NONE)
					json_array_append_new(tests, check_test(in, &in->lessons[i], x, c));
		}
	report_totals(in, &points, &max);
	char *text = report_student_text(in);
	json_t *root;
	if (exercises > 0 && unbuilt == exercises) {
		json_decref(tests);
		char *message =
		    xasprintf("Nothing could be graded: %s",
			      exercises == 1 ? "the file could not be built" : "none of the files could be built");
		root = json_pack("{s:b, s:f, s:s, s:o, s:o}", "gradable", false, "score", 0.0, "message", message,
				 "format_errors", errors, "output", report_json_text(text));
		free(message);
	} else {
		json_decref(errors);
		char *message = xasprintf("%d of %d points", points, max);
		root = json_pack("{s:b, s:f, s:s, s:o, s:o}", "gradable", true, "score",
				 max > 0 ? (double)points / max : 0.0, "message", message, "output",
				 report_json_text(text), "tests", tests);
		free(message);
	}
	free(text);
	return report_dump_json(root, path, JSON_INDENT(2));
}
