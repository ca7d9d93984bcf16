/*
 * helgrind_internal.h - what the parts of the Helgrind translator share
 * (not for the rest of the harness, which uses helgrind_report.h).
 *
 *   helgrind_report.c   the public API: loading, merging, printing; the
 *                       small text helpers below
 *   helgrind_xml.c      Helgrind's XML (libxml2) -> raw findings and threads
 *   helgrind_log.c      the text log: "Locks held" of each race, lock names
 *   helgrind_explain.c  one finding -> plain words
 *
 * Allocation and plain strings come from util.h (every allocation checked).
 */
#ifndef CONCUR_HELGRIND_INTERNAL_H
#define CONCUR_HELGRIND_INTERNAL_H

#include "helgrind_report.h"

#include <stddef.h>

/* ---- text helpers (helgrind_report.c) ------------------------------------ */

/* A growing, always NUL-terminated string; { 0 } is empty. */
struct sb {
	char *s;
	size_t len, cap;
};

void sb_printf(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Returns the string built so far (the caller owns it), "" if nothing; b is empty again. */
char *sb_take(struct sb *b);

/* Grows *v (an array of *cap elements of size elem) so that it can hold n + 1. */
void hg_grow(void **v, int *cap, int n, size_t elem);
/* Whether s (may be NULL) starts with prefix. */
int hg_starts_with(const char *s, const char *prefix);
/* NULL-tolerant string equality: two NULLs are equal. */
int hg_streq_null(const char *a, const char *b);
/* A malloc'd copy of s without leading and trailing white space. */
char *hg_dup_trimmed(const char *s);
/* The number after the first occurrence of key in s (e.g. key "thread #"), or def. */
long hg_number_after(const char *s, const char *key, long def);
/* "..during read of size 8 .." / "..previous write of size 8 .." -> is_write and size. */
void hg_parse_rw_size(const char *s, int *is_write, int *size);
/* Thread number of "thread #N" / "Thread #N" in s, 0 if none. */
int hg_thread_in(const char *s);
/* The part of path after its last '/'. */
const char *hg_base_name(const char *path);
/* The part of s between the first and the last '"', malloc'd, or NULL. */
char *hg_quoted(const char *s);

void hg_access_init(struct hg_access *a);
void hg_access_free(struct hg_access *a);
void hg_finding_init(struct hg_finding *f);
void hg_finding_free(struct hg_finding *f);

/* ---- the XML (helgrind_xml.c) --------------------------------------------- */

/* One <announcethread>. */
struct hg_announce {
	int thread;
	int root;
	struct hg_access where; /* where it was created */
};

/* Everything read from the XML, before merging. */
struct hg_raw {
	struct hg_finding *v;
	int n, cap;
	struct hg_announce *ann;
	int nann, capann;
};

/*
 * Reads the XML at path into raw (paths shown relative to build_dir, see
 * hg_display_path()).  Returns -1 if it is not readable Valgrind XML, else 0,
 * with *complete = 1 if the document ended properly.
 */
int hg_read_xml(const char *path, const char *build_dir, struct hg_raw *raw, int *complete);
void hg_raw_free(struct hg_raw *raw);
/* "thread #1 is the program's main thread; thread #2 was created by main() at r.c:18", or NULL. */
char *hg_thread_info(struct hg_announce *v, int n);

/* ---- the text log (helgrind_log.c) ---------------------------------------- */

struct hg_log;

/* Reads a Helgrind text log; a missing or unreadable file gives an empty log. Never NULL. */
struct hg_log *hg_log_read(const char *path);
void hg_log_free(struct hg_log *lg);
/*
 * Sets locks_held (and nlocks, locks_named) of the XML's race f, the
 * ordinal-th race of the XML, from the log's matching race, if any.
 */
void hg_log_match_locks(struct hg_finding *f, int ordinal, const struct hg_log *lg);
/*
 * The names of all the lock addresses in s ("1, at address 0x.." or
 * "0x10C0A0"), joined with " and ", malloc'd; NULL unless every one is known.
 */
char *hg_log_name_locks(const struct hg_log *lg, const char *s);

/* ---- plain words (helgrind_explain.c) ------------------------------------- */

/* The explanation of f: lines separated by '\n', no trailing newline; malloc'd. */
char *hg_explain(const struct hg_finding *f);

#endif /* CONCUR_HELGRIND_INTERNAL_H */
