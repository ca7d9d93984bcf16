/*
 * skeletons.h - the kit's own pristine copy of every exercise's skeleton
 * (grader/skeletons.json), which make reset restores and make progress
 * compares with.
 *
 * Why a copy the kit ships, and not git: exercises/ belongs to the
 * student.  A student who commits their work makes HEAD's version of a
 * file their own (git show HEAD:exercises/... would "restore" their
 * solution), and a kit unpacked from a tarball has no git at all.  The
 * copy is JSON, not a second tree of .c files, so that nobody edits it by
 * mistake.  It is kept identical to exercises/ by the kit's tests
 * (concur-grade --check-skeletons, in tests/student_tools.sh) and
 * rewritten from exercises/ by contributors with make skeletons.
 *
 * Format: {"format": "concur-skeletons", "version": 1,
 *          "files": {"01-processes/spawn.c": "<the file's text>", ...}}
 */
#ifndef SKELETONS_H
#define SKELETONS_H

#include <stdio.h>

#include "lesson.h"

struct skeletons;

#define SKELETONS_FILE "grader/skeletons.json"

/* The copy under root, or NULL with *why set (a static string) when it is missing or not the kit's. */
struct skeletons *skeletons_load(const char *root, const char **why);
/* The pristine text of exercises/SLUG/NAME.c, or NULL if the copy has none. */
const char *skeletons_text(const struct skeletons *s, const char *slug, const char *name);
void skeletons_free(struct skeletons *s);

/* Rewrites the copy from root/exercises/ (contributors: make skeletons).  0, or -1 with a message. */
int skeletons_write(const char *root, const struct lesson *ls, int n);
/* How many skeletons differ from the copy (each named on f); -1 when the copy cannot be read. */
int skeletons_check(const char *root, const struct lesson *ls, int n, FILE *f);

#endif
