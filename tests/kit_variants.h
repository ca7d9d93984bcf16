/*
 * kit_variants.h - the known-wrong variants of a lesson, as
 * tests/NN-slug/variants.json lists them, made ready to grade.
 *
 * A variant is either
 *   - a mutation of the reference solution: "edits", each one "find this
 *     exact text, which must occur exactly once, and put that text in its
 *     place", applied in order to solutions/NN-slug/NAME.c; the result is
 *     written to DIR/NN-slug/<variant name>.c, the path the harness then
 *     shows in its messages; or
 *   - a whole file of its own, tests/NN-slug/FILE ("file"), kept for
 *     cheats (forged reports, fork bombs, own clocks, exit(0)) and for
 *     programs that are not the solution with a few lines changed.
 * The same format serves the correct alternatives ("alternatives" in
 * variants.json: solutions written differently, which must get every
 * point), with "differs" where a mutation says its "mistake".
 * An edit that does not apply is an error, never skipped: when the solution
 * changes, a mutation fails loudly instead of drifting.  The format is
 * described in tests/01-processes/variants.json ("about").
 */
#ifndef KIT_VARIANTS_H
#define KIT_VARIANTS_H

#include <jansson.h>
#include <stdbool.h>

#include "lesson.h"

struct variant {
	char *name;	      /* "spawn_serial"; never NULL, even when variant_prepare fails */
	const char *exercise; /* "spawn" */
	char *source;	      /* the file to grade: tests/NN-slug/FILE, or the mutated copy */
	bool mutation;
};

/*
 * Makes entry spec of l's variants.json ready to grade, writing a mutated
 * copy under dir/<slug>/.  Returns true, or false with a sentence in
 * *problem (malloc'd) that names the variant's fault and the file to fix.
 */
bool variant_prepare(const struct lesson *l, json_t *spec, const char *dir, struct variant *v, char **problem);
void variant_free(struct variant *v);

/*
 * One edit: find and replace are each a string (that exact text) or an
 * array of strings (those whole lines, each ending in a newline, found only
 * where a line starts).  Returns the new text (malloc'd), or NULL with
 * *problem (malloc'd) if find is malformed or does not occur exactly once.
 */
char *mutation_apply(const char *text, json_t *find, json_t *replace, char **problem);

#endif
