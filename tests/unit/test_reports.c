/*
 * test_reports.c - the platform reports (report.h) written from judged
 * outcomes: a lesson whose "spawn" failed some of the instructor's hidden
 * tests (judge scenario hidden_tests: their names and messages contain
 * "secret") and whose "reap" did not compile, with a compiler output full of
 * what breaks formats ('#', control characters, invalid UTF-8).  Every
 * report must parse as its format, count what the judge counted, and hold
 * no hidden test's name or message, which only the JSON report names.
 * tests/platforms.sh checks the same reports from real gradings.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "judge.h"
#include "outcome.h"
#include "report.h"
#include "util.h"

#define HIDDEN_SCENARIO "tests/unit/judge_scenarios/hidden_tests/outcome.json"

static struct exercise exercises[2] = {
    {.name = "spawn", .function = "spawn_all", .points = {8, 2, 2}},
    {.name = "reap", .function = "reap_all", .points = {6, 2, 2}},
};
static struct lesson lesson = {
    .slug = "01-processes", .number = 1, .title = "Processes", .exercises = exercises, .nexercises = 2};
static struct exercise_result results[2];
static struct lesson_result lr = {.lesson = &lesson, .results = results, .nresults = 2, .wall_s = 3.5};
static char dir[] = "/tmp/concur-test-reports-XXXXXX";

static void setup(void)
{
	json_t *j = json_load_file(HIDDEN_SCENARIO, 0, NULL);
	struct exercise_outcome o;
	const char *why;
	struct judge_options opt = {0};

	cr_assert_not_null(j, "run the unit tests from the kit's top directory (%s is missing)", HIDDEN_SCENARIO);
	cr_assert_eq(outcome_from_json(j, &o, &why), 0, "%s", why);
	results[0] = (struct exercise_result){.ex = &exercises[0], .source = "sub/01-processes/spawn.c"};
	judge_exercise(&exercises[0], &o, &opt, &results[0]);
	outcome_free(&o);
	json_decref(j);

	struct exercise_outcome broken = {.build_problem = xstrdup("sub/01-processes/reap.c does not compile")};
	results[1] =
	    (struct exercise_result){.ex = &exercises[1],
				     .source = "sub/01-processes/reap.c",
				     .build_log = "reap.c:1: error: #include \"\x01\x1b[31m\xff\xfe\" # not C"};
	judge_exercise(&exercises[1], &broken, &opt, &results[1]);
	outcome_free(&broken);
	lr.points = lr.max = 0;
	for (int k = 0; k < 2; k++)
		for (int c = 0; c < NCHECKS; c++) {
			lr.points += results[k].checks[c].points;
			lr.max += results[k].checks[c].max;
		}
	cr_assert(mkdtemp(dir), "mkdtemp");
}

static void teardown(void)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
	free(cmd);
	for (int k = 0; k < 2; k++)
		judge_free_result(&results[k]);
}

TestSuite(reports, .init = setup, .fini = teardown);

static char *written(int (*write)(const char *, const struct report_input *), const char *name,
		     const struct report_input *in)
{
	char *path = xasprintf("%s/%s", dir, name);
	cr_assert_eq(write(path, in), 0, "could not write %s", path);
	char *text = read_file(path, 1 << 20);
	cr_assert_not_null(text, "%s is empty", path);
	cr_expect_null(strcasestr(text, "secret"), "%s names a hidden test:\n%s", name, text);
	free(path);
	return text;
}

static const struct report_input input = {.lessons = &lr, .nlessons = 1, .tree = "sub"};

Test(reports, the_json_report_alone_names_the_hidden_tests)
{
	char *path = xasprintf("%s/report.json", dir);
	cr_assert_eq(report_write_json(path, &lr, 1), 0);
	char *text = read_file(path, 1 << 20);
	cr_expect(text && strstr(text, "correct_secret_x"), "the instructor's JSON report lacks the hidden tests");
	free(text);
	free(path);
}

Test(reports, gradescope_counts_each_check_and_names_no_hidden_test)
{
	char *text = written(report_write_gradescope, "results.json", &input);
	json_t *j = json_loads(text, 0, NULL), *t;
	size_t i;
	double sum = 0;

	cr_assert_not_null(j, "not JSON:\n%s", text);
	json_array_foreach(json_object_get(j, "tests"), i, t)
	{
		sum += json_number_value(json_object_get(t, "score"));
		cr_expect_str_eq(json_string_value(json_object_get(t, "visibility")), "visible");
	}
	cr_expect_eq(json_array_size(json_object_get(j, "tests")), 6, "one test per (exercise, check)");
	cr_expect_eq((int)sum, lr.points);
	cr_expect_eq((int)json_number_value(json_object_get(j, "score")), lr.points);
	cr_expect_str_eq(json_string_value(json_object_get(j, "stdout_visibility")), "hidden");
	const char *out = json_string_value(json_object_get(json_array_get(json_object_get(j, "tests"), 0), "output"));
	cr_expect(out && strstr(out, "hidden tests: 1 of 2 passed"), "spawn's correctness output: %s", out);
	json_decref(j);
	free(text);
}

Test(reports, prairielearn_gives_a_fraction_and_is_ungradable_only_when_nothing_built)
{
	char *text = written(report_write_prairielearn, "pl.json", &input);
	json_t *j = json_loads(text, 0, NULL);

	cr_assert_not_null(j);
	cr_expect(json_is_true(json_object_get(j, "gradable")));
	double score = json_number_value(json_object_get(j, "score"));
	cr_expect(score > 0 && score < 1 && (int)(score * lr.max + 0.5) == lr.points, "score %g", score);
	json_decref(j);
	free(text);

	struct lesson_result only_reap = lr;
	only_reap.results = &results[1];
	only_reap.nresults = 1;
	const struct report_input broken = {.lessons = &only_reap, .nlessons = 1, .tree = "sub"};
	text = written(report_write_prairielearn, "pl-broken.json", &broken);
	j = json_loads(text, 0, NULL);
	cr_assert_not_null(j);
	cr_expect(json_is_false(json_object_get(j, "gradable")));
	cr_expect(json_array_size(json_object_get(j, "format_errors")) == 1);
	cr_expect(json_is_string(json_object_get(j, "message")));
	json_decref(j);
	free(text);
}

Test(reports, autolab_is_one_line_of_scores)
{
	char *text = written(report_write_autolab, "autolab.txt", &input);
	json_t *j = json_loads(text, 0, NULL);

	cr_assert_not_null(j, "not one JSON value:\n%s", text);
	cr_expect_eq(strchr(text, '\n'), NULL, "more than one line:\n%s", text);
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(j, "scores"), "spawn")), lr.points);
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(j, "scores"), "reap")), 0);
	cr_expect_eq(json_integer_value(json_array_get(json_object_get(j, "scoreboard"), 0)), lr.points);
	json_decref(j);
	free(text);
}

Test(reports, junit_is_well_formed_even_with_what_a_compiler_prints)
{
	char *text = written(report_write_junit, "junit.xml", &input);
	xmlDoc *doc = xmlReadMemory(text, (int)strlen(text), "junit.xml", NULL, XML_PARSE_NONET);

	cr_assert_not_null(doc, "not well-formed XML:\n%s", text);
	cr_expect(strstr(text, "name=\"hidden test 1\"") && strstr(text, "name=\"hidden test 3\"") &&
		      !strstr(text, "name=\"hidden test 4\""),
		  "the 3 hidden tests are not numbered 1 to 3:\n%s", text);
	cr_expect(strstr(text, "<error message=\"sub/01-processes/reap.c does not compile\" type=\"not-built\">"),
		  "the build failure is not an error:\n%s", text);
	xmlFreeDoc(doc);
	free(text);
}

Test(reports, tap_has_its_plan_and_marks_hidden_tests)
{
	char *text = written(report_write_tap, "report.tap", &input);
	char *save = NULL, *copy = xstrdup(text);
	int points = 0, hidden = 0;

	cr_expect_eq(strncmp(text, "TAP version 13\n1..", 18), 0, "no version and plan:\n%s", text);
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "ok ", 3) == 0 || strncmp(line, "not ok ", 7) == 0) {
			points++;
			/* An unescaped '#' starts a directive: only "# SKIP" may. */
			for (const char *h = strchr(line, '#'); h; h = strchr(h + 1, '#'))
				cr_expect((h > line && h[-1] == '\\') || strcmp(h, "# SKIP not run") == 0, "a # in: %s",
					  line);
		}
		hidden += strcmp(line, "  hidden: true") == 0;
	}
	cr_expect_eq(hidden, 3, "%d hidden tests marked, not 3:\n%s", hidden, text);
	char plan[32];
	snprintf(plan, sizeof plan, "1..%d\n", points);
	cr_expect(strstr(text, plan), "the plan is not %s", plan);
	free(copy);
	free(text);
}
