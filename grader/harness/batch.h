/*
 * batch.h - grade a whole class on one machine (make grade SUBMISSIONS=dir).
 *
 * Each entry of the submissions directory is one student: a directory or
 * an archive (submission.h).  Each student is graded by a harness of its
 * own (this program, on the student's expected files only, in a fresh
 * workspace, with the kit's pristine headers and suites), several at once.
 * As root, each of those runs in a PID namespace of its own (nothing it
 * started outlives it), with no network, a private /tmp of bounded size,
 * and, where the kernel offers it, a memory and process budget.
 *
 * Into the output directory:
 *   students/ID/      the workspace, the harness's JSON report, the
 *                     feedback text, meta.json (what was taken or ignored,
 *                     how the grading ended, its fingerprint);
 *   feedback/ID.txt   the same text that student gets from make check;
 *   grades.csv        one row per student, one column per exercise, total;
 *   grades.json       everything, per test, with messages;
 *   report.html       the class overview and a section per student.
 *
 * Every file is written aside and renamed into place, so a grading that is
 * interrupted leaves nothing half-written; run it again and the students
 * whose files, kit and hidden suites are unchanged are not graded again.
 */
#ifndef BATCH_H
#define BATCH_H

#include <stdbool.h>

struct class_options {
	const char *root;        /* the kit's top directory */
	const char *harness;     /* this program, for the per-student harnesses */
	const char *submissions; /* the directory of submissions */
	const char *out;         /* where everything goes */
	const char *hidden;      /* an instructor's hidden suites, or NULL */
	const char *lesson;      /* one lesson, or NULL for every lesson */
	int jobs;                /* students graded at once */
};

/* Grades the class; returns 0, or 2 if the grading itself could not be done. */
int grade_class(const struct class_options *o);

/*
 * Whether the harness's JSON report at path has a check with points of
 * which every test was skipped (as a timing check is when the machine was
 * too busy to measure): 0 points that say nothing about the code, so a
 * class graded several at a time grades that student again, alone.
 */
bool batch_result_has_skipped_check(const char *path);

#endif
