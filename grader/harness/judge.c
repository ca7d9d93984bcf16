/*
 * judge.c - turn what the programs left behind into verdicts (judge.h).
 */
#define _GNU_SOURCE
#include "judge.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helgrind_report.h"
#include "symbolize.h"
#include "util.h"

#define DRIVER_TODO 3   /* grader/lib/ct_driver.h */
#define DRIVER_FAILED 4

void set_check(struct check_result *c, enum verdict v, char *summary, char *details)
{
	if (c->max == 0 && v != VERDICT_SKIP)
		v = VERDICT_NONE;
	c->verdict = v;
	c->points = v == VERDICT_PASS ? c->max : 0;
	free(c->summary);
	free(c->details);
	c->summary = summary;
	c->details = details;
}

/* Fails every check that has points (used when nothing could run). */
void fail_all(struct exercise_result *r, const char *summary, const char *details)
{
	for (int c = 0; c < NCHECKS; c++)
		set_check(&r->checks[c], VERDICT_FAIL, xstrdup(summary), details ? xstrdup(details) : NULL);
}

/*
 * Processes left running fail every check: a check that passed now fails
 * for that reason; one that failed already keeps its reason, plus a note.
 */
void fail_leftovers(struct exercise_result *r)
{
	static const char why[] = "processes started during the tests outlived the process that started them (the "
				  "grader killed those still running): wait for every child you create, and never "
				  "leave one behind on purpose";

	for (int c = 0; c < NCHECKS; c++) {
		struct check_result *cr = &r->checks[c];
		if (cr->verdict == VERDICT_PASS || cr->verdict == VERDICT_SKIP)
			set_check(cr, VERDICT_FAIL, xstrdup(why), NULL);
		else if (cr->verdict == VERDICT_FAIL && !strstr(cr->summary ? cr->summary : "", "not implemented")) {
			char *d = xasprintf("%s%s(also: %s)", cr->details ? cr->details : "", cr->details ? "\n" : "", why);
			free(cr->details);
			cr->details = d;
		}
	}
}

/* "correct_exit_codes" -> "exit codes" */
static char *readable_test_name(const char *name)
{
	const char *u = strchr(name, '_');
	char *s = xstrdup(u ? u + 1 : name);

	for (char *p = s; *p; p++)
		if (*p == '_')
			*p = ' ';
	return s;
}

/* CT_NEWLINE in grader/lib/ct_test.h: a line break inside a test's message. */
#define TEST_NEWLINE "\xc2\xb6"

/* The message with each TEST_NEWLINE turned back into a line break, indented under the test's line. */
static char *restore_lines(const char *m)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		return xstrdup(m);
	for (const char *p = m; *p;) {
		if (strncmp(p, TEST_NEWLINE, strlen(TEST_NEWLINE)) == 0) {
			fputs("\n    ", f);
			p += strlen(TEST_NEWLINE);
		} else {
			fputc(*p++, f);
		}
	}
	fclose(f);
	return out;
}

/* Drops Criterion's "file.c:123: " prefix from an assertion message. */
static const char *strip_location(const char *m)
{
	const char *colon = strstr(m, ".c:");

	if (colon && colon - m < 80) {
		const char *p = colon + 3;
		while (*p >= '0' && *p <= '9')
			p++;
		if (p[0] == ':' && p[1] == ' ')
			return p + 2;
	}
	return m;
}

/* What a failed or errored test means, in words. */
static char *explain_test(const char *status, json_t *messages, double timeout_s)
{
	size_t n = json_array_size(messages);
	const char *first = n ? json_string_value(json_array_get(messages, 0)) : NULL;

	if (strcmp(status, "ERRORED") == 0) {
		if (first && strstr(first, "timed out"))
			return xasprintf("did not finish within its time limit of %.0f s: something waits forever "
					 "(a child or thread never ends, a missing wake-up) or loops without end",
					 timeout_s);
		return xstrdup("the test process crashed (killed by a signal, such as SIGSEGV for a bad pointer: "
			       "one into a stack frame that has returned, to freed memory, or never set)");
	}
	if (!first)
		return xstrdup("the test did not reach its last line: the code under test ended the process "
			       "early (did it call exit() or _exit() in the calling process?)");
	char *out = restore_lines(strip_location(first));
	for (size_t i = 1; i < n; i++) {
		char *line = restore_lines(strip_location(json_string_value(json_array_get(messages, i))));
		char *more = xasprintf("%s\n%s", out, line);
		free(out);
		free(line);
		out = more;
	}
	return out;
}

/* The last n lines of a file (at most 64 KiB read), or "". */
static char *last_lines(const char *path, int n)
{
	char *s = path ? read_file(path, 64 << 10) : NULL;
	size_t len;

	if (!s)
		return xstrdup("");
	len = strlen(s);
	while (len && s[len - 1] == '\n')
		s[--len] = '\0';
	char *p = s + len;
	for (int k = 0; p > s; p--)
		if (p[-1] == '\n' && ++k == n)
			break;
	char *out = xstrdup(p);
	free(s);
	return out;
}

/*
 * The reason a passing test gave for skipping its measurement (ct_skip in
 * grader/lib/ct_test.c), read from skipped-NAME.txt beside the report; NULL
 * if none.  It only changes how a passed test is shown.
 */
static char *skip_note(const char *json_path, const char *test)
{
	char *dir = xstrdup(json_path), *slash = strrchr(dir, '/');

	if (slash)
		*slash = '\0';
	char *path = xasprintf("%s/skipped-%s.txt", slash ? dir : ".", test);
	char *note = read_file(path, 512);
	free(path);
	free(dir);
	return note;
}

/*
 * The deadlock watchdog's picture for a test (grader/lib/ct_locks.c), read
 * from deadlock-NAME.txt beside the report, with its code addresses turned
 * into functions and lines of the test program; NULL if there is none.
 * Its first line says "cycle" (threads waiting for each other) or "stuck"
 * (a lock that will never be released); *stuck is set for the latter.  A
 * note is only read for a test that failed, so it cannot make one pass.
 */
static char *deadlock_note(const char *json_path, const char *test, bool *stuck)
{
	char *dir = xstrdup(json_path), *slash = strrchr(dir, '/');

	if (slash)
		*slash = '\0';
	const char *d = slash ? dir : ".";
	char *path = xasprintf("%s/deadlock-%s.txt", d, test), *exe = xasprintf("%s/test", d);
	char *note = read_file(path, 8192), *out = NULL;
	if (note && strchr(note, '\n')) {
		*stuck = strncmp(note, "stuck", 5) == 0;
		char *picture = symbolize(exe, strchr(note, '\n') + 1);
		size_t len = strlen(picture);
		while (len && picture[len - 1] == '\n')
			picture[--len] = '\0';
		/* Indented under the test's own line. */
		char *indented = NULL;
		size_t ilen = 0;
		FILE *f = open_memstream(&indented, &ilen);
		if (f) {
			fputs("    ", f);
			for (const char *p = picture; *p; p++)
				fputs(*p == '\n' ? "\n    " : (char[]){*p, '\0'}, f);
			fclose(f);
		}
		out = xasprintf("deadlock: these threads are blocked for good (the grader stopped the test):\n%s",
				indented ? indented : picture);
		free(indented);
		free(picture);
	}
	free(note);
	free(path);
	free(exe);
	free(dir);
	return out;
}

/*
 * s with the numbers that differ from one run of a program to the next
 * (those after "pid ", "fd ", "pipe:[" and "socket:[") replaced by '#'.
 */
static char *digits_blurred(const char *s)
{
	static const char *const before[] = {"pid ", "fd ", "pipe:[", "socket:["};
	char *out = xstrdup(s), *w = out;

	for (const char *p = s; *p;) {
		size_t k = 0;
		for (; k < sizeof before / sizeof before[0]; k++)
			if (strncmp(p, before[k], strlen(before[k])) == 0)
				break;
		if (k == sizeof before / sizeof before[0]) {
			*w++ = *p++;
			continue;
		}
		for (size_t i = 0; i < strlen(before[k]); i++)
			*w++ = *p++;
		if (*p >= '0' && *p <= '9')
			*w++ = '#';
		while (*p >= '0' && *p <= '9')
			p++;
	}
	*w = '\0';
	return out;
}

/* Reads Criterion's JSON report into the correctness and timing checks. */
void judge_suite(struct exercise_result *r, const struct job *j, const char *json_path, double suite_timeout)
{
	json_error_t err;
	json_t *root = json_load_file(json_path, 0, &err);
	json_t *suites = json_object_get(root, "test_suites");
	json_t *suite, *test;
	size_t i, k;
	int total[NCHECKS] = {0}, failed[NCHECKS] = {0}, skipped[NCHECKS] = {0};
	char *details[NCHECKS] = {NULL};
	char *first_failure[NCHECKS] = {NULL};
	char *skip_notes[NCHECKS] = {NULL};
	char *shapes[NCHECKS] = {NULL}; /* the reasons given so far, digits blurred, each ended by \x1e */

	if (!root || !json_is_array(suites)) {
		char how[160];
		char *why = xasprintf("the test program %s without writing its report, so nothing passed: did your "
				      "code end the process, or start so many processes or threads that the test "
				      "program could not run its own?",
				      job_describe(j, how, sizeof how));
		char *said = last_lines(j->err_path, 6);
		for (int c = CHECK_CORRECTNESS; c <= CHECK_TIMING; c++)
			set_check(&r->checks[c], VERDICT_FAIL, xstrdup(why),
				  *said ? xasprintf("its last words on stderr:\n%s", said) : NULL);
		free(said);
		free(why);
		json_decref(root);
		return;
	}
	json_array_foreach(suites, i, suite) {
		if (strcmp(json_string_value(json_object_get(suite, "name")) ?: "", r->ex->name) != 0)
			continue;
		json_array_foreach(json_object_get(suite, "tests"), k, test) {
			const char *name = json_string_value(json_object_get(test, "name")) ?: "";
			const char *status = json_string_value(json_object_get(test, "status")) ?: "";
			int c = strncmp(name, "timing_", 7) == 0 ? CHECK_TIMING : CHECK_CORRECTNESS;

			total[c]++;
			if (strcmp(status, "PASSED") == 0) {
				char *why = skip_note(json_path, name);
				if (why) {
					skipped[c]++;
					char *line = xasprintf("%s%s- %s: %s", skip_notes[c] ? skip_notes[c] : "",
							       skip_notes[c] ? "\n" : "", readable_test_name(name), why);
					free(skip_notes[c]);
					skip_notes[c] = line;
					free(why);
				}
				continue;
			}
			if (strcmp(status, "SKIPPED") == 0) {
				skipped[c]++;
				continue;
			}
			failed[c]++;
			json_t *msgs = json_object_get(test, "messages");
			if (strcmp(status, "ERRORED") == 0 && strstr(json_string_value(json_array_get(msgs, 0)) ?: "", "timed out"))
				r->hung = true;
			bool stuck = false;
			char *why = deadlock_note(json_path, name, &stuck);
			if (!why)
				why = explain_test(status, msgs, suite_timeout);
			if (stuck)
				r->hung = true; /* the Helgrind driver would hang too */
			char *label = readable_test_name(name);
			/* A long reason already given word for word (but for pids and descriptors) is not repeated. */
			char *shape = digits_blurred(why);
			bool repeated = strlen(why) > 200 && shapes[c] && strstr(shapes[c], shape);
			char *line = xasprintf("%s%s- %s: %s", details[c] ? details[c] : "", details[c] ? "\n" : "",
					       label, repeated ? "the same reason as above" : why);
			if (!repeated) {
				char *more = xasprintf("%s%s\x1e", shapes[c] ? shapes[c] : "", shape);
				free(shapes[c]);
				shapes[c] = more;
			}
			free(shape);
			free(details[c]);
			details[c] = line;
			/* An unimplemented skeleton is the whole story, whichever test said so first. */
			if (!first_failure[c] || (!strstr(first_failure[c], "not implemented:") && strstr(why, "not implemented:"))) {
				free(first_failure[c]);
				first_failure[c] = xstrdup(why);
			}
			free(label);
			free(why);
		}
	}
	json_decref(root);
	for (int c = CHECK_CORRECTNESS; c <= CHECK_TIMING; c++) {
		struct check_result *cr = &r->checks[c];

		if (total[c] == 0) {
			if (cr->max)
				set_check(cr, VERDICT_FAIL, xstrdup("no result: the test report lists no test of this check (a fault in the kit: please report it)"), NULL);
			continue;
		}
		if (failed[c]) {
			char *summary;
			const char *todo = strstr(first_failure[c], "not implemented:");
			if (todo) {
				summary = xstrdup(todo);
				free(details[c]);
				details[c] = NULL;
			} else {
				summary = xasprintf("%d of %d tests failed", failed[c], total[c]);
			}
			set_check(cr, VERDICT_FAIL, summary, details[c]);
		} else if (skipped[c] == total[c]) {
			set_check(cr, VERDICT_SKIP, xasprintf("all %d tests skipped", skipped[c]), skip_notes[c]);
			skip_notes[c] = NULL;
			free(details[c]);
		} else if (skipped[c]) {
			set_check(cr, VERDICT_PASS,
				  xasprintf("%d test%s passed, %d skipped", total[c] - skipped[c], total[c] - skipped[c] == 1 ? "" : "s", skipped[c]), skip_notes[c]);
			skip_notes[c] = NULL;
			free(details[c]);
		} else {
			set_check(cr, VERDICT_PASS, xasprintf("%d test%s passed", total[c], total[c] == 1 ? "" : "s"), NULL);
			free(details[c]);
		}
		free(skip_notes[c]);
		free(first_failure[c]);
		free(shapes[c]);
	}
}

/* First line of a small file, or "" (for a driver's message). */
static char *first_line(const char *path)
{
	char *s = read_file(path, 4096);

	if (!s)
		return xstrdup("");
	s[strcspn(s, "\n")] = '\0';
	return s;
}

/* The status a driver ends with when it ran to its end (build/kit/sentinel). */
static int driver_sentinel(void)
{
	static int value = -1;

	if (value == -1) {
		const char *kit = getenv("CONCUR_KIT") ? getenv("CONCUR_KIT") : "build/kit";
		char *path = xasprintf("%s/sentinel", kit);
		char *text = read_file(path, 32);
		value = text ? atoi(text) : 0;
		if (value <= 0) {
			fprintf(stderr, "concur: %s is missing: run make, not the harness alone\n", path);
			exit(2);
		}
		free(text);
		free(path);
	}
	return value;
}

/*
 * The race check's verdict.  Helgrind's findings are reported whenever its
 * report has any, even when the driver also ended badly, because they
 * usually explain why; otherwise the driver's own ending decides.
 */
void judge_race_run(struct exercise_result *r, const struct job *j, const char *xml, const char *err_path,
			   bool *needs_explaining)
{
	struct check_result *c = &r->checks[CHECK_RACES];
	char how[160];
	struct hg_report rep;
	bool report_ok = hg_report_load(xml, NULL, &rep) == 0 && rep.ok;
	int findings = report_ok ? rep.nfindings : 0;

	hg_report_free(&rep);
	*needs_explaining = findings > 0;
	if (j->timed_out || !j->started) {
		set_check(c, VERDICT_FAIL,
			  xasprintf("the race check %s: under Helgrind code runs 20-300 times slower, but this "
				    "workload is tiny, so something never ends (a thread or child that is never "
				    "finished, or a deadlock)",
				    job_describe(j, how, sizeof how)),
			  NULL);
		return;
	}
	if (job_exited_with(j, DRIVER_TODO)) {
		*needs_explaining = false;
		set_check(c, VERDICT_FAIL, first_line(err_path), NULL);
		return;
	}
	if (findings) {
		set_check(c, VERDICT_FAIL, xasprintf("Helgrind found %d problem%s", findings, findings == 1 ? "" : "s"),
			  NULL);
		return;
	}
	if (job_exited_with(j, DRIVER_FAILED)) {
		char *msg = first_line(err_path);
		set_check(c, VERDICT_FAIL,
			  xasprintf("under Helgrind, %s", strncmp(msg, "driver: ", 8) == 0 ? msg + 8 : msg), NULL);
		free(msg);
		return;
	}
	if (!job_exited_with(j, driver_sentinel())) {
		set_check(c, VERDICT_FAIL,
			  xasprintf("the race check's program %s before its end: did your code end the process "
				    "(exit(), _exit()) or crash?",
				    job_describe(j, how, sizeof how)),
			  NULL);
		return;
	}
	if (!report_ok)
		set_check(c, VERDICT_FAIL, xstrdup("Helgrind's report is missing or incomplete: if make check says the same again, look for a "
				  "crash or an exit() in your code"), NULL);
	else
		set_check(c, VERDICT_PASS, xstrdup("Helgrind found no data race or misuse of a lock"), NULL);
}

/* The explain pass: turns the explaining run's report into the details. */
void explain_races(struct exercise_result *r, const char *xml, const char *log)
{
	struct hg_report rep;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if (hg_report_load(xml, log, &rep) == -1 || !rep.ok || rep.nfindings == 0) {
		hg_report_free(&rep);
		return;
	}
	f = open_memstream(&text, &len);
	if (!f) {
		hg_report_free(&rep);
		return;
	}
	hg_report_print(&rep, f, 3);
	fclose(f);
	struct check_result *c = &r->checks[CHECK_RACES];
	free(c->summary);
	free(c->details);
	c->summary = xasprintf("Helgrind found %d problem%s", rep.nfindings, rep.nfindings == 1 ? "" : "s");
	/* The first line of the printout repeats the summary. */
	c->details = strncmp(text, "Helgrind found", 14) == 0 && strchr(text, '\n') ? xstrdup(strchr(text, '\n') + 1) : xstrdup(text);
	free(text);
	hg_report_free(&rep);
}

