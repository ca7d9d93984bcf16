/*
 * kit_clauses.h - the clause map of an exercise: every promise its header
 * makes, with the tests that exercise it.
 *
 * In grader/NN-slug/lesson.json, each exercise lists
 *
 *   "clauses": [{"id": "waits-for-all",
 *                "says": "wait for them all before returning",
 *                "tests": ["correct_no_zombies_left", "races"]}, ...],
 *   "not_clauses": ["Requires 1 <= n <= 64."]
 *
 * "says" quotes the header (words as they are, white space aside); "tests"
 * names tests of the suite, or "races" for the Helgrind driver.  Every
 * sentence of the header's comments must contain the words of some clause,
 * or of a "not_clauses" entry (a sentence that explains, or binds the
 * caller, and promises nothing the grader could check).  In
 * tests/NN-slug/variants.json, a known-wrong variant names the clause it
 * breaks ("clause": "waits-for-all"), and must then fail one of the
 * clause's tests; every clause needs such a variant.
 */
#ifndef KIT_CLAUSES_H
#define KIT_CLAUSES_H

#include <jansson.h>
#include <stdbool.h>

/*
 * The sentences of the comments in C source text, each with its white
 * space collapsed to single spaces (NULL-terminated; *n gets the count).
 */
char **comment_sentences(const char *text, int *n);
void free_sentences(char **s);

/* s with every run of white space turned into one space, and none at either end. */
char *collapse_space(const char *s);

/*
 * What is wrong with one exercise's clause map (the exercise's object in
 * lesson.json) against its header's text and the names of its suite's
 * tests (a JSON array of strings): one sentence per problem, appended to
 * *problems (a NULL-terminated array, malloc'd, grown as needed).
 * Returns the number of problems added.
 */
int clause_map_problems(json_t *exercise, const char *header_name, const char *header_text, json_t *test_names,
			char ***problems, int *nproblems);

/*
 * What is wrong with one exercise's hints that answer a failure (its array
 * in hints.json's "answers", or NULL; grader/harness/lesson.h says the
 * format): each answer has an id (lowercase words joined by '-', unique),
 * what it is "about", a "text" of a sentence or more, and "tests" the
 * suite has (or "races"); and every test of the suite, and "races" when
 * needs_races, is named by some answer.  Appends one sentence per problem
 * to *problems as clause_map_problems does; returns the number added.
 */
int hint_answer_problems(json_t *answers, const char *exercise, json_t *test_names, bool needs_races,
			 char ***problems, int *nproblems);

#endif
