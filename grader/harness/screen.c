/*
 * screen.c - the screen of a student's object (screen.h).
 */
#define _GNU_SOURCE
#include "screen.h"

#include <ctype.h>
#include <dlfcn.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/*
 * Reviewed against glibc 2.36's exports: everything that runs a program,
 * makes a process or thread without the wrapped calls, enters the kernel
 * directly, loads code, reads another process, or changes the limits and
 * namespaces the sandbox set; and the aliases that would skip a wrapper
 * (the wrapped calls themselves are counted: grader/lib/ct_api.h).
 */
const char *const screen_forbidden_calls[] = {
	/* programs */
	"system", "popen", "_IO_popen", "posix_spawn", "posix_spawnp", "execve", "execveat", "execv", "execvp",
	"execvpe", "execl", "execlp", "execle", "fexecve", "rexec", "rexec_af", "daemon", "forkpty",
	/* processes and threads past the wrappers */
	"vfork", "__vfork", "_Fork", "__fork", "clone", "clone3", "__clone", "__clone2", "thrd_create",
	/* the kernel, other processes, loaded code */
	"syscall", "ptrace", "process_vm_readv", "process_vm_writev", "pidfd_getfd", "dlopen", "dlmopen", "dlsym",
	"dlvsym",
	/* the sandbox's limits and namespaces */
	"prctl", "arch_prctl", "__arch_prctl", "setrlimit", "setrlimit64", "prlimit", "prlimit64", "unshare",
	"setns", "personality", "chroot",
	/* aliases that skip a wrapper */
	"sysv_signal", "__sysv_signal", "bsd_signal", "ssignal", "sigset", "sigvec", "__sigaction", "__wait",
	"__waitpid", "__pipe",
	NULL,
};
/* Prefixes of calls that are the C library's own business. */
static const char *const forbidden_prefixes[] = {"__libc_", NULL};
/* Prefixes of the grader's own symbols, which student code must not touch. */
static const char *const grader_prefixes[] = {"ct_", "cr_", "criterion_", "__wrap_", "__real_", NULL};

/*
 * Sections an object compiled from C may have: code, data, thread-local
 * data, debug information, unwind tables, notes, and the tables that
 * describe them.  A name is allowed if it is one of these or starts with
 * one of them followed by '.' (".text.unlikely", ".rodata.str1.1").
 */
static const char *const allowed_sections[] = {
	"", ".text", ".data", ".bss", ".rodata", ".tdata", ".tbss", ".comment",
	".note.GNU-stack", ".note.gnu.property", ".eh_frame", ".gcc_except_table", ".group", ".symtab",
	".strtab", ".shstrtab", ".debug_info", ".debug_abbrev", ".debug_aranges", ".debug_line",
	".debug_line_str", ".debug_str", ".debug_str_offsets", ".debug_loc", ".debug_loclists",
	".debug_ranges", ".debug_rnglists", ".debug_frame", ".debug_macro", ".debug_addr", ".debug_types",
	".debug_pubnames", ".debug_pubtypes", ".debug_gnu_pubnames", ".debug_gnu_pubtypes", NULL,
};
/* Sections whose code runs before main() or after exit(): in Criterion's runner too. */
static const char *const startup_sections[] = {".init_array", ".fini_array", ".preinit_array", ".ctors", ".dtors",
					       ".init", ".fini", NULL};

int screen_jobs(const char *object, const char *out_dir, struct job *jobs)
{
	static const char *const argv0[][4] = {{"nm", "-P", NULL}, {"readelf", "-SW", NULL},
					       {"objdump", "-dr", "--no-show-raw-insn"}};
	static const char *const outs[] = {"symbols.txt", "sections.txt", "code.txt"};

	for (int i = 0; i < SCREEN_JOBS; i++) {
		char **argv = xcalloc(5, sizeof *argv);
		int n = 0;
		for (int k = 0; k < 3 && argv0[i][k]; k++)
			argv[n++] = xstrdup(argv0[i][k]);
		argv[n] = xstrdup(object);
		jobs[i] = (struct job){.argv = argv, .out_path = xasprintf("%s/%s", out_dir, outs[i]),
				       .err_path = xasprintf("%s/%s.err", out_dir, outs[i]), .timeout_s = 20,
				       .untrusted = true, .as_mib = 1024, .nproc = 4};
	}
	return SCREEN_JOBS;
}

static bool in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

static bool has_prefix(const char *s, const char *const *prefixes)
{
	for (; *prefixes; prefixes++)
		if (strncmp(s, *prefixes, strlen(*prefixes)) == 0)
			return true;
	return false;
}

/* name is one of list, or one of them followed by '.' and more (".text.hot"). */
static bool section_in(const char *name, const char *const *list)
{
	for (; *list; list++) {
		size_t n = strlen(*list);
		if (strncmp(name, *list, n) == 0 && (name[n] == '\0' || (n > 0 && name[n] == '.')))
			return true;
	}
	return false;
}

/* The problem with the object's sections (readelf -SW lines "  [ N] NAME TYPE ..."), or NULL. */
static char *check_sections(const char *sections, const char *source)
{
	char *copy = xstrdup(sections), *save = NULL, *problem = NULL;
	int seen = 0;

	for (char *line = strtok_r(copy, "\n", &save); line && !problem; line = strtok_r(NULL, "\n", &save)) {
		char *open = strchr(line, '['), *close = open ? strchr(open, ']') : NULL;
		if (!open || !close || strspn(open + 1, " 0123456789") != (size_t)(close - open - 1))
			continue; /* not a section line ("[Nr]" is the heading) */
		char name[256] = "";
		if (sscanf(close + 1, " %255s", name) != 1)
			continue;
		seen++;
		if (strcmp(name, "NULL") == 0)
			continue; /* section 0 has no name; readelf prints its type there */
		/* Relocations are named after the section they apply to. */
		const char *of = strncmp(name, ".rela.", 6) == 0 ? name + 5 : strncmp(name, ".rel.", 5) == 0 ? name + 4 : name;
		if (section_in(of, startup_sections))
			problem = xasprintf("%s has code that runs before or after the tests (a constructor or "
					    "destructor, section %s), which the grader does not allow: put that work "
					    "in the functions the exercise asks for.",
					    source, name);
		else if (!section_in(of, allowed_sections))
			problem = xasprintf("%s has a section the grader does not allow (%s): an object compiled "
					    "from C needs only code and data. Remove the __attribute__((section)) or "
					    "assembler that makes it.",
					    source, name);
	}
	free(copy);
	if (!problem && seen == 0)
		problem = xasprintf("the grader could not list the sections of %s (is binutils installed?)", source);
	return problem;
}

char *screen_check(const char *symbols, const char *sections, const char *source, const char *function,
		   const char *header, const char *const *allowed)
{
	static const char *const none[] = {NULL};
	char *copy = xstrdup(symbols), *save = NULL;
	bool defines_function = false;
	char *problem = check_sections(sections, source);

	for (char *line = strtok_r(copy, "\n", &save); line && !problem; line = strtok_r(NULL, "\n", &save)) {
		char name[256], type;

		if (sscanf(line, "%255s %c", name, &type) != 2)
			continue;
		if (type == 'U') {
			if (in_list(name, allowed ? allowed : none))
				continue;
			if (in_list(name, screen_forbidden_calls) || has_prefix(name, forbidden_prefixes))
				problem = xasprintf(
					"%s calls %s(), which the grader does not allow: it would do work the "
					"grader cannot see or limit. Use the calls this lesson teaches.",
					source, name);
			else if (has_prefix(name, grader_prefixes))
				problem = xasprintf("%s uses %s, which belongs to the grader. Remove it.", source, name);
		} else if (type >= 'A' && type <= 'Z' && type != 'N') {
			if (strcmp(name, function) == 0)
				defines_function = true;
			else if (has_prefix(name, grader_prefixes))
				problem = xasprintf("%s defines %s, a name that belongs to the grader. Rename it "
						    "or make it static.",
						    source, name);
			else if (dlsym(RTLD_DEFAULT, name))
				problem = xasprintf(
					"%s defines %s, which the C library already provides; your definition "
					"would replace it for the grader too. Rename it or make it static.",
					source, name);
		}
	}
	free(copy);
	if (!problem && !defines_function)
		problem = xasprintf("%s does not define %s(), the function this exercise grades (see %s). "
				    "Was it renamed or made static?",
				    source, function, header);
	return problem;
}

/* ---- signal handlers ------------------------------------------------- */

/* signal-safety(7): the functions POSIX.1-2008 (2016) requires to be async-signal-safe. */
const char *const screen_signal_safe[] = {
	"_Exit", "_exit", "abort", "accept", "access", "aio_error", "aio_return", "aio_suspend", "alarm", "bind",
	"cfgetispeed", "cfgetospeed", "cfsetispeed", "cfsetospeed", "chdir", "chmod", "chown", "clock_gettime",
	"close", "connect", "creat", "dup", "dup2", "execl", "execle", "execv", "execve", "faccessat", "fchdir",
	"fchmod", "fchmodat", "fchown", "fchownat", "fcntl", "fdatasync", "fexecve", "ffs", "fork", "fstat",
	"fstatat", "fsync", "ftruncate", "futimens", "getegid", "geteuid", "getgid", "getgroups", "getpeername",
	"getpgrp", "getpid", "getppid", "getsockname", "getsockopt", "getuid", "htonl", "htons", "kill", "link",
	"linkat", "listen", "longjmp", "lseek", "lstat", "memccpy", "memchr", "memcmp", "memcpy", "memmove",
	"memset", "mkdir", "mkdirat", "mkfifo", "mkfifoat", "mknod", "mknodat", "ntohl", "ntohs", "open",
	"openat", "pause", "pipe", "poll", "posix_trace_event", "pselect", "pthread_kill", "pthread_self",
	"pthread_sigmask", "raise", "read", "readlink", "readlinkat", "recv", "recvfrom", "recvmsg", "rename",
	"renameat", "rmdir", "select", "sem_post", "send", "sendmsg", "sendto", "setgid", "setpgid", "setsid",
	"setsockopt", "setuid", "shutdown", "sigaction", "sigaddset", "sigdelset", "sigemptyset", "sigfillset",
	"sigismember", "siglongjmp", "signal", "sigpause", "sigpending", "sigprocmask", "sigqueue", "sigset",
	"sigsuspend", "sleep", "sockatmark", "socket", "socketpair", "stat", "stpcpy", "stpncpy", "strcat",
	"strchr", "strcmp", "strcpy", "strcspn", "strlen", "strncat", "strncmp", "strncpy", "strnlen", "strpbrk",
	"strrchr", "strspn", "strstr", "strtok_r", "symlink", "symlinkat", "tcdrain", "tcflow", "tcflush",
	"tcgetattr", "tcgetpgrp", "tcsendbreak", "tcsetattr", "tcsetpgrp", "time", "timer_getoverrun",
	"timer_gettime", "timer_settime", "times", "umask", "uname", "unlink", "unlinkat", "utime", "utimensat",
	"utimes", "wait", "waitpid", "wcpcpy", "wcpncpy", "wcscat", "wcschr", "wcscmp", "wcscpy", "wcscspn",
	"wcslen", "wcsncat", "wcsncmp", "wcsncpy", "wcsnlen", "wcspbrk", "wcsrchr", "wcsspn", "wcsstr", "wcstok",
	"wmemchr", "wmemcmp", "wmemcpy", "wmemmove", "wmemset", "write",
	/* What the compiler calls for errno, stack protection and atomics: safe too. */
	"__errno_location", "__stack_chk_fail", "__atomic_load", "__atomic_store", "__atomic_exchange",
	"__atomic_compare_exchange", "__atomic_fetch_add_4", "__atomic_fetch_add_8",
	NULL,
};

/* The name in "<name>" or "<name+0x1f>" at p (after '<'), or NULL if it has an offset. */
static char *target_name(const char *p, bool allow_offset)
{
	size_t n = strcspn(p, ">+");

	if (n == 0 || n > 200 || (p[n] == '+' && !allow_offset))
		return NULL;
	return xasprintf("%.*s", (int)n, p);
}

static void add_callee(json_t *graph, const char *fn, const char *callee)
{
	json_t *list = json_object_get(graph, fn);
	size_t i;
	json_t *v;

	if (!list || !callee || !*callee || callee[0] == '.')
		return; /* section symbols (".rodata+0x4") are data, not code */
	json_array_foreach(list, i, v)
		if (strcmp(json_string_value(v), callee) == 0)
			return;
	json_array_append_new(list, json_string(callee));
}

json_t *screen_callgraph(const char *disassembly)
{
	json_t *graph = json_object();
	char *copy = xstrdup(disassembly), *save = NULL, *fn = NULL;

	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *lt = strchr(line, '<');
		size_t len = strlen(line);
		/* "0000000000000000 <name>:": a function starts. */
		if (line[0] != ' ' && line[0] != '\t' && lt && len > 2 && strcmp(line + len - 2, ">:") == 0) {
			free(fn);
			line[len - 2] = '\0';
			fn = xstrdup(lt + 1);
			if (!json_object_get(graph, fn))
				json_object_set_new(graph, fn, json_array());
			continue;
		}
		if (!fn)
			continue;
		/*
		 * "\t\t\t14: R_X86_64_PLT32\tputs-0x4": a call (or tail call) to a
		 * function of another object.  Only the relocations of calls count:
		 * the others ("R_X86_64_PC32 stop_requested-0x8") refer to data, such
		 * as the very flag a handler should set.
		 */
		char *r = strstr(line, ": R_");
		if (r) {
			char type[48] = "", sym[256] = "";
			if (sscanf(r + 2, "%47s %255s", type, sym) == 2 &&
			    (strstr(type, "PLT") || strstr(type, "CALL") || strstr(type, "JUMP"))) {
				char *name = xasprintf("%.*s", (int)strcspn(sym, "+-"), sym);
				add_callee(graph, fn, name);
				free(name);
			}
			continue;
		}
		/*
		 * "3a:\tcall   0 <log_line>": a call or jump to the start of a
		 * function of the object, which the assembler resolved itself
		 * (jumps inside a function show as <name+0x..> and are not calls).
		 */
		char *tab = strstr(line, ":\t");
		if (lt && tab) {
			char mnemonic[16] = "";
			sscanf(tab + 2, "%15s", mnemonic);
			if (strncmp(mnemonic, "call", 4) == 0 || mnemonic[0] == 'j' || strcmp(mnemonic, "b") == 0 ||
			    strcmp(mnemonic, "bl") == 0) {
				char *name = target_name(lt + 1, false);
				add_callee(graph, fn, name);
				free(name);
			}
		}
	}
	free(fn);
	free(copy);
	return graph;
}

static bool signal_safe(const char *name)
{
	for (int i = 0; screen_signal_safe[i]; i++)
		if (strcmp(name, screen_signal_safe[i]) == 0)
			return true;
	return false;
}

/* Depth-first over the object's functions from fn; appends to *out what is unsafe, with the path. */
static void walk(json_t *graph, const char *fn, const char *via, json_t *seen, char **out)
{
	json_t *list = json_object_get(graph, fn), *v;
	size_t i;

	if (json_object_get(seen, fn))
		return;
	json_object_set_new(seen, fn, json_true());
	json_array_foreach(list, i, v) {
		const char *callee = json_string_value(v);
		if (json_object_get(graph, callee)) {
			walk(graph, callee, via ? via : callee, seen, out);
		} else if (!signal_safe(callee) && !json_object_get(seen, callee)) {
			json_object_set_new(seen, callee, json_true());
			char *more = via ? xasprintf("%s%s%s() (through %s())", *out ? *out : "", *out ? ", " : "", callee, via)
					 : xasprintf("%s%s%s()", *out ? *out : "", *out ? ", " : "", callee);
			free(*out);
			*out = more;
		}
	}
}

char *screen_unsafe_in_handler(json_t *graph, const char *fn)
{
	json_t *seen = json_object();
	char *out = NULL;

	if (json_object_get(graph, fn))
		walk(graph, fn, NULL, seen, &out);
	json_decref(seen);
	return out;
}

/* ---- the source text ------------------------------------------------- */

/*
 * The text as the compiler's first phases see it: lines joined where a
 * backslash ends one, comments replaced by a space, string and character
 * literals kept (their insides never count as code).
 */
static char *logical_text(const char *text)
{
	size_t len = strlen(text);
	char *joined = xcalloc(len + 1, 1), *out = xcalloc(len + 2, 1), *w = joined;

	for (const char *p = text; *p; p++) {
		if (*p == '\\' && (p[1] == '\n' || (p[1] == '\r' && p[2] == '\n'))) {
			p += p[1] == '\r' ? 2 : 1;
			continue;
		}
		*w++ = *p;
	}
	*w = '\0';
	w = out;
	for (const char *p = joined; *p;) {
		if (p[0] == '/' && p[1] == '*') {
			const char *end = strstr(p + 2, "*/");
			for (const char *q = p; q < (end ? end + 2 : p + strlen(p)); q++)
				if (*q == '\n')
					*w++ = '\n'; /* keep the lines where they were */
			*w++ = ' ';
			p = end ? end + 2 : p + strlen(p);
		} else if (p[0] == '/' && p[1] == '/') {
			p += strcspn(p, "\n");
		} else if (*p == '"' || *p == '\'') {
			char quote = *p;
			*w++ = *p++;
			while (*p && *p != quote && *p != '\n') {
				if (*p == '\\' && p[1])
					*w++ = *p++;
				*w++ = *p++;
			}
			if (*p == quote)
				*w++ = *p++;
		} else {
			*w++ = *p++;
		}
	}
	*w = '\0';
	free(joined);
	return out;
}

/*
 * Whether `word` occurs in line outside string and character literals: as a
 * whole identifier token if `token`, else as it is.
 */
static bool occurs(const char *line, const char *word, bool token)
{
	size_t n = strlen(word);

	for (const char *p = line; *p; p++) {
		if (*p == '"' || *p == '\'') {
			char quote = *p++;
			while (*p && *p != quote) {
				if (*p == '\\' && p[1])
					p++;
				p++;
			}
			if (!*p)
				break;
			continue;
		}
		if (strncmp(p, word, n) != 0)
			continue;
		if (!token)
			return true;
		bool start = p == line || !(isalnum((unsigned char)p[-1]) || p[-1] == '_');
		if (start && !(isalnum((unsigned char)p[n]) || p[n] == '_'))
			return true;
	}
	return false;
}

/* What is wrong with the #include-like directive `name` whose argument starts at arg, or NULL. */
static char *check_include(const char *name, const char *arg, const char *source, int line)
{
	if (strcmp(name, "embed") == 0 || strcmp(name, "import") == 0)
		return xasprintf("%s:%d: #%s is not allowed: the grader compiles your file with the exercise's headers "
				 "and the system's only",
				 source, line, name);
	arg += strspn(arg, " \t");
	char close = *arg == '"' ? '"' : *arg == '<' ? '>' : '\0';
	const char *end = close ? strchr(arg + 1, close) : NULL;
	if (!end)
		return xasprintf("%s:%d: #%s names its file through a macro: write the header's name itself, as "
				 "#include \"name.h\" or #include <name.h>",
				 source, line, name);
	char *file = xasprintf("%.*s", (int)(end - arg - 1), arg + 1);
	char *problem = NULL;
	if (close == '"' && strchr(file, '/'))
		problem = xasprintf("%s:%d: #%s \"%s\": between quotes only the exercise's own headers may be "
				    "included, by their name alone (\"%s\"); the system's go between < and >",
				    source, line, name, file, strrchr(file, '/') + 1);
	else if (file[0] == '/' || strstr(file, ".."))
		problem = xasprintf("%s:%d: #%s <%s>: a header may not be named by an absolute path or with \"..\": "
				    "include the system's headers by their usual names (<stdio.h>, <sys/wait.h>)",
				    source, line, name, file);
	free(file);
	return problem;
}

char *screen_source(const char *text, const char *source)
{
	char *code = logical_text(text), *next = code, *problem = NULL;
	int line = 0;

	/* The copy the grader compiles starts with its own #line: lines count from the one after it. */
	for (char *l = code; next && !problem; l = next) {
		next = strchr(l, '\n');
		if (next)
			*next++ = '\0';
		bool first = l == code;
		line++;
		const char *p = l + strspn(l, " \t");
		if (first && strncmp(p, "#line 1 ", 8) == 0) {
			line = 0;
			continue;
		}
		if (*p == '#' || (p[0] == '%' && p[1] == ':')) {
			p += *p == '#' ? 1 : 2;
			p += strspn(p, " \t");
			char name[32] = "";
			size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz_");
			snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : sizeof name - 1), p);
			if (!strcmp(name, "include") || !strcmp(name, "include_next") || !strcmp(name, "import") ||
			    !strcmp(name, "embed"))
				problem = check_include(name, p + n, source, line);
			else if (!strcmp(name, "pragma") && strstr(p, "dependency"))
				problem = xasprintf("%s:%d: #pragma GCC dependency is not allowed: it reads a file the "
						    "grader did not give the compiler",
						    source, line);
		}
		if (problem)
			break;
		static const char *const words[] = {"asm", "__asm", "__asm__", "__has_include", "__has_include_next", NULL};
		for (int w = 0; words[w] && !problem; w++)
			if (occurs(l, words[w], true))
				problem = xasprintf(
					"%s:%d: %s is not allowed: %s", source, line, words[w],
					strncmp(words[w], "__has", 5) == 0
						? "it asks the compiler about files the grader did not give it"
						: "inline assembly does work the grader cannot see (write the exercise in C; "
						  "<stdatomic.h> has the atomic operations)");
		if (!problem && occurs(l, "##", false))
			problem = xasprintf("%s:%d: the ## operator is not allowed: it pastes names together that the "
					    "grader's screens could not see in your file",
					    source, line);
	}
	free(code);
	return problem;
}
