/*
 * helgrind_report.h - read what Valgrind's Helgrind found in a race driver and
 * explain it to a student in plain words.
 *
 * The harness runs the driver under
 *     valgrind --tool=helgrind --xml=yes --xml-file=race.xml [--read-var-info=yes] ./race_driver
 * and, on the "explain" pass, also (as a separate run)
 *     valgrind --tool=helgrind --log-file=race.log ./race_driver
 * because Helgrind 3.19's XML has no "Locks held: ..." lines.  This module
 * parses the XML with libxml2, takes the "Locks held" lines of the text log
 * (matched to the XML's races by the (function, file, line) of both accesses,
 * since the two runs are independent), merges duplicates and writes one
 * explanation per finding.  The parts: helgrind_xml.c, helgrind_log.c,
 * helgrind_explain.c, sharing helgrind_internal.h.
 *
 * Nothing here is thread-safe with respect to a shared struct hg_report; distinct
 * reports may be loaded from distinct threads.  All strings are owned by the
 * report and released by hg_report_free().
 */
#ifndef CONCUR_HELGRIND_REPORT_H
#define CONCUR_HELGRIND_REPORT_H

#include <stdio.h>

/* What kind of memory a race is on (an addition to the original API). */
enum hg_var_kind {
	HG_VAR_UNKNOWN = 0, /* Helgrind could not say */
	HG_VAR_GLOBAL,      /* global or static variable ("global var", "data symbol") */
	HG_VAR_LOCAL,       /* on a thread's stack ("local var", "on thread #1's stack") */
	HG_VAR_HEAP,        /* inside a malloc'd block */
};

/* One access of a race, or the single location of another kind of error. */
struct hg_access {
	int thread;       /* Helgrind thread number (#N), 0 if unknown */
	/*
	 * First frame inside the program's own code (obj == the executable,
	 * with a file), NULL if none; file is the display path, see
	 * hg_display_path().
	 */
	char *fn, *file;
	int line;         /* 0 if unknown */
	/* From the text log: "none", "1, at address 0x..." ..., or NULL if unknown. */
	char *locks_held;
	int is_write;     /* 1 write, 0 read, -1 unknown */
	int size;         /* bytes, 0 unknown */
	/* additions */
	int nlocks;       /* number of locks held, from locks_held; -1 if unknown */
	/* The held locks' variables ("shared.lock"), when the text log names them all; else NULL. */
	char *locks_named;
	/*
	 * Innermost named function of the whole stack, possibly a library's
	 * (e.g. "memset"); NULL if none.  The only clue when fn/file are NULL.
	 */
	char *top_fn;
};

struct hg_finding {
	/* Helgrind's <kind>: Race, LockOrder, UnlockUnlocked, UnlockForeign, UnlockBogus,
	 * PthAPIerror, Misc, ... */
	char *kind;
	/*
	 * Helgrind's own one-line text (<xwhat><text> or <what>; a
	 * PthAPIerror's following <what>"with error code ..." is appended
	 * after a space).
	 */
	char *what;
	/*
	 * "total" from 'inside global var "total"', 'inside local var "s"' or
	 * 'data symbol "total"', "buf[3]" from 'inside buf[3],'; NULL if
	 * unknown, and always NULL for heap blocks.
	 */
	char *variable;
	/* "sum.c:12" from the following <xauxwhat> 'declared at', NULL if unknown */
	char *variable_decl;
	/* heap: "a block of size 8 alloc'd by thread #1 in main() at race_sum.c:20", else NULL */
	char *block_info;
	/*
	 * Race: the access reported, and the conflicting earlier one.
	 * LockOrder: now = where thread #N took lock_first while holding
	 * lock_second; before = where lock_first was taken in the earlier,
	 * established order.  Other kinds: now only.
	 */
	struct hg_access now, before;
	char *explanation;   /* plain words, lines separated by '\n', no trailing newline */
	/* additions */
	enum hg_var_kind var_kind;
	long var_offset;     /* bytes into the variable or heap block, -1 if unknown */
	long block_size;     /* heap: size of the block, 0 if unknown */
	/* local: "thread #1's stack" or "thread #1's stack, in the frame of main()", else NULL */
	char *stack_info;
	struct hg_access alloc;     /* heap: where the block was allocated, and by which thread */
	struct hg_access before2;   /* LockOrder: where lock_second was then taken, earlier */
	/* LockOrder: 'lock order "X before Y" violated' -> X and Y as printed, else NULL */
	char *lock_first, *lock_second;
	int other_thread;           /* UnlockForeign: the thread that holds the lock, 0 otherwise */
	struct hg_access lock_seen; /* lock errors: where the lock was first observed */
};

struct hg_report {
	/* 1 if the XML was read completely (it has </valgrindoutput>), 0 if missing,
	 * truncated or unparseable */
	int ok;
	int nfindings;
	/*
	 * In the XML's order, duplicates merged: same kind + same two
	 * (fn,file,line) + same variable (and, for heap blocks, same block)
	 * reported once, with a count.
	 */
	struct hg_finding *findings;
	int *counts;       /* how many raw <error>s each finding merged */
	/*
	 * "thread #2 was created by parallel_sum() at sum.c:48; ..." from the
	 * <announcethread>s, NULL if no thread was announced.
	 */
	char *thread_info;
	/* additions */
	int nerrors;       /* raw <error>s read (the sum of counts[]) */
};

/*
 * Loads Helgrind's XML output from xml_path and, if log_path is not NULL and
 * can be read, the "Locks held" lines of a text-mode run of the same program.
 *
 * Returns 0 when the file could be opened and starts as a Valgrind XML
 * document, even with 0 findings.  A truncated document (Valgrind killed by a
 * timeout) still returns 0 with out->ok = 0, and the findings are the <error>s
 * that are complete before the cut.  Returns -1, with *out zeroed (so
 * hg_report_free() on it is harmless), if xml_path cannot be read, is empty or
 * is not Valgrind XML.  A missing or unreadable log only leaves locks_held NULL.
 * Never writes to stdout/stderr (libxml2's messages are silenced).
 */
int hg_report_load(const char *xml_path, const char *log_path, struct hg_report *out);

/*
 * As hg_report_load(), but source paths under build_dir (the directory the
 * student's file was compiled in; may be NULL) are shown relative to it, see
 * hg_display_path().  An addition to the original API.
 */
int hg_report_load_ex(const char *xml_path, const char *log_path, const char *build_dir,
		      struct hg_report *out);

/* Frees everything r owns and zeroes it.  r may be NULL or already freed. */
void hg_report_free(struct hg_report *r);

/*
 * Writes a student-facing summary of all findings to f: a header (saying that
 * Helgrind reports *possible* problems), the thread_info, then numbered
 * findings, each with its explanation and "(reported N times)" when merged;
 * "Helgrind found no problems." if none (and the XML was complete).  At most
 * max_findings are shown (a negative value means all), then "... and N more.".
 */
void hg_report_print(const struct hg_report *r, FILE *f, int max_findings);

/*
 * The path to show for a frame's <dir> and <file> (an addition, public for
 * testing).  Returns a malloc'd string, or NULL if file is NULL.
 *   - file relative and containing '/' (a "#line 1 \"exercises/02-threads/sum.c\""
 *     copy): file as is;
 *   - otherwise the full path (file if absolute, else dir/file, else file),
 *     made relative to build_dir (if not NULL) or else to the current working
 *     directory when it lies below it, else the full path.
 */
char *hg_display_path(const char *dir, const char *file, const char *build_dir);

#endif /* CONCUR_HELGRIND_REPORT_H */
