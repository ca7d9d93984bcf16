/*
 * test_judge.c - the judge as a pure function, tested by scenarios: each
 * directory under tests/unit/judge_scenarios/ holds an outcome.json (in the
 * form the harness keeps beside each build) and an expected.json:
 *
 *   {"exercise": {"name", "function", "points": {...}, "test_points": {...}},
 *    "options": {"verbose": bool, "timing_only": bool},        (optional)
 *    "checks": {"correctness": {"verdict": "pass"|"fail"|"skip"|"none",
 *                               "points": N, "summary": "words it contains",
 *                               "details": ["words", ...], "no_details": bool}, ...},
 *    "hung": bool,                                             (optional)
 *    "timelines": ["words", ...], "no_timelines": ["words", ...],
 *    "never_says": ["words", ...]}                             (in no summary or detail)
 *
 * Every scenario is judged twice, to prove the same outcome gives the same
 * verdicts.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "judge.h"
#include "outcome.h"
#include "util.h"

#define SCENARIOS "tests/unit/judge_scenarios"

static const char *const verdict_names[] = {"pass", "fail", "skip", "none"};

static void load_exercise(json_t *j, struct exercise *e)
{
	*e = (struct exercise){.name = (char *)json_string_value(json_object_get(j, "name")),
			       .function = (char *)json_string_value(json_object_get(j, "function"))};
	for (int c = 0; c < NCHECKS; c++)
		e->points[c] = (int)json_integer_value(json_object_get(json_object_get(j, "points"), check_names[c]));
	json_t *weights = json_object_get(j, "test_points"), *w;
	const char *test;
	e->weighted_tests = calloc(json_object_size(weights) + 1, sizeof *e->weighted_tests);
	e->weights = calloc(json_object_size(weights) + 1, sizeof *e->weights);
	json_object_foreach(weights, test, w) {
		e->weighted_tests[e->nweighted] = (char *)test;
		e->weights[e->nweighted++] = (int)json_integer_value(w);
	}
}

static void expect_words(const char *scenario, const char *what, const char *text, json_t *words, bool present)
{
	size_t i;
	json_t *w;

	json_array_foreach(words, i, w) {
		const char *s = json_string_value(w);
		bool found = text && strstr(text, s);
		cr_expect(found == present, "%s: %s should %scontain \"%s\"; it is:\n%s", scenario, what, present ? "" : "not ",
			  s, text ? text : "(none)");
	}
}

static void check_scenario(const char *name)
{
	char *opath = xasprintf("%s/%s/outcome.json", SCENARIOS, name);
	char *epath = xasprintf("%s/%s/expected.json", SCENARIOS, name);
	json_t *oj = json_load_file(opath, 0, NULL), *ej = json_load_file(epath, 0, NULL);
	struct exercise_outcome o;
	struct exercise e;
	const char *why;

	cr_assert(oj && ej, "%s: cannot read %s or %s", name, opath, epath);
	cr_assert_eq(outcome_from_json(oj, &o, &why), 0, "%s: %s", name, why);
	load_exercise(json_object_get(ej, "exercise"), &e);
	json_t *opts = json_object_get(ej, "options");
	struct judge_options opt = {.verbose = json_is_true(json_object_get(opts, "verbose")),
				    .timing_only = json_is_true(json_object_get(opts, "timing_only"))};
	struct exercise_result r[2] = {{.ex = &e}, {.ex = &e}};
	for (int k = 0; k < 2; k++)
		judge_exercise(&e, &o, &opt, &r[k]);

	for (int c = 0; c < NCHECKS; c++) {
		const struct check_result *got = &r[0].checks[c];
		json_t *want = json_object_get(json_object_get(ej, "checks"), check_names[c]);
		cr_expect(got->verdict == r[1].checks[c].verdict && got->points == r[1].checks[c].points &&
				  strcmp(got->summary ? got->summary : "", r[1].checks[c].summary ? r[1].checks[c].summary : "") == 0,
			  "%s: %s is not judged the same way twice", name, check_names[c]);
		if (!want)
			continue;
		const char *v = json_string_value(json_object_get(want, "verdict"));
		cr_expect(v && strcmp(verdict_names[got->verdict], v) == 0, "%s: %s is '%s', expected '%s' (summary: %s)", name,
			  check_names[c], verdict_names[got->verdict], v ? v : "?", got->summary ? got->summary : "");
		json_t *pts = json_object_get(want, "points");
		if (pts)
			cr_expect_eq(got->points, (int)json_integer_value(pts), "%s: %s has %d points, expected %d", name,
				     check_names[c], got->points, (int)json_integer_value(pts));
		const char *sum = json_string_value(json_object_get(want, "summary"));
		if (sum)
			cr_expect(got->summary && strstr(got->summary, sum), "%s: %s's summary should contain \"%s\"; it is: %s",
				  name, check_names[c], sum, got->summary ? got->summary : "(none)");
		char *label = xasprintf("%s's details", check_names[c]);
		expect_words(name, label, got->details, json_object_get(want, "details"), true);
		free(label);
		if (json_is_true(json_object_get(want, "no_details")))
			cr_expect_null(got->details, "%s: %s should have no details; it has:\n%s", name, check_names[c],
				       got->details);
	}
	json_t *hung = json_object_get(ej, "hung");
	if (hung)
		cr_expect_eq(r[0].hung, json_is_true(hung), "%s: hung is %d", name, r[0].hung);
	/* "never_says": words no summary or detail may contain (a hidden test's name or message). */
	for (int c = 0; c < NCHECKS; c++) {
		expect_words(name, "a summary", r[0].checks[c].summary, json_object_get(ej, "never_says"), false);
		expect_words(name, "the details", r[0].checks[c].details, json_object_get(ej, "never_says"), false);
	}
	expect_words(name, "the timelines shown", r[0].timelines, json_object_get(ej, "timelines"), true);
	expect_words(name, "the timelines shown", r[0].timelines, json_object_get(ej, "no_timelines"), false);
	for (int k = 0; k < 2; k++)
		judge_free_result(&r[k]);
	outcome_free(&o);
	json_decref(oj);
	json_decref(ej);
	free(opath);
	free(epath);
}

Test(judge, gives_each_scenario_its_expected_verdicts)
{
	DIR *d = opendir(SCENARIOS);
	struct dirent *e;
	int n = 0;

	cr_assert_not_null(d, "run the unit tests from the kit's top directory (%s is missing)", SCENARIOS);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		check_scenario(e->d_name);
		n++;
	}
	closedir(d);
	cr_assert_geq(n, 20, "only %d scenarios found", n);
}

Test(judge, outcome_survives_its_json_form)
{
	json_t *j = json_load_file(SCENARIOS "/failed_checks_with_repeats/outcome.json", 0, NULL);
	struct exercise_outcome o, back;
	const char *why;

	cr_assert_eq(outcome_from_json(j, &o, &why), 0);
	json_t *again = outcome_to_json(&o);
	cr_assert_eq(outcome_from_json(again, &back, &why), 0);
	json_t *twice = outcome_to_json(&back);
	cr_assert(json_equal(again, twice), "an outcome changes when saved and loaded again");
	cr_assert_eq(back.suite.ntests, 4);
	cr_assert_str_eq(back.suite.tests[0].messages[0], "codes[1] = 0, expected 3\nsecond line");
	outcome_free(&o);
	outcome_free(&back);
	json_decref(j);
	json_decref(again);
	json_decref(twice);
}

Test(judge, refuses_an_outcome_that_is_not_one)
{
	struct exercise_outcome o;
	const char *why;
	json_t *bad = json_pack("{s:{s:{s:s}}}", "suite", "run", "end", "exploded");

	cr_assert_eq(outcome_from_json(bad, &o, &why), -1);
	cr_assert(why && strstr(why, "run.end is not a known ending"));
	json_decref(bad);
}
