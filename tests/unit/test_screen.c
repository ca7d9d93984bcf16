/*
 * test_screen.c - the object screen (grader/harness/screen.c) on real
 * objects: each case is a few lines of C compiled here with the kit's own
 * compiler, listed with nm -P and readelf -SW as the harness lists them,
 * and screened.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "screen.h"
#include "util.h"

static char dir[64];

static void in_fresh_dir(void)
{
	strcpy(dir, "/tmp/concur-screen-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void clean_up(void) { remove_tree(dir); }

TestSuite(screen, .init = in_fresh_dir, .fini = clean_up);

/* The output of a shell command (the test's own; the harness runs these in its sandbox). */
static char *output_of(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	char *buf = xcalloc(1 << 20, 1);
	size_t n = p ? fread(buf, 1, (1 << 20) - 1, p) : 0;

	buf[n] = '\0';
	cr_assert(p && pclose(p) == 0, "%s failed", cmd);
	return buf;
}

/* Compiles code and screens the object as exercise function f, which may make the calls of allowed; returns the problem or NULL. */
static char *screened_allowing(const char *code, const char *const *allowed)
{
	char *src = xasprintf("%s/student.c", dir), *obj = xasprintf("%s/student.o", dir);
	cr_assert_eq(write_file(src, code), 0);
	char *cc = xasprintf("gcc -std=gnu11 -O0 -g -pthread -c %s -o %s", src, obj);
	cr_assert_eq(system(cc), 0, "cannot compile: %s", code);
	char *nm = xasprintf("nm -P %s", obj), *re = xasprintf("readelf -SW %s", obj);
	char *syms = output_of(nm), *secs = output_of(re);
	char *problem = screen_check(syms, secs, "exercises/x/f.c", "f", "f.h", allowed);
	free(src);
	free(obj);
	free(cc);
	free(nm);
	free(re);
	free(syms);
	free(secs);
	return problem;
}

static char *screened(const char *code) { return screened_allowing(code, NULL); }

static void expect_refused(const char *code, const char *words)
{
	char *p = screened(code);
	cr_expect(p && strstr(p, words), "for\n%s\nexpected a refusal with \"%s\", got: %s", code, words, p ? p : "(accepted)");
	free(p);
}

Test(screen, accepts_plain_c_with_data_threads_and_cold_code)
{
	char *p = screened("#include <pthread.h>\n#include <stdio.h>\n"
			   "static int counter = 3; static const char name[] = \"x\"; __thread int mine;\n"
			   "static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;\n"
			   "__attribute__((cold)) static void rare(void) { puts(name); }\n"
			   "int f(int x) { pthread_mutex_lock(&m); if (x < 0) rare(); counter += x + mine;"
			   " pthread_mutex_unlock(&m); return counter; }\n");
	cr_assert_null(p, "refused: %s", p);
}

Test(screen, refuses_calls_that_escape_the_wrappers)
{
	static const char *const calls[][2] = {
		{"#include <stdlib.h>\nint f(void) { return system(\"true\"); }\n", "calls system()"},
		{"#define _GNU_SOURCE\n#include <unistd.h>\nint f(void) { return _Fork(); }\n", "calls _Fork()"},
		{"#define _GNU_SOURCE\n#include <unistd.h>\n#include <fcntl.h>\nint f(void) { char *a[] = {0}; return execveat(0, \"\", a, a, 0); }\n",
		 "calls execveat()"},
		{"#define _GNU_SOURCE\n#include <signal.h>\nstatic void h(int s) { (void)s; }\nint f(void) { return sysv_signal(2, h) == SIG_ERR; }\n",
		 "calls sysv_signal()"},
		{"#include <unistd.h>\n#include <sys/syscall.h>\nint f(void) { return (int)syscall(SYS_getpid); }\n", "calls syscall()"},
		{"#include <stddef.h>\nvoid *__libc_malloc(size_t);\nint f(void) { return __libc_malloc(8) != 0; }\n",
		 "calls __libc_malloc()"},
		{"#include <threads.h>\nstatic int g(void *a) { (void)a; return 0; }\nint f(void) { thrd_t t; return thrd_create(&t, g, 0); }\n",
		 "calls thrd_create()"},
	};
	for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++)
		expect_refused(calls[i][0], calls[i][1]);
}

Test(screen, an_exercise_may_make_the_calls_it_allows_and_no_others)
{
	static const char *const execs[] = {"execvp", NULL};
	const char *code = "#include <unistd.h>\n#include <stdlib.h>\n"
			   "int f(char *const *a) { if (a[1]) return system(a[0]); return execvp(a[0], a); }\n";
	char *p = screened_allowing("#include <unistd.h>\nint f(char *const *a) { return execvp(a[0], a); }\n", execs);
	cr_expect_null(p, "execvp refused although the exercise allows it: %s", p);
	free(p);
	p = screened_allowing(code, execs);
	cr_expect(p && strstr(p, "calls system()"), "system() accepted beside an allowed execvp: %s", p ? p : "(accepted)");
	free(p);
	expect_refused("#include <unistd.h>\nint f(char *const *a) { return execvp(a[0], a); }\n", "calls execvp()");
}

Test(screen, refuses_code_that_runs_before_or_after_the_tests)
{
	expect_refused("#include <stdio.h>\n__attribute__((constructor)) static void early(void) { puts(\"x\"); }\n"
		       "int f(void) { return 0; }\n",
		       "runs before or after the tests");
	expect_refused("__attribute__((destructor)) static void late(void) { }\nint f(void) { return 0; }\n",
		       "section .fini_array");
}

Test(screen, refuses_sections_that_are_not_code_or_data)
{
	expect_refused("__attribute__((section(\"mine\"))) int hidden = 1;\nint f(void) { return hidden; }\n",
		       "a section the grader does not allow (mine)");
}

Test(screen, refuses_the_grader_s_names_and_the_c_library_s)
{
	expect_refused("int ct_api_reset;\nint f(void) { return ct_api_reset; }\n", "belongs to the grader");
	expect_refused("void ct_pass(void);\nint f(void) { ct_pass(); return 0; }\n", "uses ct_pass, which belongs to the grader");
	expect_refused("#include <stddef.h>\nvoid *malloc(size_t n) { (void)n; return 0; }\nint f(void) { return 0; }\n",
		       "defines malloc, which the C library already provides");
}

Test(screen, wants_the_exercise_s_function)
{
	expect_refused("int g(void) { return 0; }\n", "does not define f(), the function this exercise grades (see f.h)");
	expect_refused("static int f(void) { return 0; }\nint g(void) { return f(); }\n", "Was it renamed or made static?");
}

Test(screen, fails_closed_on_listings_it_cannot_read)
{
	char *p = screen_check("f T 0 10\n", "garbage\n", "x.c", "f", "f.h", NULL);
	cr_assert(p && strstr(p, "could not list the sections"), "got: %s", p ? p : "(accepted)");
	free(p);
}

Test(screen, forbids_what_glibc_exports_for_running_programs)
{
	static const char *const must[] = {"system", "popen", "posix_spawn", "execve", "execveat", "fexecve", "vfork",
					   "_Fork", "clone", "clone3", "syscall", "dlopen", "ptrace", "prctl",
					   "setrlimit", "prlimit64", "sysv_signal", "bsd_signal", "unshare", "setns",
					   NULL};
	for (int i = 0; must[i]; i++) {
		bool listed = false;
		for (int k = 0; screen_forbidden_calls[k]; k++)
			listed |= strcmp(must[i], screen_forbidden_calls[k]) == 0;
		cr_expect(listed, "%s is not forbidden", must[i]);
	}
}

/* The object's call graph, from objdump -dr as the harness runs it. */
static json_t *graph_of(const char *code)
{
	char *src = xasprintf("%s/h.c", dir), *obj = xasprintf("%s/h.o", dir);
	cr_assert_eq(write_file(src, code), 0);
	char *cc = xasprintf("gcc -std=gnu11 -O0 -g -c %s -o %s", src, obj);
	cr_assert_eq(system(cc), 0);
	char *od = xasprintf("objdump -dr --no-show-raw-insn %s", obj);
	char *text = output_of(od);
	json_t *g = screen_callgraph(text);
	free(src);
	free(obj);
	free(cc);
	free(od);
	free(text);
	return g;
}

Test(screen, follows_a_handler_s_calls_through_the_object)
{
	json_t *g = graph_of("#include <signal.h>\n#include <stdio.h>\n#include <string.h>\n#include <unistd.h>\n"
			     "static volatile sig_atomic_t stop;\nvolatile sig_atomic_t global_flag;\n"
			     "static void note(const char *s) { char b[64]; snprintf(b, sizeof b, \"%s\\n\", s); "
			     "write(2, b, strlen(b)); }\n"
			     "static void unsafe(int sig) { (void)sig; stop = 1; note(\"stop\"); }\n"
			     "static void safe(int sig) { (void)sig; stop = 1; global_flag = 1; write(2, \"x\", 1); }\n"
			     "int install(int which) { struct sigaction sa = {0}; sa.sa_handler = which ? unsafe : safe; "
			     "return sigaction(SIGTERM, &sa, 0); }\n");
	char *u = screen_unsafe_in_handler(g, "unsafe");
	cr_assert(u && strstr(u, "snprintf() (through note())"), "got: %s", u ? u : "(nothing)");
	cr_assert(!strstr(u, "write") && !strstr(u, "strlen"), "write and strlen are async-signal-safe; got: %s", u);
	char *s = screen_unsafe_in_handler(g, "safe");
	cr_assert_null(s, "a handler that only sets flags (static or global) and writes is safe; got: %s", s);
	cr_assert_null(screen_unsafe_in_handler(g, "not_in_the_object"));
	free(u);
	json_decref(g);
}

static void expect_source_refused(const char *code, const char *words)
{
	char *p = screen_source(code, "x.c");
	cr_expect(p && strstr(p, words), "for\n%s\nexpected a refusal with \"%s\", got: %s", code, words, p ? p : "(accepted)");
	free(p);
}

Test(screen, refuses_source_that_could_read_what_it_should_not)
{
	expect_source_refused("#include \"/etc/passwd\"\n", "between quotes only the exercise's own headers");
	expect_source_refused("#include \"../../solutions/01-processes/spawn.c\"\n", "(\"spawn.c\")");
	expect_source_refused("#include </dev/zero>\n", "absolute path");
	expect_source_refused("#include <sys/../../../etc/hostname>\n", "with \"..\"");
	expect_source_refused("#define F \"/etc/passwd\"\n#include F\n", "x.c:2: #include names its file through a macro");
	expect_source_refused("  #  include_next </etc/x>\n", "absolute path");
	expect_source_refused("%:include \"/etc/passwd\"\n", "between quotes"); /* a digraph for # */
	expect_source_refused("#inc\\\nlude \"/etc/passwd\"\n", "between quotes"); /* joined by the backslash */
	expect_source_refused("# /* hidden */ include \"/etc/passwd\"\n", "between quotes");
	expect_source_refused("#embed \"/etc/passwd\"\n", "#embed is not allowed");
	expect_source_refused("__asm__(\".incbin \\\"/etc/hostname\\\"\");\n", "__asm__ is not allowed");
	expect_source_refused("int f(void) { asm volatile(\"\" ::: \"memory\"); return 0; }\n", "asm is not allowed");
	expect_source_refused("#define P(a, b) a##b\nP(__as, m__)(\"\");\n", "x.c:1: the ## operator is not allowed");
	expect_source_refused("#if __has_include(\"/etc/shadow\")\n#endif\n", "__has_include is not allowed");
	expect_source_refused("#pragma GCC dependency \"/etc/passwd\"\n", "#pragma GCC dependency");
	/* After the grader's own #line, lines count from the student's first. */
	expect_source_refused("#line 1 \"exercises/x.c\"\n\n\n#include \"/a/b.h\"\n", "x.c:3:");
}

Test(screen, accepts_the_includes_and_words_a_student_needs)
{
	static const char code[] =
		"#line 1 \"exercises/01-processes/spawn.c\"\n"
		"#include \"spawn.h\"\n#include \"concur_todo.h\"\n#include <stdio.h>\n#include <sys/wait.h>\n"
		"#include <stdatomic.h>\n"
		"/* an #include \"/etc/passwd\" in a comment, asm in words */\n"
		"// and __asm__ in a line comment\n"
		"static const char *msg = \"asm ## #include </etc/passwd> __asm__\";\n"
		"static char c = '#';\n"
		"int spawn_all(int n) { int asmx = n; return asmx; }\n";
	char *p = screen_source(code, "exercises/01-processes/spawn.c");
	cr_assert_null(p, "refused: %s", p);
}
