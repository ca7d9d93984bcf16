/*
 * platform_check.c - checks one report of a grading platform against the
 * fields the platform documents (tests/platforms.sh runs it; python3 and
 * jq are not there on every CI machine, jansson and libxml2 are):
 *
 *   platform-check gradescope   FILE SCORE MAX           [--forbid WORD]
 *   platform-check prairielearn FILE SCORE MAX|ungradable [--forbid WORD]
 *   platform-check autolab      FILE SCORE MAX           (FILE: the output; its last line)
 *   platform-check junit        FILE pass|fail|error     [--forbid WORD] [--hidden N]
 *   platform-check tap          FILE pass|fail|error     [--forbid WORD] [--hidden N]
 *
 * SCORE and MAX are the expected points.  pass: every test passed; fail:
 * none did; error: some test ran out of time (a hang).  --forbid: WORD
 * (any case) appears nowhere in the file, e.g. what only the instructor's
 * hidden tests are called; --hidden: N tests are marked hidden (JUnit: a
 * property hidden=true; TAP: "hidden: true" in the YAML block).  Says what is wrong on stderr and exits 1; exits
 * 0, silently, when everything holds.
 *
 * Sources of the fields: Gradescope's "Autograder Specifications"
 * (gradescope-autograders.readthedocs.io/en/latest/specs/), PrairieLearn's
 * "External Grading" (prairielearn.readthedocs.io/en/latest/externalGrading/),
 * Autolab's autoresult (the last line: {"scores": {...}, "scoreboard": [...]}),
 * JUnit XML as Jenkins and GitLab read it, TAP version 13
 * (testanything.org/tap-version-13-specification.html).
 */
#define _GNU_SOURCE
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *file;
static int problems;
static int hidden_marked; /* tests marked hidden (JUnit, TAP) */

static void problem(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "platform-check: %s: ", file);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	problems++;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0;

	if (!f)
		return NULL;
	FILE *out = open_memstream(&text, &len);
	int c;
	while (out && (c = fgetc(f)) != EOF)
		fputc(c, out);
	fclose(f);
	if (out)
		fclose(out);
	return text;
}

static bool one_of(const char *s, const char *const *set)
{
	for (; s && *set; set++)
		if (strcmp(s, *set) == 0)
			return true;
	return false;
}

/* Every key of object o is documented (in keys). */
static void only_keys(json_t *o, const char *const *keys, const char *what)
{
	const char *k;
	json_t *v;

	json_object_foreach(o, k, v) if (!one_of(k, keys))
	    problem("%s has the key \"%s\", which the platform does not document", what, k);
}

static json_t *load(const char *text)
{
	json_error_t err;
	json_t *j = json_loads(text, 0, &err);

	if (!json_is_object(j))
		problem("not a JSON object (%s, line %d)", j ? "another value" : err.text, err.line);
	return json_is_object(j) ? j : NULL;
}

static bool near(double a, double b)
{
	return fabs(a - b) < 1e-9;
}

static const char *const visibilities[] = {"hidden", "after_due_date", "after_published", "visible", NULL};
static const char *const formats[] = {"text", "html", "simple_format", "md", "ansi", NULL};

/*
 * Each test of the array has only documented keys, a name, and 0 <= points
 * <= max (pts_key, max_key), and passes more(); the points add up to score
 * of max.
 */
static void check_tests(json_t *tests, const char *const *keys, const char *pts_key, const char *max_key, double score,
			double max, void (*more)(json_t *t, const char *what, double pts, double max))
{
	double sum = 0, sum_max = 0;
	size_t i;
	json_t *t;

	if (!json_is_array(tests) || json_array_size(tests) == 0) {
		problem("no \"tests\"");
		return;
	}
	json_array_foreach(tests, i, t)
	{
		char what[32];
		snprintf(what, sizeof what, "test %zu", i + 1);
		only_keys(t, keys, what);
		json_t *p = json_object_get(t, pts_key), *m = json_object_get(t, max_key);
		if (!json_is_string(json_object_get(t, "name")))
			problem("%s has no name", what);
		if (!json_is_number(p) || !json_is_number(m) || json_number_value(p) < 0 ||
		    json_number_value(p) > json_number_value(m)) {
			problem("%s: %s and %s are not 0 <= %s <= %s", what, pts_key, max_key, pts_key, max_key);
			continue;
		}
		more(t, what, json_number_value(p), json_number_value(m));
		sum += json_number_value(p);
		sum_max += json_number_value(m);
	}
	if (!near(sum, score) || !near(sum_max, max))
		problem("the tests add up to %g of %g, not %g of %g", sum, sum_max, score, max);
}

static void gradescope_test(json_t *t, const char *what, double pts, double max)
{
	const char *status = json_string_value(json_object_get(t, "status"));

	if (!json_is_string(json_object_get(t, "output")))
		problem("%s has no output", what);
	if (!one_of(status, (const char *const[]){"passed", "failed", NULL}) ||
	    (strcmp(status, "passed") == 0) != near(pts, max))
		problem("%s: status \"%s\" does not say whether it got every point", what, status ? status : "");
	if (!one_of(json_string_value(json_object_get(t, "visibility")), visibilities))
		problem("%s: no documented visibility", what);
}

static void prairielearn_test(json_t *t, const char *what, double pts, double max)
{
	static const char *const texts[] = {"description", "message", "output"};

	(void)pts;
	(void)max;
	for (int k = 0; k < 3; k++)
		if (json_object_get(t, texts[k]) && !json_is_string(json_object_get(t, texts[k])))
			problem("%s: \"%s\" is not a string", what, texts[k]);
}

static void check_gradescope(json_t *r, double score, double max)
{
	static const char *const top[] = {
	    "score",	  "execution_time",    "output",     "output_format", "test_output_format", "test_name_format",
	    "visibility", "stdout_visibility", "extra_data", "tests",	      "leaderboard",	    NULL};
	static const char *const per_test[] = {"score",	      "max_score",  "status",	  "name",
					       "name_format", "number",	    "output",	  "output_format",
					       "tags",	      "visibility", "extra_data", NULL};
	json_t *tests = json_object_get(r, "tests");

	only_keys(r, top, "the top level");
	if (!json_is_number(json_object_get(r, "score")) ||
	    !near(json_number_value(json_object_get(r, "score")), score))
		problem("\"score\" is not %g", score);
	if (!json_is_number(json_object_get(r, "execution_time")) ||
	    json_number_value(json_object_get(r, "execution_time")) < 0)
		problem("\"execution_time\" is not a number of seconds");
	if (!json_is_string(json_object_get(r, "output")))
		problem("no \"output\" text");
	const char *fmt_keys[] = {"output_format", "test_output_format", "test_name_format"};
	for (int i = 0; i < 3; i++)
		if (json_object_get(r, fmt_keys[i]) &&
		    !one_of(json_string_value(json_object_get(r, fmt_keys[i])), formats))
			problem("\"%s\" is not one of the documented formats", fmt_keys[i]);
	const char *vis_keys[] = {"visibility", "stdout_visibility"};
	for (int i = 0; i < 2; i++)
		if (json_object_get(r, vis_keys[i]) &&
		    !one_of(json_string_value(json_object_get(r, vis_keys[i])), visibilities))
			problem("\"%s\" is not one of hidden, after_due_date, after_published, visible", vis_keys[i]);
	check_tests(tests, per_test, "score", "max_score", score, max, gradescope_test);
}

static void check_prairielearn(json_t *r, double score, double max, bool ungradable)
{
	static const char *const top[] = {"gradable", "score", "message",	"output",
					  "images",   "tests", "format_errors", NULL};
	static const char *const per_test[] = {"name",	  "description", "points", "max_points",
					       "message", "output",	 "images", NULL};
	json_t *g = json_object_get(r, "gradable"), *tests = json_object_get(r, "tests");

	only_keys(r, top, "the top level");
	if (g && !json_is_boolean(g))
		problem("\"gradable\" is not true or false");
	if (ungradable) {
		json_t *fe = json_object_get(r, "format_errors");
		if (!json_is_false(g))
			problem("\"gradable\" is not false");
		if (!json_is_string(json_object_get(r, "message")) ||
		    !*json_string_value(json_object_get(r, "message")))
			problem("no \"message\" saying why it cannot be graded");
		if (!json_is_string(fe) && !(json_is_array(fe) && json_array_size(fe) > 0))
			problem("no \"format_errors\"");
		return;
	}
	if (json_is_false(g))
		problem("\"gradable\" is false");
	json_t *s = json_object_get(r, "score");
	if (!json_is_number(s) || json_number_value(s) < 0 || json_number_value(s) > 1 ||
	    !near(json_number_value(s), max > 0 ? score / max : 0))
		problem("\"score\" is not %g/%g, a number from 0 to 1", score, max);
	check_tests(tests, per_test, "points", "max_points", score, max, prairielearn_test);
}

static void check_autolab(const char *text, double score)
{
	const char *end = text + strlen(text);

	while (end > text && end[-1] == '\n')
		end--;
	const char *start = end;
	while (start > text && start[-1] != '\n')
		start--;
	char *line = strndup(start, (size_t)(end - start));
	json_t *r = line ? load(line) : NULL;
	free(line);
	if (!r) {
		problem("the last line of the output is not the autoresult");
		return;
	}
	only_keys(r, (const char *const[]){"scores", "scoreboard", NULL}, "the autoresult");
	json_t *scores = json_object_get(r, "scores"), *board = json_object_get(r, "scoreboard"), *v;
	const char *k;
	double sum = 0;
	if (!json_is_object(scores) || json_object_size(scores) == 0)
		problem("no \"scores\" object");
	json_object_foreach(scores, k, v)
	{
		if (!json_is_number(v))
			problem("the score of \"%s\" is not a number", k);
		sum += json_number_value(v);
	}
	if (!near(sum, score))
		problem("the scores add up to %g, not %g", sum, score);
	if (!json_is_array(board) || json_array_size(board) != json_object_size(scores) + 1 ||
	    !near(json_number_value(json_array_get(board, 0)), score))
		problem("\"scoreboard\" is not [total, each score]");
	json_decref(r);
}

enum expect { EXPECT_PASS, EXPECT_FAIL, EXPECT_ERROR };

static long attr_long(xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, BAD_CAST name);
	char *end = NULL;
	long x = v ? strtol((const char *)v, &end, 10) : -1;

	if (!v || !end || *end)
		x = -1;
	xmlFree(v);
	return x;
}

static bool is(xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, BAD_CAST name) == 0;
}

static bool has_child(xmlNode *n, const char *name)
{
	for (xmlNode *c = n->children; c; c = c->next)
		if (is(c, name))
			return true;
	return false;
}

static void check_junit(enum expect want)
{
	xmlDoc *doc = xmlReadFile(file, NULL, XML_PARSE_NONET);
	xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
	long all[4] = {0}; /* tests, failures, errors, skipped */
	static const char *const counters[] = {"tests", "failures", "errors", "skipped"};

	if (!root || !is(root, "testsuites")) {
		problem("not well-formed XML with <testsuites> at its root");
		xmlFreeDoc(doc);
		return;
	}
	for (xmlNode *s = root->children; s; s = s->next) {
		if (s->type != XML_ELEMENT_NODE)
			continue;
		if (!is(s, "testsuite")) {
			problem("<%s> in <testsuites>", s->name);
			continue;
		}
		long mine[4] = {0};
		for (xmlNode *t = s->children; t; t = t->next) {
			if (t->type != XML_ELEMENT_NODE || is(t, "properties"))
				continue;
			if (!is(t, "testcase") || !xmlHasProp(t, BAD_CAST "name") ||
			    !xmlHasProp(t, BAD_CAST "classname")) {
				problem("<%s> in a <testsuite> is not a <testcase name classname>", t->name);
				continue;
			}
			mine[0]++;
			for (xmlNode *p = t->children; p; p = p->next)
				if (is(p, "properties"))
					for (xmlNode *q = p->children; q; q = q->next) {
						xmlChar *name =
						    is(q, "property") ? xmlGetProp(q, BAD_CAST "name") : NULL;
						xmlChar *value = name ? xmlGetProp(q, BAD_CAST "value") : NULL;
						hidden_marked += name && value && !xmlStrcmp(name, BAD_CAST "hidden") &&
								 !xmlStrcmp(value, BAD_CAST "true");
						xmlFree(name);
						xmlFree(value);
					}
			mine[1] += has_child(t, "failure");
			mine[2] += has_child(t, "error");
			mine[3] += has_child(t, "skipped");
		}
		for (int i = 0; i < 4; i++) {
			if (attr_long(s, counters[i]) != mine[i])
				problem("a testsuite says %s=%ld but holds %ld", counters[i], attr_long(s, counters[i]),
					mine[i]);
			all[i] += mine[i];
		}
	}
	for (int i = 0; i < 4; i++)
		if (attr_long(root, counters[i]) != all[i])
			problem("<testsuites> says %s=%ld but holds %ld", counters[i], attr_long(root, counters[i]),
				all[i]);
	if (all[0] == 0)
		problem("no testcase");
	if (want == EXPECT_PASS && all[1] + all[2] > 0)
		problem("%ld failures and %ld errors, where every test should pass", all[1], all[2]);
	if (want == EXPECT_FAIL && all[1] + all[2] != all[0])
		problem("%ld of %ld testcases did not fail", all[0] - all[1] - all[2], all[0]);
	if (want == EXPECT_ERROR && all[2] == 0)
		problem("no <error>, where a test ran out of time");
	xmlFreeDoc(doc);
}

static void check_tap(const char *text, enum expect want)
{
	char *copy = strdup(text), *save = NULL;
	int plan = -1, number = 0, not_ok = 0, line_no = 0;
	bool in_yaml = false, after_point = false, timed_out = false;

	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		line_no++;
		if (line_no == 1) {
			if (strcmp(line, "TAP version 13") != 0)
				problem("the first line is not \"TAP version 13\"");
			continue;
		}
		if (in_yaml) {
			if (strcmp(line, "  ...") == 0)
				in_yaml = false;
			else if (strncmp(line, "  ", 2) != 0)
				problem("line %d: a YAML block that does not end with \"  ...\"", line_no);
			timed_out |= strstr(line, "status: \"timed-out\"") != NULL;
			hidden_marked += strcmp(line, "  hidden: true") == 0;
			continue;
		}
		int n, len = 0;
		if (sscanf(line, "1..%d%n", &n, &len) == 1 && len == (int)strlen(line)) {
			if (plan != -1 || line_no != 2)
				problem("line %d: the plan is not the second line, or there are two", line_no);
			plan = n;
		} else if (strcmp(line, "  ---") == 0) {
			if (!after_point)
				problem("line %d: a YAML block after no test point", line_no);
			in_yaml = true;
		} else if (line[0] == '#') {
			/* a comment */
		} else if ((sscanf(line, "ok %d%n", &n, &len) == 1 || sscanf(line, "not ok %d%n", &n, &len) == 1) &&
			   (line[len] == '\0' || strncmp(line + len, " - ", 3) == 0)) {
			if (n != ++number)
				problem("line %d: test %d where %d comes next", line_no, n, number);
			not_ok += line[0] == 'n';
			after_point = true;
			continue;
		} else {
			problem("line %d is no TAP: %s", line_no, line);
		}
		after_point = false;
	}
	free(copy);
	if (in_yaml)
		problem("the last YAML block does not end");
	if (plan != number || number == 0)
		problem("the plan says %d tests, %d ran", plan, number);
	if (want == EXPECT_PASS && not_ok)
		problem("%d tests not ok, where every test should pass", not_ok);
	if (want == EXPECT_FAIL && not_ok != number)
		problem("%d of %d tests ok", number - not_ok, number);
	if (want == EXPECT_ERROR && !timed_out)
		problem("no test timed out, where one should have");
}

static enum expect expect_of(const char *s)
{
	if (strcmp(s, "pass") == 0)
		return EXPECT_PASS;
	if (strcmp(s, "fail") == 0)
		return EXPECT_FAIL;
	if (strcmp(s, "error") != 0) {
		fprintf(stderr, "platform-check: expect pass, fail or error, not %s\n", s);
		exit(2);
	}
	return EXPECT_ERROR;
}

int main(int argc, char **argv)
{
	const char *forbid = NULL;
	int hidden = -1;

	/* The options come last. */
	while (argc >= 6 && strncmp(argv[argc - 2], "--", 2) == 0) {
		if (strcmp(argv[argc - 2], "--forbid") == 0)
			forbid = argv[argc - 1];
		else if (strcmp(argv[argc - 2], "--hidden") == 0)
			hidden = atoi(argv[argc - 1]);
		else
			break;
		argc -= 2;
	}
	if (argc < 4) {
		fputs(
		    "usage: platform-check gradescope|prairielearn|autolab FILE SCORE MAX|ungradable [--forbid WORD]\n"
		    "       platform-check junit|tap FILE pass|fail|error [--forbid WORD] [--hidden N]\n",
		    stderr);
		return 2;
	}
	const char *kind = argv[1];
	file = argv[2];
	char *text = slurp(file);
	if (!text) {
		problem("cannot be read");
		return 1;
	}
	if (forbid && strcasestr(text, forbid))
		problem("\"%s\" is in it (any case), and must not be", forbid);
	double score = atof(argv[3]), max = argc > 4 ? atof(argv[4]) : 0;
	if (strcmp(kind, "junit") == 0) {
		check_junit(expect_of(argv[3]));
	} else if (strcmp(kind, "tap") == 0) {
		check_tap(text, expect_of(argv[3]));
	} else if (strcmp(kind, "autolab") == 0) {
		check_autolab(text, score);
	} else if (strcmp(kind, "gradescope") == 0 || strcmp(kind, "prairielearn") == 0) {
		json_t *r = load(text);
		bool ungradable = strcmp(argv[3], "ungradable") == 0;
		if (r && kind[0] == 'g')
			check_gradescope(r, score, max);
		else if (r)
			check_prairielearn(r, score, max, ungradable);
		json_decref(r);
	} else {
		fprintf(stderr, "platform-check: unknown report kind %s\n", kind);
		return 2;
	}
	if (hidden >= 0 && hidden_marked != hidden)
		problem("%d tests are marked hidden, not %d", hidden_marked, hidden);
	free(text);
	return problems ? 1 : 0;
}
