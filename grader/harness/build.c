/*
 * build.c - compile, screen and link one student file (see build.h).
 */
#define _GNU_SOURCE
#include "build.h"

#include <dirent.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "util.h"
#include "wrap_flags.h"

/* Calls that would run work the grader cannot see or limit. */
static const char *const forbidden_calls[] = {
	"system", "popen", "posix_spawn", "posix_spawnp", "vfork", "clone", "clone3", "__clone",
	"syscall", "thrd_create", "execve", "execv", "execvp", "execvpe", "execl", "execlp",
	"execle", "fexecve", "dlopen", "dlsym", "dlvsym", "ptrace", "prctl", "setrlimit",
	"prlimit", "prlimit64", "daemon", NULL,
};
/* Prefixes of the grader's own symbols, which student code must not touch. */
static const char *const grader_prefixes[] = {"ct_", "cr_", "criterion_", "__wrap_", "__real_", NULL};

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
/* --wrap for every call of the wrap table (grader/lib/ct_wraps.h), then the libraries. */
#define DEFAULT_TEST_LDFLAGS wrap_test_ldflags()
#define DEFAULT_DRIVER_LDFLAGS "-pthread"

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

bool build_prepare(struct build *b, const char *root, struct job *job)
{
	char *src_dir = xasprintf("%s/src", b->dir);
	char *text;
	DIR *d;
	struct dirent *e;

	b->copy = xasprintf("%s/%s.c", src_dir, b->ex->name);
	b->object = xasprintf("%s/student.o", b->dir);
	b->test_bin = xasprintf("%s/test", b->dir);
	b->driver_bin = xasprintf("%s/race", b->dir);
	b->compile_log = xasprintf("%s/compile.log", b->dir);
	b->link_log = xasprintf("%s/link.log", b->dir);
	b->link_race_log = xasprintf("%s/link-race.log", b->dir);
	if (make_dirs(src_dir) == -1) {
		b->problem = xasprintf("cannot create %s", src_dir);
		return false;
	}
	text = read_file(b->source, 4 << 20);
	if (!text) {
		missing_source(b, root);
		return false;
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
	if (b->problem)
		return false;
	/* The object depends on the copy, the headers beside it and the flags (via the harness). */
	const char *ins[] = {b->copy, src_dir, NULL};
	if (newer_than_all(b->object, ins) && file_exists(b->compile_log)) {
		free(src_dir);
		return false;
	}
	char **argv = NULL;
	int n = 0;
	append(&argv, &n, env_or("CONCUR_CC", "gcc"));
	append_words(&argv, &n, env_or("CONCUR_CFLAGS", DEFAULT_CFLAGS));
	char *inc = xasprintf("-I%s", src_dir);
	append(&argv, &n, inc);
	append(&argv, &n, "-c");
	append(&argv, &n, b->copy);
	append(&argv, &n, "-o");
	append(&argv, &n, b->object);
	free(inc);
	remove(b->object);
	*job = (struct job){.argv = argv, .out_path = b->compile_log, .timeout_s = 120};
	free(src_dir);
	return true;
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

/* Runs nm on the object; returns its -P output or NULL. */
static char *nm_symbols(const char *object)
{
	char *cmd = xasprintf("nm -P '%s' 2>/dev/null", object);
	FILE *p = popen(cmd, "r");
	size_t cap = 4096, len = 0;
	char *buf = xcalloc(cap, 1);
	size_t n;

	free(cmd);
	if (!p) {
		free(buf);
		return NULL;
	}
	while ((n = fread(buf + len, 1, cap - len - 1, p)) > 0) {
		len += n;
		if (cap - len < 2) {
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
	}
	buf[len] = '\0';
	if (pclose(p) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static bool has_prefix(const char *s, const char *const *prefixes)
{
	for (; *prefixes; prefixes++)
		if (strncmp(s, *prefixes, strlen(*prefixes)) == 0)
			return true;
	return false;
}

/*
 * The screen: the file must define the exercise's function; it must not
 * call what the grader forbids, touch the grader's own symbols, or define
 * a function the C library already has (which would replace it for the
 * grader too).  Returns NULL or the problem.
 */
static char *symbol_check(const struct build *b)
{
	char *syms = nm_symbols(b->object), *save = NULL;
	bool defines_function = false;
	char *problem = NULL;

	if (!syms)
		return xasprintf("could not list the symbols of %s (is binutils installed?)", b->object);
	for (char *line = strtok_r(syms, "\n", &save); line && !problem; line = strtok_r(NULL, "\n", &save)) {
		char name[256], type;

		if (sscanf(line, "%255s %c", name, &type) != 2)
			continue;
		if (type == 'U') {
			for (int i = 0; forbidden_calls[i]; i++)
				if (strcmp(name, forbidden_calls[i]) == 0)
					problem = xasprintf(
						"%s calls %s(), which the grader does not allow: it would do work the "
						"grader cannot see or limit. Use the calls this lesson teaches.",
						b->source, name);
			if (!problem && has_prefix(name, grader_prefixes))
				problem = xasprintf("%s uses %s, which belongs to the grader. Remove it.", b->source,
						    name);
		} else if (type >= 'A' && type <= 'Z' && type != 'N') {
			if (strcmp(name, b->ex->function) == 0)
				defines_function = true;
			else if (has_prefix(name, grader_prefixes))
				problem = xasprintf("%s defines %s, a name that belongs to the grader. Rename it "
						    "or make it static.",
						    b->source, name);
			else if (dlsym(RTLD_DEFAULT, name))
				problem = xasprintf(
					"%s defines %s, which the C library already provides; your definition "
					"would replace it for the grader too. Rename it or make it static.",
					b->source, name);
		}
	}
	free(syms);
	if (!problem && !defines_function)
		problem = xasprintf("%s does not define %s(), the function this exercise grades (see %s.h). "
				    "Was it renamed or made static?",
				    b->source, b->ex->function, b->ex->name);
	return problem;
}

int build_after_compile(struct build *b, const struct job *compile, struct job *links)
{
	char *log = read_file(b->compile_log, 256 << 10);

	if (compile && !job_exited_with(compile, 0)) {
		char how[128];
		b->problem = xasprintf("%s does not compile (the compiler %s): fix the first error in the "
				       "compiler output below, then run make check again",
				       b->source, job_describe(compile, how, sizeof how));
		b->log = student_lines_first(log ? log : "", b->source, b->compile_log);
		free(log);
		return 0;
	}
	if (!file_exists(b->object)) {
		b->problem = xasprintf("%s was not compiled (no object file)", b->source);
		free(log);
		return 0;
	}
	if (log && *log)
		b->log = student_lines_first(log, b->source, b->compile_log); /* warnings */
	free(log);
	b->problem = symbol_check(b);
	if (b->problem)
		return 0;
	const char *kit = env_or("CONCUR_KIT", "build/kit");
	char *suite = xasprintf("%s/grader/%s/test_%s.o", kit, b->lesson->slug, b->ex->name);
	char *driver = xasprintf("%s/grader/%s/race_%s.o", kit, b->lesson->slug, b->ex->name);
	char *liblesson = xasprintf("%s/grader/%s/liblesson.a", kit, b->lesson->slug);
	char *libtest = xasprintf("%s/libct_test.a", kit);
	char *libdriver = xasprintf("%s/libct_driver.a", kit);
	struct {
		const char *out, *main_obj, *lib, *flags, *log;
	} prog[2] = {
		{b->test_bin, suite, libtest, env_or("CONCUR_TEST_LDFLAGS", DEFAULT_TEST_LDFLAGS), b->link_log},
		{b->driver_bin, driver, libdriver, env_or("CONCUR_DRIVER_LDFLAGS", DEFAULT_DRIVER_LDFLAGS),
		 b->link_race_log},
	};
	int nlinks = 0;
	/* An exercise whose races are worth no points (processes only) has no Helgrind driver. */
	int nprogs = b->ex->points[CHECK_RACES] ? 2 : 1;
	for (int i = 0; i < nprogs; i++) {
		const char *ins[] = {b->object, prog[i].main_obj, prog[i].lib, liblesson, NULL};
		if (newer_than_all(prog[i].out, ins))
			continue;
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
		remove(prog[i].out);
		links[nlinks++] = (struct job){.argv = argv, .out_path = prog[i].log, .timeout_s = 120};
	}
	return nlinks;
}

void build_after_link(struct build *b, const struct job *links, int nlinks)
{
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
	b->ok = file_exists(b->test_bin) && (b->ex->points[CHECK_RACES] == 0 || file_exists(b->driver_bin));
	if (!b->ok)
		b->problem = xasprintf("the grader's programs for %s were not built", b->source);
}
