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
 *   build_prepare      -> 0 or 1 compile job
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
	char *source;        /* the student's file as given ("exercises/01-processes/spawn.c") */
	char *dir;           /* build/<tree>/<lesson>/<exercise> */
	/*
	 * Derived paths: src/ (the copy and the headers), obj/ (the compiler's
	 * output), bin-test/ and bin-race/ (the linker's: each job that writes
	 * runs as a sandbox user of its own, who owns its directory).
	 */
	char *copy, *obj_dir, *bin_dir[2], *object, *depfile, *test_bin, *driver_bin, *compile_log;
	/* The same directories as absolute paths, for the sandboxed jobs (which see nothing else), and the kit's. */
	char *src_abs, *obj_abs, *bin_abs[2], *kit_abs;
	/* Results. */
	bool ok;             /* both programs exist and are current */
	char *problem;       /* one paragraph for the student when !ok */
	char *log;           /* compiler or linker output to show, or NULL */
};

/* Prepares b (paths, the copy with its #line); returns 1 with *job filled if the object must be compiled, else 0. */
int build_prepare(struct build *b, const char *root, struct job *job);
/* After the compile job (NULL if none ran). */
void build_after_compile(struct build *b, const struct job *compile);
/* Fills jobs[0..) (at most SCREEN_JOBS, screen.h) with the screen's jobs; returns how many. */
int build_screen_jobs(struct build *b, struct job *jobs);
void build_after_screen(struct build *b, const struct job *jobs, int n);
/* Fills links[0..) (at most 2) with the links that are out of date; returns how many. */
int build_link_jobs(struct build *b, struct job *links);
void build_after_link(struct build *b, const struct job *links, int nlinks);

/* The programs the exercise needs: the test program, and the race driver when races have points. */
int build_nprograms(const struct build *b);

#endif
