/*
 * kit_tests.c - the kit's own tests (make test) and benchmark (make bench).
 *
 * make test (--lesson L: one lesson) proves, lesson by lesson, that
 *   - the lesson has every part: text, skeletons, solutions, catalogue,
 *     hints, suites, Helgrind drivers, a known-wrong variant per check;
 *   - the reference solutions get every point;
 *   - the skeletons compile with -Wall -Wextra -Werror and fail every check
 *     fast, saying "not implemented" at their file and line;
 *   - solutions/ mirrors exercises/ (same files, identical headers, the
 *     same opening comment in each source);
 *   - every known-wrong variant in tests/NN-slug/variants.json (a mutation
 *     of the solution or a whole file, see kit_variants.h) fails exactly
 *     the checks it targets, and what the failing checks say contains the
 *     intended message;
 *   - no process is left behind by any of it (only this run's own count);
 * and runs the harness's unit tests.  It drives build/kit/concur-grade the
 * way make check does and reads its JSON report (jansson), never its text.
 * The last line is "N passed, N failed".
 *
 * make bench times `make check LESSON=N SOLUTION=1` (warm build) RUNS times
 * per lesson and prints the median and Helgrind's share.  make soak grades
 * the reference solutions RUNS times (LOAD=1: with another CPU kept busy)
 * and counts false failures, which must be 0.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kit_clauses.h"
#include "kit_variants.h"
#include "lesson.h"
#include "procs.h"
#include "ct_protocol.h"
#include "util.h"

#define HARNESS "build/kit/concur-grade"
#define SKELETON_BUDGET_S 10.0

static int passed, failed;
static const char *out_dir = "build/kit-tests";
static const char *variants_dir = "build/kit-tests/variants"; /* the mutated copies, DIR/NN-slug/NAME.c */

/*
 * The sandbox uid ranges of the harness runs we started (ct_protocol.h):
 * ours_run[pid % CT_SANDBOX_RUNS] is set for each harness pid.
 */
static bool ours_run[CT_SANDBOX_RUNS];

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void result(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void result(bool ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("[%s] ", ok ? "PASS" : "FAIL");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	fflush(stdout);
	if (ok)
		passed++;
	else
		failed++;
}

/* Runs argv with stdout+stderr into log; returns the exit status, or -1 (killed after timeout_s). */
/* Starts argv with its output in log (or ours); a harness's run counts as ours for count_strays(). */
static pid_t spawn(char *const argv[], const char *log)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid == -1) {
		perror("kit-tests: fork");
		exit(2);
	}
	if (pid == 0) {
		int fd = log ? open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644) : -1;
		if (fd != -1) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	if (strcmp(argv[0], HARNESS) == 0)
		ours_run[(unsigned)pid % CT_SANDBOX_RUNS] = true;
	return pid;
}

/* One program to run: what run_all() fills in. */
struct kit_job {
	char **argv;
	const char *log;
	double timeout_s;
	double wall; /* its wall time */
	int rc;      /* its exit status, or -1 (killed by a signal, or after its time) */
	pid_t pid;
	double t0;
};

/*
 * Runs the jobs, at most `parallel` at a time, until each has ended or run
 * out of its time (then it is killed).  What a harness left behind comes to
 * us (we are a subreaper) and is reaped here too.
 */
static void run_all(struct kit_job *jobs, int n, int parallel)
{
	int next = 0, running = 0, ended = 0;

	while (ended < n) {
		while (running < parallel && next < n) {
			jobs[next].t0 = now_s();
			jobs[next].pid = spawn(jobs[next].argv, jobs[next].log);
			next++;
			running++;
		}
		int status;
		pid_t got = waitpid(-1, &status, WNOHANG);
		if (got == -1 && errno != EINTR && errno != ECHILD) {
			perror("kit-tests: waitpid");
			exit(2);
		}
		for (int i = 0; got > 0 && i < next; i++)
			if (jobs[i].pid == got) {
				jobs[i].wall = now_s() - jobs[i].t0;
				jobs[i].rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
				jobs[i].pid = 0;
				running--;
				ended++;
			}
		if (got > 0)
			continue; /* a job, or something a harness left: look again at once */
		for (int i = 0; i < next; i++)
			if (jobs[i].pid > 0 && now_s() - jobs[i].t0 > jobs[i].timeout_s) {
				kill(jobs[i].pid, SIGKILL);
				while (waitpid(jobs[i].pid, &status, 0) == -1 && errno == EINTR)
					;
				jobs[i].wall = now_s() - jobs[i].t0;
				jobs[i].rc = -1;
				jobs[i].pid = 0;
				running--;
				ended++;
			}
		usleep(20000);
	}
}

static int run(char *const argv[], const char *log, double timeout_s, double *wall)
{
	struct kit_job job = {.argv = (char **)argv, .log = log, .timeout_s = timeout_s};

	run_all(&job, 1, 1);
	if (wall)
		*wall = job.wall;
	return job.rc;
}

/*
 * How many gradings of known-wrong variants and correct alternatives run
 * at once (kit-tests --jobs, default 3).  One that does not get the
 * intended verdicts beside the others is graded again alone, and judged on
 * that run: a busy machine may make a timing check skip, never pass a
 * wrong variant.  Solutions and skeletons are graded alone.
 */
static int kit_jobs = 3;

/* Grades with the harness; returns the parsed JSON report or NULL. */
/* The harness's command line for one grading (NULL-terminated, malloc'd; its strings are the arguments'). */
static char **grade_argv(const char *lesson, const char *exercise, const char *flag, const char *flag_arg,
			 const char *extra_flag, const char *report)
{
	char **argv = xcalloc(14, sizeof *argv);
	int n = 0;

	argv[n++] = HARNESS;
	argv[n++] = "--lesson";
	argv[n++] = (char *)lesson;
	if (exercise) {
		argv[n++] = "--exercise";
		argv[n++] = (char *)exercise;
	}
	if (flag)
		argv[n++] = (char *)flag;
	if (flag_arg)
		argv[n++] = (char *)flag_arg;
	if (extra_flag)
		argv[n++] = (char *)extra_flag;
	argv[n++] = "--report-json";
	argv[n++] = (char *)report;
	return argv;
}

/* Grades with the harness; returns the parsed JSON report or NULL. */
static json_t *grade(const char *lesson, const char *exercise, const char *flag, const char *flag_arg,
		     const char *extra_flag, const char *name, double *wall, int *rc)
{
	char *report = xasprintf("%s/%s.json", out_dir, name);
	char *log = xasprintf("%s/%s.log", out_dir, name);
	char **argv = grade_argv(lesson, exercise, flag, flag_arg, extra_flag, report);

	remove(report);
	*rc = run(argv, log, 300, wall);
	json_t *j = json_load_file(report, 0, NULL);
	free(argv);
	free(report);
	free(log);
	return j;
}

static json_t *lesson_json(json_t *report) { return json_array_get(json_object_get(report, "lessons"), 0); }

static json_t *exercise_json(json_t *report, const char *name)
{
	json_t *ex;
	size_t i;

	json_array_foreach(json_object_get(lesson_json(report), "exercises"), i, ex)
		if (strcmp(json_string_value(json_object_get(ex, "name")) ?: "", name) == 0)
			return ex;
	return NULL;
}

static json_t *check_json(json_t *ex, const char *check) { return json_object_get(json_object_get(ex, "checks"), check); }

static const char *str(json_t *o, const char *key) { return json_string_value(json_object_get(o, key)) ?: ""; }

static char **list_dir(const char *dir, int *n);

static void test_solutions(const struct lesson *l)
{
	double wall;
	int rc;
	json_t *rep = grade(l->slug, NULL, "--solution", NULL, NULL, xasprintf("%s-solutions", l->slug), &wall, &rc);
	json_t *les = lesson_json(rep);
	int pts = (int)json_integer_value(json_object_get(les, "points"));
	int max = (int)json_integer_value(json_object_get(les, "max"));

	result(rep && rc == 0 && pts == max && max > 0, "%s: reference solutions get full marks (%d/%d, exit %d, %.1f s)",
	       l->slug, pts, max, rc, wall);
	json_decref(rep);

	/* What a student gets by copying solutions/NN-slug/ over exercises/NN-slug/. */
	char *copy_root = xasprintf("%s/copy", out_dir), *copy = xasprintf("%s/%s", copy_root, l->slug);
	char *sol = xasprintf("solutions/%s", l->slug);
	int nfiles;
	char **files = list_dir(sol, &nfiles);
	remove_tree(copy);
	make_dirs(copy);
	for (int i = 0; i < nfiles; i++) {
		char *from = xasprintf("%s/%s", sol, files[i]), *to = xasprintf("%s/%s", copy, files[i]);
		if (copy_file(from, to) == -1)
			perror(to);
		free(from);
		free(to);
		free(files[i]);
	}
	free(files);
	rep = grade(l->slug, NULL, "--src", copy_root, NULL, xasprintf("%s-copied-solutions", l->slug), &wall, &rc);
	les = lesson_json(rep);
	pts = (int)json_integer_value(json_object_get(les, "points"));
	result(rep && rc == 0 && pts == max, "%s: solutions copied over the exercises get the same full marks (%d/%d)",
	       l->slug, pts, max);
	json_decref(rep);
	free(copy_root);
	free(copy);
	free(sol);
}

static void test_skeletons(const struct lesson *l)
{
	for (int i = 0; i < l->nexercises; i++) {
		char *src = xasprintf("exercises/%s/%s.c", l->slug, l->exercises[i].name);
		char *inc = xasprintf("-Isolutions/%s", l->slug);
		char *log = xasprintf("%s/%s-%s-werror.log", out_dir, l->slug, l->exercises[i].name);
		char *argv[] = {"gcc", "-std=gnu11", "-Wall", "-Wextra", "-Werror", "-pthread", "-fsyntax-only",
				"-Igrader/lib", inc, src, NULL};
		int rc = run(argv, log, 120, NULL);
		result(rc == 0, "%s: skeleton %s compiles with -Wall -Wextra -Werror%s%s", l->slug, src,
		       rc ? "; see " : "", rc ? log : "");
		free(src);
		free(inc);
		free(log);
	}
	double wall;
	int rc;
	json_t *rep = grade(l->slug, NULL, NULL, NULL, NULL, xasprintf("%s-skeletons", l->slug), &wall, &rc);
	for (int i = 0; i < l->nexercises; i++) {
		const char *name = l->exercises[i].name;
		json_t *ex = exercise_json(rep, name);
		char *where = xasprintf("not implemented: exercises/%s/%s.c:", l->slug, name);
		bool ok = ex && rc == 1 && wall < SKELETON_BUDGET_S;
		const char *why = !ex ? "no result" : "";
		for (int c = 0; ok && c < NCHECKS; c++) {
			json_t *ck = check_json(ex, check_names[c]);
			if (json_integer_value(json_object_get(ck, "max")) == 0)
				continue;
			if (strcmp(str(ck, "verdict"), "fail") != 0 || !strstr(str(ck, "summary"), where)) {
				ok = false;
				why = str(ck, "summary");
			}
		}
		result(ok, "%s: skeleton %s fails every check with \"%s...\" (%.1f s, budget %.0f s)%s%s", l->slug, name,
		       where, wall, SKELETON_BUDGET_S, *why ? "; got: " : "", why);
		free(where);
	}
	json_decref(rep);
}

/* The first comment block of a file (up to the first "*" "/"). */
static char *opening_comment(const char *path)
{
	char *s = read_file(path, 1 << 20);
	char *end = s ? strstr(s, "*/") : NULL;

	if (!end) {
		free(s);
		return xstrdup("");
	}
	end[2] = '\0';
	return s;
}

static char **list_dir(const char *dir, int *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;

	*n = 0;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		names = xrealloc(names, (size_t)(*n + 1) * sizeof *names);
		names[(*n)++] = xstrdup(e->d_name);
	}
	if (d)
		closedir(d);
	return names;
}

static void test_mirror(const struct lesson *l)
{
	char *ex_dir = xasprintf("exercises/%s", l->slug), *sol_dir = xasprintf("solutions/%s", l->slug);
	int ne, ns;
	char **ex = list_dir(ex_dir, &ne);

	free(list_dir(sol_dir, &ns)); /* only its size matters; each name is checked below */
	bool ok = ne == ns && ne > 0;
	const char *why = ok ? "" : "different numbers of files";

	for (int i = 0; ok && i < ne; i++) {
		char *a = xasprintf("%s/%s", ex_dir, ex[i]), *b = xasprintf("%s/%s", sol_dir, ex[i]);
		size_t len = strlen(ex[i]);
		if (!file_exists(b)) {
			ok = false;
			why = "a file of exercises/ is missing from solutions/";
		} else if (len > 2 && strcmp(ex[i] + len - 2, ".h") == 0) {
			char *x = read_file(a, 1 << 20), *y = read_file(b, 1 << 20);
			if (!x || !y || strcmp(x, y) != 0) {
				ok = false;
				why = "a header differs between exercises/ and solutions/";
			}
			free(x);
			free(y);
		} else {
			char *x = opening_comment(a), *y = opening_comment(b);
			if (strcmp(x, y) != 0) {
				ok = false;
				why = "a source file's opening comment differs";
			}
			free(x);
			free(y);
		}
		if (!ok)
			printf("       (%s: %s)\n", ex[i], why);
		free(a);
		free(b);
	}
	result(ok, "%s: solutions/ mirrors exercises/ file for file (%d files)%s%s", l->slug, ne, ok ? "" : ": ",
	       why);
}

/* The rules of mutation_apply, on a small text: exactly one match, lines only at their start. */
static void test_mutation_rules(void)
{
	static const struct {
		const char *find; /* JSON */
		const char *want; /* the text after the edit, or NULL: refused */
	} cases[] = {
		{"[\"b();\"]", "a();\n\tb();\nB();\n"}, /* a whole line matches only where a line starts */
		{"\"b();\"", NULL},                     /* exact text: twice */
		{"\"c();\"", NULL},                     /* not at all */
		{"[]", NULL},                           /* empty */
		{"5", NULL},                            /* malformed */
	};
	json_t *replace = json_pack("[s]", "B();");
	bool ok = true;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *find = json_loads(cases[i].find, JSON_DECODE_ANY, NULL);
		char *why = NULL, *got = mutation_apply("a();\n\tb();\nb();\n", find, replace, &why);
		bool right = cases[i].want ? got && strcmp(got, cases[i].want) == 0 : !got && why;
		if (!right)
			printf("       (find %s gave %s%s)\n", cases[i].find, got ? "a result" : "a refusal: ", got ? "" : why);
		ok = ok && right;
		free(got);
		free(why);
		json_decref(find);
	}
	json_decref(replace);
	result(ok, "a mutation's edit applies only where its text occurs exactly once (whole lines at a line's start)");
}

/* Whether text has one of the strings of the array any (a mistake that two verdicts may tell). */
static bool contains_one_of(const char *text, json_t *any)
{
	size_t i;
	json_t *m;

	json_array_foreach(any, i, m)
		if (strstr(text, json_string_value(m) ?: "\x01"))
			return true;
	return false;
}

/* Whether text has every string of message (or message itself); an array inside it: one of its strings. */
static bool contains_all(const char *text, json_t *message)
{
	if (json_is_string(message))
		return strstr(text, json_string_value(message)) != NULL;
	size_t i;
	json_t *m;
	json_array_foreach(message, i, m)
		if (json_is_array(m) ? !contains_one_of(text, m) : !strstr(text, json_string_value(m) ?: ""))
			return false;
	return true;
}

static bool listed(json_t *arr, const char *name)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
		if (strcmp(json_string_value(v) ?: "", name) == 0)
			return true;
	return false;
}

/* tests/NN-slug/variants.json's list of variants, or NULL (with a failing line if report). */
static json_t *variants_of(const struct lesson *l, json_t **spec, bool report)
{
	char *path = xasprintf("tests/%s/variants.json", l->slug);
	json_error_t err;
	json_t *list;

	*spec = json_load_file(path, 0, &err);
	list = json_object_get(*spec, "variants");
	if (!*spec && report)
		result(false, "%s: %s is missing or not valid JSON (line %d: %s)", l->slug, path, err.line, err.text);
	else if (!json_is_array(list) && report)
		result(false, "%s: %s has no \"variants\" array", l->slug, path);
	free(path);
	return json_is_array(list) ? list : NULL;
}

/* What grading variant v found wrong with what variants.json expects of it; "" if nothing. */
/*
 * Whether a wrong variant is graded without the race check (--race=off):
 * when it is not meant to fail it and has no hidden suite.  Helgrind is
 * most of a grading's CPU time; that the race check passes correct code
 * is proven by the solutions and the correct alternatives, which always
 * run it.
 */
static bool race_check_left_out(json_t *v)
{
	return !listed(json_object_get(v, "fails"), "races") && !listed(json_object_get(v, "may_fail"), "races") &&
	       !json_is_true(json_object_get(v, "with_hidden"));
}

static void judge_variant(const struct lesson *l, json_t *v, json_t *ex, int rc, double wall, char *problem,
			  size_t size)
{
	json_t *fails = json_object_get(v, "fails"), *may = json_object_get(v, "may_fail");

	*problem = '\0';
	if (!ex)
		snprintf(problem, size, "the harness wrote no result (exit %d)", rc);
	else if (wall > l->budget_s + 15)
		snprintf(problem, size, "grading took %.1f s, over the lesson's budget of %.0f s", wall, l->budget_s);
	for (int c = 0; ex && !*problem && c < NCHECKS; c++) {
		json_t *ck = check_json(ex, check_names[c]);
		const char *verdict = str(ck, "verdict");
		bool must_fail = listed(fails, check_names[c]), may_fail = listed(may, check_names[c]);
		if (c == CHECK_RACES && race_check_left_out(v) && strcmp(verdict, "skip") == 0)
			continue;
		if (must_fail && strcmp(verdict, "fail") != 0)
			snprintf(problem, size, "%s should fail but is '%s' (%s)", check_names[c], verdict, str(ck, "summary"));
		else if (!must_fail && !may_fail && strcmp(verdict, "pass") != 0 && strcmp(verdict, "none") != 0)
			snprintf(problem, size, "%s should pass but is '%s': %.300s", check_names[c], verdict,
				 str(ck, "summary"));
	}
	if (ex && !*problem) {
		char *said = xstrdup("");
		for (int c = 0; c < NCHECKS; c++) {
			json_t *ck = check_json(ex, check_names[c]);
			if (strcmp(str(ck, "verdict"), "fail") != 0)
				continue;
			char *more = xasprintf("%s%s\n%s\n", said, str(ck, "summary"), str(ck, "details"));
			free(said);
			said = more;
		}
		if (!contains_all(said, json_object_get(v, "message")))
			snprintf(problem, size, "the message lacks the expected words; it said: %.400s", said);
		/* "never_says": words that must not reach the student (a hidden test's name or message). */
		json_t *secret;
		size_t k;
		json_array_foreach(json_object_get(v, "never_says"), k, secret)
			if (strstr(said, json_string_value(secret) ?: "\x01"))
				snprintf(problem, size, "the student's report says \"%s\", which it must never say: %.300s",
					 json_string_value(secret), said);
		free(said);
	}
}

/* A failing line for a missing part of lesson slug, naming the file to write. */
static void missing(bool *ok, const char *slug, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void missing(bool *ok, const char *slug, const char *fmt, ...)
{
	va_list ap;
	char what[600];

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	result(false, "%s: %s", slug, what);
	*ok = false;
}

static void need_file(bool *ok, const char *slug, char *path, const char *what)
{
	if (!file_exists(path))
		missing(ok, slug, "%s is missing: write %s", what, path);
	free(path);
}

/* The variants of exercise e that must fail check c. */
static int variants_failing(json_t *list, const struct exercise *e, int c)
{
	json_t *v;
	size_t i;
	int n = 0;

	json_array_foreach(list, i, v)
		if (strcmp(json_string_value(json_object_get(v, "exercise")) ?: "", e->name) == 0 &&
		    listed(json_object_get(v, "fails"), check_names[c]))
			n++;
	return n;
}

/* Every whole file in tests/NN-slug/ is listed in variants.json, as a variant or a correct alternative. */
static void test_no_unlisted_files(bool *ok, const struct lesson *l, json_t *list, json_t *alternatives)
{
	char *dir = xasprintf("tests/%s", l->slug);
	int n;
	char **files = list_dir(dir, &n);

	for (int i = 0; i < n; i++) {
		size_t len = strlen(files[i]), k;
		json_t *v;
		bool found = len < 2 || strcmp(files[i] + len - 2, ".c") != 0;
		json_array_foreach(list, k, v)
			found = found || strcmp(json_string_value(json_object_get(v, "file")) ?: "", files[i]) == 0;
		json_array_foreach(alternatives, k, v)
			found = found || strcmp(json_string_value(json_object_get(v, "file")) ?: "", files[i]) == 0;
		if (!found)
			missing(ok, l->slug, "%s/%s is no variant's or alternative's \"file\": list it in %s/variants.json or delete it", dir,
				files[i], dir);
		free(files[i]);
	}
	free(files);
	free(dir);
}

/*
 * Every part a lesson needs: its text, skeletons and solutions, catalogue
 * and hints, a suite per exercise, a Helgrind driver per exercise whose
 * races check has points, and a known-wrong variant per check with points.
 * Each missing part is a failing line that names the file to write.
 */
static void test_parts(const struct lesson *l)
{
	const char *slug = l->slug;
	bool ok = true;
	int drivers = 0, checks = 0;

	need_file(&ok, slug, xasprintf("lessons/%s.md", slug), "the lesson's text");
	need_file(&ok, slug, xasprintf("grader/%s/hints.json", slug), "the hints");
	for (int i = 0; i < l->nexercises; i++) {
		const struct exercise *e = &l->exercises[i];
		static const char *const trees[] = {"exercises", "solutions"};
		for (int t = 0; t < 2; t++) {
			need_file(&ok, slug, xasprintf("%s/%s/%s.c", trees[t], slug, e->name), e->name);
			need_file(&ok, slug, xasprintf("%s/%s/%s.h", trees[t], slug, e->name), e->name);
		}
		need_file(&ok, slug, xasprintf("grader/%s/test_%s.c", slug, e->name), "its Criterion suite");
		if (e->points[CHECK_RACES]) {
			need_file(&ok, slug, xasprintf("grader/%s/race_%s.c", slug, e->name),
				  "the Helgrind driver of a races check with points");
			drivers++;
		}
		if (e->nhints == 0)
			missing(&ok, slug, "grader/%s/hints.json has no hints for exercise %s: add \"%s\": [\"...\", ...]",
				slug, e->name, e->name);
	}
	json_t *spec, *list = variants_of(l, &spec, true);
	if (!list)
		ok = false;
	for (int i = 0; list && i < l->nexercises; i++)
		for (int c = 0; c < NCHECKS; c++) {
			if (!l->exercises[i].points[c])
				continue;
			checks++;
			if (variants_failing(list, &l->exercises[i], c) == 0)
				missing(&ok, slug,
					"no known-wrong variant of %s fails its %s check, which has points: add one to "
					"tests/%s/variants.json",
					l->exercises[i].name, check_names[c], slug);
		}
	if (list)
		test_no_unlisted_files(&ok, l, list, json_object_get(spec, "alternatives"));
	json_decref(spec);
	if (ok)
		result(true,
		       "%s: has every part (text, %d exercises and solutions, hints, suites, %d Helgrind drivers, "
		       "known-wrong variants for %d checks)",
		       slug, l->nexercises, drivers, checks);
}

/* Directories and lesson texts named NN-slug that no grader/NN-slug/lesson.json catalogues. */
static void test_uncatalogued(void)
{
	static const char *const roots[] = {"lessons", "exercises", "solutions", "grader", "tests"};
	bool ok = true;

	for (int r = 0; r < 5; r++) {
		int n;
		char **names = list_dir(roots[r], &n);
		for (int i = 0; i < n; i++) {
			char *slug = xstrdup(names[i]), *dot = strrchr(slug, '.');
			if (r == 0 && dot && strcmp(dot, ".md") == 0)
				*dot = '\0';
			char *json = xasprintf("grader/%s/lesson.json", slug);
			bool lesson_like = slug[0] >= '0' && slug[0] <= '9' && slug[1] >= '0' && slug[1] <= '9' &&
					   slug[2] == '-' && !strchr(slug, '.');
			if (lesson_like && !file_exists(json))
				missing(&ok, slug, "%s/%s exists, but %s is missing: write it (title, budget, exercises)",
					roots[r], names[i], json);
			free(json);
			free(slug);
			free(names[i]);
		}
		free(names);
	}
	if (ok)
		result(true, "every NN-slug directory and lesson text belongs to a lesson of the catalogue");
}

/* Runs the jobs whose ready[i] is set, `parallel` at a time. */
static void run_ready(struct kit_job *jobs, const bool *ready, size_t n, int parallel)
{
	struct kit_job *batch = xcalloc(n + 1, sizeof *batch);
	size_t *from = xcalloc(n + 1, sizeof *from), nb = 0;

	for (size_t i = 0; i < n; i++)
		if (ready[i]) {
			from[nb] = i;
			batch[nb++] = jobs[i];
		}
	run_all(batch, (int)nb, parallel);
	for (size_t b = 0; b < nb; b++)
		jobs[from[b]] = batch[b];
	free(batch);
	free(from);
}

/*
 * The gradings of one lesson's known-wrong variants and correct
 * alternatives (variants.json).  Every lesson's are prepared first and run
 * together, kit_jobs at a time (run_gradings), so that a lesson's slowest
 * grading overlaps the next lesson's instead of leaving CPUs idle at the
 * end of each lesson; then each lesson's verdicts are judged, in order.
 * Entry k of vars/jobs/reports/logs/ready is variant k for k < nv, and
 * alternative k - nv after them.
 */
struct lesson_gradings {
	const struct lesson *l;
	json_t *spec, *list, *alternatives;
	size_t nv, na;
	struct variant *vars;
	struct kit_job *jobs;
	char **reports, **logs;
	bool *ready; /* to be graded (again) */
	bool *graded_alone;
};

/* Prepares grading k of g from entry v (a variant, or an alternative when alternative); false if it cannot be. */
static bool prepare_grading(struct lesson_gradings *g, size_t k, json_t *v, bool alternative)
{
	const struct lesson *l = g->l;
	char *why = NULL;

	if (!variant_prepare(l, v, variants_dir, &g->vars[k], &why)) {
		result(false, "%s: %s %s cannot be graded: %s", l->slug,
		       alternative ? "correct alternative" : "wrong variant", g->vars[k].name, why);
		free(why);
		return false;
	}
	const char *kind = alternative ? "alternative-" : "";
	g->reports[k] = xasprintf("%s/%s-%s%s.json", out_dir, l->slug, kind, g->vars[k].name);
	g->logs[k] = xasprintf("%s/%s-%s%s.log", out_dir, l->slug, kind, g->vars[k].name);
	remove(g->reports[k]);
	/* "with_hidden": graded with the instructor's hidden suites of tests/hidden/ too. */
	bool hidden = !alternative && json_is_true(json_object_get(v, "with_hidden"));
	const char *extra = hidden ? "--hidden=tests/hidden"
			    : !alternative && race_check_left_out(v) ? "--race=off"
								     : NULL;
	g->jobs[k] = (struct kit_job){.argv = grade_argv(l->slug, g->vars[k].exercise, "--source", g->vars[k].source,
							 extra, g->reports[k]),
				      .log = g->logs[k], .timeout_s = 300};
	g->ready[k] = true;
	return true;
}

static void prepare_gradings(const struct lesson *l, struct lesson_gradings *g)
{
	json_t *v, *seen = json_object();
	size_t i;

	*g = (struct lesson_gradings){.l = l};
	g->list = variants_of(l, &g->spec, false); /* test_parts reports its problems */
	g->alternatives = json_object_get(g->spec, "alternatives");
	g->nv = json_array_size(g->list);
	g->na = json_array_size(g->alternatives);
	size_t n = g->nv + g->na;
	g->vars = xcalloc(n + 1, sizeof *g->vars);
	g->jobs = xcalloc(n + 1, sizeof *g->jobs);
	g->reports = xcalloc(n + 1, sizeof *g->reports);
	g->logs = xcalloc(n + 1, sizeof *g->logs);
	g->ready = xcalloc(n + 1, sizeof *g->ready);
	g->graded_alone = xcalloc(n + 1, sizeof *g->graded_alone);
	json_array_foreach(g->list, i, v) {
		if (!prepare_grading(g, i, v, false))
			continue;
		if (json_object_get(seen, g->vars[i].name)) {
			result(false, "%s: two variants are called %s in tests/%s/variants.json", l->slug,
			       g->vars[i].name, l->slug);
			free(g->jobs[i].argv);
			g->jobs[i].argv = NULL;
			g->ready[i] = false;
			continue;
		}
		json_object_set_new(seen, g->vars[i].name, json_true());
	}
	json_array_foreach(g->alternatives, i, v)
		prepare_grading(g, g->nv + i, v, true);
	json_decref(seen);
}

/* Runs the ready gradings of every lesson of gs, kit_jobs at a time. */
static void run_gradings(struct lesson_gradings *gs, int ng)
{
	size_t total = 0, nb = 0;

	for (int j = 0; j < ng; j++)
		total += gs[j].nv + gs[j].na;
	struct kit_job *batch = xcalloc(total + 1, sizeof *batch);
	for (int j = 0; j < ng; j++)
		for (size_t k = 0; k < gs[j].nv + gs[j].na; k++)
			if (gs[j].ready[k])
				batch[nb++] = gs[j].jobs[k];
	run_all(batch, (int)nb, kit_jobs);
	nb = 0;
	for (int j = 0; j < ng; j++)
		for (size_t k = 0; k < gs[j].nv + gs[j].na; k++)
			if (gs[j].ready[k])
				gs[j].jobs[k] = batch[nb++];
	free(batch);
}

/* Judges grading k of g (a variant) into problem; "" when its verdicts are the intended ones. */
static void judge_variant_grading(const struct lesson_gradings *g, size_t k, char *problem, size_t size)
{
	json_t *rep = json_load_file(g->reports[k], 0, NULL);

	judge_variant(g->l, json_array_get(g->list, k), exercise_json(rep, g->vars[k].exercise), g->jobs[k].rc,
		      g->jobs[k].wall, problem, size);
	json_decref(rep);
}

/*
 * Judges grading k of g (an alternative) into problem ("" when it got every
 * point); *uncounted when it needs the sandbox of root and did not get it.
 */
static void judge_alternative_grading(const struct lesson_gradings *g, size_t k, char *problem, size_t size,
				      bool *uncounted)
{
	json_t *v = json_array_get(g->alternatives, k - g->nv);
	json_t *rep = json_load_file(g->reports[k], 0, NULL), *ex = exercise_json(rep, g->vars[k].exercise);

	problem[0] = '\0';
	/* One that needs the sandbox of root (its own uid, confined) proves nothing without it. */
	*uncounted = strcmp(str(v, "needs"), "root") == 0 &&
		     !(json_is_true(json_object_get(rep, "as_root")) && json_is_true(json_object_get(rep, "confined")));
	if (!ex)
		snprintf(problem, size, "the harness wrote no result (exit %d)", g->jobs[k].rc);
	for (int c = 0; ex && !problem[0] && c < NCHECKS; c++) {
		json_t *ck = check_json(ex, check_names[c]);
		if (strcmp(str(ck, "verdict"), "fail") == 0)
			snprintf(problem, size, "%s failed: %.200s %.300s", check_names[c], str(ck, "summary"),
				 str(ck, "details"));
	}
	json_decref(rep);
}

/*
 * After run_gradings: one whose verdicts are not the intended ones (a
 * variant not rejected as intended, an alternative that lost a point)
 * beside the others is graded again alone, and judged on that run.
 */
static void regrade_misses_alone(struct lesson_gradings *g)
{
	char problem[600];
	bool uncounted;

	for (size_t k = 0; k < g->nv + g->na; k++) {
		if (!g->ready[k])
			continue;
		if (k < g->nv)
			judge_variant_grading(g, k, problem, sizeof problem);
		else
			judge_alternative_grading(g, k, problem, sizeof problem, &uncounted);
		g->ready[k] = g->graded_alone[k] = problem[0] != '\0';
	}
	run_ready(g->jobs, g->ready, g->nv + g->na, 1);
}

/* The known-wrong variants' verdicts, in the order of variants.json. */
static void report_variants(const struct lesson_gradings *g)
{
	for (size_t k = 0; k < g->nv; k++) {
		if (!g->jobs[k].argv)
			continue;
		char problem[600];
		judge_variant_grading(g, k, problem, sizeof problem);
		result(!*problem, "%s: wrong variant %s (%s) is rejected as intended (%.1f s%s)%s%s", g->l->slug,
		       g->vars[k].name, g->vars[k].mutation ? "a mutation" : "a whole file", g->jobs[k].wall,
		       g->graded_alone[k] ? ", graded again alone" : "", *problem ? ": " : "", problem);
	}
}

/*
 * The correct alternatives of the lesson ("alternatives" in variants.json):
 * solutions written differently from the reference (other call orders,
 * other calls the contract allows), each of which must get every point,
 * at least two per exercise.
 */
static void report_alternatives(const struct lesson_gradings *g)
{
	const struct lesson *l = g->l;
	int *count = xcalloc((size_t)l->nexercises + 1, sizeof *count);

	for (size_t k = g->nv; k < g->nv + g->na; k++) {
		if (!g->jobs[k].argv)
			continue;
		char problem[600];
		bool uncounted;
		judge_alternative_grading(g, k, problem, sizeof problem, &uncounted);
		if (uncounted) {
			printf("       (%s: correct alternative %s needs the grader to run as root, confined: not counted)\n",
			       l->slug, g->vars[k].name);
			continue;
		}
		if (!problem[0])
			for (int e = 0; e < l->nexercises; e++)
				count[e] += strcmp(l->exercises[e].name, g->vars[k].exercise) == 0;
		result(!problem[0], "%s: correct alternative %s (%s) gets every point (%.1f s%s)%s%s", l->slug,
		       g->vars[k].name, str(json_array_get(g->alternatives, k - g->nv), "differs"), g->jobs[k].wall,
		       g->graded_alone[k] ? ", graded again alone" : "", problem[0] ? ": " : "", problem);
	}
	for (int e = 0; e < l->nexercises; e++)
		result(count[e] >= 2,
		       "%s: exercise %s has %d correct alternatives that pass (at least 2, written differently from the "
		       "reference, in tests/%s/variants.json \"alternatives\")",
		       l->slug, l->exercises[e].name, count[e], l->slug);
	free(count);
}

static void free_gradings(struct lesson_gradings *g)
{
	for (size_t k = 0; k < g->nv + g->na; k++) {
		variant_free(&g->vars[k]);
		free(g->jobs[k].argv);
		free(g->reports[k]);
		free(g->logs[k]);
	}
	free(g->vars);
	free(g->jobs);
	free(g->reports);
	free(g->logs);
	free(g->ready);
	free(g->graded_alone);
	json_decref(g->spec);
}

/* The clause map's own rules, on a header made up for the purpose. */
static void test_clause_rules(void)
{
	static const char header[] = "/*\n * x.h - lesson 99.\n *\n * This header is the contract between your code and "
				     "the grader.\n */\n/*\n * f - do A, e.g. quickly.  Returns 0.\n * Requires n > 0.\n */\n"
				     "int f(int n); /* never blocks */\n";
	json_t *ok = json_pack("{s:s, s:[{s:s, s:s, s:[s]}, {s:s, s:s, s:[s]}, {s:s, s:s, s:[s]}, {s:s, s:s, s:[s]}], s:[s]}",
			       "name", "f", "clauses", "id", "a", "says", "do A,\n e.g. quickly", "tests", "correct_a", "id",
			       "ret", "says", "Returns 0", "tests", "races", "id", "lesson", "says", "lesson 99", "tests",
			       "correct_a", "id", "nb", "says", "never blocks", "tests", "correct_a", "not_clauses",
			       "Requires n > 0.");
	json_t *names = json_pack("[s]", "correct_a");
	char **problems = NULL;
	int np = 0, sentences;
	char **s = comment_sentences(header, &sentences);
	bool split = sentences == 6 && strcmp(s[2], "f - do A, e.g. quickly.") == 0;
	free_sentences(s);
	clause_map_problems(ok, "x.h", header, names, &problems, &np);
	bool good_passes = np == 0;
	json_array_remove(json_object_get(ok, "not_clauses"), 0);
	json_object_set_new(json_array_get(json_object_get(ok, "clauses"), 0), "tests", json_pack("[s]", "correct_b"));
	json_array_append_new(json_object_get(ok, "clauses"), json_pack("{s:s, s:s, s:[s]}", "id", "x", "says",
									 "something else", "tests", "correct_a"));
	int before = np;
	clause_map_problems(ok, "x.h", header, names, &problems, &np);
	bool bad_caught = np - before == 3; /* an uncovered sentence, a missing test, a clause the header does not say */
	for (int p = 0; p < np; p++)
		free(problems[p]);
	free(problems);
	json_decref(ok);
	json_decref(names);
	result(split && good_passes && bad_caught,
	       "the clause-map rules: sentences are split as written, a complete map passes, and an uncovered "
	       "sentence, an unknown test and a clause the header does not say are each caught");
}

/* The rules for hints that answer a failure, on answers made up for the purpose. */
static void test_hint_answer_rules(void)
{
	static const char text[] = "Each thread needs its own argument: pass &slots[k], never the loop variable.";
	json_t *names = json_pack("[s, s]", "correct_a", "correct_b");
	json_t *ok = json_pack("[{s:s, s:s, s:[s, s], s:s}, {s:s, s:s, s:[s], s:s}]", "id", "own-argument", "about",
			       "each thread's argument", "tests", "correct_a", "correct_b", "text", text, "id", "shared-sum",
			       "about", "a shared sum", "tests", "races", "text", text);
	char **problems = NULL;
	int np = 0;

	hint_answer_problems(ok, "f", names, true, &problems, &np);
	bool good_passes = np == 0;
	/* A test no answer names, an unknown test, a repeated and a badly formed id, a short text, no races. */
	json_t *bad = json_pack("[{s:s, s:s, s:[s, s], s:s}, {s:s, s:s, s:[s], s:s}, {s:s, s:s, s:[s], s:s}]", "id",
				"own-argument", "about", "x", "tests", "correct_a", "correct_c", "text", text, "id",
				"own-argument", "about", "y", "tests", "correct_a", "text", "short", "id", "Bad Id", "about",
				"z", "tests", "correct_a", "text", text);
	int before = np;
	hint_answer_problems(bad, "f", names, true, &problems, &np);
	int caught = np - before;
	before = np;
	hint_answer_problems(NULL, "f", names, false, &problems, &np);
	bool none_caught = np - before == 1;
	for (int p = 0; p < np; p++)
		free(problems[p]);
	free(problems);
	json_decref(ok);
	json_decref(bad);
	json_decref(names);
	result(good_passes && caught == 6 && none_caught,
	       "the rules for hints that answer a failure: a complete set passes; an unknown test, a test no answer "
	       "names, a repeated id, a badly formed id, a short text, a race check unanswered and no answers at all "
	       "are each caught (%d of 6 in the bad set)",
	       caught);
}

/* Whether the grading report rep shows that one of a clause's tests did not pass. */
static bool fails_a_test_of(json_t *ex, json_t *tests)
{
	size_t i, k;
	json_t *t, *got;

	json_array_foreach(tests, i, t) {
		const char *name = json_string_value(t) ?: "";
		if (strcmp(name, "races") == 0 && strcmp(str(check_json(ex, "races"), "verdict"), "fail") == 0)
			return true;
		json_array_foreach(json_object_get(ex, "tests"), k, got)
			if (strcmp(str(got, "name"), name) == 0 && strcmp(str(got, "status"), "passed") != 0)
				return true;
	}
	return false;
}

/* Prints and frees the problems a kit_clauses.h check found. */
static void print_problems(char **problems, int np)
{
	for (int p = 0; p < np; p++) {
		printf("       %s\n", problems[p]);
		free(problems[p]);
	}
	free(problems);
}

/* Whether variant v names clause id (its "clause" is that string, or an array holding it). */
static bool names_clause(json_t *v, const char *id)
{
	json_t *c = json_object_get(v, "clause");

	return json_is_string(c) ? strcmp(json_string_value(c), id) == 0 : listed(c, id);
}

/*
 * The clause map of every exercise of lesson l (kit_clauses.h): it covers
 * every sentence of the header, names tests the suite has, and each clause
 * is broken by a known-wrong variant that fails one of its tests.  Reads
 * the reports that test_solutions and the variants' gradings wrote.
 */
static void test_clauses(const struct lesson *l)
{
	char *path = xasprintf("grader/%s/lesson.json", l->slug);
	char *sol = xasprintf("%s/%s-solutions.json", out_dir, l->slug);
	json_t *catalogue = json_load_file(path, 0, NULL), *solutions = json_load_file(sol, 0, NULL), *ex, *spec;
	json_t *variants = variants_of(l, &spec, false);
	char *hpath_hints = xasprintf("grader/%s/hints.json", l->slug);
	json_t *hints = json_load_file(hpath_hints, 0, NULL);
	size_t i;

	json_array_foreach(json_object_get(catalogue, "exercises"), i, ex) {
		const char *name = str(ex, "name");
		char *header = xasprintf("%s.h", name), *hpath = xasprintf("solutions/%s/%s.h", l->slug, name);
		char *text = read_file(hpath, 1 << 20);
		json_t *names = json_array(), *t, *c;
		size_t k;
		json_array_foreach(json_object_get(exercise_json(solutions, name), "tests"), k, t)
			json_array_append(names, json_object_get(t, "name"));
		char **problems = NULL;
		int np = 0;
		clause_map_problems(ex, header, text ? text : "", names, &problems, &np);
		result(np == 0, "%s: the clause map of %s covers every sentence of %s (%zu clauses)", l->slug, name, header,
		       json_array_size(json_object_get(ex, "clauses")));
		print_problems(problems, np);
		problems = NULL;
		np = 0;
		json_t *answers = json_object_get(json_object_get(hints, "answers"), name);
		bool races = json_integer_value(json_object_get(json_object_get(ex, "points"), "races")) > 0;
		hint_answer_problems(answers, name, names, races, &problems, &np);
		result(np == 0, "%s: every test of %s%s names a hint that answers its failure (%zu answers)", l->slug, name,
		       races ? ", and its race check," : "", json_array_size(answers));
		print_problems(problems, np);
		json_array_foreach(json_object_get(ex, "clauses"), k, c) {
			const char *id = str(c, "id");
			int naming = 0, breaking = 0;
			json_t *v;
			size_t j;
			json_array_foreach(variants, j, v) {
				if (strcmp(str(v, "exercise"), name) != 0 || !names_clause(v, id))
					continue;
				naming++;
				const char *vname = json_object_get(v, "file") ? str(v, "file") : str(v, "name");
				char *base = xstrdup(vname), *dot = strrchr(base, '.');
				if (dot && strcmp(dot, ".c") == 0)
					*dot = '\0';
				char *rpath = xasprintf("%s/%s-%s.json", out_dir, l->slug, base);
				json_t *rep = json_load_file(rpath, 0, NULL);
				breaking += fails_a_test_of(exercise_json(rep, name), json_object_get(c, "tests"));
				json_decref(rep);
				free(rpath);
				free(base);
			}
			result(breaking > 0,
			       "%s: clause %s of %s is broken by a known-wrong variant that fails one of its tests (%d of %d "
			       "naming it do)",
			       l->slug, id, name, breaking, naming);
		}
		json_decref(names);
		free(text);
		free(hpath);
		free(header);
	}
	json_decref(hints);
	free(hpath_hints);
	json_decref(spec);
	json_decref(catalogue);
	json_decref(solutions);
	free(sol);
	free(path);
}

/*
 * Leftovers of this run only, so that another grading on the machine at
 * the same time is not counted.  We are a subreaper, so whatever our
 * harness runs left behind is re-parented to us and stays our descendant;
 * as a second net, a process that runs as a sandbox uid of one of our
 * harness runs counts too, unless one of its ancestors has a pid with the
 * same range: that is a live harness of another grading (ours have all
 * ended), which owns the range now.
 */
static bool descends_from(const struct proc_info *p, pid_t ancestor, unsigned *range_owner)
{
	struct proc_info up = *p;

	for (int depth = 0; depth < 256 && up.ppid > 1 && procs_read(up.ppid, &up); depth++) {
		if (up.pid == ancestor)
			return true;
		if (range_owner && (unsigned)up.pid % CT_SANDBOX_RUNS == *range_owner)
			*range_owner = CT_SANDBOX_RUNS; /* owned by that live process's run */
	}
	return false;
}

struct stray_query {
	pid_t self;
	bool verbose; /* print each stray */
};

static bool stray(const struct proc_info *p, void *query)
{
	const struct stray_query *q = query;
	unsigned run;
	bool is_stray = false;

	if (p->state == 'Z' || p->pid == q->self)
		return false;
	if (ct_sandbox_uid_run(p->uid, &run) && ours_run[run]) {
		unsigned owner = run;
		is_stray = descends_from(p, q->self, &owner) || owner == run;
	} else
		is_stray = descends_from(p, q->self, NULL);
	if (is_stray && q->verbose)
		printf("       stray process %d (uid %u, state %c, parent %d)\n", (int)p->pid, (unsigned)p->uid, p->state,
		       (int)p->ppid);
	return is_stray;
}

static int count_strays(bool verbose)
{
	struct stray_query q = {getpid(), verbose};

	return procs_count(stray, &q);
}

/*
 * Starts a process that pauses until killed, as uid (if not 0; we are
 * root) and, if orphan, as the child of a process that ends at once, so
 * that it is re-parented.  Returns its pid, or -1.
 */
static pid_t start_sleeper(uid_t uid, bool orphan)
{
	int fds[2];
	pid_t got = -1, mid;

	if (pipe(fds) == -1)
		return -1;
	fflush(NULL);
	mid = fork();
	if (mid == 0) {
		pid_t g = orphan ? fork() : 0;
		if (g == 0) {
			pid_t me = getpid();
			/* Dumpable again after setuid, so that /proc shows its uid as for an exec'd job. */
			if ((uid && (setgid(uid) == -1 || setuid(uid) == -1 || prctl(PR_SET_DUMPABLE, 1) == -1)) ||
			    write(fds[1], &me, sizeof me) != sizeof me)
				_exit(1);
			for (;;)
				pause();
		}
		_exit(g == -1);
	}
	close(fds[1]);
	if (mid == -1 || read(fds[0], &got, sizeof got) != sizeof got)
		got = -1;
	close(fds[0]);
	if (orphan && mid > 0)
		waitpid(mid, NULL, 0);
	return got;
}

/*
 * The stray check itself: it counts a process that this run left behind
 * (re-parented to us, or, as root, running as one of our runs' sandbox
 * uids anywhere) and not a process sandboxed by another grading.  Run
 * before any harness, so that its made-up run is no real one.
 */
static void test_stray_check(void)
{
	unsigned ours = (unsigned)getpid() % CT_SANDBOX_RUNS, theirs = (ours + 1) % CT_SANDBOX_RUNS;
	int before = count_strays(false), left, as_root = -2; /* -2: not tried (not root), -1: could not start */
	pid_t ours_left = start_sleeper(0, true);

	left = count_strays(false) - before;
	if (ours_left > 0) {
		kill(ours_left, SIGKILL);
		waitpid(ours_left, NULL, 0);
	}
	if (geteuid() == 0 && prctl(PR_SET_CHILD_SUBREAPER, 0) == 0) {
		/* Orphans that go to init, as if they had escaped us. */
		pid_t mine = start_sleeper(ct_sandbox_first_uid((pid_t)ours), true);
		pid_t other = start_sleeper(ct_sandbox_first_uid((pid_t)theirs), true);
		if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1) {
			perror("kit-tests: prctl(PR_SET_CHILD_SUBREAPER)");
			exit(2);
		}
		ours_run[ours] = true;
		as_root = mine > 0 && other > 0 ? count_strays(false) - before : -1;
		ours_run[ours] = false;
		if (mine > 0)
			kill(mine, SIGKILL);
		if (other > 0)
			kill(other, SIGKILL);
	}
	result(ours_left > 0 && left == 1 && (as_root == 1 || as_root == -2),
	       "the stray check counts what this run leaves behind (%d of 1), not another grading's jobs (%s)", left,
	       as_root == -2  ? "not root: sandbox uids not tried"
	       : as_root == 1 ? "as root: of 2 orphans with sandbox uids, it counts the 1 of our run"
			      : "as root: the orphans with sandbox uids were miscounted or did not start");
}

static void test_units(const char *list)
{
	char *copy = xstrdup(list), *save = NULL;

	for (char *bin = strtok_r(copy, " ", &save); bin; bin = strtok_r(NULL, " ", &save)) {
		char *json = xasprintf("%s/unit-%s.json", out_dir, strrchr(bin, '/') ? strrchr(bin, '/') + 1 : bin);
		char *log = xasprintf("%s.log", json);
		char *jarg = xasprintf("--json=%s", json);
		char *argv[] = {bin, jarg, NULL};
		int rc = run(argv, log, 300, NULL);
		json_t *rep = json_load_file(json, 0, NULL);
		int p = (int)json_integer_value(json_object_get(rep, "passed"));
		int f = (int)json_integer_value(json_object_get(rep, "failed"));
		result(rep && rc == 0 && f == 0 && p > 0, "unit tests %s: %d passed, %d failed%s%s", bin, p, f,
		       rc ? "; see " : "", rc ? log : "");
		json_decref(rep);
		free(json);
		free(log);
		free(jarg);
	}
	free(copy);
}

/* A busy loop in a child process, to load another CPU; returns its pid. */
static pid_t start_load(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		for (volatile unsigned long x = 0;; x++)
			;
	}
	return pid;
}

/* Prints the checks of one exercise that did not pass. */
static void print_not_passed(json_t *ex)
{
	for (int c = 0; c < NCHECKS; c++) {
		json_t *ck = check_json(ex, check_names[c]);
		if (strcmp(str(ck, "verdict"), "pass") && strcmp(str(ck, "verdict"), "none") && strcmp(str(ck, "verdict"), "skip"))
			printf("    %s %s: %s\n%s\n", str(ex, "name"), check_names[c], str(ck, "summary"), str(ck, "details"));
	}
}

/* Grades variant v runs times with the timing tests only; returns how often its timing check did not fail. */
static int soak_variant(const struct lesson *l, const struct variant *v, int runs, int *variant_runs)
{
	char *name = xasprintf("soak-%s-%s", l->slug, v->name);
	int passes = 0;

	for (int r = 0; r < runs; r++, (*variant_runs)++) {
		double wall;
		int rc;
		json_t *rep = grade(l->slug, v->exercise, "--source", v->source, "--only-timing", name, &wall, &rc);
		const char *verdict = str(check_json(exercise_json(rep, v->exercise), "timing"), "verdict");
		if (strcmp(verdict, "fail") != 0) {
			passes++;
			printf("  run %d of %s: timing was '%s'\n", r + 1, v->name, verdict);
		}
		json_decref(rep);
	}
	printf("  %-16s %s: %d runs, %d false passes of its timing check\n", l->slug, v->name, runs, passes);
	free(name);
	return passes;
}

/*
 * make soak: grades the reference solutions `runs` times (every check; a
 * check that does not pass is a false failure), and every known-wrong
 * variant that must fail its timing check (and not every check that has
 * points: cheats and hangs say nothing about timing) `runs` times with the timing tests only
 * (a timing check that passes is a false pass).  With load, a
 * busy loop keeps another CPU busy throughout.
 */
static int soak(struct lesson *ls, int n, const char *only, int runs, bool load)
{
	int false_fails = 0, false_passes = 0, solution_runs = 0, variant_runs = 0, broken = 0;
	pid_t loader = load ? start_load() : 0;

	printf("Soak: %d runs each%s.\n", runs, load ? ", with a busy loop on another CPU" : "");
	for (int i = 0; i < n; i++) {
		if (only && !lesson_find(&ls[i], 1, only))
			continue;
		int bad = 0;
		double worst = 0;
		for (int r = 0; r < runs; r++, solution_runs++) {
			double wall;
			int rc;
			json_t *rep = grade(ls[i].slug, NULL, "--solution", NULL, NULL, xasprintf("soak-%s", ls[i].slug), &wall, &rc);
			json_t *les = lesson_json(rep), *ex;
			size_t k;
			if (!rep || rc != 0 || json_integer_value(json_object_get(les, "points")) !=
						       json_integer_value(json_object_get(les, "max"))) {
				bad++;
				printf("  run %d of %s: exit %d\n", r + 1, ls[i].slug, rc);
				json_array_foreach(json_object_get(les, "exercises"), k, ex)
					print_not_passed(ex);
			}
			if (wall > worst)
				worst = wall;
			json_decref(rep);
		}
		printf("  %-16s solutions: %d runs, %d false failures, slowest %.1f s\n", ls[i].slug, runs, bad, worst);
		false_fails += bad;

		json_t *spec, *list = variants_of(&ls[i], &spec, true), *v;
		size_t k;
		if (!list)
			broken++;
		json_array_foreach(list, k, v) {
			/*
			 * Variants that fail every check with points (cheats, hangs)
			 * say nothing about timing.
			 */
			json_t *fails = json_object_get(v, "fails");
			struct exercise *e = exercise_find(&ls[i], str(v, "exercise"));
			bool all = e != NULL;
			for (int c = 0; c < NCHECKS && e; c++)
				if (e->points[c] && !listed(fails, check_names[c]))
					all = false;
			if (!listed(fails, "timing") || all)
				continue;
			struct variant var;
			char *why = NULL;
			if (!variant_prepare(&ls[i], v, variants_dir, &var, &why)) {
				printf("  %-16s %s cannot be graded: %s\n", ls[i].slug, var.name, why);
				broken++;
			} else
				false_passes += soak_variant(&ls[i], &var, runs, &variant_runs);
			free(why);
			variant_free(&var);
		}
		json_decref(spec);
	}
	if (loader > 0) {
		kill(loader, SIGKILL);
		waitpid(loader, NULL, 0);
	}
	printf("\nfalse failures: %d of %d solution runs; false passes: %d of %d variant runs%s\n", false_fails,
	       solution_runs, false_passes, variant_runs, broken ? "; some variants cannot be graded (above)" : "");
	printf("%d passed, %d failed\n", solution_runs + variant_runs - false_fails - false_passes,
	       false_fails + false_passes + broken);
	return false_fails || false_passes || broken ? 1 : 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/*
 * A tree laid out like exercises/ for one lesson, under out_dir/bench-KIND:
 * the pristine skeletons (KIND "todo", from grader/skeletons.json) or files
 * that do not compile ("broken").  Returns the tree's path, or NULL.
 */
static char *bench_tree(const struct lesson *l, const char *kind)
{
	char *dir = xasprintf("%s/bench-%s/%s", out_dir, kind, l->slug);
	json_t *skel = strcmp(kind, "todo") == 0 ? json_load_file("grader/skeletons.json", 0, NULL) : NULL;
	bool ok = make_dirs(dir) == 0;

	for (int e = 0; ok && e < l->nexercises; e++) {
		char *key = xasprintf("%s/%s.c", l->slug, l->exercises[e].name);
		char *path = xasprintf("%s/%s.c", dir, l->exercises[e].name);
		const char *text = skel ? json_string_value(json_object_get(json_object_get(skel, "files"), key))
					: "int broken = ; /* a compile error, on purpose */\n";
		FILE *f = text ? fopen(path, "w") : NULL;
		ok = f && fputs(text, f) != EOF;
		if (f && fclose(f) == EOF)
			ok = false;
		free(key);
		free(path);
	}
	json_decref(skel);
	if (!ok) {
		fprintf(stderr, "kit-tests: cannot write the %s tree %s\n", kind, dir);
		free(dir);
		return NULL;
	}
	*strrchr(dir, '/') = '\0'; /* SRC= names the tree's top */
	return dir;
}

/*
 * make bench: the median wall time of make check per lesson (warm builds),
 * for a full pass with each race mode, a check that fails at compile time
 * and one that fails fast at the skeletons' TODOs; and Helgrind's share.
 */
static void bench(struct lesson *ls, int n, const char *only, int runs)
{
	static const struct {
		const char *title, *arg1, *arg2; /* make check's arguments besides LESSON=; "SRC=" gets a tree */
		const char *tree;                /* bench_tree's kind, or NULL */
	} modes[] = {
		{"pass", "SOLUTION=1", NULL, NULL},		{"tsan", "SOLUTION=1", "RACE=tsan", NULL},
		{"drd", "SOLUTION=1", "RACE=drd", NULL},	{"off", "SOLUTION=1", "RACE=off", NULL},
		{"no-compile", NULL, NULL, "broken"},		{"todo", NULL, NULL, "todo"},
	};
	enum { NMODES = sizeof modes / sizeof modes[0] };

	printf("Median wall time of `make check LESSON=N` (warm build), %d runs each: a full pass of the solutions with\n"
	       "Helgrind (pass), with RACE=tsan, RACE=drd and RACE=off; files that do not compile (no-compile);\n"
	       "the skeletons, failing at their TODOs (todo).\n\n",
	       runs);
	printf("  %-16s", "lesson");
	for (int m = 0; m < NMODES; m++)
		printf(" %10s", modes[m].title);
	printf(" %14s\n", "Helgrind");
	for (int i = 0; i < n; i++) {
		if (only && !lesson_find(&ls[i], 1, only))
			continue;
		char *lesson_arg = xasprintf("LESSON=%s", ls[i].slug);
		char *json = xasprintf("%s/bench-%s.json", out_dir, ls[i].slug);
		char *json_arg = xasprintf("JSON=%s", json);
		char *log = xasprintf("%s/bench-%s.log", out_dir, ls[i].slug);
		double med[NMODES] = {0}, hmed = 0, pass_med = 0;
		printf("  %-16s", ls[i].slug);
		fflush(stdout);
		for (int m = 0; m < NMODES; m++) {
			char *tree = modes[m].tree ? bench_tree(&ls[i], modes[m].tree) : NULL;
			char *src_arg = tree ? xasprintf("SRC=%s", tree) : NULL;
			char *argv[8] = {"make", "--no-print-directory", "-s", "check", lesson_arg, json_arg};
			int a = 6;
			if (src_arg)
				argv[a++] = src_arg;
			if (modes[m].arg1)
				argv[a++] = (char *)modes[m].arg1;
			if (modes[m].arg2)
				argv[a++] = (char *)modes[m].arg2;
			argv[a] = NULL;
			double *wall = xcalloc((size_t)runs, sizeof *wall), *hg = xcalloc((size_t)runs, sizeof *hg);
			if (m == 0)
				run(argv, log, 300, NULL); /* warm-up: make builds the kit */
			for (int r = 0; r < runs; r++) {
				run(argv, log, 300, &wall[r]);
				json_t *rep = json_load_file(json, 0, NULL), *ex;
				size_t k;
				json_array_foreach(json_object_get(lesson_json(rep), "exercises"), k, ex) {
					double sec = json_number_value(json_object_get(ex, "race_seconds"));
					if (sec > hg[r])
						hg[r] = sec;
				}
				json_decref(rep);
			}
			qsort(wall, (size_t)runs, sizeof *wall, cmp_double);
			qsort(hg, (size_t)runs, sizeof *hg, cmp_double);
			med[m] = wall[runs / 2];
			if (m == 0) {
				pass_med = med[m];
				hmed = hg[runs / 2];
			}
			printf(" %9.2fs", med[m]);
			fflush(stdout);
			free(wall);
			free(hg);
			free(src_arg);
			free(tree);
		}
		printf(" %6.2fs %4.0f%%\n", hmed, pass_med > 0 ? 100 * hmed / pass_med : 0);
		free(lesson_arg);
		free(json);
		free(json_arg);
		free(log);
	}
	printf("\nHelgrind: median of the longest Helgrind run in each full pass (they run after the Criterion suites, in\n"
	       "parallel with each other), and its share of the pass's wall time. Target: median <= 4 s per lesson.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"unit", required_argument, NULL, 'u'}, {"bench", no_argument, NULL, 'b'},
		{"runs", required_argument, NULL, 'r'}, {"lesson", required_argument, NULL, 'l'},
		{"soak", no_argument, NULL, 's'},       {"load", no_argument, NULL, 'L'},
		{"jobs", required_argument, NULL, 'j'}, {NULL, 0, NULL, 0},
	};
	const char *units = "", *only = NULL;
	bool do_bench = false, do_soak = false, load = false;
	int runs = 5, c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'u': units = optarg; break;
		case 'b': do_bench = true; break;
		case 'r': runs = atoi(optarg) > 0 ? atoi(optarg) : 1; break;
		case 'l': only = optarg; break;
		case 's': do_soak = true; break;
		case 'L': load = true; break;
		case 'j': kit_jobs = atoi(optarg) > 0 ? atoi(optarg) : 1; break;
		default:
			fputs("usage: kit-tests [--unit 'BIN...'] [--lesson L] [--jobs K] | --bench|--soak [--runs N] [--lesson L] [--load]\n",
			      stderr);
			return 2;
		}
	}
	if (make_dirs(out_dir) == -1) {
		perror(out_dir);
		return 2;
	}
	int n;
	struct lesson *ls = lessons_load(".", &n);
	if (do_bench) {
		bench(ls, n, only, runs);
		return 0;
	}
	if (do_soak)
		return soak(ls, n, only, runs, load);
	if (only && !lesson_find(ls, n, only)) {
		fprintf(stderr, "kit-tests: no lesson %s\n", only);
		return 2;
	}
	/* Orphans of our harness runs come to us, and count_strays() sees them. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1) {
		perror("kit-tests: prctl(PR_SET_CHILD_SUBREAPER)");
		return 2;
	}
	double t0 = now_s();
	test_stray_check();
	test_units(units);
	test_mutation_rules();
	test_clause_rules();
	test_hint_answer_rules();
	test_uncatalogued();
	struct lesson_gradings *gs = xcalloc((size_t)n + 1, sizeof *gs);
	int ng = 0;
	for (int i = 0; i < n; i++) {
		if (only && !lesson_find(&ls[i], 1, only))
			continue;
		test_parts(&ls[i]);
		test_mirror(&ls[i]);
		test_solutions(&ls[i]);
		test_skeletons(&ls[i]);
		prepare_gradings(&ls[i], &gs[ng++]);
	}
	printf("\ngrading the known-wrong variants and correct alternatives, %d at a time...\n", kit_jobs);
	fflush(stdout);
	run_gradings(gs, ng);
	for (int j = 0; j < ng; j++) {
		regrade_misses_alone(&gs[j]);
		report_variants(&gs[j]);
		report_alternatives(&gs[j]);
		test_clauses(gs[j].l);
		free_gradings(&gs[j]);
	}
	free(gs);
	int strays = count_strays(true);
	result(strays == 0, "no process left running by the grader (%d found)", strays);
	printf("\nkit tests took %.0f s\n%d passed, %d failed\n", now_s() - t0, passed, failed);
	return failed ? 1 : 0;
}
