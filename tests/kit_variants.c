/*
 * kit_variants.c - known-wrong variants: whole files and mutations of the
 * reference solution (see kit_variants.h).
 */
#include "kit_variants.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

/*
 * The text an edit's find or replace stands for: a string as it is, an
 * array as its lines, each followed by a newline.  NULL if it is neither.
 */
static char *edit_text(json_t *value, bool *lines)
{
	size_t i;
	json_t *line;

	*lines = json_is_array(value);
	if (json_is_string(value))
		return xstrdup(json_string_value(value));
	if (!*lines)
		return NULL;
	char *text = xstrdup("");
	json_array_foreach(value, i, line)
	{
		if (!json_is_string(line)) {
			free(text);
			return NULL;
		}
		char *more = xasprintf("%s%s\n", text, json_string_value(line));
		free(text);
		text = more;
	}
	return text;
}

/* Where find occurs in text (overlaps included; with lines, only at a line's start): the count, the first in *at. */
static int occurrences(const char *text, const char *find, bool lines, const char **at)
{
	int n = 0;

	*at = NULL;
	for (const char *p = strstr(text, find); p; p = strstr(p + 1, find)) {
		if (lines && p != text && p[-1] != '\n')
			continue;
		if (!n++)
			*at = p;
	}
	return n;
}

/* The first line of s without its indentation, cut to 80 characters, for messages. */
static char *first_line(const char *s)
{
	s += strspn(s, " \t");
	size_t len = strcspn(s, "\n");
	bool more = s[len] == '\n' && s[len + 1] != '\0';

	return xasprintf("%.*s%s", len > 80 ? 80 : (int)len, s, len > 80 || more ? " ..." : "");
}

char *mutation_apply(const char *text, json_t *find, json_t *replace, char **problem)
{
	bool find_lines, replace_lines;
	char *f = edit_text(find, &find_lines), *r = edit_text(replace, &replace_lines);
	char *out = NULL;
	const char *at;

	if (!f || !r)
		*problem = xasprintf("\"find\" and \"replace\" must each be a string or an array of lines");
	else if (!*f)
		*problem = xasprintf("\"find\" is empty");
	else {
		int n = occurrences(text, f, find_lines, &at);
		if (n == 1) {
			out = xasprintf("%.*s%s%s", (int)(at - text), text, r, at + strlen(f));
		} else {
			char *shown = first_line(f);
			*problem = xasprintf("the text to find occurs %d times, not exactly once: \"%s\"", n, shown);
			free(shown);
		}
	}
	free(f);
	free(r);
	return out;
}

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* A name that makes a file name of its own: letters, digits and '_'. */
static bool good_name(const char *s)
{
	return s && *s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == strlen(s);
}

/* Applies spec's edits to its solution and writes the copy; false with *problem. */
static bool mutate(const struct lesson *l, json_t *spec, const char *dir, struct variant *v, char **problem)
{
	const char *solution = str(spec, "solution");
	char *expected = xasprintf("solutions/%s/%s.c", l->slug, v->exercise);
	json_t *edits = json_object_get(spec, "edits"), *edit;
	char *text = NULL, *whole = xasprintf("tests/%s/%s.c", l->slug, v->name);
	size_t i;

	if (!solution || strcmp(solution, expected) != 0)
		*problem = xasprintf("\"solution\" must be \"%s\", the solution of exercise %s", expected, v->exercise);
	else if (!json_is_array(edits) || json_array_size(edits) == 0)
		*problem = xasprintf("\"edits\" must be a non-empty array of {\"find\", \"replace\"}");
	else if ((!str(spec, "mistake") || !*str(spec, "mistake")) && (!str(spec, "differs") || !*str(spec, "differs")))
		*problem = xasprintf("\"mistake\" (or, for a correct alternative, \"differs\") must say in a sentence "
				     "what the mutation breaks (or does differently)");
	else if (file_exists(whole))
		*problem = xasprintf("%s exists too: a mutation replaces the whole file, so delete it", whole);
	else if (!(text = read_file(solution, 1 << 20)))
		*problem = xasprintf("cannot read %s", solution);
	json_array_foreach(edits, i, edit)
	{
		if (*problem)
			break;
		char *why = NULL, *next = mutation_apply(text, json_object_get(edit, "find"),
							 json_object_get(edit, "replace"), &why);
		if (!next) {
			*problem = xasprintf("edit %zu of %zu does not apply to %s (has the solution changed?): %s",
					     i + 1, json_array_size(edits), solution, why);
			free(why);
		}
		free(text);
		text = next;
	}
	if (!*problem) {
		char *copy_dir = xasprintf("%s/%s", dir, l->slug);
		v->source = xasprintf("%s/%s.c", copy_dir, v->name);
		if (make_dirs(copy_dir) == -1 || write_file(v->source, text) == -1)
			*problem = xasprintf("cannot write %s", v->source);
		free(copy_dir);
	}
	free(text);
	free(expected);
	free(whole);
	return !*problem;
}

bool variant_prepare(const struct lesson *l, json_t *spec, const char *dir, struct variant *v, char **problem)
{
	const char *file = str(spec, "file"), *name = str(spec, "name"), *exercise = str(spec, "exercise");
	struct exercise *e = exercise ? exercise_find((struct lesson *)l, exercise) : NULL;
	char *where = xasprintf("tests/%s/variants.json", l->slug);

	*v = (struct variant){.exercise = e ? e->name : ""};
	*problem = NULL;
	if (file) {
		size_t len = strlen(file);
		v->name = len > 2 && strcmp(file + len - 2, ".c") == 0 ? xasprintf("%.*s", (int)len - 2, file)
								       : xstrdup(file);
	} else
		v->name = xstrdup(good_name(name) ? name : "(unnamed)");
	if (!json_is_object(spec))
		*problem = xasprintf("%s: every variant must be an object", where);
	else if (!e)
		*problem = xasprintf("%s: \"exercise\" must name an exercise of grader/%s/lesson.json", where, l->slug);
	else if (!file == !json_object_get(spec, "edits"))
		*problem = xasprintf("%s: give either \"file\" (a whole file) or \"edits\" (a mutation), not %s", where,
				     file ? "both" : "neither");
	else if (file) {
		v->source = xasprintf("tests/%s/%s", l->slug, file);
		if (!good_name(v->name) || strchr(file, '/') || !file_exists(v->source))
			*problem = xasprintf("%s: \"file\" must name a file of tests/%s/", where, l->slug);
	} else if (!good_name(name))
		*problem = xasprintf("%s: a mutation needs a \"name\" of letters, digits and '_'", where);
	else {
		v->mutation = true;
		if (!mutate(l, spec, dir, v, problem)) {
			char *more = xasprintf("%s: %s", where, *problem);
			free(*problem);
			*problem = more;
		}
	}
	free(where);
	return !*problem;
}

void variant_free(struct variant *v)
{
	free(v->name);
	free(v->source);
	*v = (struct variant){0};
}
