/*
 * build.c - compile, screen and link one student file (see build.h).
 */
#define _GNU_SOURCE
#include "build.h"

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "coverage.h"
#include "ct_driver_yield.h"
#include "screen.h"
#include "util.h"
#include "wrap_flags.h"

/* Splits a space-separated string into a NULL-terminated argv, appended to argv[0..*n). */
static void append_words(char ***argv, int *n, const char *s)
{
	char *copy = xstrdup(s), *save = NULL;

	for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		*argv = xrealloc(*argv, (size_t)(*n + 2) * sizeof **argv);
		(*argv)[(*n)++] = xstrdup(w);
		(*argv)[*n] = NULL;
	}
	free(copy);
}

static void append(char ***argv, int *n, const char *w) { append_words(argv, n, w); }

/*
 * How students' files are compiled and linked; the environment variables
 * CONCUR_CC, CONCUR_CFLAGS, CONCUR_TEST_LDFLAGS and CONCUR_DRIVER_LDFLAGS
 * override them.  The test program wraps the calls that ct_api.h counts.
 */
#define DEFAULT_CFLAGS "-std=gnu11 -O0 -g -gdwarf-4 -fno-omit-frame-pointer -Wall -Wextra -pthread"
/* Compiling one small file takes well under a second: this is for a file that includes /dev/zero. */
#define COMPILE_TIMEOUT_S 10
#define COMPILE_AS_MIB 1024
/* Headers of the kit's own that every skeleton includes, copied beside the pristine ones. */
static const char *const kit_headers[] = {"grader/lib/concur_todo.h", NULL};
/* --wrap for every call of the wrap table (grader/lib/ct_wraps.h), then the libraries. */
#define DEFAULT_TEST_LDFLAGS wrap_test_ldflags()
#define DEFAULT_DRIVER_LDFLAGS CT_DRIVER_WRAP_LDFLAGS " -pthread"

static const char *env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);

	return v && *v ? v : fallback;
}

static bool newer_than_all(const char *out, const char *const *ins)
{
	long long t = mtime_ns(out);

	if (!t)
		return false;
	for (; *ins; ins++)
		if (mtime_ns(*ins) >= t)
			return false;
	return true;
}

/* Other .c files beside the missing one: perhaps it was renamed. */
static char *list_other_sources(const char *dir, const struct lesson *l)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *list = xstrdup("");

	if (!d)
		return list;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		bool known = false;

		if (len < 3 || strcmp(e->d_name + len - 2, ".c") != 0)
			continue;
		for (int i = 0; i < l->nexercises; i++) {
			char *want = xasprintf("%s.c", l->exercises[i].name);
			known |= strcmp(want, e->d_name) == 0;
			free(want);
		}
		if (!known) {
			char *more = xasprintf("%s%s%s", list, *list ? ", " : "", e->d_name);
			free(list);
			list = more;
		}
	}
	closedir(d);
	return list;
}

static void missing_source(struct build *b, const char *root)
{
	char *dir = xstrdup(b->path ? b->path : b->source), *slash = strrchr(dir, '/');
	char *others;

	if (slash)
		*slash = '\0';
	others = list_other_sources(dir, b->lesson);
	/* The student's own tree has make reset; another tree, a fresh copy of the kit. */
	char *back = strncmp(b->source, "exercises/", 10) == 0
			     ? xasprintf("make reset LESSON=%d EXERCISE=%s", b->lesson->number, b->ex->name)
			     : xasprintf("git checkout -- %s", b->source);
	b->problem = xasprintf(
		"%s is missing, so %s() cannot be graded.\n"
		"%s%s%s"
		"To get the original skeleton back:  %s\n"
		"(or copy it from a fresh copy of the kit; %s%ssolutions/%s/%s.c is the reference solution)",
		b->source, b->ex->function, *others ? "Found other files there: " : "", others,
		*others ? ". If you renamed the file, give it its name back.\n" : "", back,
		strcmp(root, ".") ? root : "", strcmp(root, ".") ? "/" : "", b->lesson->slug, b->ex->name);
	free(back);
	free(others);
	free(dir);
}

/* Writes dst only if its content would change, so its mtime means "changed". */
static int update_file(const char *dst, const char *content)
{
	char *old = read_file(dst, strlen(content) + 1);
	int same = old && strcmp(old, content) == 0;

	free(old);
	return same ? 0 : write_file(dst, content);
}

/*
 * Writes the command line argv into stamp (only if it changed, so that
 * the stamp's mtime is when the command last changed).  0 or -1.
 */
static int write_stamp(const char *stamp, char **argv)
{
	char *text = xstrdup("");

	for (char **a = argv; *a; a++) {
		char *more = xasprintf("%s%s\n", text, *a);
		free(text);
		text = more;
	}
	int rc = update_file(stamp, text);
	free(text);
	return rc;
}

/*
 * The files listed in a make dependency file ("obj: a.c b.h \\\n c.h"),
 * NULL-terminated, or NULL if it cannot be read.  Spaces in names are
 * escaped as "\\ ".
 */
static char **read_depfile(const char *path)
{
	char *text = read_file(path, 1 << 20);
	char **files = NULL, *w;
	int n = 0;

	if (!text)
		return NULL;
	char *p = strchr(text, ':');
	if (!p) {
		free(text);
		return NULL;
	}
	char *name = xcalloc(strlen(p) + 1, 1);
	for (p++; *p;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || (*p == '\\' && p[1] == '\n'))
			p += *p == '\\' ? 2 : 1;
		if (!*p)
			break;
		for (w = name; *p && *p != ' ' && *p != '\t' && *p != '\n'; p++) {
			if (*p == '\\' && p[1] == ' ')
				p++;
			else if (*p == '\\' && p[1] == '\n')
				break;
			*w++ = *p;
		}
		*w = '\0';
		if (*name) {
			files = xrealloc(files, (size_t)(n + 2) * sizeof *files);
			files[n++] = xstrdup(name);
			files[n] = NULL;
		}
	}
	free(name);
	free(text);
	return files ? files : xcalloc(1, sizeof *files);
}

static void free_list(char **list)
{
	for (char **p = list; p && *p; p++)
		free(*p);
	free(list);
}

/* Whether out is newer than every file the compiler read (dependency file) and the stamp. */
static bool object_current(const struct build *b, const char *src_dir, const char *stamp)
{
	char **deps = read_depfile(b->depfile);
	bool current = deps != NULL && file_exists(b->compile_log);

	/* The compiler ran in src_dir: names in the list are relative to it. */
	for (char **d = deps; current && *d; d++) {
		char *path = (*d)[0] == '/' ? xstrdup(*d) : xasprintf("%s/%s", src_dir, *d);
		const char *one[] = {path, NULL};
		current = newer_than_all(b->object, one);
		free(path);
	}
	const char *ins[] = {b->copy, stamp, NULL};
	current = current && newer_than_all(b->object, ins);
	free_list(deps);
	return current;
}

/* The hidden suite's compile, if its object is out of date (it is the instructor's code: not sandboxed). */
static int hidden_compile(struct build *b, const char *root, struct job *job)
{
	const char *kit = env_or("CONCUR_KIT", "build/kit");
	char *dir = xasprintf("%s/hidden-obj", b->dir);

	b->hidden_obj = xasprintf("%s/hidden.o", dir);
	if (make_dirs(dir) == -1) {
		b->problem = xasprintf("cannot create %s", dir);
		free(dir);
		return 0;
	}
	char **argv = NULL;
	int n = 0;
	append(&argv, &n, env_or("CONCUR_CC", "gcc"));
	append_words(&argv, &n, "-std=gnu11 -O2 -g -gdwarf-4 -Wall -Wextra -pthread");
	char *inc_kit = xasprintf("-I%s/include", kit), *inc_lib = xasprintf("-I%s/grader/lib", root);
	char *inc_sol = xasprintf("-I%s/solutions/%s", root, b->lesson->slug);
	append(&argv, &n, inc_kit);
	append(&argv, &n, inc_lib);
	append(&argv, &n, inc_sol);
	append(&argv, &n, "-c");
	append(&argv, &n, b->hidden_src);
	append(&argv, &n, "-o");
	append(&argv, &n, b->hidden_obj);
	free(inc_kit);
	free(inc_lib);
	free(inc_sol);
	char *stamp = xasprintf("%s/hidden.cmd", dir);
	const char *ins[] = {b->hidden_src, stamp, NULL};
	bool current = write_stamp(stamp, argv) == 0 && newer_than_all(b->hidden_obj, ins);
	free(stamp);
	if (current) {
		free_list(argv);
		free(dir);
		return 0;
	}
	remove(b->hidden_obj);
	*job = (struct job){.argv = argv, .out_path = xasprintf("%s/hidden-compile.log", b->dir), .timeout_s = 120};
	free(dir);
	return 1;
}

/* The compiler's argv for the student's copy into DIR/OUT.o (and OUT.d), with more flags (or NULL). */
static char **compile_argv(const struct build *b, const char *dir, const char *out, const char *more)
{
	char **argv = NULL;
	int n = 0;
	append(&argv, &n, env_or("CONCUR_CC", "gcc"));
	append_words(&argv, &n, env_or("CONCUR_CFLAGS", DEFAULT_CFLAGS));
	if (more)
		append_words(&argv, &n, more);
	char *map = xasprintf("-fdebug-prefix-map=%s=.", b->src_abs), *name = xasprintf("%s.c", b->ex->name);
	char *obj = xasprintf("%s/%s.o", dir, out), *dep = xasprintf("%s/%s.d", dir, out);
	append(&argv, &n, map);
	append(&argv, &n, "-I.");
	append(&argv, &n, "-MMD");
	append(&argv, &n, "-MF");
	append(&argv, &n, dep);
	append(&argv, &n, "-c");
	append(&argv, &n, name);
	append(&argv, &n, "-o");
	append(&argv, &n, obj);
	free(map);
	free(name);
	free(obj);
	free(dep);
	return argv;
}

const char *build_student_cflags(void) { return env_or("CONCUR_CFLAGS", DEFAULT_CFLAGS); }

/* The student's object, if it is out of date: 1 with *job filled. */
static int student_compile(struct build *b, const char *root, struct job *job)
{
	char *src_dir = xasprintf("%s/src", b->dir);
	char *text;
	DIR *d;
	struct dirent *e;

	b->copy = xasprintf("%s/%s.c", src_dir, b->ex->name);
	b->obj_dir = xasprintf("%s/obj", b->dir);
	b->bin_dir[0] = xasprintf("%s/bin-test", b->dir);
	b->bin_dir[1] = xasprintf("%s/bin-race", b->dir);
	b->bin_dir[2] = xasprintf("%s/bin-hidden", b->dir);
	b->object = xasprintf("%s/student.o", b->obj_dir);
	b->depfile = xasprintf("%s/student.d", b->obj_dir);
	b->test_bin = xasprintf("%s/test", b->bin_dir[0]);
	b->driver_bin = xasprintf("%s/race", b->bin_dir[1]);
	b->hidden_bin = xasprintf("%s/hidden", b->bin_dir[2]);
	b->compile_log = xasprintf("%s/compile.log", b->dir);
	if (make_dirs(src_dir) == -1 || make_dirs(b->obj_dir) == -1 || make_dirs(b->bin_dir[0]) == -1 ||
	    make_dirs(b->bin_dir[1]) == -1 || make_dirs(b->bin_dir[2]) == -1) {
		b->problem = xasprintf("cannot create the directories of %s", b->dir);
		free(src_dir);
		return 0;
	}
	text = read_file(b->path ? b->path : b->source, 4 << 20);
	if (!text) {
		missing_source(b, root);
		free(src_dir);
		return 0;
	}
	/* What could read a file the compiler was not given is refused before it runs. */
	b->problem = screen_source(text, b->source);
	/* The copy: #line keeps diagnostics at the student's own path. */
	char *with_line = xasprintf("#line 1 \"%s\"\n%s", b->source, text);
	if (!b->problem && update_file(b->copy, with_line) == -1)
		b->problem = xasprintf("cannot write %s", b->copy);
	free(with_line);
	free(text);
	/* The pristine headers of the lesson, beside the copy. */
	char *pristine = xasprintf("%s/solutions/%s", root, b->lesson->slug);
	d = opendir(pristine);
	while (d && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len > 2 && strcmp(e->d_name + len - 2, ".h") == 0) {
			char *from = xasprintf("%s/%s", pristine, e->d_name);
			char *to = xasprintf("%s/%s", src_dir, e->d_name);
			char *h = read_file(from, 1 << 20);
			if (!h || update_file(to, h) == -1)
				b->problem = xasprintf("cannot copy the header %s", from);
			free(h);
			free(from);
			free(to);
		}
	}
	if (d)
		closedir(d);
	free(pristine);
	for (int i = 0; !b->problem && kit_headers[i]; i++) {
		char *from = xasprintf("%s/%s", root, kit_headers[i]);
		char *to = xasprintf("%s/%s", src_dir, strrchr(kit_headers[i], '/') + 1);
		char *h = read_file(from, 1 << 20);
		if (!h || update_file(to, h) == -1)
			b->problem = xasprintf("cannot copy the header %s", from);
		free(h);
		free(from);
		free(to);
	}
	if (b->problem) {
		free(src_dir);
		return 0;
	}
	/*
	 * Run in the source directory, the one the compiler may read (with the
	 * system's headers): names relative to it, the outputs by absolute
	 * path, and no absolute path in the debug information.
	 */
	b->src_abs = realpath(src_dir, NULL);
	b->obj_abs = realpath(b->obj_dir, NULL);
	b->bin_abs[0] = realpath(b->bin_dir[0], NULL);
	b->bin_abs[1] = realpath(b->bin_dir[1], NULL);
	b->bin_abs[2] = realpath(b->bin_dir[2], NULL);
	if (!b->src_abs || !b->obj_abs || !b->bin_abs[0] || !b->bin_abs[1] || !b->bin_abs[2]) {
		b->problem = xasprintf("cannot find the directories of %s", b->dir);
		free(src_dir);
		return 0;
	}
	const char *src_abs = b->src_abs, *obj_abs = b->obj_abs;
	char **argv = compile_argv(b, obj_abs, "student", NULL);
	char *stamp = xasprintf("%s/compile.cmd", b->dir);
	if (write_stamp(stamp, argv) == -1)
		b->problem = xasprintf("cannot write %s", stamp);
	bool current = !b->problem && object_current(b, src_dir, stamp);
	free(stamp);
	if (current || b->problem) {
		free_list(argv);
		return 0;
	}
	remove(b->object);
	remove(b->depfile);
	/* The student's file is the compiler's input: it runs sandboxed, and sees only what it needs. */
	*job = (struct job){.argv = argv, .out_path = xstrdup(b->compile_log), .timeout_s = COMPILE_TIMEOUT_S,
			    .untrusted = true, .as_mib = COMPILE_AS_MIB, .nproc = 64, .confine = true,
			    .cwd = src_abs, .ro_paths = {src_abs}, .rw_paths = {obj_abs}};
	if (jobs_prepare_dir(b->obj_dir, job) == -1)
		b->problem = xasprintf("cannot prepare %s", b->obj_dir);
	free(src_dir);
	return b->problem ? 0 : 1;
}

/*
 * The coverage build (make coverage) compiles the same copy once more,
 * instrumented, into COVERAGE_DIR/student-cov.o (a directory of its own:
 * each compile writes as a sandbox user of its own); the plain object is
 * still the one the screen sees.  Always compiled afresh, with any old
 * counts removed, since counts belong to the notes (.gcno) of one compile.
 */
static int coverage_compile(struct build *b, struct job *job)
{
	b->cov_dir = xasprintf("%s/%s", b->dir, COVERAGE_DIR);
	char *stem = xstrndup(COVERAGE_OBJECT, strlen(COVERAGE_OBJECT) - 2);

	remove_tree(b->cov_dir); /* the files of the last one belong to other sandbox users */
	if (make_dirs(b->cov_dir) == -1 || !(b->cov_abs = realpath(b->cov_dir, NULL)))
		b->problem = xasprintf("cannot create %s", b->cov_dir);
	else
		*job = (struct job){.argv = compile_argv(b, b->cov_abs, stem, COVERAGE_CFLAGS),
				    .out_path = xasprintf("%s/compile-cov.log", b->dir), .timeout_s = COMPILE_TIMEOUT_S,
				    .untrusted = true, .as_mib = COMPILE_AS_MIB, .nproc = 64, .confine = true,
				    .cwd = b->src_abs, .ro_paths = {b->src_abs}, .rw_paths = {b->cov_abs}};
	if (!b->problem && jobs_prepare_dir(b->cov_dir, job) == -1)
		b->problem = xasprintf("cannot prepare %s", b->cov_dir);
	free(stem);
	return b->problem ? 0 : 1;
}

/*
 * RACE=tsan: the same copy compiled with -fsanitize=thread into obj-tsan/
 * (sandboxed, like the student's compile), and the lesson's driver too (by
 * the harness: it is the kit's code), to be linked with ThreadSanitizer's
 * runtime.  The plain object is still the one the screen sees.
 */
#define TSAN_FLAGS "-fsanitize=thread"
static int tsan_compile(struct build *b, const char *root, struct job *jobs)
{
	b->tsan_dir = xasprintf("%s/obj-tsan", b->dir);
	remove_tree(b->tsan_dir);
	if (make_dirs(b->tsan_dir) == -1 || !(b->tsan_abs = realpath(b->tsan_dir, NULL))) {
		b->problem = xasprintf("cannot create %s", b->tsan_dir);
		return 0;
	}
	jobs[0] = (struct job){.argv = compile_argv(b, b->tsan_abs, "student", TSAN_FLAGS),
			       .out_path = xasprintf("%s/compile-tsan.log", b->dir), .timeout_s = COMPILE_TIMEOUT_S,
			       .untrusted = true, .as_mib = 0 /* TSan maps terabytes of shadow memory */, .nproc = 64,
			       .confine = true, .cwd = b->src_abs, .ro_paths = {b->src_abs}, .rw_paths = {b->tsan_abs}};
	if (jobs_prepare_dir(b->tsan_dir, &jobs[0]) == -1) {
		b->problem = xasprintf("cannot prepare %s", b->tsan_dir);
		return 0;
	}
	char **argv = NULL;
	int n = 0;
	append(&argv, &n, env_or("CONCUR_CC", "gcc"));
	append_words(&argv, &n, "-std=gnu11 -O1 -g -Wall -Wextra -pthread " TSAN_FLAGS);
	char *inc_kit = xasprintf("-I%s/include", env_or("CONCUR_KIT", "build/kit"));
	char *inc_lib = xasprintf("-I%s/grader/lib", root), *inc_sol = xasprintf("-I%s/solutions/%s", root, b->lesson->slug);
	char *src = xasprintf("%s/grader/%s/race_%s.c", root, b->lesson->slug, b->ex->name);
	char *out = xasprintf("%s/driver.o", b->tsan_abs);
	append(&argv, &n, inc_kit);
	append(&argv, &n, inc_lib);
	append(&argv, &n, inc_sol);
	append(&argv, &n, "-c");
	append(&argv, &n, src);
	append(&argv, &n, "-o");
	append(&argv, &n, out);
	jobs[1] = (struct job){.argv = argv, .out_path = xasprintf("%s/compile-tsan-driver.log", b->dir), .timeout_s = 120};
	free(inc_kit);
	free(inc_lib);
	free(inc_sol);
	free(src);
	free(out);
	return 2;
}

int build_prepare(struct build *b, const char *root, struct job *jobs)
{
	b->compile_job = b->hidden_job = b->cov_job = b->tsan_job = b->tsan_driver_job = -1;
	int n = 0;
	if (student_compile(b, root, &jobs[n]) && !b->problem)
		b->compile_job = n++;
	if (!b->problem && b->hidden_src && hidden_compile(b, root, &jobs[n]))
		b->hidden_job = n++;
	if (!b->problem && b->coverage && coverage_compile(b, &jobs[n]))
		b->cov_job = n++;
	if (!b->problem && b->tsan && build_has_driver(b) && tsan_compile(b, root, &jobs[n]) == 2) {
		b->tsan_job = n++;
		b->tsan_driver_job = n++;
	}
	return b->problem ? 0 : n;
}

/*
 * Compiler output with the diagnostics about the student's file first, cut to
 * MAX_LOG_LINES (the first error matters most; the log file has the rest).
 */
#define MAX_LOG_LINES 30
static char *student_lines_first(const char *log, const char *source, const char *log_path)
{
	size_t len = strlen(log);
	char *first = xcalloc(len + 1, 1), *rest = xcalloc(len + 1, 1);
	const char *p = log;
	int lines = 0;

	bool student_block = false;

	/* A diagnostic starts at an unindented line; its source excerpt follows, indented. */
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p + 1) : strlen(p);
		if (*p != ' ')
			student_block = strncmp(p, source, strlen(source)) == 0;
		strncat(student_block ? first : rest, p, n);
		p += n;
		lines++;
	}
	char *all = xasprintf("%s%s", first, rest);
	free(first);
	free(rest);
	if (lines <= MAX_LOG_LINES)
		return all;
	char *cut = all;
	for (int i = 0; i < MAX_LOG_LINES && cut; i++) {
		cut = strchr(cut, '\n');
		if (cut)
			cut++;
	}
	if (cut)
		*cut = '\0';
	char *out = xasprintf("%s... (%d more lines in %s)", all, lines - MAX_LOG_LINES, log_path);
	free(all);
	return out;
}

void build_after_compile(struct build *b, const struct job *jobs)
{
	const struct job *compile = b->compile_job >= 0 ? &jobs[b->compile_job] : NULL;
	char *log = read_file(b->compile_log, 256 << 10);

	if (!b->problem && b->hidden_job >= 0 && !job_exited_with(&jobs[b->hidden_job], 0))
		b->problem = xasprintf("the instructor's hidden tests for %s() do not compile (a fault of the hidden "
				       "suite, not of your code): see %s/hidden-compile.log",
				       b->ex->function, b->dir);

	if (b->problem) {
		free(log);
		return;
	}
	if (compile && compile->timed_out) {
		b->problem = xasprintf("%s did not compile within %d s, the compiler's time limit (a small file takes "
				       "well under a second): does it include a file that never ends, or something "
				       "huge? Fix that, then run make check again",
				       b->source, COMPILE_TIMEOUT_S);
		b->log = student_lines_first(log ? log : "", b->source, b->compile_log);
	} else if (compile && !job_exited_with(compile, 0)) {
		char how[128];
		b->problem = xasprintf("%s does not compile (the compiler %s): fix the first error in the "
				       "compiler output below, then run make check again",
				       b->source, job_describe(compile, how, sizeof how));
		b->log = student_lines_first(log ? log : "", b->source, b->compile_log);
	} else if (!file_exists(b->object)) {
		b->problem = xasprintf("%s was not compiled (no object file)", b->source);
	} else if (b->tsan_job >= 0 && !job_exited_with(&jobs[b->tsan_job], 0)) {
		b->problem = xasprintf("%s compiles, but not with ThreadSanitizer (" TSAN_FLAGS "): see %s/compile-tsan.log; "
				       "or check without RACE=tsan",
				       b->source, b->dir);
	} else if (b->tsan_driver_job >= 0 && !job_exited_with(&jobs[b->tsan_driver_job], 0)) {
		b->problem = xasprintf("the race driver does not compile with ThreadSanitizer (a fault of the kit): see "
				       "%s/compile-tsan-driver.log",
				       b->dir);
	} else if (b->cov_job >= 0 && !job_exited_with(&jobs[b->cov_job], 0)) {
		b->problem = xasprintf("%s compiles, but not with coverage (%s): see %s/compile-cov.log", b->source,
				       COVERAGE_CFLAGS, b->dir);
	} else if (log && *log) {
		b->log = student_lines_first(log, b->source, b->compile_log); /* warnings */
	}
	free(log);
}

int build_screen_jobs(struct build *b, struct job *jobs)
{
	if (b->problem)
		return 0;
	char *object = xasprintf("%s/student.o", b->obj_abs);
	int n = screen_jobs(object, b->dir, jobs);
	for (int i = 0; i < n; i++) {
		jobs[i].confine = true;
		jobs[i].ro_paths[0] = b->obj_abs;
	}
	free(object);
	return n;
}

void build_after_screen(struct build *b, const struct job *jobs, int n)
{
	if (b->problem || n != SCREEN_JOBS)
		return;
	char *symbols = read_file(jobs[0].out_path, 4 << 20), *sections = read_file(jobs[1].out_path, 1 << 20);
	char *code = read_file(jobs[2].out_path, 16 << 20);
	bool listed = symbols && sections && code;
	for (int i = 0; i < n; i++)
		listed = listed && job_exited_with(&jobs[i], 0);
	if (!listed) {
		b->problem = xasprintf("the grader could not list the symbols, sections and code of %s (nm, readelf "
				       "and objdump, from binutils, must be installed)",
				       b->object);
	} else {
		char *header = xasprintf("%s.h", b->ex->name);
		b->problem = screen_check(symbols, sections, b->source, b->ex->function, header,
					  (const char *const *)b->ex->allowed_calls);
		free(header);
		/* Kept for the harness to follow the calls of signal handlers (collect.c). */
		char *path = xasprintf("%s/callgraph.json", b->dir);
		json_t *graph = screen_callgraph(code);
		if (json_dump_file(graph, path, JSON_COMPACT) == -1)
			fprintf(stderr, "concur: cannot write %s\n", path);
		json_decref(graph);
		free(path);
	}
	free(symbols);
	free(sections);
	free(code);
}

bool build_has_driver(const struct build *b) { return b->ex->points[CHECK_RACES] > 0 && !b->coverage; }

int build_link_jobs(struct build *b, struct job *links)
{
	if (b->problem)
		return 0;
	char *kit = b->kit_abs = realpath(env_or("CONCUR_KIT", "build/kit"), NULL);
	if (!kit) {
		b->problem = xasprintf("the grader's own build directory %s is missing: run make, not the harness alone",
				       env_or("CONCUR_KIT", "build/kit"));
		return 0;
	}
	/* The coverage build links the instrumented object instead (the plain one was screened). */
	const char *obj_dir = b->coverage ? b->cov_abs : b->obj_abs;
	char *object = xasprintf("%s/%s", obj_dir, b->coverage ? COVERAGE_OBJECT : "student.o");
	/* Where the linker, confined, can see it. */
	char *hidden_obj = b->hidden_obj ? realpath(b->hidden_obj, NULL) : NULL;
	char *hidden_dir = hidden_obj ? xstrdup(hidden_obj) : NULL;
	if (hidden_dir)
		*strrchr(hidden_dir, '/') = '\0';
	if (b->hidden_src && !hidden_obj) {
		b->problem = xasprintf("the hidden suite's object %s is missing", b->hidden_obj);
		free(object);
		return 0;
	}
	char *suite = xasprintf("%s/grader/%s/test_%s.o", kit, b->lesson->slug, b->ex->name);
	char *driver = xasprintf("%s/grader/%s/race_%s.o", kit, b->lesson->slug, b->ex->name);
	char *liblesson = xasprintf("%s/grader/%s/liblesson.a", kit, b->lesson->slug);
	char *libtest = xasprintf("%s/libct_test.a", kit);
	char *libdriver = xasprintf("%s/libct_driver.a", kit);
	char *test_flags = b->coverage ? coverage_link_flags(kit) : NULL;
	if (test_flags) {
		char *with = xasprintf("%s %s", env_or("CONCUR_TEST_LDFLAGS", DEFAULT_TEST_LDFLAGS), test_flags);
		free(test_flags);
		test_flags = with;
	}
	char *tsan_object = b->tsan ? xasprintf("%s/student.o", b->tsan_abs) : NULL;
	char *tsan_driver = b->tsan ? xasprintf("%s/driver.o", b->tsan_abs) : NULL;
	char *tsan_flags = b->tsan ? xasprintf("%s " TSAN_FLAGS, env_or("CONCUR_DRIVER_LDFLAGS", DEFAULT_DRIVER_LDFLAGS))
				   : NULL;
	struct {
		const char *out, *main_obj, *lib, *flags, *name;
		bool wanted;
	} prog[3] = {
		{"test", suite, libtest, test_flags ? test_flags : env_or("CONCUR_TEST_LDFLAGS", DEFAULT_TEST_LDFLAGS),
		 "test", true},
		/* An exercise whose races are worth no points (processes only) has no Helgrind driver. */
		{"race", b->tsan ? tsan_driver : driver, libdriver,
		 b->tsan ? tsan_flags : env_or("CONCUR_DRIVER_LDFLAGS", DEFAULT_DRIVER_LDFLAGS), "race", build_has_driver(b)},
		/* The hidden suite is linked as the suite is, in place of it. */
		{"hidden", hidden_obj, libtest, env_or("CONCUR_TEST_LDFLAGS", DEFAULT_TEST_LDFLAGS), "hidden",
		 b->hidden_src != NULL},
	};
	int nlinks = 0;
	for (int i = 0; i < 3 && !b->problem; i++) {
		if (!prog[i].wanted)
			continue;
		const char *kit_parts[] = {prog[i].main_obj, prog[i].lib, liblesson};
		for (int k = 0; k < 3 && !b->problem; k++)
			if (!file_exists(kit_parts[k]))
				b->problem = xasprintf("the grader's own %s is missing (a fault of the kit's build, not of "
						       "your code): run  make check LESSON=%d  rather than the harness alone",
						       kit_parts[k], b->lesson->number);
	}
	char **cov_parts = b->coverage ? coverage_kit_parts(kit) : NULL;
	for (int k = 0; cov_parts && cov_parts[k]; k++) {
		if (!b->problem && !file_exists(cov_parts[k]))
			b->problem = xasprintf("the grader's own %s is missing: run  make coverage LESSON=%d  rather than the "
					       "harness alone", cov_parts[k], b->lesson->number);
		free(cov_parts[k]);
	}
	free(cov_parts);
	for (int i = 0; i < 3 && !b->problem; i++) {
		if (!prog[i].wanted)
			continue;
		char **argv = NULL;
		int n = 0;
		append(&argv, &n, env_or("CONCUR_CC", "gcc"));
		append(&argv, &n, "-o");
		append(&argv, &n, prog[i].out); /* in its bin-NAME/, where it runs */
		const char *linked = i == 1 && b->tsan ? tsan_object : object;
		append(&argv, &n, linked);
		append(&argv, &n, prog[i].main_obj);
		append(&argv, &n, liblesson);
		append(&argv, &n, prog[i].lib);
		append_words(&argv, &n, prog[i].flags);
		char *stamp = xasprintf("%s/link-%s.cmd", b->dir, prog[i].name);
		char *out = xasprintf("%s/%s", b->bin_dir[i], prog[i].out);
		const char *ins[] = {linked, prog[i].main_obj, prog[i].lib, liblesson, stamp, NULL};
		if (write_stamp(stamp, argv) == -1)
			fprintf(stderr, "concur: cannot write %s; linking anyway\n", stamp);
		else if (newer_than_all(out, ins)) {
			free_list(argv);
			free(stamp);
			free(out);
			continue;
		}
		free(stamp);
		remove(out);
		free(out);
		/* Sandboxed too: it sees the object, the kit's own objects and libraries, and the system. */
		struct job *j = &links[nlinks++];
		*j = (struct job){.argv = argv, .out_path = xasprintf("%s/link-%s.log", b->dir, prog[i].name),
				  .timeout_s = 120, .untrusted = true, .as_mib = 2048, .nproc = 64, .confine = true,
				  .cwd = b->bin_abs[i], .ro_paths = {i == 1 && b->tsan ? b->tsan_abs : obj_dir, kit, hidden_dir},
				  .rw_paths = {b->bin_abs[i]}};
		/* Each link writes into a directory of its own, as a sandbox user of its own. */
		if (jobs_prepare_dir(b->bin_dir[i], j) == -1)
			b->problem = xasprintf("cannot prepare %s", b->bin_dir[i]);
	}
	free(object);
	free(tsan_object);
	free(tsan_driver);
	free(tsan_flags);
	free(hidden_obj); /* hidden_dir stays: the link jobs hold it */
	free(suite);
	free(driver);
	free(liblesson);
	free(libtest);
	free(libdriver);
	free(test_flags);
	return nlinks;
}

void build_after_link(struct build *b, const struct job *links, int nlinks)
{
	if (b->problem)
		return;
	for (int i = 0; i < nlinks; i++) {
		if (job_exited_with(&links[i], 0))
			continue;
		char *log = read_file(links[i].out_path, 64 << 10);
		b->problem = xasprintf("%s compiled, but linking it with the grader failed. Did you define "
				       "every function you call, and only once?",
				       b->source);
		b->log = student_lines_first(log ? log : "", b->source, links[i].out_path);
		free(log);
		return;
	}
	b->ok = file_exists(b->test_bin) && (!build_has_driver(b) || file_exists(b->driver_bin)) &&
		(!b->hidden_src || file_exists(b->hidden_bin));
	if (!b->ok)
		b->problem = xasprintf("the grader's programs for %s were not built", b->source);
}
