/*
 * build.h - turn one student file into the two programs that grade it.
 *
 * The student's NAME.c is copied into the exercise's build directory with
 * a `#line 1 "<its path>"` first line, next to the kit's pristine API
 * headers (from solutions/), so the compiler sees the pristine contract
 * yet reports errors at the student's own file and line.  The object is
 * then screened (screen.h) and linked twice: with the lesson's Criterion
 * suite and API wrappers (the test program), and with the Helgrind driver
 * (the race program).
 *
 * A step is skipped when its output is newer than every input, where the
 * inputs are every file the compiler read (its -MMD dependency list), the
 * kit's objects and libraries, and a stamp of the command line itself: an
 * edited header, or other flags, rebuild what depends on them.
 *
 * The steps, in order, each after the jobs of the one before have run:
 *   build_prepare      -> 0 to 2 compile jobs (the student's file, the hidden suite)
 *   build_after_compile
 *   build_screen_jobs  -> the screen's jobs (always: the screen may change)
 *   build_after_screen
 *   build_link_jobs    -> 0 to 2 link jobs
 *   build_after_link   -> b->ok, or b->problem
 * After a step sets b->problem, the later ones do nothing.
 */
#ifndef BUILD_H
#define BUILD_H

#include <stdbool.h>

#include "jobs.h"
#include "lesson.h"

struct build {
	/* Inputs. */
	const struct lesson *lesson;
	const struct exercise *ex;
	char *source;        /* the student's file as shown in messages ("exercises/01-processes/spawn.c") */
	char *path;          /* where it is read from: source, unless a batch grading shows it otherwise */
	char *dir;           /* build/<tree>/<lesson>/<exercise> */
	const char *hidden_src; /* an instructor's hidden suite for the exercise (HIDDEN/NN-slug/test_NAME.c), or NULL */
	bool coverage;       /* make coverage: the test program links an instrumented object (coverage.h), no driver */
	/*
	 * Derived paths: src/ (the copy and the headers), obj/ (the compiler's
	 * output), bin-test/, bin-race/ and bin-hidden/ (the linker's: each job
	 * that writes runs as a sandbox user of its own, who owns its directory).
	 */
	char *copy, *obj_dir, *bin_dir[3], *object, *depfile, *test_bin, *driver_bin, *hidden_bin, *compile_log;
	char *hidden_obj;    /* the hidden suite, compiled (by the harness: it is the instructor's code) */
	char *cov_dir, *cov_abs; /* the coverage build's instrumented object, its notes and counts (COVERAGE_DIR) */
	/* The same directories as absolute paths, for the sandboxed jobs (which see nothing else), and the kit's. */
	char *src_abs, *obj_abs, *bin_abs[3], *kit_abs;
	int compile_job, hidden_job, cov_job; /* which of the compile jobs is which, -1 if none */
	/* Results. */
	bool ok;             /* both programs exist and are current */
	char *problem;       /* one paragraph for the student when !ok */
	char *log;           /* compiler or linker output to show, or NULL */
};

/*
 * Prepares b (paths, the copy with its #line); fills jobs[0..) with what
 * must be compiled (the student's object, the hidden suite's); returns how many.
 */
int build_prepare(struct build *b, const char *root, struct job *jobs);
/* After the compile jobs. */
void build_after_compile(struct build *b, const struct job *jobs);
/* Fills jobs[0..) (at most SCREEN_JOBS, screen.h) with the screen's jobs; returns how many. */
int build_screen_jobs(struct build *b, struct job *jobs);
void build_after_screen(struct build *b, const struct job *jobs, int n);
/* Fills links[0..) (at most 3) with the links that are out of date; returns how many. */
int build_link_jobs(struct build *b, struct job *links);
void build_after_link(struct build *b, const struct job *links, int nlinks);

/* Whether the exercise has a Helgrind driver: its races check has points (and this is no coverage build). */
bool build_has_driver(const struct build *b);

/* The flags students' files are compiled with (for make compile_commands.json). */
const char *build_student_cflags(void);

#endif
