/*
 * screen.c - the screen of a student's object (screen.h).
 */
#define _GNU_SOURCE
#include "screen.h"

#include <dlfcn.h>
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
	static const char *const argv0[][4] = {{"nm", "-P", NULL}, {"readelf", "-SW", NULL}};
	static const char *const outs[] = {"symbols.txt", "sections.txt"};

	for (int i = 0; i < 2; i++) {
		char **argv = xcalloc(4, sizeof *argv);
		argv[0] = xstrdup(argv0[i][0]);
		argv[1] = xstrdup(argv0[i][1]);
		argv[2] = xstrdup(object);
		jobs[i] = (struct job){.argv = argv, .out_path = xasprintf("%s/%s", out_dir, outs[i]),
				       .err_path = xasprintf("%s/%s.err", out_dir, outs[i]), .timeout_s = 20,
				       .untrusted = true, .as_mib = 1024, .nproc = 4};
	}
	return 2;
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
		   const char *header)
{
	char *copy = xstrdup(symbols), *save = NULL;
	bool defines_function = false;
	char *problem = check_sections(sections, source);

	for (char *line = strtok_r(copy, "\n", &save); line && !problem; line = strtok_r(NULL, "\n", &save)) {
		char name[256], type;

		if (sscanf(line, "%255s %c", name, &type) != 2)
			continue;
		if (type == 'U') {
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
