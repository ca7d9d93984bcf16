/*
 * build.h - turn one student file into the two programs that grade it.
 *
 * The student's NAME.c is copied into the exercise's build directory with
 * a `#line 1 "<its path>"` first line, next to the kit's pristine API
 * headers (from solutions/), so the compiler sees the pristine contract
 * yet reports errors at the student's own file and line.  The object is
 * then screened (symbol_check) and linked twice: with the lesson's
 * Criterion suite and API wrappers (the test program), and with the
 * Helgrind driver (the race program).  Steps whose outputs are newer than
 * their inputs are skipped.
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
	/* Derived paths. */
	char *copy, *object, *test_bin, *driver_bin, *compile_log, *link_log, *link_race_log;
	/* Results. */
	bool ok;             /* both programs exist and are current */
	char *problem;       /* one paragraph for the student when !ok */
	char *log;           /* compiler or linker output to show, or NULL */
};

/*
 * Prepares b (paths, the copy with its #line) and, if the object is out of
 * date, fills *job with the compile command; returns false when no compile
 * is needed or when b->problem is already set (missing file).
 */
bool build_prepare(struct build *b, const char *root, struct job *job);
/* After the compile job: checks it and the object's symbols; fills up to 2 link jobs.  Returns how many. */
int build_after_compile(struct build *b, const struct job *compile, struct job *links);
/* After the link jobs: sets b->ok or b->problem. */
void build_after_link(struct build *b, const struct job *links, int nlinks);

#endif
