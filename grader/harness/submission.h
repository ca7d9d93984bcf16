/*
 * submission.h - one student's files, taken from what they handed in: a
 * directory, or an archive (.tar, .tar.gz, .tgz, .zip), read with
 * libarchive.
 *
 * Only the files the grading expects are taken: NAME.c for each exercise
 * NAME of the lessons being graded, found at any depth (NN-slug/NAME.c is
 * preferred when the same name occurs more than once).  Each is copied to
 * WORK/NN-slug/NAME.c, a path the grader chooses, so nothing in the
 * submission decides where anything is written.  Everything else is listed
 * as ignored, with the reason; links, devices, absolute paths, ".." and
 * oversized members are never taken.
 */
#ifndef SUBMISSION_H
#define SUBMISSION_H

#include <stdbool.h>

#include "lesson.h"

#define SUBMISSION_MAX_FILE (1u << 20)  /* bytes of one exercise file */
#define SUBMISSION_MAX_ENTRIES 10000    /* entries looked at in one submission */

struct submission {
	char *id;        /* the student: the entry's name without its extension */
	char *path;
	char **taken;    /* "01-processes/spawn.c", as written under WORK */
	int ntaken;
	char **ignored;  /* "notes.txt (not an exercise file)", ... */
	int nignored;
	char *problem;   /* the submission could not be read at all, or NULL */
};

/* Whether an entry of the submissions directory is a submission (a directory or an archive we read). */
bool submission_is_entry(const char *dir, const char *name);
/* The student's id for entry name ("alice.tar.gz" -> "alice"). */
char *submission_id(const char *name);

/*
 * Takes what lessons ls[0..n) expect from the submission at path into the
 * empty directory work.  Returns 0 (s filled; s->problem set if nothing
 * could be read) or -1 if work could not be written.
 */
int submission_extract(const char *path, struct lesson *const *ls, int n, const char *work, struct submission *s);
void submission_free(struct submission *s);

#endif
