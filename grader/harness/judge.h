/*
 * judge.h - verdicts from an outcome (outcome.h): which checks of an
 * exercise pass, with what summary and explanation.  Pure: no I/O, no
 * clocks, nothing global; the same outcome always gives the same verdicts.
 *
 * The outcome's facts come from what student code cannot forge (how each
 * program ended, the runner's report, Valgrind's report: see collect.h);
 * whatever a program said (a message, a note, a picture) only explains a
 * failure or marks a passed measurement as skipped.
 */
#ifndef JUDGE_H
#define JUDGE_H

#include <stdbool.h>

#include "grade.h"
#include "outcome.h"

struct judge_options {
	bool verbose;     /* show the timelines of passed tests too */
	bool timing_only; /* make soak: only the timing check counts */
};

/*
 * Fills r->checks (max points from e), r->timelines and r->hung from o.
 * r's strings are replaced; r->ex, source and build_log are left alone.
 */
void judge_exercise(const struct exercise *e, const struct exercise_outcome *o, const struct judge_options *opt,
		    struct exercise_result *r);

/* After the suite: whether the Helgrind driver should run at all. */
bool judge_wants_race(const struct exercise *e, const struct exercise_outcome *o, const struct judge_options *opt);
/* After the race run: whether Helgrind's findings need the explaining runs. */
bool judge_wants_explaining(const struct exercise_outcome *o);

/* Frees the strings of r's checks and timelines. */
void judge_free_result(struct exercise_result *r);

/* A test's name as the reports say it: "correct_exit_codes" -> "exit codes" (malloc'd). */
char *readable_test_name(const char *name);

#endif
