/*
 * report_autolab.c - Autolab's autoresult: one line of JSON,
 *   {"scores": {"spawn": 10, "reap": 6}, "scoreboard": [16, 10, 6]}
 * which Autolab reads from the LAST line of the autograder's output.
 * "scores" has one entry per exercise (name the assessment's problems
 * after the exercises: "spawn", "reap"; "01-processes/spawn" when several
 * lessons are graded at once); "scoreboard" is the total, then each
 * exercise's points, in the same order.  Numbers only: nothing to hide.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "report_feedback.h"
#include "util.h"

int report_write_autolab(const char *path, const struct report_input *in)
{
	json_t *scores = json_object(), *board = json_array();
	int points, max;

	report_totals(in, &points, &max);
	json_array_append_new(board, json_integer(points));
	for (int i = 0; i < in->nlessons; i++)
		for (int k = 0; k < in->lessons[i].nresults; k++) {
			const struct exercise_result *x = &in->lessons[i].results[k];
			int p = 0;
			for (int c = 0; c < NCHECKS; c++)
				p += x->checks[c].points;
			char *key = in->nlessons > 1 ? xasprintf("%s/%s", in->lessons[i].lesson->slug, x->ex->name)
						     : xstrdup(x->ex->name);
			json_object_set_new(scores, key, json_integer(p));
			json_array_append_new(board, json_integer(p));
			free(key);
		}
	json_t *root = json_pack("{s:o, s:o}", "scores", scores, "scoreboard", board);
	if (strcmp(path, "-") != 0)
		return report_dump_json(root, path, JSON_COMPACT);
	/* Everything printed before must be out first: this is the last line. */
	char *line = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	if (!line)
		return -1;
	int rc = fflush(stdout) == 0 && printf("%s\n", line) > 0 && fflush(stdout) == 0 ? 0 : -1;
	free(line);
	return rc;
}
