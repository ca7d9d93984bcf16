/*
 * progress.c - the student's progress: recorded by make check, shown by
 * make progress (see progress.h).
 */
#define _GNU_SOURCE
#include "progress.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "skeletons.h"
#include "util.h"

#define PROGRESS_FORMAT	 "concur-progress"
#define STATE_FILE	 "state.json"
#define MAX_STATE_BYTES	 (1u << 20)
#define MAX_SOURCE_BYTES (4u << 20)

static const char *const status_names[] = {"passed", "failing", "not started"};
enum status { ST_PASSED, ST_FAILING, ST_NOT_STARTED };

/* ---- the files --------------------------------------------------------- */

/* Why j is not the object a kit's file holds, or NULL if it is. */
static const char *not_ours(json_t *j, const char *format)
{
	if (!json_is_object(j))
		return "not a JSON object";
	if (!format)
		return NULL;
	const char *f = json_string_value(json_object_get(j, "format"));
	if (!f || strcmp(f, format) != 0)
		return "another program's file";
	if (json_integer_value(json_object_get(j, "version")) != 1 || !json_is_object(json_object_get(j, "exercises")))
		return "a version this kit does not know";
	return NULL;
}

json_t *progress_load_object(const char *path, const char *format)
{
	struct stat st;
	size_t len = 0;
	const char *why = NULL;
	json_t *j = NULL;

	if (lstat(path, &st) == -1) {
		if (errno != ENOENT)
			fprintf(stderr, "concur: cannot read %s (%s); starting afresh\n", path, strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		why = "not a regular file";
	} else {
		char *text = read_untrusted_file(path, MAX_STATE_BYTES, &len);
		j = text ? json_loadb(text, len, 0, NULL) : NULL;
		why = !text ? "unreadable, or larger than 1 MiB" : !j ? "not JSON" : not_ours(j, format);
		free(text);
	}
	if (why) {
		char *bad = xasprintf("%s.bad", path);
		if (rename(path, bad) == 0)
			fprintf(stderr,
				"concur: %s was not a file this kit wrote (%s): it is kept as %s, and a new one is "
				"started\n",
				path, why, bad);
		else
			fprintf(stderr,
				"concur: %s was not a file this kit wrote (%s), and cannot be moved aside (%s): "
				"remove it\n",
				path, why, strerror(errno));
		free(bad);
		json_decref(j);
		j = NULL;
	}
	if (!j) {
		j = format ? json_pack("{s:s, s:i, s:{}}", "format", format, "version", 1, "exercises") : json_object();
		if (!j) {
			fputs("concur: out of memory\n", stderr);
			exit(2);
		}
	}
	return j;
}

int progress_save_object(const char *path, json_t *j)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	char *text = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
	int rc = -1;

	if (slash)
		*slash = '\0';
	if (!text)
		fprintf(stderr, "concur: cannot save %s: out of memory\n", path);
	else if ((slash && make_dirs(dir) == -1) || write_file_atomic(path, text, strlen(text), 0644) == -1)
		fprintf(stderr, "concur: cannot save %s: %s (your grade is not affected)\n", path, strerror(errno));
	else
		rc = 0;
	free(text);
	free(dir);
	return rc;
}

/* Takes the lock of the progress directory (blocks while another check holds it); -1 if there is none. */
static int lock_progress(const char *root)
{
	char *dir = xasprintf("%s/%s", root, PROGRESS_DIR), *path = xasprintf("%s/lock", dir);
	int fd = make_dirs(dir) == 0 ? open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644) : -1;

	while (fd != -1 && flock(fd, LOCK_EX) == -1 && errno == EINTR)
		;
	free(path);
	free(dir);
	return fd;
}

static void unlock_progress(int fd)
{
	if (fd != -1)
		close(fd); /* releases the flock */
}

static char *state_path(const char *root)
{
	return xasprintf("%s/%s/%s", root, PROGRESS_DIR, STATE_FILE);
}

/* "fnv1a64:<hex>" of the file at path, or NULL if it cannot be read. */
static char *source_hash(const char *path)
{
	size_t len;
	char *text = read_untrusted_file(path, MAX_SOURCE_BYTES, &len);
	uint64_t h = 0xcbf29ce484222325ULL;

	if (!text)
		return NULL;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)text[i]) * 0x100000001b3ULL;
	free(text);
	return xasprintf("fnv1a64:%016" PRIx64, h);
}

/* ---- recording ---------------------------------------------------------- */

static enum status status_of(const struct exercise_result *x)
{
	bool failed = false, all_todo = x->ntests > 0;

	for (int c = 0; c < NCHECKS; c++)
		failed |= x->checks[c].verdict == VERDICT_FAIL;
	for (int i = 0; i < x->ntests; i++)
		all_todo &= x->tests[i].status == TEST_NOT_IMPLEMENTED;
	return !failed ? ST_PASSED : all_todo ? ST_NOT_STARTED : ST_FAILING;
}

/* "timing: 1 of 1 tests failed", the first failing check's summary, on one line; or NULL. */
static char *first_failure(const struct exercise_result *x)
{
	for (int c = 0; c < NCHECKS; c++) {
		const struct check_result *cr = &x->checks[c];
		if (cr->verdict != VERDICT_FAIL)
			continue;
		const char *s = cr->summary ? cr->summary : "failed";
		char *line = xasprintf("%s: %.*s", check_names[c], (int)strcspn(s, "\n"), s);
		if (strlen(line) > 160)
			strcpy(line + 157, "...");
		return line;
	}
	return NULL;
}

static json_t *exercise_entry(const struct exercise_result *x, json_t *old, time_t now)
{
	enum status st = status_of(x);
	int points = 0, max = 0;
	char when[64];
	struct tm tm;

	for (int c = 0; c < NCHECKS; c++) {
		points += x->checks[c].points;
		max += x->checks[c].max;
	}
	if (!localtime_r(&now, &tm) || strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S%z", &tm) == 0)
		strcpy(when, "?");
	json_int_t checks = json_integer_value(json_object_get(old, "checks"));
	json_t *e =
	    json_pack("{s:s, s:i, s:i, s:s, s:I, s:I}", "status", status_names[st], "points", points, "max", max,
		      "checked", when, "checked_unix", (json_int_t)now, "checks", (checks > 0 ? checks : 0) + 1);
	char *hash = source_hash(x->source), *failure = st == ST_FAILING ? first_failure(x) : NULL;
	if (e && hash)
		json_object_set_new(e, "source_hash", json_string(hash));
	if (e && failure)
		json_object_set_new(e, "first_failure", json_string(failure));
	free(hash);
	free(failure);
	return e;
}

void progress_record(const char *root, const struct lesson_result *results, int n)
{
	int lock = lock_progress(root);
	char *path = state_path(root);
	json_t *state = progress_load_object(path, PROGRESS_FORMAT);
	json_t *exercises = json_object_get(state, "exercises");
	time_t now = time(NULL);

	for (int i = 0; i < n; i++)
		for (int k = 0; k < results[i].nresults; k++) {
			const struct exercise_result *x = &results[i].results[k];
			char *key = xasprintf("%s/%s", results[i].lesson->slug, x->ex->name);
			json_t *e = exercise_entry(x, json_object_get(exercises, key), now);
			if (e)
				json_object_set_new(exercises, key, e);
			free(key);
		}
	progress_save_object(path, state);
	json_decref(state);
	free(path);
	unlock_progress(lock);
}

void progress_forget(const char *root, const char *slug, const char *name)
{
	int lock = lock_progress(root);
	char *path = state_path(root), *key = xasprintf("%s/%s", slug, name);
	json_t *state = progress_load_object(path, PROGRESS_FORMAT);

	if (json_object_del(json_object_get(state, "exercises"), key) == 0)
		progress_save_object(path, state);
	json_decref(state);
	free(key);
	free(path);
	unlock_progress(lock);
}

/* ---- showing ------------------------------------------------------------ */

/* What make progress knows of one exercise. */
struct seen {
	enum status status;
	bool checked; /* it has an entry */
	bool missing; /* the file is not there */
	bool edited;  /* never checked, but no longer the pristine skeleton */
	bool changed; /* changed since its last check */
	int points, max;
	const char *failure;
	time_t when;
	int hints_seen;
};

static void read_entry(json_t *e, const struct exercise *ex, struct seen *s)
{
	const char *st = json_string_value(json_object_get(e, "status"));

	s->max = ex->points[CHECK_CORRECTNESS] + ex->points[CHECK_TIMING] + ex->points[CHECK_RACES];
	s->status = ST_NOT_STARTED;
	if (!st)
		return; /* no entry, or one this kit cannot read: as if never checked */
	for (int i = 0; i < 3; i++)
		if (strcmp(st, status_names[i]) == 0)
			s->status = (enum status)i;
	s->checked = true;
	s->points = (int)json_integer_value(json_object_get(e, "points"));
	if (s->points < 0 || s->points > s->max)
		s->points = 0;
	s->failure = json_string_value(json_object_get(e, "first_failure"));
	s->when = (time_t)json_integer_value(json_object_get(e, "checked_unix"));
}

static void look_at(const char *root, const struct lesson *l, const struct exercise *ex, json_t *state, json_t *hints,
		    const struct skeletons *sk, struct seen *s)
{
	char *key = xasprintf("%s/%s", l->slug, ex->name);
	char *file = xasprintf("%s/exercises/%s/%s.c", root, l->slug, ex->name);
	json_t *e = json_object_get(json_object_get(state, "exercises"), key);
	char *now = source_hash(file);

	*s = (struct seen){0};
	read_entry(e, ex, s);
	s->hints_seen = (int)json_integer_value(json_object_get(hints, key));
	s->missing = now == NULL;
	const char *then = json_string_value(json_object_get(e, "source_hash"));
	s->changed = s->checked && now && then && strcmp(now, then) != 0;
	const char *pristine = skeletons_text(sk, l->slug, ex->name);
	if (!s->checked && now && pristine) {
		size_t len;
		char *text = read_untrusted_file(file, MAX_SOURCE_BYTES, &len);
		s->edited = text && strcmp(text, pristine) != 0;
		free(text);
	}
	free(now);
	free(file);
	free(key);
}

static const char *status_word(const struct seen *s)
{
	if (s->missing)
		return "missing";
	if (!s->checked)
		return s->edited ? "edited" : "not started";
	return status_names[s->status];
}

static void print_row(FILE *f, const struct exercise *ex, const struct seen *s, int hints_total)
{
	char when[32] = "", pts[16], line[256];
	struct tm tm;

	if (s->checked && s->when > 0 && localtime_r(&s->when, &tm))
		strftime(when, sizeof when, "checked %Y-%m-%d %H:%M", &tm);
	else if (s->missing || s->edited)
		snprintf(when, sizeof when, "not checked yet");
	snprintf(pts, sizeof pts, "%d/%d", s->points, s->max);
	int len = snprintf(line, sizeof line, "    %-12s %-12s %7s  %-24s", ex->name, status_word(s), pts, when);
	if (len > 0 && (size_t)len < sizeof line && s->changed)
		len += snprintf(line + len, sizeof line - (size_t)len, "  changed since");
	if (len > 0 && (size_t)len < sizeof line && s->hints_seen > 0)
		snprintf(line + len, sizeof line - (size_t)len, "  hints seen %d of %d",
			 s->hints_seen < hints_total ? s->hints_seen : hints_total, hints_total);
	for (len = (int)strlen(line); len > 0 && line[len - 1] == ' ';)
		line[--len] = '\0';
	fprintf(f, "%s\n", line);
	if (s->checked && s->status == ST_FAILING && s->failure && !s->changed)
		fprintf(f, "      %s\n", s->failure);
}

/* The next step for exercise ex (not passed, or changed); begun: some exercise of its lesson was. */
static void print_next(FILE *f, const char *root, const struct lesson *l, const struct exercise *ex,
		       const struct seen *s, bool begun)
{
	char *check = xasprintf("make check LESSON=%d EXERCISE=%s", l->number, ex->name);
	char *lesson_md = xasprintf("%s/lessons/%s.md", root, l->slug);

	fprintf(f, "\nNext: ");
	if (s->missing)
		fprintf(f,
			"make reset LESSON=%d EXERCISE=%s\n      (exercises/%s/%s.c is missing: that puts the "
			"skeleton back)\n",
			l->number, ex->name, l->slug, ex->name);
	else if (s->changed || s->edited)
		fprintf(f, "%s\n      (you changed %s.c since it was last checked)\n", check, ex->name);
	else if (s->checked && s->status == ST_FAILING)
		fprintf(f, "%s\n      (it failed %s. Stuck? make hint LESSON=%d EXERCISE=%s)\n", check,
			s->failure ? s->failure : "its last check", l->number, ex->name);
	else if (!begun && file_exists(lesson_md))
		fprintf(f, "read lessons/%s.md, then write %s() in exercises/%s/%s.c\n      and run  %s\n", l->slug,
			ex->function, l->slug, ex->name, check);
	else
		fprintf(f, "write %s() in exercises/%s/%s.c, then run  %s\n", ex->function, l->slug, ex->name, check);
	free(lesson_md);
	free(check);
}

int progress_show(FILE *f, const char *root, const struct lesson *ls, int n)
{
	int lock = lock_progress(root);
	char *path = state_path(root), *hints_path = xasprintf("%s/%s/hints.json", root, PROGRESS_DIR);
	json_t *state = progress_load_object(path, PROGRESS_FORMAT);
	json_t *hints = progress_load_object(hints_path, NULL);
	const char *why = NULL;
	struct skeletons *sk = skeletons_load(root, &why);
	int points = 0, max = 0, passed = 0, total = 0;
	const struct lesson *next_l = NULL;
	const struct exercise *next_ex = NULL;
	struct seen next = {0};
	bool next_begun = false;

	unlock_progress(lock);
	fprintf(f, "Your progress (make check records it in %s/%s)\n", PROGRESS_DIR, STATE_FILE);
	for (int i = 0; i < n; i++) {
		const struct lesson *l = &ls[i];
		struct seen *s = xcalloc((size_t)l->nexercises, sizeof *s);
		int lp = 0, lm = 0;
		bool begun = false;

		for (int k = 0; k < l->nexercises; k++) {
			look_at(root, l, &l->exercises[k], state, hints, sk, &s[k]);
			lp += s[k].points;
			lm += s[k].max;
			begun |= s[k].edited || (s[k].checked && s[k].status != ST_NOT_STARTED);
		}
		char *heading = xasprintf("%s: %s", l->slug, l->title);
		fprintf(f, "\n  %-47s %5d/%d\n", heading, lp, lm);
		free(heading);
		for (int k = 0; k < l->nexercises; k++) {
			print_row(f, &l->exercises[k], &s[k], l->exercises[k].nhints);
			bool done = s[k].checked && s[k].status == ST_PASSED && !s[k].changed && !s[k].missing;
			passed += done;
			if (!done && !next_ex) {
				next_l = l;
				next_ex = &l->exercises[k];
				next = s[k];
				next_begun = begun;
			}
		}
		points += lp;
		max += lm;
		total += l->nexercises;
		free(s);
	}
	fprintf(f, "\n  total: %d/%d points, %d of %d exercises passed\n", points, max, passed, total);
	if (next_ex)
		print_next(f, root, next_l, next_ex, &next, next_begun);
	else
		fprintf(f, "\nEvery exercise passes: well done.\n");
	if (!sk)
		fprintf(f,
			"(The kit's pristine skeletons, %s, are unreadable: %s. Files you edited but never checked "
			"show as not started.)\n",
			SKELETONS_FILE, why);
	skeletons_free(sk);
	json_decref(hints);
	json_decref(state);
	free(hints_path);
	free(path);
	return 0;
}
