/*
 * submission.c - taking a student's files from a directory or an archive
 * (submission.h).
 *
 * DESIGN: every entry, whatever it came from, becomes a candidate (its path
 * inside the submission, what kind of file it is, its bytes if it may be
 * taken).  The best candidate for each expected file is taken, the others
 * are listed as ignored.  Archives are read with libarchive, directories
 * with nftw(FTW_PHYS): neither follows a link, and the bytes of a file are
 * read only when it is a regular file that could be taken, at most
 * SUBMISSION_MAX_FILE of them.
 */
#define _GNU_SOURCE
#include "submission.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

static const char *const archive_suffixes[] = {".tar.gz", ".tgz", ".tar.xz", ".tar.bz2", ".tar", ".zip", NULL};

static const char *archive_suffix(const char *name)
{
	size_t len = strlen(name);

	for (int i = 0; archive_suffixes[i]; i++) {
		size_t n = strlen(archive_suffixes[i]);
		if (len > n && strcmp(name + len - n, archive_suffixes[i]) == 0)
			return archive_suffixes[i];
	}
	return NULL;
}

bool submission_is_entry(const char *dir, const char *name)
{
	struct stat st;
	char *path = xasprintf("%s/%s", dir, name);
	bool ok = name[0] != '.' && lstat(path, &st) == 0 &&
		  (S_ISDIR(st.st_mode) || (S_ISREG(st.st_mode) && archive_suffix(name)));

	free(path);
	return ok;
}

char *submission_id(const char *name)
{
	const char *suffix = archive_suffix(name);
	size_t len = strlen(name) - (suffix ? strlen(suffix) : 0);
	char *id = xasprintf("%.*s", (int)len, name);

	/* A name of its own for files and messages: letters, digits, '-', '_' and '.' (not first). */
	for (char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		      *p == '_' || (*p == '.' && p != id)))
			*p = '_';
	return id;
}

/* What the grading expects: one slot per exercise of the chosen lessons. */
struct wanted {
	const char *slug, *name;
	char *best_path; /* the candidate taken so far, or NULL */
	char *bytes;
	size_t len;
	int score;       /* higher is better: under NN-slug/, then shallower */
};

struct collect {
	struct wanted *w;
	int nw;
	struct submission *s;
	int entries;
};

static void ignore(struct submission *s, const char *path, const char *why)
{
	s->ignored = xrealloc(s->ignored, (size_t)(s->nignored + 1) * sizeof *s->ignored);
	s->ignored[s->nignored++] = xasprintf("%s (%s)", path, why);
}

/* A path inside a submission that could point outside it: absolute, or with a ".." component. */
static bool unsafe_path(const char *path)
{
	if (path[0] == '/')
		return true;
	for (const char *p = path; (p = strstr(p, "..")) != NULL; p += 2)
		if ((p == path || p[-1] == '/') && (p[2] == '/' || p[2] == '\0'))
			return true;
	return false;
}

/* The slot entry `path` would fill, or NULL (not an exercise file). */
static struct wanted *slot_of(struct collect *c, const char *path, int *score)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	int depth = 0;

	for (const char *p = path; *p; p++)
		depth += *p == '/';
	for (int i = 0; i < c->nw; i++) {
		size_t n = strlen(c->w[i].name);
		if (strncmp(base, c->w[i].name, n) != 0 || strcmp(base + n, ".c") != 0)
			continue;
		char *dir = xasprintf("%s/", c->w[i].slug);
		bool under_slug = strncmp(path, dir, strlen(dir)) == 0 || strstr(path, dir) != NULL;
		free(dir);
		*score = (under_slug ? 100 : 0) + (50 - (depth < 50 ? depth : 50));
		return &c->w[i];
	}
	return NULL;
}

/*
 * One entry: kind is 'f' (regular file), 'd' (directory), 'l' (link) or
 * 'o' (anything else).  read_bytes is called, at most once, only for a file
 * that may be taken; it returns the bytes (malloc'd) or NULL if the file is
 * larger than the limit.
 */
static void consider(struct collect *c, const char *path, char kind, long long size,
		     char *(*read_bytes)(void *ctx, size_t *len), void *ctx)
{
	int score;

	if (++c->entries > SUBMISSION_MAX_ENTRIES) {
		if (c->entries == SUBMISSION_MAX_ENTRIES + 1)
			ignore(c->s, "...", "more entries than the grader looks at");
		return;
	}
	if (kind == 'd')
		return;
	if (unsafe_path(path)) {
		ignore(c->s, path, "a path outside the submission: never taken");
		return;
	}
	struct wanted *w = slot_of(c, path, &score);
	if (!w) {
		ignore(c->s, path, "not an exercise file");
		return;
	}
	if (kind != 'f') {
		ignore(c->s, path, kind == 'l' ? "a link: never followed" : "not a regular file");
		return;
	}
	if (size > (long long)SUBMISSION_MAX_FILE) {
		ignore(c->s, path, "larger than 1 MiB");
		return;
	}
	if (w->best_path && w->score >= score) {
		char *why = xasprintf("another %s.c was taken: %s", w->name, w->best_path);
		ignore(c->s, path, why);
		free(why);
		return;
	}
	size_t len;
	char *bytes = read_bytes(ctx, &len);
	if (!bytes) {
		ignore(c->s, path, "larger than 1 MiB, or unreadable");
		return;
	}
	if (w->best_path) {
		char *why = xasprintf("another %s.c was taken: %s", w->name, path);
		ignore(c->s, w->best_path, why);
		free(why);
		free(w->best_path);
		free(w->bytes);
	}
	*w = (struct wanted){w->slug, w->name, xstrdup(path), bytes, len, score};
}

/* ---- archives -------------------------------------------------------- */

static char *archive_bytes(void *ctx, size_t *len)
{
	struct archive *a = ctx;
	char *buf = xcalloc(SUBMISSION_MAX_FILE + 2, 1);
	size_t n = 0;

	for (;;) {
		la_ssize_t got = archive_read_data(a, buf + n, SUBMISSION_MAX_FILE + 1 - n);
		if (got < 0) {
			free(buf);
			return NULL;
		}
		if (got == 0)
			break;
		n += (size_t)got;
		if (n > SUBMISSION_MAX_FILE) { /* the header lied about the size */
			free(buf);
			return NULL;
		}
	}
	*len = n;
	return buf;
}

static char *read_archive(struct collect *c, const char *path)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	char *problem = NULL;

	archive_read_support_filter_all(a);
	archive_read_support_format_all(a);
	if (archive_read_open_filename(a, path, 64 << 10) != ARCHIVE_OK) {
		problem = xasprintf("cannot read the archive %s: %s", path, archive_error_string(a));
		archive_read_free(a);
		return problem;
	}
	int r;
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e) ? archive_entry_pathname(e) : "";
		mode_t type = archive_entry_filetype(e);
		char kind = type == AE_IFREG && !archive_entry_hardlink(e) ? 'f'
			    : type == AE_IFDIR			      ? 'd'
			    : type == AE_IFLNK || archive_entry_hardlink(e) ? 'l'
									  : 'o';
		/* "./x.c" is "x.c". */
		while (name[0] == '.' && name[1] == '/')
			name += 2;
		consider(c, name, kind, archive_entry_size_is_set(e) ? (long long)archive_entry_size(e) : 0,
			 archive_bytes, a);
		if (c->entries > SUBMISSION_MAX_ENTRIES)
			break;
	}
	if (r != ARCHIVE_EOF && r != ARCHIVE_OK && c->entries <= SUBMISSION_MAX_ENTRIES)
		problem = xasprintf("the archive %s is damaged (%s); what could be read before that was taken", path,
				    archive_error_string(a));
	archive_read_free(a);
	return problem;
}

/* ---- directories ----------------------------------------------------- */

static struct collect *walking; /* nftw has no context pointer */
static size_t walk_root_len;

struct file_ctx {
	const char *path;
};

static char *file_bytes(void *ctx, size_t *len)
{
	const struct file_ctx *f = ctx;

	return read_untrusted_file(f->path, SUBMISSION_MAX_FILE, len);
}

static int walk_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)ftw;
	if (strlen(path) <= walk_root_len)
		return 0; /* the submission's own directory */
	const char *rel = path + walk_root_len + 1;
	char kind = type == FTW_SL ? 'l' : type == FTW_D || type == FTW_DNR ? 'd' : S_ISREG(st->st_mode) ? 'f' : 'o';
	struct file_ctx f = {path};

	consider(walking, rel, kind, (long long)st->st_size, file_bytes, &f);
	return walking->entries > SUBMISSION_MAX_ENTRIES ? 1 : 0;
}

static char *read_directory(struct collect *c, const char *path)
{
	walking = c;
	walk_root_len = strlen(path);
	int r = nftw(path, walk_entry, 16, FTW_PHYS);
	walking = NULL;
	return r == -1 ? xasprintf("cannot read the directory %s: %s", path, strerror(errno)) : NULL;
}

/* ---- the whole -------------------------------------------------------- */

int submission_extract(const char *path, struct lesson *const *ls, int n, const char *work, struct submission *s)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	struct collect c = {.s = s};
	struct stat st;
	int rc = 0;

	*s = (struct submission){.id = submission_id(base), .path = xstrdup(path)};
	for (int i = 0; i < n; i++) {
		c.w = xrealloc(c.w, (size_t)(c.nw + ls[i]->nexercises) * sizeof *c.w);
		for (int k = 0; k < ls[i]->nexercises; k++)
			c.w[c.nw++] = (struct wanted){.slug = ls[i]->slug, .name = ls[i]->exercises[k].name};
	}
	if (lstat(path, &st) == -1)
		s->problem = xasprintf("cannot read %s: %s", path, strerror(errno));
	else if (S_ISDIR(st.st_mode))
		s->problem = read_directory(&c, path);
	else if (S_ISREG(st.st_mode))
		s->problem = read_archive(&c, path);
	else
		s->problem = xasprintf("%s is neither a directory nor an archive", path);
	for (int i = 0; i < c.nw; i++) {
		struct wanted *w = &c.w[i];
		if (!w->best_path)
			continue;
		char *dir = xasprintf("%s/%s", work, w->slug), *file = xasprintf("%s/%s.c", dir, w->name);
		int fd = make_dirs(dir) == -1 ? -1 : open(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd == -1 || write(fd, w->bytes, w->len) != (ssize_t)w->len) {
			fprintf(stderr, "concur: cannot write %s: %s\n", file, strerror(errno));
			rc = -1;
		}
		if (fd != -1 && close(fd) == -1)
			rc = -1;
		s->taken = xrealloc(s->taken, (size_t)(s->ntaken + 1) * sizeof *s->taken);
		s->taken[s->ntaken++] = xasprintf("%s/%s.c (from %s)", w->slug, w->name, w->best_path);
		free(dir);
		free(file);
		free(w->best_path);
		free(w->bytes);
	}
	free(c.w);
	return rc;
}

void submission_free(struct submission *s)
{
	for (int i = 0; i < s->ntaken; i++)
		free(s->taken[i]);
	for (int i = 0; i < s->nignored; i++)
		free(s->ignored[i]);
	free(s->taken);
	free(s->ignored);
	free(s->id);
	free(s->path);
	free(s->problem);
	*s = (struct submission){0};
}
