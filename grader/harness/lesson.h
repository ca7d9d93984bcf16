/*
 * lesson.h - the catalogue: which lessons exist, their exercises, the
 * points of each check, and the hints.
 *
 * A lesson is a directory grader/NN-slug/ holding lesson.json (title,
 * budget, exercises and points: the one place points are declared) and
 * hints.json (graduated hints per exercise).  Exercise NAME is the student
 * file NAME.c with API header NAME.h, graded by grader/NN-slug/test_NAME.c
 * (Criterion) and grader/NN-slug/race_NAME.c (the Helgrind driver).
 */
#ifndef LESSON_H
#define LESSON_H

enum check_kind { CHECK_CORRECTNESS, CHECK_TIMING, CHECK_RACES, NCHECKS };

/*
 * A hint that answers one kind of failure: hints.json's "answers", per
 * exercise, [{"id": "last-share", "about": "the last thread's share",
 * "tests": ["correct_uneven_split", ...], "text": "..."}].  A failing test
 * (or "races", for the race check) that an answer names gets a line
 * pointing to it: make hint LESSON=N EXERCISE=x ABOUT=id.  Never the full
 * solution.
 */
struct hint_answer {
	char *id, *about, *text;
	char **tests;
	int ntests;
};

struct exercise {
	char *name;             /* "spawn" */
	char *function;         /* "spawn_all" */
	int points[NCHECKS];
	/*
	 * Partial credit: a check's points are shared among its tests by weight
	 * (1 unless lesson.json's "test_points" says otherwise), so that 4 of 5
	 * tests passed give 4/5 of the points, rounded down.
	 */
	char **weighted_tests;
	int *weights, nweighted;
	char **hints;           /* graduated, hints[0] first */
	int nhints;
	struct hint_answer *answers; /* hints that answer one kind of failure */
	int nanswers;
	/*
	 * Calls the screen refuses elsewhere that this exercise is about
	 * (lesson.json's "allowed_calls", e.g. the exec family for lesson
	 * 01's run), NULL-terminated; never NULL.
	 */
	char **allowed_calls;
};

struct lesson {
	char *slug;             /* "01-processes" */
	int number;             /* 1 */
	char *title;            /* "Processes" */
	double budget_s;        /* wall budget for grading the whole lesson */
	struct exercise *exercises;
	int nexercises;
};

extern const char *const check_names[NCHECKS];

/* The answer of e named id, or NULL. */
const struct hint_answer *exercise_answer(const struct exercise *e, const char *id);
/* The first answer of e that names test (a suite test's name, or "races"), or NULL. */
const struct hint_answer *exercise_answer_for(const struct exercise *e, const char *test); /* "correctness", "timing", "races" */

/* Every lesson under root/grader, in order.  Exits with a message on a broken catalogue. */
struct lesson *lessons_load(const char *root, int *n);
/*
 * The lesson that `arg` names: "3", "03", "03-slug" or "slug".  Returns
 * NULL if none; the caller prints the list.
 */
struct lesson *lesson_find(struct lesson *lessons, int n, const char *arg);
struct exercise *exercise_find(struct lesson *l, const char *name);
/* The weight of test `name` of exercise e within its check (partial credit). */
int exercise_test_weight(const struct exercise *e, const char *name);
/* Points available in the lesson. */
int lesson_max_points(const struct lesson *l);

#endif
