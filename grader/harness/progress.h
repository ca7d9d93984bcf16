/*
 * progress.h - what a student has done so far: make check records each
 * exercise's result in build/progress/state.json, make progress shows it
 * with the next step, make reset forgets an exercise.
 *
 * The state file is the kit's own, under build/ (ignored by git, removed
 * by make clean):
 *
 *   {"format": "concur-progress", "version": 1,
 *    "exercises": {"01-processes/spawn": {
 *        "status": "passed" | "failing" | "not started",
 *        "points": 8, "max": 10,
 *        "checked": "2024-12-02T10:15:00+0100", "checked_unix": 1733130900,
 *        "checks": 3,                 (how many times it was checked)
 *        "first_failure": "timing: ...",  (the first failing check's summary, when failing)
 *        "source_hash": "fnv1a64:..." (of the file that was checked)
 *    }, ...}}
 *
 * DESIGN: the file is only ever replaced whole (a temporary file beside it,
 * renamed over it: util.h's write_file_atomic), under an flock of
 * build/progress/lock, so that two checks at once (make watch and a make
 * check by hand) neither tear it nor lose each other's update.  A file
 * that is not one this kit wrote (not JSON, another format, a directory,
 * a link) is moved aside as state.json.bad, with a note on stderr, and a
 * new one is started; nothing in it can crash the kit or change a grade:
 * the file is read for make progress only.
 */
#ifndef PROGRESS_H
#define PROGRESS_H

#include <jansson.h>
#include <stdio.h>

#include "grade.h"
#include "lesson.h"

#define PROGRESS_DIR "build/progress"

/* Records the results of make check (the student's own exercises/ only); best effort, notes on stderr. */
void progress_record(const char *root, const struct lesson_result *results, int n);
/* Forgets exercise slug/name (make reset): it is "not started" again. */
void progress_forget(const char *root, const char *slug, const char *name);
/* make progress: every lesson and exercise, its status, points, last check, and the next step. */
int progress_show(FILE *f, const char *root, const struct lesson *ls, int n);

/*
 * A JSON object kept in a file of the kit's (build/progress/NAME.json): the
 * object, or a new empty one when the file is missing, or is not JSON, not
 * an object or (format != NULL) has no "format": format, version 1; such a
 * file is moved aside to PATH.bad with a note on stderr.  Never NULL.
 */
json_t *progress_load_object(const char *path, const char *format);
/* Replaces path with j atomically (creating its directory).  0, or -1 after a note on stderr. */
int progress_save_object(const char *path, json_t *j);

#endif
