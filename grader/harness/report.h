/*
 * report.h - what the student or instructor reads: one table per lesson
 * (exercise x {correctness, timing, races}, points and total), the reasons
 * for each failure with a pointer to the hints, and machine-readable
 * reports: JSON (via jansson) and CSV for instructors, and one file per
 * grading platform or CI format (report_gradescope.c, report_prairielearn.c,
 * report_autolab.c, report_junit.c, report_tap.c), all written from the same
 * `struct lesson_result`.
 *
 * Hidden tests: only the JSON report names them (for the instructor, marked
 * "hidden": true); every other report counts them without a name or a
 * message, since a platform or an LMS plug-in may show it to students.
 */
#ifndef REPORT_H
#define REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "grade.h"

void report_print(FILE *f, const struct lesson_result *r, const char *tree, bool verbose);
/* Grand total line after several lessons. */
void report_print_total(FILE *f, const struct lesson_result *r, int n);
int report_write_json(const char *path, const struct lesson_result *r, int n);
int report_write_csv(const char *path, const struct lesson_result *r, int n);

/* What the platform reports are written from. */
struct report_input {
	const struct lesson_result *lessons;
	int nlessons;
	const char *tree;  /* what was graded, as the table names it */
};

/*
 * Each writes its report to path and returns 0, or -1 (nothing written).
 *   gradescope:   results.json of Gradescope's autograder specification: one
 *                 test per (exercise, check) with its points and text;
 *   prairielearn: results.json of PrairieLearn's external grader ("score"
 *                 0-1; "gradable": false when nothing could be built);
 *   autolab:      the autoresult line {"scores": {...}, "scoreboard": [...]};
 *                 path "-" prints it on stdout, which must then end with it;
 *   junit:        JUnit XML, a testsuite per exercise, a testcase per test;
 *   tap:          TAP version 13, a test point per test, YAML diagnostics.
 */
int report_write_gradescope(const char *path, const struct report_input *in);
int report_write_prairielearn(const char *path, const struct report_input *in);
int report_write_autolab(const char *path, const struct report_input *in);
int report_write_junit(const char *path, const struct report_input *in);
int report_write_tap(const char *path, const struct report_input *in);

#endif
