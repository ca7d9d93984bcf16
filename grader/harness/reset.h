/*
 * reset.h - make reset: put the pristine skeleton of an exercise back
 * (from the kit's own copy, skeletons.h), after keeping the student's
 * version as a timestamped backup under build/backups/NN-slug/.  The
 * exercise's header goes back to the pristine one too (solutions/ holds
 * it), if it was changed.  The exercise is then "not started" again for
 * make progress.
 */
#ifndef RESET_H
#define RESET_H

#include <stdbool.h>

#include "lesson.h"

#define BACKUP_DIR "build/backups"

/*
 * Resets exercise `only` of lesson l, or every exercise of it when only is
 * NULL (the caller asked the student to confirm that).  Says what it did
 * on stdout.  Returns the exit status: 0, or 2 when some file could not
 * be put back (said on stderr; the student's file is then untouched).
 */
int reset_lesson(const char *root, const struct lesson *l, const char *only);

#endif
