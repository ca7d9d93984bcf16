/*
 * outcome.c - freeing, naming and the JSON form of outcomes (outcome.h).
 */
#define _GNU_SOURCE
#include "outcome.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char *const run_end_names[] = {"not-run", "no-start", "exited", "signaled", "timed-out", "interrupted"};
static const char *const test_status_names[] = {"passed",    "failed",      "not-implemented", "timed-out",
						"crashed",   "early-exit",  "deadlocked",      "not-run"};
static const char *const driver_end_names[] = {"not-run", "ran-to-end", "todo", "wrong-result", "other"};
static const char *const race_mode_names[] = {"helgrind", "drd", "tsan", "off"};
static const char *const race_tool_titles[] = {"Helgrind", "DRD", "ThreadSanitizer", "no tool"};

#define COUNT(a) ((int)(sizeof(a) / sizeof(a)[0]))

const char *run_end_name(enum run_end e) { return (int)e < COUNT(run_end_names) ? run_end_names[e] : "?"; }
const char *test_status_name(enum test_status s)
{
	return (int)s < COUNT(test_status_names) ? test_status_names[s] : "?";
}
const char *driver_end_name(enum driver_end d)
{
	return (int)d < COUNT(driver_end_names) ? driver_end_names[d] : "?";
}

/* Index of name in names[0..n), or -1. */
static int index_of(const char *name, const char *const *names, int n);

const char *race_mode_name(enum race_mode m)
{
	return (int)m < COUNT(race_mode_names) ? race_mode_names[m] : "?";
}

const char *race_tool_title(enum race_mode m)
{
	return (int)m < COUNT(race_tool_titles) ? race_tool_titles[m] : "?";
}

int race_mode_of(const char *name)
{
	return index_of(name, race_mode_names, COUNT(race_mode_names));
}

static int index_of(const char *name, const char *const *names, int n)
{
	for (int i = 0; name && i < n; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

enum check_kind outcome_check_of(const char *test_name)
{
	return strncmp(test_name, "timing_", 7) == 0 ? CHECK_TIMING : CHECK_CORRECTNESS;
}

static void free_run(struct run_outcome *r)
{
	free(r->last_words);
	free(r->first_line);
}

static void free_suite(struct suite_outcome *s)
{
	free_run(&s->run);
	for (int i = 0; i < s->ntests; i++) {
		struct test_outcome *t = &s->tests[i];
		free(t->name);
		for (int k = 0; k < t->nmessages; k++)
			free(t->messages[k]);
		free(t->messages);
		free(t->skip_note);
		free(t->deadlock);
		free(t->timeline);
		free(t->handler_unsafe);
	}
	free(s->tests);
}

void outcome_free(struct exercise_outcome *o)
{
	free(o->build_problem);
	free_suite(&o->suite);
	free_suite(&o->hidden);
	free_run(&o->race.run);
	free_run(&o->race.explain_run);
	free(o->race.message);
	free(o->race.tool_error);
	free(o->race.explanation);
	*o = (struct exercise_outcome){0};
}

const char *run_describe(const struct run_outcome *r, char *buf, size_t len)
{
	switch (r->end) {
	case RUN_NOT_RUN: snprintf(buf, len, "did not run"); break;
	case RUN_NO_START: snprintf(buf, len, "could not start (%s)", strerror(r->start_errno)); break;
	case RUN_TIMED_OUT: snprintf(buf, len, "was stopped after its time limit of %.0f s", r->timeout_s); break;
	case RUN_EXITED: snprintf(buf, len, "exited with status %d", r->exit_code); break;
	case RUN_SIGNALED:
		snprintf(buf, len, "was killed by signal %d (%s)", r->signal, strsignal(r->signal));
		break;
	case RUN_INTERRUPTED: snprintf(buf, len, "was stopped because grading was interrupted"); break;
	}
	return buf;
}

/* ---- to JSON --------------------------------------------------------- */

static json_t *run_to_json(const struct run_outcome *r)
{
	return json_pack("{s:s, s:i, s:i, s:i, s:f, s:f, s:i, s:s?, s:s?}", "end", run_end_name(r->end), "exit_code",
			 r->exit_code, "signal", r->signal, "start_errno", r->start_errno, "wall_s", r->wall_s,
			 "timeout_s", r->timeout_s, "leftovers", r->leftovers, "last_words", r->last_words,
			 "first_line", r->first_line);
}

static json_t *test_to_json(const struct test_outcome *t)
{
	json_t *msgs = json_array();

	for (int i = 0; i < t->nmessages; i++)
		json_array_append_new(msgs, json_string(t->messages[i]));
	return json_pack("{s:s, s:s, s:i, s:i, s:o, s:s?, s:s?, s:b, s:b, s:s?, s:s?, s:b}", "name", t->name, "status",
			 test_status_name(t->status), "signal", t->signal, "exit_code", t->exit_code, "messages",
			 msgs, "skip_note", t->skip_note, "deadlock", t->deadlock, "deadlock_stuck", t->deadlock_stuck,
			 "cut_short", t->cut_short, "timeline", t->timeline, "handler_unsafe", t->handler_unsafe, "hidden",
			 t->hidden);
}

static json_t *suite_to_json(const struct suite_outcome *s)
{
	json_t *tests = json_array();

	for (int i = 0; i < s->ntests; i++)
		json_array_append_new(tests, test_to_json(&s->tests[i]));
	return json_pack("{s:o, s:b, s:o}", "run", run_to_json(&s->run), "has_report", s->has_report, "tests", tests);
}

json_t *outcome_to_json(const struct exercise_outcome *o)
{
	json_t *suite = suite_to_json(&o->suite);
	json_t *race = json_pack("{s:s, s:s?, s:o, s:s, s:s?, s:b, s:i, s:o, s:b, s:b, s:i, s:s?}", "tool",
				 race_mode_name(o->race.tool), "tool_error", o->race.tool_error, "run",
				 run_to_json(&o->race.run),
				 "driver", driver_end_name(o->race.driver), "message", o->race.message, "report_ok",
				 o->race.report_ok, "findings", o->race.nfindings, "explain_run",
				 run_to_json(&o->race.explain_run), "explained", o->race.explained,
				 "explained_without_log", o->race.explained_without_log, "explained_findings",
				 o->race.nexplained, "explanation", o->race.explanation);
	json_t *j = json_pack("{s:s?, s:o, s:o}", "build_problem", o->build_problem, "suite", suite, "race", race);
	if (o->has_hidden)
		json_object_set_new(j, "hidden", suite_to_json(&o->hidden));
	return j;
}

/* ---- from JSON ------------------------------------------------------- */

static char *opt_str(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? xstrdup(s) : NULL;
}

static int opt_int(json_t *obj, const char *key) { return (int)json_integer_value(json_object_get(obj, key)); }

static int run_from_json(json_t *j, struct run_outcome *r)
{
	if (!j)
		return 0; /* not run */
	int end = index_of(json_string_value(json_object_get(j, "end")), run_end_names, COUNT(run_end_names));
	if (end < 0)
		return -1;
	r->end = (enum run_end)end;
	r->exit_code = opt_int(j, "exit_code");
	r->signal = opt_int(j, "signal");
	r->start_errno = opt_int(j, "start_errno");
	r->wall_s = json_number_value(json_object_get(j, "wall_s"));
	r->timeout_s = json_number_value(json_object_get(j, "timeout_s"));
	r->leftovers = opt_int(j, "leftovers");
	r->last_words = opt_str(j, "last_words");
	r->first_line = opt_str(j, "first_line");
	return 0;
}

static int test_from_json(json_t *j, struct test_outcome *t)
{
	int st = index_of(json_string_value(json_object_get(j, "status")), test_status_names, COUNT(test_status_names));
	json_t *msgs = json_object_get(j, "messages"), *m;
	size_t i;

	t->name = opt_str(j, "name");
	if (!t->name || st < 0)
		return -1;
	t->check = outcome_check_of(t->name);
	t->status = (enum test_status)st;
	t->signal = opt_int(j, "signal");
	t->exit_code = opt_int(j, "exit_code");
	t->messages = xcalloc(json_array_size(msgs) + 1, sizeof *t->messages);
	json_array_foreach(msgs, i, m)
		t->messages[t->nmessages++] = xstrdup(json_string_value(m));
	t->skip_note = opt_str(j, "skip_note");
	t->deadlock = opt_str(j, "deadlock");
	t->deadlock_stuck = json_is_true(json_object_get(j, "deadlock_stuck"));
	t->cut_short = json_is_true(json_object_get(j, "cut_short"));
	t->timeline = opt_str(j, "timeline");
	t->handler_unsafe = opt_str(j, "handler_unsafe");
	t->hidden = json_is_true(json_object_get(j, "hidden"));
	return 0;
}

static int suite_from_json(json_t *suite, struct suite_outcome *s, const char **why)
{
	json_t *tests = json_object_get(suite, "tests"), *t;
	size_t i;

	if (run_from_json(json_object_get(suite, "run"), &s->run) == -1) {
		*why = "a suite's run.end is not a known ending";
		return -1;
	}
	s->has_report = json_is_true(json_object_get(suite, "has_report"));
	s->tests = xcalloc(json_array_size(tests) + 1, sizeof *s->tests);
	json_array_foreach(tests, i, t) {
		if (test_from_json(t, &s->tests[s->ntests++]) == -1) {
			*why = "a test has no name or an unknown status";
			return -1;
		}
	}
	return 0;
}

int outcome_from_json(json_t *j, struct exercise_outcome *o, const char **why)
{
	json_t *race = json_object_get(j, "race");

	*o = (struct exercise_outcome){0};
	*why = NULL;
	if (!json_is_object(j)) {
		*why = "not a JSON object";
		goto bad;
	}
	o->build_problem = opt_str(j, "build_problem");
	if (suite_from_json(json_object_get(j, "suite"), &o->suite, why) == -1)
		goto bad;
	o->has_hidden = json_object_get(j, "hidden") != NULL;
	if (o->has_hidden && suite_from_json(json_object_get(j, "hidden"), &o->hidden, why) == -1)
		goto bad;
	if (run_from_json(json_object_get(race, "run"), &o->race.run) == -1) {
		*why = "race.run.end is not a known ending";
		goto bad;
	}
	if (run_from_json(json_object_get(race, "explain_run"), &o->race.explain_run) == -1) {
		*why = "race.explain_run.end is not a known ending";
		goto bad;
	}
	int d = index_of(json_string_value(json_object_get(race, "driver")), driver_end_names, COUNT(driver_end_names));
	o->race.driver = d < 0 ? DRIVER_NOT_RUN : (enum driver_end)d;
	/* Outcomes saved before the tool was recorded are Helgrind's. */
	int tool = race_mode_of(json_string_value(json_object_get(race, "tool")));
	o->race.tool = tool < 0 ? RACE_HELGRIND : (enum race_mode)tool;
	o->race.message = opt_str(race, "message");
	o->race.tool_error = opt_str(race, "tool_error");
	o->race.report_ok = json_is_true(json_object_get(race, "report_ok"));
	o->race.nfindings = opt_int(race, "findings");
	o->race.explained = json_is_true(json_object_get(race, "explained"));
	o->race.explained_without_log = json_is_true(json_object_get(race, "explained_without_log"));
	o->race.nexplained = opt_int(race, "explained_findings");
	o->race.explanation = opt_str(race, "explanation");
	return 0;
bad:
	outcome_free(o);
	return -1;
}
