/*
 * helgrind_internal.h - what the parts of the Helgrind translator share
 * (not for the rest of the harness, which uses helgrind_report.h).
 *
 *   helgrind_report.c   the public API: loading, merging, printing; the
 *                       small text helpers below
 *   helgrind_xml.c      Helgrind's XML (libxml2) -> raw findings and threads;
 *                       Helgrind's words about an address or a lock
 *   helgrind_log.c      the text log: "Locks held" of each race, lock names,
 *                       lock-order stacks, the locks held at the end
 *   helgrind_source.c   names read from the program's source line
 *   helgrind_cycle.c    lock-order findings -> the whole cycle of locks
 *   helgrind_explain.c  one finding -> plain words
 *   drd_report.c        DRD's XML -> raw findings (the same pipeline after)
 *   tsan_report.c       ThreadSanitizer's text report -> raw findings
 *
 * Loading runs in this order: XML (or another tool's report), then the log,
 * the source and the cycles complete the raw findings; then they are
 * merged, then explained (hg_report_build()).
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
/* Copies b's place (fn, file, line, top_fn, start_fn) into a, which must be fresh. */
void hg_access_copy_place(struct hg_access *a, const struct hg_access *b);
void hg_access_free(struct hg_access *a);
void hg_finding_init(struct hg_finding *f);
void hg_finding_free(struct hg_finding *f);

/* ---- the XML (helgrind_xml.c) --------------------------------------------- */

/* One <announcethread>. */
struct hg_announce {
	int thread;
	int root;
	struct hg_access where; /* where it was created */
	int origin_unknown;	/* the tool does not say (where is empty) */
};

/* Everything read from the XML, before merging. */
struct hg_raw {
	struct hg_finding *v;
	int n, cap;
	struct hg_announce *ann;
	int nann, capann;
	/* The tool announces no thread (DRD): each thread of the findings gets one whose origin is unknown. */
	int unannounced;
};

struct _xmlNode;

/* The first element child of node named name, or NULL. */
struct _xmlNode *hg_xml_child(const struct _xmlNode *node, const char *name);
/* The trimmed text of node, malloc'd; NULL if node is NULL. */
char *hg_xml_text(const struct _xmlNode *node);
/* The trimmed text of node's first child element named name, malloc'd, or NULL. */
char *hg_xml_child_text(const struct _xmlNode *node, const char *name);
/*
 * Fills a's place from a Valgrind <stack>: the first frame of the program's
 * own code that has a file, the innermost named function, and the thread's
 * start routine when the stack goes down to start_thread().  Does nothing
 * if stack is NULL, nor for a place a already has.
 */
void hg_xml_take_stack(struct hg_access *a, const struct _xmlNode *stack, const char *build_dir);
/*
 * Reads the Valgrind XML document at path element by element, calling
 * on_element for each complete element named error or announcethread
 * directly inside <valgrindoutput>, so that a document cut off by a
 * timeout still gives what is complete.  Returns -1 if path is not
 * readable Valgrind XML, else 0, with *complete = 1 if it ended properly.
 */
int hg_xml_read(const char *path, void (*on_element)(void *ctx, const char *name, const struct _xmlNode *node),
		void *ctx, int *complete);
/*
 * Whether a frame's object (a path or a module name) is the program itself
 * rather than a shared library, the system's or Valgrind's.
 */
int hg_is_own_obj(const char *obj);
/* What a finding's kind and message say beyond its stacks (lock order, free(), locks at exit); once per finding. */
void hg_kind_details(struct hg_finding *f);

/*
 * Reads the XML at path into raw (paths shown relative to build_dir, see
 * hg_display_path()).  Returns -1 if it is not readable Valgrind XML, else 0,
 * with *complete = 1 if the document ended properly.
 */
int hg_read_xml(const char *path, const char *build_dir, struct hg_raw *raw, int *complete);
void hg_raw_free(struct hg_raw *raw);

/*
 * Helgrind's words about an address or a lock (an <auxwhat>, or a line of
 * the text log), read one line at a time into a finding; finish once after
 * the last line.  { 0 } is the state before the first line.
 */
struct hg_desc_state {
	int pending;	  /* which access the next <stack> belongs to (helgrind_xml.c) */
	int stack_thread; /* "thread #N's stack" / "of thread N" */
	char *stack_fn;	  /* "in frame #0, created by main (..)" -> "main" */
	int alloc_thread;
};
void hg_desc_line(struct hg_finding *f, struct hg_desc_state *st, const char *text);
/* Sets block_info, stack_info and the declaration's path from what the lines said; frees st's strings. */
void hg_desc_finish(struct hg_finding *f, struct hg_desc_state *st);
/* A declaration "sum.c:4" (a bare file name) becomes "path:4" if path is a path of that file. */
void hg_decl_path(struct hg_finding *f, const char *path);

/* ---- the text log (helgrind_log.c) ---------------------------------------- */

struct hg_log;

/* Reads a Helgrind text log; a missing or unreadable file gives an empty log. Never NULL. */
struct hg_log *hg_log_read(const char *path);
void hg_log_free(struct hg_log *lg);
/*
 * Completes raw's findings from the log: a race's locks held (locks_held,
 * nlocks, locks_named, nlocks_hidden) and, when the XML has no variable
 * names, its variable; a lock order's lock names and held_at; a lock
 * error's object; the locks of a thread that exits holding them.
 */
void hg_log_apply(struct hg_raw *raw, const struct hg_log *lg);
/*
 * The names of all the lock addresses in s ("1, at address 0x.." or
 * "0x10C0A0"), joined with " and ", malloc'd; NULL unless every one is known.
 */
char *hg_log_name_locks(const struct hg_log *lg, const char *s);

/* ---- the program's source (helgrind_source.c) ----------------------------- */

#define HG_CALL_MAX_ARGS 6

/* A call found in the source: "pthread_mutex_unlock(&queue_lock)" -> fn, args[0] = "&queue_lock". */
struct hg_call {
	char *fn;
	char *args[HG_CALL_MAX_ARGS];
	int nargs;
};

/*
 * The first call, at line `line` of the program's file `path` (a display
 * path; relative ones are tried from the current directory, then from
 * build_dir), to a function whose name starts with one of prefixes (a
 * NULL-terminated list); a call that starts up to two lines above counts.
 * Returns 0 with *c filled, or -1 (c empty) if the file or the call is not there.
 */
int hg_source_call(const char *path, const char *build_dir, int line, const char *const *prefixes, struct hg_call *c);
void hg_call_free(struct hg_call *c);
/*
 * The mutex of the first pthread_cond_*wait() on condition variable cond in
 * the file, other than not_mutex (may be NULL), malloc'd, with its line in
 * *line; NULL if there is none.
 */
char *hg_source_cond_mutex(const char *path, const char *build_dir, const char *cond, const char *not_mutex, int *line);
/* "&accounts[i].lock" -> "accounts[i].lock" (malloc'd); NULL unless a plain variable, field or element. */
char *hg_lvalue_name(const char *arg);
/*
 * The start routine of the pthread_create() at that line: its third
 * argument, when the same file defines or declares a function of that name
 * taking void * (so a wrapper's function-pointer parameter is not taken
 * for a name); NULL otherwise.
 */
char *hg_source_thread_fn(const char *path, const char *build_dir, int line);

/* ---- loading, for every tool (helgrind_report.c) --------------------------- */

/*
 * The rest of loading, for every tool: completes raw's findings (objects
 * from the source, declarations, lock cycles, threads), merges and
 * explains them into out, which must be zeroed, and frees raw.  tool is
 * the report's tool name (static), complete whether the tool's output was
 * read to its end.
 */
void hg_report_build(struct hg_raw *raw, int complete, const char *build_dir, const char *tool, struct hg_report *out);
/*
 * A new announcement of thread id in raw (zeroed, the main thread if id
 * is 1, created nowhere yet), or NULL if raw announces it already.
 */
struct hg_announce *hg_announce_add(struct hg_raw *raw, int id);
/* The tool of r: r->tool, or "Helgrind". */
const char *hg_tool(const struct hg_report *r);

/* ---- lock-order cycles (helgrind_cycle.c) --------------------------------- */

/*
 * Sets the cycle of every LockOrder finding of v whose whole cycle of locks
 * shows in the findings: each one contributes the order it observed
 * (lock_second held, lock_first taken) and, if Helgrind printed it, the
 * earlier order it contradicts.  A finding whose cycle does not close
 * keeps cycle NULL.
 */
void hg_find_cycles(struct hg_finding *v, int n);

/* ---- plain words (helgrind_explain.c) ------------------------------------- */

/*
 * The explanation of f (r gives the threads): lines separated by '\n', no
 * trailing newline; malloc'd.
 */
char *hg_explain(const struct hg_finding *f, const struct hg_report *r);

#endif /* CONCUR_HELGRIND_INTERNAL_H */
