/*
 * report_feedback.h - what the platform reports (Gradescope, PrairieLearn,
 * Autolab, JUnit, TAP) share: the student's texts, cut from the same
 * `struct lesson_result` the table and the JSON report are written from.
 *
 * Everything here is student-safe: an instructor's hidden test is counted
 * ("hidden tests: 3 of 4 passed", in the judge's own words) but never
 * named, and none of its messages is ever copied.  Only the JSON report
 * (report.c) names hidden tests, for the instructor.
 */
#ifndef REPORT_FEEDBACK_H
#define REPORT_FEEDBACK_H

#include <jansson.h>
#include <stdbool.h>

#include "report.h"

/* Longest text put in one field of a platform's report: results files have size limits (PrairieLearn: 1 MB). */
#define REPORT_FIELD_MAX (96 << 10)

/* Points and maximum over every lesson of the input. */
void report_totals(const struct report_input *in, int *points, int *max);
/* Wall time of the grading, in seconds. */
double report_seconds(const struct report_input *in);
/* The text `make check` prints for the input (the tables and the reasons, no colours); malloc'd. */
char *report_student_text(const struct report_input *in);
/*
 * What check c of exercise x says to the student: its summary, its
 * details, the drawings of the timing check, and the compiler's output
 * under the first check that failed because of it; malloc'd.
 */
char *report_check_text(const struct exercise_result *x, enum check_kind c);
/* Whether nothing of x was built (missing file, compiler error, refused by the screen): no test ran. */
bool report_exercise_unbuilt(const struct exercise_result *x);
/* "spawn: correctness" (with the lesson, "01-processes/spawn: correctness", when there are several); malloc'd. */
char *report_unit_name(const struct report_input *in, const struct lesson_result *l, const struct exercise_result *x,
		       const char *what);
/*
 * text as any report can hold it (malloc'd): valid UTF-8, each byte that is
 * not replaced by '?' (for XML 1.0 also the control characters but tab,
 * newline and return), cut to REPORT_FIELD_MAX bytes with a note.
 * Compilers and student programs may print anything.
 */
char *report_clean_text(const char *text, bool xml);
/* The same, as a JSON string. */
json_t *report_json_text(const char *text);
/*
 * A report is written whole or not at all: into report_temp_path(path)
 * (malloc'd), then report_commit renames it to path if rc is 0, else
 * removes it; it frees tmp and returns 0 or -1.
 */
char *report_temp_path(const char *path);
int report_commit(char *tmp, const char *path, int rc);
/* Writes j to path that way; takes j; 0 or -1. */
int report_dump_json(json_t *j, const char *path, size_t flags);

/*
 * One case of the test-by-test reports (JUnit, TAP): each test of the
 * suites, the races check ("helgrind"), and a "whole check" case for a
 * check whose failure no test explains (processes left behind, a missing
 * report); one "build" case when nothing was built.  A hidden test is "hidden test K", without its
 * messages.
 */
enum report_case_end { CASE_PASSED, CASE_FAILED, CASE_ERROR, CASE_SKIPPED };

struct report_case {
	char *name;
	enum check_kind check;
	enum report_case_end end;
	const char *status; /* "passed", "timed-out", ... (test_status_name), "not-built" or the races verdict */
	char *message;	    /* why it did not pass, or a passed test's note; NULL if none */
	bool hidden;
};

/* The cases of exercise x into *out (free with report_cases_free); returns how many. */
int report_cases(const struct exercise_result *x, struct report_case **out);
void report_cases_free(struct report_case *c, int n);
/* Adds how the n cases c ended to by_end[CASE_PASSED..CASE_SKIPPED]. */
void report_tally_cases(const struct report_case *c, int n, int by_end[4]);
/* The cases of every exercise of the input: how many, and how they ended (by_end, which may be NULL). */
int report_case_totals(const struct report_input *in, int by_end[4]);

#endif
