/*
 * coverage.h - make coverage: which lines and branches of the student's
 * own file the tests ran, measured with gcov and reported with gcovr (a
 * summary in the terminal, an HTML page under build/coverage/).
 *
 * The coverage build is a build of its own (build tag "coverage"): the
 * student's file is compiled as usual (and screened, as usual: the screen
 * sees the plain object), and again with COVERAGE_CFLAGS into
 * COVERAGE_DIR/COVERAGE_OBJECT, which is what its test program links, with
 * the kit's ct_coverage.o and libct_gcov.a (grader/lib/ct_coverage.c says
 * why those).  The suite then runs sandboxed and confined as always, with
 * two more variables in its clean environment, set by the harness alone:
 * GCOV_PREFIX (the run's directory) and GCOV_PREFIX_STRIP, so that the
 * counts (.gcda) are written inside the run's directory, the one place
 * it may write.  They are collected from there beside the object's .gcno,
 * and gcovr, sandboxed too (the .gcda is the student's program's output),
 * reads them.  Helgrind does not run: coverage is of the tests.
 */
#ifndef COVERAGE_H
#define COVERAGE_H

#include <stdio.h>

#include "grade.h"

#define COVERAGE_TAG	"coverage"
#define COVERAGE_CFLAGS "--coverage -fprofile-update=atomic"
#define COVERAGE_DIR	"obj-cov" /* in the exercise's build directory */
#define COVERAGE_OBJECT "student-cov.o"
#define COVERAGE_DATA	"student-cov.gcda"

/* The link flags of the coverage build's test program (kit: the kit's build directory, absolute). */
char *coverage_link_flags(const char *kit);
/* The kit's parts those flags name, NULL-terminated (kit_parts[i] freed by the caller, then the array). */
char **coverage_kit_parts(const char *kit);

/* The extra environment of the suite's run in run_dir, for an object compiled in obj_abs; NULL-terminated. */
char **coverage_env(const char *obj_abs, const char *run_dir);
/* After the suite: moves the counts the tests wrote in run_dir beside the .gcno in obj_dir. */
void coverage_collect(const char *run_dir, const char *obj_dir);

/*
 * Runs gcovr for every exercise of r (built in build_root/SLUG/NAME) and
 * prints what the tests ran.  Returns 0 when every exercise was measured,
 * else 2.  Needs jobs_init().
 */
int coverage_report(FILE *f, const struct lesson_result *r, const char *build_root);

#endif
