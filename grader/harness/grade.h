/*
 * grade.h - grade the exercises of one lesson: build, run the Criterion
 * suite and the Helgrind driver in the sandbox, and turn what they report
 * into a verdict per check.
 *
 * Verdicts come only from files the student's code cannot write in a way
 * that passes: Criterion's JSON report (written by Criterion's runner after
 * its workers ended; a test passes only with the grader's sentinel exit
 * status, see ct_test.h) and Helgrind's XML (written by Valgrind).  Nothing
 * the program prints is trusted.
 */
#ifndef GRADE_H
#define GRADE_H

#include <stdbool.h>

#include "lesson.h"
#include "outcome.h"

enum verdict { VERDICT_PASS, VERDICT_FAIL, VERDICT_SKIP, VERDICT_NONE };

/* One test of the suite, as the reports show it. */
struct test_result {
	char *name;               /* "correct_exit_codes" */
	enum check_kind check;
	enum test_status status;
	char *reason;             /* why it did not pass, or the skip note; NULL when it passed */
	bool hidden;              /* an instructor's hidden test: for the instructor's reports only */
};

struct check_result {
	enum verdict verdict;
	int points, max;
	char *summary;  /* one line */
	char *details;  /* more lines (failing tests' messages, a Helgrind explanation), or NULL */
};

struct exercise_result {
	const struct exercise *ex;
	char *source;                       /* the student's file */
	struct check_result checks[NCHECKS];
	struct test_result *tests;          /* the suite's tests, in the order they ran */
	int ntests;
	char *build_log;                    /* compiler errors or warnings, or NULL */
	char *timelines;                    /* drawings of the workers' timelines to show, or NULL */
	double test_s, race_s;              /* wall time of the suite and of Helgrind */
	int leftovers;                      /* processes killed after the programs ended */
	bool hung;                          /* some test ran out of its own time limit */
};

struct lesson_result {
	const struct lesson *lesson;
	struct exercise_result *results;
	int nresults;
	int points, max;
	double wall_s;
};

struct grade_options {
	const char *root;        /* the kit's top directory */
	const char *src_root;    /* tree laid out like exercises/ */
	const char *source;      /* one file to grade instead (needs one exercise), or NULL */
	const char *build_tag;   /* build/<tag>/...: keeps trees apart */
	const char *build_dir;   /* instead of build/<tag>: where the exercises are built (a batch's student), or NULL */
	bool short_paths;        /* show the student's files as NN-slug/NAME.c, wherever they are (a batch) */
	const char *hidden_root; /* the instructor's hidden suites, HIDDEN/NN-slug/test_NAME.c, or NULL */
	bool verbose;
	bool timing_only;        /* run only the timing tests (make soak): no Helgrind, no correctness */
	bool coverage;           /* make coverage: an instrumented build, its counts kept, no Helgrind (coverage.h) */
	int parallel;            /* jobs at once */
};

/* Grades lesson l (only exercise `only` if not NULL) into *out. */
void grade_lesson(const struct grade_options *o, const struct lesson *l, const char *only,
		  struct lesson_result *out);

#endif
