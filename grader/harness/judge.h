/*
 * judge.h - verdicts from what the graded programs left behind: Criterion's
 * JSON report (correctness and timing), the Helgrind driver's exit status
 * and Valgrind's XML report (races), and the count of processes that
 * outlived their parents.  Nothing the programs printed is used, except a
 * driver's one-line message on stderr when it reports a wrong result.
 */
#ifndef JUDGE_H
#define JUDGE_H

#include <stdbool.h>

#include "grade.h"
#include "jobs.h"

/* Sets check c (points follow the verdict); takes ownership of the strings. */
void set_check(struct check_result *c, enum verdict v, char *summary, char *details);
/* Fails every check with the same reason (when nothing could run). */
void fail_all(struct exercise_result *r, const char *summary, const char *details);
/* Processes left behind: a passing check fails, a failing one gets a note. */
void fail_leftovers(struct exercise_result *r);
/* Correctness and timing from the suite's JSON report (test names correct_* and timing_*). */
void judge_suite(struct exercise_result *r, const struct job *j, const char *json_path, double suite_timeout);
/* Races from the driver's run; *needs_explaining when Helgrind found something. */
void judge_race_run(struct exercise_result *r, const struct job *j, const char *xml, const char *err_path,
		    bool *needs_explaining);
/* Replaces the races details with the explanation of the explaining runs. */
void explain_races(struct exercise_result *r, const char *xml, const char *log);

#endif
