/*
 * lesson.c - reads grader/NN-slug/lesson.json and hints.json (jansson).
 */
#include "lesson.h"

#include <ctype.h>
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

const char *const check_names[NCHECKS] = {"correctness", "timing", "races"};

static void die_json(const char *path, const char *what)
{
	fprintf(stderr, "concur: %s: %s (this is a bug in the kit's catalogue)\n", path, what);
	exit(2);
}

/* hints.json's "answers": entries without an id, a text or tests are left out (make test says so). */
static void load_answers(json_t *answers, struct lesson *l)
{
	for (int i = 0; i < l->nexercises; i++) {
		struct exercise *e = &l->exercises[i];
		json_t *arr = json_object_get(answers, e->name), *a;
		size_t k;

		if (!json_is_array(arr))
			continue;
		e->answers = xcalloc(json_array_size(arr), sizeof *e->answers);
		json_array_foreach(arr, k, a) {
			const char *id = json_string_value(json_object_get(a, "id"));
			const char *text = json_string_value(json_object_get(a, "text"));
			const char *about = json_string_value(json_object_get(a, "about"));
			json_t *tests = json_object_get(a, "tests"), *t;
			size_t j;
			if (!id || !text || !json_is_array(tests))
				continue;
			struct hint_answer *h = &e->answers[e->nanswers++];
			*h = (struct hint_answer){.id = xstrdup(id), .text = xstrdup(text), .about = xstrdup(about ? about : id),
						  .tests = xcalloc(json_array_size(tests) + 1, sizeof *h->tests)};
			json_array_foreach(tests, j, t) {
				if (json_is_string(t))
					h->tests[h->ntests++] = xstrdup(json_string_value(t));
			}
		}
	}
}

const struct hint_answer *exercise_answer(const struct exercise *e, const char *id)
{
	for (int i = 0; i < e->nanswers; i++)
		if (strcmp(e->answers[i].id, id) == 0)
			return &e->answers[i];
	return NULL;
}

const struct hint_answer *exercise_answer_for(const struct exercise *e, const char *test)
{
	for (int i = 0; i < e->nanswers; i++)
		for (int k = 0; k < e->answers[i].ntests; k++)
			if (strcmp(e->answers[i].tests[k], test) == 0)
				return &e->answers[i];
	return NULL;
}

static void load_hints(const char *dir, struct lesson *l)
{
	char *path = xasprintf("%s/hints.json", dir);
	json_error_t err;
	json_t *root = json_load_file(path, 0, &err);

	if (!root) {
		free(path);
		return; /* hints are optional */
	}
	for (int i = 0; i < l->nexercises; i++) {
		struct exercise *e = &l->exercises[i];
		json_t *arr = json_object_get(root, e->name);
		size_t k;
		json_t *h;

		if (!json_is_array(arr))
			continue;
		e->hints = xcalloc(json_array_size(arr), sizeof *e->hints);
		json_array_foreach(arr, k, h) {
			if (json_is_string(h))
				e->hints[e->nhints++] = xstrdup(json_string_value(h));
		}
	}
	load_answers(json_object_get(root, "answers"), l);
	json_decref(root);
	free(path);
}

static void load_lesson(const char *root_dir, const char *slug, struct lesson *l)
{
	char *dir = xasprintf("%s/grader/%s", root_dir, slug);
	char *path = xasprintf("%s/lesson.json", dir);
	json_error_t err;
	json_t *root = json_load_file(path, 0, &err);
	json_t *exs, *ex;
	size_t i;

	if (!root) {
		char msg[300];
		snprintf(msg, sizeof msg, "line %d: %s", err.line, err.text);
		die_json(path, msg);
	}
	l->slug = xstrdup(slug);
	l->number = atoi(slug);
	l->title = xstrdup(json_string_value(json_object_get(root, "title")) ?: slug);
	l->budget_s = json_number_value(json_object_get(root, "budget_s"));
	if (l->budget_s <= 0)
		l->budget_s = 60;
	exs = json_object_get(root, "exercises");
	if (!json_is_array(exs) || json_array_size(exs) == 0)
		die_json(path, "\"exercises\" must be a non-empty array");
	l->exercises = xcalloc(json_array_size(exs), sizeof *l->exercises);
	json_array_foreach(exs, i, ex) {
		struct exercise *e = &l->exercises[l->nexercises++];
		const char *name = json_string_value(json_object_get(ex, "name"));
		const char *fn = json_string_value(json_object_get(ex, "function"));
		json_t *pts = json_object_get(ex, "points");

		if (!name || !fn || !json_is_object(pts))
			die_json(path, "every exercise needs \"name\", \"function\" and \"points\"");
		e->name = xstrdup(name);
		e->function = xstrdup(fn);
		for (int c = 0; c < NCHECKS; c++)
			e->points[c] = (int)json_integer_value(json_object_get(pts, check_names[c]));
		json_t *weights = json_object_get(ex, "test_points"), *w;
		const char *test;
		e->weighted_tests = xcalloc(json_object_size(weights) + 1, sizeof *e->weighted_tests);
		e->weights = xcalloc(json_object_size(weights) + 1, sizeof *e->weights);
		json_object_foreach(weights, test, w) {
			if (!json_is_integer(w) || json_integer_value(w) < 1 || json_integer_value(w) > 100)
				die_json(path, "\"test_points\" gives each test a whole weight from 1 to 100");
			e->weighted_tests[e->nweighted] = xstrdup(test);
			e->weights[e->nweighted++] = (int)json_integer_value(w);
		}
		json_t *allowed = json_object_get(ex, "allowed_calls"), *a;
		size_t k;
		if (allowed && !json_is_array(allowed))
			die_json(path, "\"allowed_calls\" must be an array of call names");
		e->allowed_calls = xcalloc(json_array_size(allowed) + 1, sizeof *e->allowed_calls);
		json_array_foreach(allowed, k, a) {
			if (!json_is_string(a))
				die_json(path, "\"allowed_calls\" must be an array of call names");
			e->allowed_calls[k] = xstrdup(json_string_value(a));
		}
	}
	json_decref(root);
	load_hints(dir, l);
	free(path);
	free(dir);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

struct lesson *lessons_load(const char *root, int *n)
{
	char *dir = xasprintf("%s/grader", root);
	DIR *d = opendir(dir);
	struct dirent *e;
	char **slugs = NULL;
	int count = 0;
	struct lesson *lessons;

	if (!d) {
		fprintf(stderr, "concur: cannot open %s: run make from the kit's top directory\n", dir);
		exit(2);
	}
	while ((e = readdir(d))) {
		char *json;

		if (!isdigit((unsigned char)e->d_name[0]) || !isdigit((unsigned char)e->d_name[1]) ||
		    e->d_name[2] != '-')
			continue;
		json = xasprintf("%s/%s/lesson.json", dir, e->d_name);
		if (file_exists(json)) {
			slugs = xrealloc(slugs, (size_t)(count + 1) * sizeof *slugs);
			slugs[count++] = xstrdup(e->d_name);
		}
		free(json);
	}
	closedir(d);
	qsort(slugs, (size_t)count, sizeof *slugs, cmp_str);
	lessons = xcalloc((size_t)(count ? count : 1), sizeof *lessons);
	for (int i = 0; i < count; i++) {
		load_lesson(root, slugs[i], &lessons[i]);
		free(slugs[i]);
	}
	free(slugs);
	free(dir);
	*n = count;
	return lessons;
}

struct lesson *lesson_find(struct lesson *lessons, int n, const char *arg)
{
	char *end;
	long num = strtol(arg, &end, 10);

	for (int i = 0; i < n; i++) {
		const char *slug = lessons[i].slug;

		if (*arg && *end == '\0' && num == lessons[i].number)
			return &lessons[i];
		if (strcmp(arg, slug) == 0 || strcmp(arg, slug + 3) == 0)
			return &lessons[i];
	}
	return NULL;
}

struct exercise *exercise_find(struct lesson *l, const char *name)
{
	for (int i = 0; i < l->nexercises; i++)
		if (strcmp(l->exercises[i].name, name) == 0)
			return &l->exercises[i];
	return NULL;
}

int exercise_test_weight(const struct exercise *e, const char *name)
{
	for (int i = 0; i < e->nweighted; i++)
		if (strcmp(e->weighted_tests[i], name) == 0)
			return e->weights[i];
	return 1;
}

int lesson_max_points(const struct lesson *l)
{
	int sum = 0;

	for (int i = 0; i < l->nexercises; i++)
		for (int c = 0; c < NCHECKS; c++)
			sum += l->exercises[i].points[c];
	return sum;
}
