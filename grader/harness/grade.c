/*
 * grade.c - build, run and judge one lesson's exercises (see grade.h).
 *
 * DESIGN: the work of all exercises goes through jobs_run() in phases
 * (compile, link, run, explain), so exercises are graded in parallel while
 * each phase still sees the results of the one before.  The run phase
 * happens in a fresh directory under /tmp that the sandbox's user may write,
 * holding copies of the two programs.
 */
#define _GNU_SOURCE
#include "grade.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "build.h"
#include "helgrind_report.h"
#include "jobs.h"
#include "util.h"

#define TEST_TIMEOUT_S 30.0   /* the whole suite; each test has its own, shorter one */
#define RACE_TIMEOUT_S 20.0   /* Helgrind is 20-300x slower than native code */
#define CT_TEST_TIMEOUT_S 5   /* each test's own limit: CT_SUITE in grader/lib/ct_test.h */
#define DRIVER_TODO 3         /* ct_driver.h */
#define DRIVER_FAILED 4

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void set_check(struct check_result *c, enum verdict v, char *summary, char *details)
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
static void fail_all(struct exercise_result *r, const char *summary, const char *details)
{
	for (int c = 0; c < NCHECKS; c++)
		set_check(&r->checks[c], VERDICT_FAIL, xstrdup(summary), details ? xstrdup(details) : NULL);
}

/*
 * Processes left running fail every check: a check that passed now fails
 * for that reason; one that failed already keeps its reason, plus a note.
 */
static void fail_leftovers(struct exercise_result *r)
{
	static const char why[] = "processes started during the tests were still running after the tests ended, "
				  "and the grader had to kill them: wait for every child you create, and never "
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
	char *out = xstrdup(strip_location(first));
	for (size_t i = 1; i < n; i++) {
		char *more = xasprintf("%s\n%s", out, strip_location(json_string_value(json_array_get(messages, i))));
		free(out);
		out = more;
	}
	return out;
}

/* Reads Criterion's JSON report into the correctness and timing checks. */
static void judge_suite(struct exercise_result *r, const struct job *j, const char *json_path, double suite_timeout)
{
	json_error_t err;
	json_t *root = json_load_file(json_path, 0, &err);
	json_t *suites = json_object_get(root, "test_suites");
	json_t *suite, *test;
	size_t i, k;
	int total[NCHECKS] = {0}, failed[NCHECKS] = {0}, skipped[NCHECKS] = {0};
	char *details[NCHECKS] = {NULL};
	char *first_failure[NCHECKS] = {NULL};

	if (!root || !json_is_array(suites)) {
		char how[160];
		char *why = xasprintf("the test program %s without writing its report, so nothing passed: did your "
				      "code end the process, or start so many processes or threads that the test "
				      "program could not run its own?",
				      job_describe(j, how, sizeof how));
		for (int c = CHECK_CORRECTNESS; c <= CHECK_TIMING; c++)
			set_check(&r->checks[c], VERDICT_FAIL, xstrdup(why), NULL);
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
			if (strcmp(status, "PASSED") == 0)
				continue;
			if (strcmp(status, "SKIPPED") == 0) {
				skipped[c]++;
				continue;
			}
			failed[c]++;
			char *why = explain_test(status, json_object_get(test, "messages"), suite_timeout);
			char *label = readable_test_name(name);
			char *line = xasprintf("%s%s- %s: %s", details[c] ? details[c] : "", details[c] ? "\n" : "",
					       label, why);
			free(details[c]);
			details[c] = line;
			if (!first_failure[c])
				first_failure[c] = xstrdup(why);
			free(label);
			free(why);
		}
	}
	json_decref(root);
	for (int c = CHECK_CORRECTNESS; c <= CHECK_TIMING; c++) {
		struct check_result *cr = &r->checks[c];

		if (total[c] == 0) {
			if (cr->max)
				set_check(cr, VERDICT_FAIL, xstrdup("no result: the report lists no test of this check"), NULL);
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
			set_check(cr, VERDICT_SKIP, xasprintf("skipped: %d test(s) could not run here", skipped[c]), NULL);
			free(details[c]);
		} else {
			set_check(cr, VERDICT_PASS, xasprintf("%d tests passed", total[c] - skipped[c]), NULL);
			free(details[c]);
		}
		free(first_failure[c]);
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
static void judge_race_run(struct exercise_result *r, const struct job *j, const char *xml, const char *err_path,
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
		set_check(c, VERDICT_FAIL, xstrdup("Helgrind's report is missing or incomplete"), NULL);
	else
		set_check(c, VERDICT_PASS, xstrdup("Helgrind found no data race or misuse of a lock"), NULL);
}

/* The explain pass: turns the explaining run's report into the details. */
static void explain_races(struct exercise_result *r, const char *xml, const char *log)
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

static char **argv_of(int n, ...)
{
	va_list ap;
	char **argv = xcalloc((size_t)n + 1, sizeof *argv);

	va_start(ap, n);
	for (int i = 0; i < n; i++)
		argv[i] = xstrdup(va_arg(ap, const char *));
	va_end(ap);
	return argv;
}

/* Per exercise: where it runs and the jobs that run it. */
struct slot {
	struct build b;
	struct exercise_result *r;
	char *test_dir, *race_dir, *explain_dir, *log_dir;
	struct job compile, links[2], test, race, explain[2];
	int nlinks;
	bool compiling, running, explaining;
};

static void copy_back(const char *dir, const char *name, const char *to_dir)
{
	char *from = xasprintf("%s/%s", dir, name), *to = xasprintf("%s/%s", to_dir, name);

	copy_file(from, to);
	free(from);
	free(to);
}

static char *job_dir(const char *tmp, const char *ex, const char *what, struct job *j, bool root_owned_ok)
{
	char *d = xasprintf("%s/%s-%s", tmp, ex, what);

	if (mkdir(d, 0755) == -1 || (jobs_prepare_dir(d, j) == -1 && !root_owned_ok))
		fprintf(stderr, "concur: cannot prepare %s\n", d);
	return d;
}

static void remaining_budget(double deadline, double *timeout)
{
	double left = deadline - now_s();

	if (left < 1)
		left = 1;
	if (*timeout > left)
		*timeout = left;
}

void grade_lesson(const struct grade_options *o, const struct lesson *l, const char *only, struct lesson_result *out)
{
	double t0 = now_s(), deadline = t0 + l->budget_s;
	struct slot *s = xcalloc((size_t)l->nexercises, sizeof *s);
	int n = 0;

	*out = (struct lesson_result){.lesson = l};
	out->results = xcalloc((size_t)l->nexercises, sizeof *out->results);
	for (int i = 0; i < l->nexercises; i++) {
		const struct exercise *e = &l->exercises[i];
		struct exercise_result *r;

		if (only && strcmp(only, e->name) != 0)
			continue;
		r = &out->results[n];
		r->ex = e;
		r->source = o->source ? xstrdup(o->source) : xasprintf("%s/%s/%s.c", o->src_root, l->slug, e->name);
		for (int c = 0; c < NCHECKS; c++) {
			r->checks[c].max = e->points[c];
			r->checks[c].verdict = e->points[c] ? VERDICT_FAIL : VERDICT_NONE;
		}
		s[n].r = r;
		s[n].b = (struct build){.lesson = l, .ex = e, .source = r->source,
					.dir = xasprintf("%s/build/%s/%s/%s", o->root, o->build_tag, l->slug, e->name)};
		n++;
	}
	out->nresults = n;

	/* Phase 1: compile what changed. */
	struct job *jobs = xcalloc((size_t)n * 2 + 1, sizeof *jobs);
	int nj = 0;
	for (int i = 0; i < n; i++) {
		s[i].compiling = build_prepare(&s[i].b, o->root, &s[i].compile);
		if (s[i].compiling)
			jobs[nj++] = s[i].compile;
	}
	jobs_run(jobs, nj, o->parallel);
	/* Phase 2: screen and link. */
	nj = 0;
	for (int i = 0; i < n; i++) {
		if (s[i].compiling)
			s[i].compile = jobs[nj++];
	}
	struct job *links = xcalloc((size_t)n * 2 + 1, sizeof *links);
	int nl = 0;
	for (int i = 0; i < n; i++) {
		if (s[i].b.problem)
			continue;
		s[i].nlinks = build_after_compile(&s[i].b, s[i].compiling ? &s[i].compile : NULL, s[i].links);
		for (int k = 0; k < s[i].nlinks; k++)
			links[nl++] = s[i].links[k];
	}
	jobs_run(links, nl, o->parallel);
	nl = 0;
	for (int i = 0; i < n; i++) {
		if (s[i].b.problem)
			continue;
		for (int k = 0; k < s[i].nlinks; k++)
			s[i].links[k] = links[nl++];
		build_after_link(&s[i].b, s[i].links, s[i].nlinks);
	}
	free(links);
	for (int i = 0; i < n; i++) {
		s[i].r->build_log = s[i].b.log;
		if (s[i].b.problem)
			fail_all(s[i].r, s[i].b.problem, NULL);
	}

	/* Phase 3: run the suite and the Helgrind driver, sandboxed. */
	char tmp[] = "/tmp/concur-XXXXXX";
	if (!mkdtemp(tmp) || chmod(tmp, 0711) == -1) {
		perror("concur: cannot create a directory under /tmp");
		exit(2);
	}
	struct job *run = xcalloc((size_t)n * 2 + 1, sizeof *run);
	int nr = 0;
	for (int i = 0; i < n; i++) {
		struct slot *sl = &s[i];
		if (!sl->b.ok)
			continue;
		sl->running = true;
		sl->test = (struct job){.untrusted = true, .as_mib = 2048, .nproc = 200, .timeout_s = TEST_TIMEOUT_S};
		sl->race = (struct job){.untrusted = true, .as_mib = 8192, .nproc = 200, .timeout_s = RACE_TIMEOUT_S};
		sl->test_dir = job_dir(tmp, sl->r->ex->name, "test", &sl->test, false);
		sl->race_dir = job_dir(tmp, sl->r->ex->name, "race", &sl->race, false);
		char *tbin = xasprintf("%s/test", sl->test_dir), *rbin = xasprintf("%s/race", sl->race_dir);
		if (copy_file(sl->b.test_bin, tbin) == -1 || copy_file(sl->b.driver_bin, rbin) == -1) {
			perror("concur: copying the programs to run");
			exit(2);
		}
		sl->test.argv = argv_of(3, "./test", "--json=results.json", "-j2");
		sl->test.cwd = sl->test_dir;
		sl->test.out_path = xasprintf("%s/stdout.txt", sl->test_dir);
		sl->test.err_path = xasprintf("%s/stderr.txt", sl->test_dir);
		sl->race.argv = argv_of(7, "/usr/bin/valgrind", "--tool=helgrind", "--xml=yes", "--xml-file=race.xml",
					"--vgdb=no", "--child-silent-after-fork=yes", "./race");
		sl->race.cwd = sl->race_dir;
		sl->race.out_path = xasprintf("%s/stdout.txt", sl->race_dir);
		sl->race.err_path = xasprintf("%s/stderr.txt", sl->race_dir);
		remaining_budget(deadline, &sl->test.timeout_s);
		remaining_budget(deadline, &sl->race.timeout_s);
		run[nr++] = sl->test;
		run[nr++] = sl->race;
		free(tbin);
		free(rbin);
	}
	jobs_run(run, nr, o->parallel * 2);
	nr = 0;
	struct job *explain = xcalloc((size_t)n * 2 + 1, sizeof *explain);
	int ne = 0;
	for (int i = 0; i < n; i++) {
		struct slot *sl = &s[i];
		struct exercise_result *r = sl->r;
		if (!sl->running)
			continue;
		sl->test = run[nr++];
		sl->race = run[nr++];
		r->test_s = sl->test.wall_s;
		r->race_s = sl->race.wall_s;
		char *json = xasprintf("%s/results.json", sl->test_dir);
		char *xml = xasprintf("%s/race.xml", sl->race_dir);
		char how[160];
		if (sl->test.started && !sl->test.timed_out)
			judge_suite(r, &sl->test, json, CT_TEST_TIMEOUT_S);
		else
			for (int c = CHECK_CORRECTNESS; c <= CHECK_TIMING; c++)
				set_check(&r->checks[c], VERDICT_FAIL,
					  xasprintf("the test program %s; no results (something in your code never "
						    "ends, even after each test's own time limit)",
						    job_describe(&sl->test, how, sizeof how)),
					  NULL);
		judge_race_run(r, &sl->race, xml, sl->race.err_path, &sl->explaining);
		copy_back(sl->test_dir, "results.json", sl->b.dir);
		copy_back(sl->race_dir, "race.xml", sl->b.dir);
		r->leftovers = (sl->test.timed_out ? 0 : sl->test.leftovers) + (sl->race.timed_out ? 0 : sl->race.leftovers);
		if (r->leftovers)
			fail_leftovers(r);
		if (sl->explaining) {
			sl->explain[0] = (struct job){.untrusted = true, .as_mib = 8192, .nproc = 200, .timeout_s = RACE_TIMEOUT_S};
			sl->explain[1] = sl->explain[0];
			sl->explain_dir = job_dir(tmp, r->ex->name, "explain", &sl->explain[0], false);
			sl->log_dir = job_dir(tmp, r->ex->name, "explain-log", &sl->explain[1], false);
			char *b1 = xasprintf("%s/race", sl->explain_dir), *b2 = xasprintf("%s/race", sl->log_dir);
			copy_file(sl->b.driver_bin, b1);
			copy_file(sl->b.driver_bin, b2);
			free(b1);
			free(b2);
			sl->explain[0].argv = argv_of(8, "/usr/bin/valgrind", "--tool=helgrind", "--xml=yes",
						      "--xml-file=race.xml", "--read-var-info=yes", "--vgdb=no",
						      "--child-silent-after-fork=yes", "./race");
			sl->explain[0].cwd = sl->explain_dir;
			sl->explain[1].argv = argv_of(6, "/usr/bin/valgrind", "--tool=helgrind", "--log-file=race.log",
						      "--vgdb=no", "--child-silent-after-fork=yes", "./race");
			sl->explain[1].cwd = sl->log_dir;
			remaining_budget(deadline, &sl->explain[0].timeout_s);
			remaining_budget(deadline, &sl->explain[1].timeout_s);
			explain[ne++] = sl->explain[0];
			explain[ne++] = sl->explain[1];
		}
		free(json);
		free(xml);
	}
	/* Phase 4: explain what Helgrind found, in plain words. */
	jobs_run(explain, ne, o->parallel * 2);
	ne = 0;
	for (int i = 0; i < n; i++) {
		struct slot *sl = &s[i];
		if (!sl->explaining)
			continue;
		ne += 2;
		char *xml = xasprintf("%s/race.xml", sl->explain_dir), *log = xasprintf("%s/race.log", sl->log_dir);
		explain_races(sl->r, xml, log);
		free(xml);
		free(log);
	}
	if (!getenv("CONCUR_KEEP_RUN_DIR"))
		remove_tree(tmp);
	for (int i = 0; i < n; i++)
		for (int c = 0; c < NCHECKS; c++) {
			out->points += s[i].r->checks[c].points;
			out->max += s[i].r->checks[c].max;
		}
	out->wall_s = now_s() - t0;
	free(run);
	free(explain);
	free(jobs);
	free(s);
}
