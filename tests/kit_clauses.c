/*
 * kit_clauses.c - checking an exercise's clause map against its header
 * (see kit_clauses.h).
 */
#define _GNU_SOURCE
#include "kit_clauses.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Sentences every header has, which promise nothing. */
static const char *const boilerplate[] = {
	"This header is the contract between your code and the grader.",
	"against its own pristine copy of this file.",
	NULL,
};

char *collapse_space(const char *s)
{
	char *out = xcalloc(strlen(s) + 1, 1), *w = out;

	for (const char *p = s; *p; p++) {
		if (isspace((unsigned char)*p)) {
			if (w > out && w[-1] != ' ')
				*w++ = ' ';
		} else {
			*w++ = *p;
		}
	}
	while (w > out && w[-1] == ' ')
		w--;
	*w = '\0';
	return out;
}

static void push(char ***list, int *n, char *s)
{
	*list = xrealloc(*list, (size_t)(*n + 2) * sizeof **list);
	(*list)[(*n)++] = s;
	(*list)[*n] = NULL;
}

/* Splits one comment's text into sentences: at . ! ? followed by a space and a capital letter, or at the end. */
static void split_sentences(const char *comment, char ***out, int *n)
{
	char *text = collapse_space(comment);
	const char *start = text;

	for (const char *p = text; *p; p++) {
		bool end = (*p == '.' || *p == '!' || *p == '?') && p[1] == ' ' && isupper((unsigned char)p[2]);
		if (end) {
			push(out, n, xasprintf("%.*s", (int)(p + 1 - start), start));
			start = p + 2;
		}
	}
	if (*start)
		push(out, n, xstrdup(start));
	free(text);
}

char **comment_sentences(const char *text, int *n)
{
	char **out = xcalloc(1, sizeof *out);

	*n = 0;
	for (const char *p = strstr(text, "/*"); p; p = strstr(p, "/*")) {
		const char *end = strstr(p + 2, "*/");
		if (!end)
			break;
		/* The comment's text without the leading " * " of each line. */
		char *body = xcalloc((size_t)(end - p) + 1, 1), *w = body;
		bool line_start = true;
		for (const char *c = p + 2; c < end; c++) {
			if (line_start && (*c == ' ' || *c == '\t'))
				continue;
			if (line_start && *c == '*') {
				line_start = false;
				continue;
			}
			line_start = *c == '\n';
			*w++ = *c;
		}
		split_sentences(body, &out, n);
		free(body);
		p = end + 2;
	}
	return out;
}

void free_sentences(char **s)
{
	for (char **p = s; p && *p; p++)
		free(*p);
	free(s);
}

static void problem(char ***problems, int *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void problem(char ***problems, int *n, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		s = xstrdup("(out of memory)");
	va_end(ap);
	push(problems, n, s);
}

static bool has_test(json_t *names, const char *name)
{
	size_t i;
	json_t *v;

	json_array_foreach(names, i, v)
		if (strcmp(json_string_value(v) ?: "", name) == 0)
			return true;
	return false;
}

int clause_map_problems(json_t *exercise, const char *header_name, const char *header_text, json_t *test_names,
			char ***problems, int *nproblems)
{
	const char *ex = json_string_value(json_object_get(exercise, "name")) ?: "?";
	json_t *clauses = json_object_get(exercise, "clauses"), *nots = json_object_get(exercise, "not_clauses"), *c;
	int before = *nproblems, ns;
	size_t i;
	char **sentences = comment_sentences(header_text, &ns);

	if (!json_is_array(clauses) || json_array_size(clauses) == 0) {
		problem(problems, nproblems, "exercise %s has no \"clauses\" in its lesson.json: list every promise of %s",
			ex, header_name);
		free_sentences(sentences);
		return *nproblems - before;
	}
	bool *covered = xcalloc((size_t)ns + 1, sizeof *covered);
	json_array_foreach(clauses, i, c) {
		const char *id = json_string_value(json_object_get(c, "id"));
		const char *says = json_string_value(json_object_get(c, "says"));
		json_t *tests = json_object_get(c, "tests"), *t;
		size_t k;
		if (!id || !says) {
			problem(problems, nproblems, "exercise %s: clause %zu needs an \"id\" and what it \"says\"", ex, i + 1);
			continue;
		}
		char *words = collapse_space(says);
		bool quoted = false;
		for (int s = 0; s < ns; s++)
			if (*words && strstr(sentences[s], words)) {
				covered[s] = quoted = true;
			}
		if (!quoted)
			problem(problems, nproblems, "exercise %s: clause %s says \"%s\", which %s does not say (quote it "
				"word for word)", ex, id, words, header_name);
		free(words);
		if (!json_is_array(tests) || json_array_size(tests) == 0)
			problem(problems, nproblems, "exercise %s: clause %s names no test that exercises it", ex, id);
		json_array_foreach(tests, k, t) {
			const char *name = json_string_value(t);
			if (!name || (strcmp(name, "races") != 0 && !has_test(test_names, name)))
				problem(problems, nproblems, "exercise %s: clause %s names test %s, which its suite does not have",
					ex, id, name ? name : "(not a string)");
		}
	}
	json_t *nc;
	json_array_foreach(nots, i, nc) {
		char *words = collapse_space(json_string_value(nc) ?: "");
		bool found = false;
		for (int s = 0; s < ns && *words; s++)
			found |= strstr(sentences[s], words) != NULL;
		if (!found)
			problem(problems, nproblems, "exercise %s: \"not_clauses\" lists \"%s\", which %s does not say",
				ex, words, header_name);
		free(words);
	}
	for (int s = 0; s < ns; s++) {
		for (int b = 0; !covered[s] && boilerplate[b]; b++)
			covered[s] = strstr(sentences[s], boilerplate[b]) != NULL;
		json_array_foreach(nots, i, nc) {
			char *words = collapse_space(json_string_value(nc) ?: "");
			if (*words && strstr(sentences[s], words))
				covered[s] = true;
			free(words);
		}
		if (!covered[s])
			problem(problems, nproblems, "exercise %s: %s says \"%s\", and no clause covers it (add a clause with "
				"its tests, or list it in \"not_clauses\" if it promises nothing)", ex, header_name,
				sentences[s]);
	}
	free(covered);
	free_sentences(sentences);
	return *nproblems - before;
}

static bool answer_id_ok(const char *id)
{
	if (!*id || *id == '-')
		return false;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || (*p == '-' && p[1] && p[1] != '-')))
			return false;
	return true;
}

/* Whether some answer of answers names test. */
static bool answered(json_t *answers, const char *test)
{
	size_t i;
	json_t *a;

	json_array_foreach(answers, i, a)
		if (has_test(json_object_get(a, "tests"), test))
			return true;
	return false;
}

int hint_answer_problems(json_t *answers, const char *ex, json_t *test_names, bool needs_races, char ***problems,
			 int *nproblems)
{
	int before = *nproblems;
	size_t i, k;
	json_t *a, *t;

	if (!json_is_array(answers) || json_array_size(answers) == 0) {
		problem(problems, nproblems,
			"exercise %s has no hints that answer a failure: add \"answers\": {\"%s\": [{\"id\", \"about\", "
			"\"tests\", \"text\"}, ...]} to its hints.json",
			ex, ex);
		return *nproblems - before;
	}
	json_array_foreach(answers, i, a) {
		const char *id = json_string_value(json_object_get(a, "id"));
		const char *about = json_string_value(json_object_get(a, "about"));
		const char *text = json_string_value(json_object_get(a, "text"));
		json_t *tests = json_object_get(a, "tests");
		if (!id || !answer_id_ok(id)) {
			problem(problems, nproblems, "exercise %s: hint answer %zu needs an \"id\" of lowercase words joined "
				"by '-' (it is typed as ABOUT=id)", ex, i + 1);
			continue;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(json_string_value(json_object_get(json_array_get(answers, j), "id")) ?: "", id) == 0)
				problem(problems, nproblems, "exercise %s: two hint answers have the id %s", ex, id);
		if (!about || !*about)
			problem(problems, nproblems, "exercise %s: hint answer %s needs what it is \"about\"", ex, id);
		if (!text || strlen(text) < 40)
			problem(problems, nproblems, "exercise %s: hint answer %s needs a \"text\" of a sentence or more",
				ex, id);
		if (!json_is_array(tests) || json_array_size(tests) == 0)
			problem(problems, nproblems, "exercise %s: hint answer %s names no test", ex, id);
		json_array_foreach(tests, k, t) {
			const char *name = json_string_value(t);
			if (!name || (strcmp(name, "races") != 0 && !has_test(test_names, name)))
				problem(problems, nproblems, "exercise %s: hint answer %s names test %s, which its suite does "
					"not have", ex, id, name ? name : "(not a string)");
		}
	}
	json_array_foreach(test_names, k, t) {
		const char *name = json_string_value(t);
		if (name && !answered(answers, name))
			problem(problems, nproblems, "exercise %s: no hint answers a failure of test %s (name it in the "
				"\"tests\" of an answer)", ex, name);
	}
	if (needs_races && !answered(answers, "races"))
		problem(problems, nproblems, "exercise %s: no hint answers a failure of the race check (an answer whose "
			"\"tests\" hold \"races\")", ex);
	return *nproblems - before;
}
