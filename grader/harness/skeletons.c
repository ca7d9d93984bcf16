/*
 * skeletons.c - the kit's pristine copy of the skeletons (see skeletons.h).
 */
#define _GNU_SOURCE
#include "skeletons.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define SKELETONS_FORMAT   "concur-skeletons"
#define MAX_SKELETON_BYTES (4u << 20)

struct skeletons {
	json_t *files; /* "NN-slug/NAME.c" -> text */
};

struct skeletons *skeletons_load(const char *root, const char **why)
{
	char *path = xasprintf("%s/%s", root, SKELETONS_FILE);
	json_t *j = json_load_file(path, 0, NULL);
	json_t *files = json_object_get(j, "files");

	free(path);
	if (!j) {
		*why = "it is missing or is not JSON";
	} else if (!json_is_string(json_object_get(j, "format")) ||
		   strcmp(json_string_value(json_object_get(j, "format")), SKELETONS_FORMAT) != 0 ||
		   json_integer_value(json_object_get(j, "version")) != 1 || !json_is_object(files)) {
		*why = "it is not the kit's copy of the skeletons";
	} else {
		struct skeletons *s = xcalloc(1, sizeof *s);
		s->files = json_incref(files);
		json_decref(j);
		return s;
	}
	json_decref(j);
	return NULL;
}

const char *skeletons_text(const struct skeletons *s, const char *slug, const char *name)
{
	char *key = xasprintf("%s/%s.c", slug, name);
	const char *text = s ? json_string_value(json_object_get(s->files, key)) : NULL;

	free(key);
	return text;
}

void skeletons_free(struct skeletons *s)
{
	if (!s)
		return;
	json_decref(s->files);
	free(s);
}

/* root/exercises/SLUG/NAME.c, whole, or NULL. */
static char *read_exercise(const char *root, const char *slug, const char *name)
{
	char *path = xasprintf("%s/exercises/%s/%s.c", root, slug, name);
	size_t len;
	char *text = read_untrusted_file(path, MAX_SKELETON_BYTES, &len);

	free(path);
	return text;
}

int skeletons_write(const char *root, const struct lesson *ls, int n)
{
	json_t *files = json_object();

	for (int i = 0; i < n; i++)
		for (int k = 0; k < ls[i].nexercises; k++) {
			char *text = read_exercise(root, ls[i].slug, ls[i].exercises[k].name);
			char *key = xasprintf("%s/%s.c", ls[i].slug, ls[i].exercises[k].name);
			if (!text) {
				fprintf(stderr, "concur: cannot read exercises/%s\n", key);
				free(key);
				json_decref(files);
				return -1;
			}
			json_object_set_new(files, key, json_string(text));
			free(key);
			free(text);
		}
	json_t *j = json_pack("{s:s, s:i, s:s, s:o}", "format", SKELETONS_FORMAT, "version", 1, "about",
			      "The pristine skeletons, for make reset and make progress. Written from exercises/ by "
			      "make skeletons; make test checks that they are the same.",
			      "files", files);
	char *text = j ? json_dumps(j, JSON_INDENT(1) | JSON_SORT_KEYS) : NULL;
	char *path = xasprintf("%s/%s", root, SKELETONS_FILE);
	char *with_nl = text ? xasprintf("%s\n", text) : NULL;
	int rc = with_nl ? write_file_atomic(path, with_nl, strlen(with_nl), 0644) : -1;

	if (rc == -1)
		fprintf(stderr, "concur: cannot write %s: %s\n", path, strerror(errno));
	free(with_nl);
	free(path);
	free(text);
	json_decref(j);
	return rc;
}

int skeletons_check(const char *root, const struct lesson *ls, int n, FILE *f)
{
	const char *why = NULL;
	struct skeletons *s = skeletons_load(root, &why);
	int differ = 0;

	if (!s) {
		fprintf(f, "%s: %s\n", SKELETONS_FILE, why);
		return -1;
	}
	for (int i = 0; i < n; i++)
		for (int k = 0; k < ls[i].nexercises; k++) {
			const char *name = ls[i].exercises[k].name;
			const char *pristine = skeletons_text(s, ls[i].slug, name);
			char *text = read_exercise(root, ls[i].slug, name);
			if (!pristine || !text || strcmp(pristine, text) != 0) {
				fprintf(f, "exercises/%s/%s.c %s\n", ls[i].slug, name,
					!text	    ? "cannot be read"
					: !pristine ? "has no pristine copy"
						    : "differs from its pristine copy");
				differ++;
			}
			free(text);
		}
	skeletons_free(s);
	return differ;
}
