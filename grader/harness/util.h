/*
 * util.h - allocation and file helpers for the harness: every allocation
 * is checked (on failure the harness stops with a message), and small
 * files are read whole.
 */
#ifndef UTIL_H
#define UTIL_H

#include <stdbool.h>
#include <stddef.h>

void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
/* The first n bytes of s (fewer if s is shorter), NUL-terminated. */
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Whole file as a NUL-terminated string (at most max bytes), or NULL. */
char *read_file(const char *path, size_t max);
/*
 * A file that a sandboxed program may have written, whole, as a
 * NUL-terminated string (its length in *len), or NULL if path is not a
 * regular file (a FIFO would block the reader, a symbolic link could point
 * anywhere), cannot be read, or holds more than max bytes: rejected, not
 * truncated, since half a file may mean something else.  Never blocks.
 */
char *read_untrusted_file(const char *path, size_t max, size_t *len);
/* Writes s to path, replacing it; 0 or -1. */
int write_file(const char *path, const char *s);
/*
 * Replaces path with len bytes of data atomically: a reader sees the old
 * file or the new one, never half of either (a temporary file beside it,
 * synced, then renamed over it; a link at path is replaced, not followed).
 * 0, or -1 with errno (the temporary file is removed).
 */
int write_file_atomic(const char *path, const char *data, size_t len, unsigned mode);
bool file_exists(const char *path);
/* mkdir -p; 0 or -1. */
int make_dirs(const char *path);
/* Modification time in ns, or 0 if the file does not exist. */
long long mtime_ns(const char *path);
/* cp src dst (mode kept); 0 or -1. */
int copy_file(const char *src, const char *dst);
/* rm -rf path; best effort. */
void remove_tree(const char *path);

#endif
