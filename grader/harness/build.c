/*
 * build.c - compile, screen and link one student file (see build.h).
 */
#define _GNU_SOURCE
#include "build.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "ct_driver_yield.h"
#include "screen.h"
#include "util.h"

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
#define DEFAULT_CFLAGS "-std=gnu11 -O0 -g -gdwarf-4 -fno-omit-frame-pointer -Wall -Wextra -pthread -Igrader/lib"
#define DEFAULT_TEST_LDFLAGS                                                                                  \
	"-Wl,--wrap=pthread_create -Wl,--wrap=pthread_join -Wl,--wrap=pthread_detach -Wl,--wrap=fork "        \
	"-Wl,--wrap=waitpid -Wl,--wrap=wait -Wl,--wrap=pipe -Wl,--wrap=pthread_mutex_lock "                   \
	"-Wl,--wrap=pthread_mutex_trylock -Wl,--wrap=pthread_mutex_unlock -Wl,--wrap=malloc "                 \
	"-Wl,--wrap=calloc -Wl,--wrap=realloc -Wl,--wrap=free -Wl,--wrap=socketpair -Wl,--wrap=sigaction "     \
	"-Wl,--wrap=signal -Wl,--wrap=printf -Wl,--wrap=fprintf -Wl,--wrap=puts -Wl,--wrap=fputs "            \
	"-Wl,--wrap=putchar -Wl,--wrap=perror -Wl,--wrap=exit -Wl,--wrap=vprintf -Wl,--wrap=vfprintf "         \
	"-Wl,--wrap=dprintf -Wl,--wrap=fwrite -lcriterion -ljansson -pthread"
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
	char *dir = xstrdup(b->source), *slash = strrchr(dir, '/');
	char *others;

	if (slash)
		*slash = '\0';
	others = list_other_sources(dir, b->lesson);
	b->problem = xasprintf(
		"%s is missing, so %s() cannot be graded.\n"
		"%s%s%s"
		"To get the original skeleton back:  git checkout -- %s\n"
		"(or copy it from a fresh copy of the kit; %s%ssolutions/%s/%s.c is the reference solution)",
		b->source, b->ex->function, *others ? "Found other files there: " : "", others,
		*others ? ". If you renamed the file, give it its name back.\n" : "", b->source,
		strcmp(root, ".") ? root : "", strcmp(root, ".") ? "/" : "", b->lesson->slug, b->ex->name);
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
static bool object_current(const struct build *b, const char *stamp)
{
	char **deps = read_depfile(b->depfile);
	bool current = deps != NULL && file_exists(b->compile_log);

	for (char **d = deps; current && *d; d++) {
		const char *one[] = {*d, NULL};
		current = newer_than_all(b->object, one);
	}
	const char *ins[] = {b->copy, stamp, NULL};
	current = current && newer_than_all(b->object, ins);
	free_list(deps);
	return current;
}

int build_prepare(struct build *b, const char *root, struct job *job)
{
	char *src_dir = xasprintf("%s/src", b->dir);
	char *text;
	DIR *d;
	struct dirent *e;

	b->copy = xasprintf("%s/%s.c", src_dir, b->ex->name);
	b->object = xasprintf("%s/student.o", b->dir);
	b->depfile = xasprintf("%s/student.d", b->dir);
	b->test_bin = xasprintf("%s/test", b->dir);
	b->driver_bin = xasprintf("%s/race", b->dir);
	b->compile_log = xasprintf("%s/compile.log", b->dir);
	if (make_dirs(src_dir) == -1) {
		b->problem = xasprintf("cannot create %s", src_dir);
		free(src_dir);
		return 0;
	}
	text = read_file(b->source, 4 << 20);
	if (!text) {
		missing_source(b, root);
		free(src_dir);
		return 0;
	}
	/* The copy: #line keeps diagnostics at the student's own path. */
	char *with_line = xasprintf("#line 1 \"%s\"\n%s", b->source, text);
	if (update_file(b->copy, with_line) == -1)
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
	if (b->problem) {
		free(src_dir);
		return 0;
	}
	char **argv = NULL;
	int n = 0;
	append(&argv, &n, env_or("CONCUR_CC", "gcc"));
	append_words(&argv, &n, env_or("CONCUR_CFLAGS", DEFAULT_CFLAGS));
	char *inc = xasprintf("-I%s", src_dir);
	append(&argv, &n, inc);
	free(inc);
	append(&argv, &n, "-MMD");
	append(&argv, &n, "-MF");
	append(&argv, &n, b->depfile);
	append(&argv, &n, "-c");
	append(&argv, &n, b->copy);
	append(&argv, &n, "-o");
	append(&argv, &n, b->object);
	free(src_dir);
	char *stamp = xasprintf("%s/compile.cmd", b->dir);
	if (write_stamp(stamp, argv) == -1)
		b->problem = xasprintf("cannot write %s", stamp);
	bool current = !b->problem && object_current(b, stamp);
	free(stamp);
	if (current || b->problem) {
		free_list(argv);
		return 0;
	}
	remove(b->object);
	*job = (struct job){.argv = argv, .out_path = xstrdup(b->compile_log), .timeout_s = 120};
	return 1;
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

void build_after_compile(struct build *b, const struct job *compile)
{
	char *log = read_file(b->compile_log, 256 << 10);

	if (b->problem) {
		free(log);
		return;
	}
	if (compile && !job_exited_with(compile, 0)) {
		char how[128];
		b->problem = xasprintf("%s does not compile (the compiler %s): fix the first error in the "
				       "compiler output below, then run make check again",
				       b->source, job_describe(compile, how, sizeof how));
		b->log = student_lines_first(log ? log : "", b->source, b->compile_log);
	} else if (!file_exists(b->object)) {
		b->problem = xasprintf("%s was not compiled (no object file)", b->source);
	} else if (log && *log) {
		b->log = student_lines_first(log, b->source, b->compile_log); /* warnings */
	}
	free(log);
}

int build_screen_jobs(struct build *b, struct job *jobs)
{
	if (b->problem)
		return 0;
	return screen_jobs(b->object, b->dir, jobs);
}

void build_after_screen(struct build *b, const struct job *jobs, int n)
{
	if (b->problem || n != 2)
		return;
	char *symbols = read_file(jobs[0].out_path, 4 << 20), *sections = read_file(jobs[1].out_path, 1 << 20);
	if (!job_exited_with(&jobs[0], 0) || !job_exited_with(&jobs[1], 0) || !symbols || !sections) {
		b->problem = xasprintf("the grader could not list the symbols and sections of %s (nm and readelf, "
				       "from binutils, must be installed)",
				       b->object);
	} else {
		char *header = xasprintf("%s.h", b->ex->name);
		b->problem = screen_check(symbols, sections, b->source, b->ex->function, header);
		free(header);
	}
	free(symbols);
	free(sections);
}

int build_nprograms(const struct build *b) { return b->ex->points[CHECK_RACES] ? 2 : 1; }

int build_link_jobs(struct build *b, struct job *links)
{
	if (b->problem)
		return 0;
	const char *kit = env_or("CONCUR_KIT", "build/kit");
	char *suite = xasprintf("%s/grader/%s/test_%s.o", kit, b->lesson->slug, b->ex->name);
	char *driver = xasprintf("%s/grader/%s/race_%s.o", kit, b->lesson->slug, b->ex->name);
	char *liblesson = xasprintf("%s/grader/%s/liblesson.a", kit, b->lesson->slug);
	char *libtest = xasprintf("%s/libct_test.a", kit);
	char *libdriver = xasprintf("%s/libct_driver.a", kit);
	struct {
		const char *out, *main_obj, *lib, *flags, *name;
	} prog[2] = {
		{b->test_bin, suite, libtest, env_or("CONCUR_TEST_LDFLAGS", DEFAULT_TEST_LDFLAGS), "test"},
		{b->driver_bin, driver, libdriver, env_or("CONCUR_DRIVER_LDFLAGS", DEFAULT_DRIVER_LDFLAGS), "race"},
	};
	int nlinks = 0;
	/* An exercise whose races are worth no points (processes only) has no Helgrind driver. */
	for (int i = 0; i < build_nprograms(b) && !b->problem; i++) {
		const char *kit_parts[] = {prog[i].main_obj, prog[i].lib, liblesson};
		for (int k = 0; k < 3 && !b->problem; k++)
			if (!file_exists(kit_parts[k]))
				b->problem = xasprintf("the grader's own %s is missing (a fault of the kit's build, not of "
						       "your code): run  make check LESSON=%d  rather than the harness alone",
						       kit_parts[k], b->lesson->number);
	}
	for (int i = 0; i < build_nprograms(b) && !b->problem; i++) {
		char **argv = NULL;
		int n = 0;
		append(&argv, &n, env_or("CONCUR_CC", "gcc"));
		append(&argv, &n, "-o");
		append(&argv, &n, prog[i].out);
		append(&argv, &n, b->object);
		append(&argv, &n, prog[i].main_obj);
		append(&argv, &n, liblesson);
		append(&argv, &n, prog[i].lib);
		append_words(&argv, &n, prog[i].flags);
		char *stamp = xasprintf("%s/link-%s.cmd", b->dir, prog[i].name);
		const char *ins[] = {b->object, prog[i].main_obj, prog[i].lib, liblesson, stamp, NULL};
		if (write_stamp(stamp, argv) == -1)
			fprintf(stderr, "concur: cannot write %s; linking anyway\n", stamp);
		else if (newer_than_all(prog[i].out, ins)) {
			free_list(argv);
			free(stamp);
			continue;
		}
		free(stamp);
		remove(prog[i].out);
		links[nlinks++] = (struct job){.argv = argv, .out_path = xasprintf("%s/link-%s.log", b->dir, prog[i].name),
					       .timeout_s = 120};
	}
	free(suite);
	free(driver);
	free(liblesson);
	free(libtest);
	free(libdriver);
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
	b->ok = file_exists(b->test_bin) && (build_nprograms(b) == 1 || file_exists(b->driver_bin));
	if (!b->ok)
		b->problem = xasprintf("the grader's programs for %s were not built", b->source);
}
