/*
 * coverage.c - make coverage: the coverage build's environment, and what
 * gcovr says about it, in plain words (see coverage.h).
 */
#define _GNU_SOURCE
#include "coverage.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jobs.h"
#include "util.h"

#define GCOVR		 "/usr/bin/gcovr"
#define GCOVR_TIMEOUT_S	 120
#define MAX_DATA_BYTES	 (16u << 20)
#define MAX_REPORT_BYTES (32u << 20)
#define MAX_LISTED	 8 /* ranges or branches listed in the terminal; the HTML page has all */

char *coverage_link_flags(const char *kit)
{
	return xasprintf("%s/grader/lib/ct_coverage.o %s/libct_gcov.a -Wl,--wrap=ct_exit_now -Wl,--wrap=_exit "
			 "-Wl,--wrap=_Exit",
			 kit, kit);
}

char **coverage_kit_parts(const char *kit)
{
	char **parts = xcalloc(3, sizeof *parts);

	parts[0] = xasprintf("%s/grader/lib/ct_coverage.o", kit);
	parts[1] = xasprintf("%s/libct_gcov.a", kit);
	return parts;
}

char **coverage_env(const char *obj_abs, const char *run_dir)
{
	char **env = xcalloc(3, sizeof *env);
	char *real = realpath(run_dir, NULL);
	int strip = 0;

	/* gcov writes OBJ_ABS/student-cov.gcda: strip every directory of it, write it in the run's directory. */
	for (const char *p = obj_abs; *p; p++)
		strip += *p == '/';
	env[0] = xasprintf("GCOV_PREFIX=%s", real ? real : run_dir);
	env[1] = xasprintf("GCOV_PREFIX_STRIP=%d", strip);
	free(real);
	return env;
}

void coverage_collect(const char *run_dir, const char *obj_dir)
{
	char *from = xasprintf("%s/%s", run_dir, COVERAGE_DATA), *to = xasprintf("%s/%s", obj_dir, COVERAGE_DATA);
	size_t len;
	/* Written by the student's program: a regular file of bounded size, or nothing. */
	char *data = read_untrusted_file(from, MAX_DATA_BYTES, &len);

	if (unlink(to) == -1 && errno != ENOENT)
		fprintf(stderr, "concur: cannot remove %s: %s\n", to, strerror(errno));
	if (data && write_file_atomic(to, data, len, 0644) == -1)
		fprintf(stderr, "concur: cannot write %s: %s\n", to, strerror(errno));
	free(data);
	free(from);
	free(to);
}

/* ---- what gcovr found ---------------------------------------------------- */

/* Line n (1-based) of text, trimmed, at most 60 characters, into buf. */
static const char *line_text(const char *text, int n, char *buf, size_t size)
{
	const char *p = text;

	buf[0] = '\0';
	for (int i = 1; p && i < n; i++) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (!p)
		return buf;
	while (*p == ' ' || *p == '\t')
		p++;
	size_t len = strcspn(p, "\n");
	if (len > 60)
		snprintf(buf, size, "%.57s...", p);
	else
		snprintf(buf, size, "%.*s", (int)len, p);
	return buf;
}

struct line_cov {
	int number;
	long long count;
	int branches, taken;
	bool cited; /* named already, as the condition that kept lines from running */
};

/* The code lines of one file of gcovr's JSON report, in order; how many in *n. */
static struct line_cov *code_lines(json_t *file, int *n)
{
	json_t *lines = json_object_get(file, "lines"), *l;
	size_t i;
	struct line_cov *out = xcalloc(json_array_size(lines) + 1, sizeof *out);

	*n = 0;
	json_array_foreach(lines, i, l)
	{
		if (json_is_true(json_object_get(l, "gcovr/noncode")) ||
		    json_is_true(json_object_get(l, "gcovr/excluded")))
			continue;
		struct line_cov *c = &out[(*n)++];
		json_t *branches = json_object_get(l, "branches"), *b;
		size_t k;
		c->number = (int)json_integer_value(json_object_get(l, "line_number"));
		c->count = json_integer_value(json_object_get(l, "count"));
		json_array_foreach(branches, k, b)
		{
			c->branches++;
			c->taken += json_integer_value(json_object_get(b, "count")) > 0;
		}
	}
	return out;
}

static int percent(int part, int whole)
{
	return whole ? (int)(100.0 * part / whole) : 100;
}

/* "lines 40-44 ... (line 39 never went this way: if (pid == -1) {)": the code lines the tests never reached. */
static void print_not_run(FILE *f, struct line_cov *c, int n, const char *text)
{
	char what[80], guard[80];
	int listed = 0, more = 0;

	for (int i = 0; i < n; i++) {
		if (c[i].count > 0)
			continue;
		int j = i;
		while (j + 1 < n && c[j + 1].count == 0)
			j++;
		if (listed == MAX_LISTED) {
			more++;
			i = j;
			continue;
		}
		if (!listed++)
			fprintf(f, "    not run:\n");
		char where[32];
		if (c[j].number > c[i].number)
			snprintf(where, sizeof where, "lines %d-%d", c[i].number, c[j].number);
		else
			snprintf(where, sizeof where, "line %d", c[i].number);
		/* The condition that kept them from running: the nearest line before them with a branch not taken. */
		int g = i - 1;
		while (g >= 0 && !(c[g].branches > c[g].taken && c[g].count > 0))
			g--;
		line_text(text, c[i].number, what, sizeof what);
		if (g >= 0 && c[i].number - c[g].number <= 3) {
			fprintf(f, "      %-12s %s   (line %d never went this way: %s)\n", where, what, c[g].number,
				line_text(text, c[g].number, guard, sizeof guard));
			c[g].cited = true;
		} else
			fprintf(f, "      %-12s %s\n", where, what);
		i = j;
	}
	if (more)
		fprintf(f, "      (and %d more: see the HTML page)\n", more);
}

static void print_untaken(FILE *f, const struct line_cov *c, int n, const char *text)
{
	char what[80];
	int listed = 0, more = 0;

	for (int i = 0; i < n; i++) {
		if (c[i].count == 0 || c[i].branches == c[i].taken || c[i].cited)
			continue;
		if (listed == MAX_LISTED) {
			more++;
			continue;
		}
		if (!listed++)
			fprintf(f, "    conditions the tests never saw go every way:\n");
		fprintf(f, "      line %-7d %s   (%d of its %d branches never taken)\n", c[i].number,
			line_text(text, c[i].number, what, sizeof what), c[i].branches - c[i].taken, c[i].branches);
	}
	if (more)
		fprintf(f, "      (and %d more: see the HTML page)\n", more);
}

static void print_functions(FILE *f, json_t *file)
{
	json_t *fns = json_object_get(file, "functions"), *fn;
	size_t i;
	int never = 0;

	json_array_foreach(fns, i, fn)
	{
		if (json_integer_value(json_object_get(fn, "execution_count")) > 0)
			continue;
		fprintf(f, "%s %s() (line %d)", never++ ? "," : "    functions never called:",
			json_string_value(json_object_get(fn, "name")) ? json_string_value(json_object_get(fn, "name"))
								       : "?",
			(int)json_integer_value(json_object_get(fn, "lineno")));
	}
	if (never)
		fputc('\n', f);
}

static void print_file(FILE *f, json_t *file, const char *text)
{
	int n = 0, run = 0, branches = 0, taken = 0;
	struct line_cov *c = code_lines(file, &n);
	const char *name = json_string_value(json_object_get(file, "file"));
	const char *base = name && strrchr(name, '/') ? strrchr(name, '/') + 1 : name ? name : "?";

	for (int i = 0; i < n; i++) {
		run += c[i].count > 0;
		branches += c[i].branches;
		taken += c[i].taken;
	}
	if (branches)
		fprintf(f, "  %s: %d%% of lines (%d of %d), %d%% of branches (%d of %d)\n", base, percent(run, n), run,
			n, percent(taken, branches), taken, branches);
	else
		fprintf(f, "  %s: %d%% of lines (%d of %d), no branches\n", base, percent(run, n), run, n);
	print_not_run(f, c, n, text ? text : "");
	print_untaken(f, c, n, text ? text : "");
	print_functions(f, file);
	free(c);
}

/* The tests whose coverage is lost: they were killed (crashed, out of time). */
static void print_lost(FILE *f, const struct exercise_result *x)
{
	int lost = 0;

	for (int i = 0; i < x->ntests; i++) {
		const struct test_result *t = &x->tests[i];
		if (t->hidden || (t->status != TEST_CRASHED && t->status != TEST_TIMED_OUT))
			continue;
		if (!lost++)
			fprintf(
			    f,
			    "    not counted: these tests were killed before they could say what they ran (the lines "
			    "only they reached show as not run):\n");
		if (lost <= MAX_LISTED)
			fprintf(f, "      %s (%s)\n", t->name,
				t->status == TEST_CRASHED ? "crashed" : "ran out of time");
	}
	if (lost > MAX_LISTED)
		fprintf(f, "      (and %d more)\n", lost - MAX_LISTED);
}

static void print_tests(FILE *f, const struct exercise_result *x)
{
	int passed = 0, shown = 0;

	for (int i = 0; i < x->ntests; i++)
		passed += !x->tests[i].hidden && x->tests[i].status == TEST_PASSED;
	for (int i = 0; i < x->ntests; i++)
		shown += !x->tests[i].hidden;
	fprintf(f, "\n%s: the %d tests of %s() ran %s (%d passed)\n", x->ex->name, shown, x->ex->function, x->source,
		passed);
}

/* Copies file from to, with its times (gcov refuses a source newer than its notes).  0 or -1. */
static int copy_with_times(const char *from, const char *to)
{
	size_t len;
	char *text = read_untrusted_file(from, 4u << 20, &len), *dir = xstrdup(to), *slash = strrchr(dir, '/');
	struct stat st;
	int rc = -1;

	if (slash)
		*slash = '\0';
	if (text && stat(from, &st) == 0 && (!slash || make_dirs(dir) == 0) &&
	    write_file_atomic(to, text, len, 0644) == 0) {
		struct timespec times[2] = {st.st_atim, st.st_mtim};
		rc = utimensat(AT_FDCWD, to, times, 0);
	}
	free(dir);
	free(text);
	return rc;
}

/*
 * The sources gcov reads, in root, a directory it may write in (it writes
 * its .gcov files where it runs): the student's file under the name the
 * #line of the build's copy gave it (exercises/NN-slug/NAME.c, relative
 * to where it was compiled), and the headers beside it.
 */
static void stage_sources(const struct exercise_result *x, const char *dir, const char *root)
{
	char *src = xasprintf("%s/src", dir);
	DIR *d = opendir(src);
	struct dirent *e;

	if (x->source[0] != '/' && !strstr(x->source, "..")) {
		char *to = xasprintf("%s/%s", root, x->source);
		if (copy_with_times(x->source, to) == -1)
			fprintf(stderr, "concur: cannot copy %s for gcovr; its page will lack the source\n", x->source);
		free(to);
	}
	while (d && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 3 || strcmp(e->d_name + len - 2, ".h") != 0)
			continue;
		char *from = xasprintf("%s/%s", src, e->d_name), *to = xasprintf("%s/%s", root, e->d_name);
		if (copy_with_times(from, to) == -1)
			fprintf(stderr, "concur: cannot copy %s for gcovr\n", from);
		free(from);
		free(to);
	}
	if (d)
		closedir(d);
	free(src);
}

/* Runs gcovr, sandboxed, on the counts in obj_abs; its outputs in out_abs, run in root_abs.  0 or -1. */
static int gcovr_job(const struct exercise_result *x, const char *dir, const char *obj_abs, const char *out_abs,
		     const char *root_abs)
{
	char *json = xasprintf("%s/coverage.json", out_abs), *html = xasprintf("%s/index.html", out_abs);
	char *title = xasprintf("concur: what the tests of %s() ran", x->ex->function);
	char *argv[] = {GCOVR,
			"--root",
			(char *)root_abs,
			"--object-directory",
			(char *)obj_abs,
			"--json",
			json,
			"--html-details",
			html,
			"--html-title",
			title,
			(char *)obj_abs,
			NULL};
	/* The counts are the student's program's output: gcov reads them sandboxed, confined. */
	struct job j = {.argv = argv,
			.cwd = root_abs,
			.out_path = xasprintf("%s/gcovr.log", dir),
			.timeout_s = GCOVR_TIMEOUT_S,
			.untrusted = true,
			.as_mib = 4096,
			.nproc = 64,
			.confine = true,
			.ro_paths = {obj_abs},
			.rw_paths = {out_abs}};
	struct job *list[] = {&j};
	char how[128];
	int rc = -1;

	if (jobs_prepare_dir(out_abs, &j) == 0 && jobs_prepare_dir(root_abs, &j) == 0) {
		jobs_run(list, 1, 1);
		if (job_exited_with(&j, 0))
			rc = 0;
		else
			fprintf(stderr, "concur: gcovr %s: see %s/gcovr.log\n", job_describe(&j, how, sizeof how), dir);
	} else {
		fprintf(stderr, "concur: cannot prepare %s for gcovr: %s\n", out_abs, strerror(errno));
	}
	if (j.confined) { /* bubblewrap's argv, made for the job; argv is ours */
		for (char **a = j.argv; *a; a++)
			free(*a);
		free(j.argv);
	}
	free((char *)j.out_path);
	free(title);
	free(html);
	free(json);
	return rc;
}

/* Runs gcovr on one exercise's coverage build in dir; 0, or -1 after a message. */
static int run_gcovr(const struct exercise_result *x, const char *dir, char **json_path, char **html_path)
{
	char *obj = xasprintf("%s/%s", dir, COVERAGE_DIR), *out = xasprintf("%s/html", dir);
	char *root = xasprintf("%s/src", out), *data = xasprintf("%s/%s", obj, COVERAGE_DATA);
	char *obj_abs = NULL, *out_abs = NULL, *root_abs = NULL;
	int rc = -1;

	*json_path = xasprintf("%s/coverage.json", out);
	*html_path = xasprintf("%s/index.html", out);
	if (!file_exists(data)) {
		fprintf(stderr, "  no test wrote what it ran: %s\n",
			x->checks[CHECK_CORRECTNESS].summary ? x->checks[CHECK_CORRECTNESS].summary
							     : "the tests did not run");
	} else if (access(GCOVR, X_OK) == -1) {
		fprintf(stderr, "concur: make coverage needs gcovr:  apt-get install gcovr\n");
	} else {
		remove_tree(out); /* its files belong to the last run's sandbox user */
		if (make_dirs(root) == -1 || !(obj_abs = realpath(obj, NULL)) || !(out_abs = realpath(out, NULL)) ||
		    !(root_abs = realpath(root, NULL))) {
			fprintf(stderr, "concur: cannot create %s: %s\n", root, strerror(errno));
		} else {
			stage_sources(x, dir, root);
			rc = gcovr_job(x, dir, obj_abs, out_abs, root_abs);
		}
	}
	free(root_abs);
	free(out_abs);
	free(obj_abs);
	free(data);
	free(root);
	free(out);
	free(obj);
	return rc;
}

int coverage_report(FILE *f, const struct lesson_result *r, const char *build_root)
{
	int status = 0;

	for (int i = 0; i < r->nresults; i++) {
		const struct exercise_result *x = &r->results[i];
		char *dir = xasprintf("%s/%s/%s", build_root, r->lesson->slug, x->ex->name);
		char *json_path = NULL, *html_path = NULL;

		print_tests(f, x);
		fflush(f);
		if (run_gcovr(x, dir, &json_path, &html_path) == -1) {
			status = 2;
		} else {
			size_t len;
			/* gcovr read the student's program's output: its report is read as untrusted too. */
			char *text = read_untrusted_file(json_path, MAX_REPORT_BYTES, &len);
			json_t *report = text ? json_loadb(text, len, 0, NULL) : NULL, *file;
			char *source = read_file(x->source, 4u << 20);
			size_t k;
			free(text);
			if (!json_is_array(json_object_get(report, "files")) ||
			    !json_array_size(json_object_get(report, "files"))) {
				fprintf(stderr, "  gcovr's report %s has no file in it\n", json_path);
				status = 2;
			}
			json_array_foreach(json_object_get(report, "files"), k, file)
			{
				/* Only the student's file is instrumented; an inline function of a header would come
				 * too. */
				const char *name = json_string_value(json_object_get(file, "file"));
				bool student = name && strcmp(name, x->source) == 0;
				char *path = !student && name && !strstr(name, "..")
						 ? xasprintf("%s/html/src/%s", dir, name)
						 : NULL;
				char *other = path ? read_file(path, 4u << 20) : NULL;
				print_file(f, file, student ? source : other);
				free(other);
				free(path);
			}
			print_lost(f, x);
			fprintf(f, "  Line by line: %s\n", html_path);
			json_decref(report);
			free(source);
		}
		free(json_path);
		free(html_path);
		free(dir);
	}
	return status;
}
