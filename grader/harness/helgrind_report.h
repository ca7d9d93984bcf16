/*
 * helgrind_report.h - read what Valgrind's Helgrind found in a race driver and
 * explain it to a student in plain words.
 *
 * The harness runs the driver under
 *     valgrind --tool=helgrind --free-is-write=yes --xml=yes --xml-file=race.xml ./race_driver
 * and, to explain what it found, also (as a separate run)
 *     valgrind --tool=helgrind --free-is-write=yes --read-var-info=yes --log-file=race.log ./race_driver
 * because Helgrind 3.19's XML has no "Locks held: ..." lines, no lock names
 * and no lock-order stacks of the earlier order, and Valgrind cannot write
 * the XML and a text log in one run (with --xml=yes the log stays empty).
 * The text log of that one run is enough: its variable names (from
 * --read-var-info=yes) complete an XML made without them.  An XML made with
 * --read-var-info=yes works as well.
 *
 * This module parses the XML with libxml2, takes from the text log what the
 * XML lacks (matched to the XML's errors by the places of their stacks,
 * since the two runs are independent), reads the program's own source line
 * where Helgrind names no lock or thread function, merges the findings that
 * are truly the same and writes one explanation per finding.  The parts:
 * helgrind_xml.c, helgrind_log.c, helgrind_source.c, helgrind_cycle.c,
 * helgrind_explain.c, sharing helgrind_internal.h.
 *
 * The other race modes read their tools into the same struct hg_report, so
 * that hg_report_print() explains every tool's findings in the same words:
 * drd_report.h (Valgrind's DRD) and tsan_report.h (ThreadSanitizer).
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
	HG_VAR_GLOBAL,	    /* global or static variable ("global var", "data symbol") */
	HG_VAR_LOCAL,	    /* on a thread's stack ("local var", "on thread #1's stack") */
	HG_VAR_HEAP,	    /* inside a malloc'd block */
};

/* One access of a race, or the single location of another kind of error. */
struct hg_access {
	int thread; /* Helgrind thread number (#N), 0 if unknown */
	/*
	 * First frame inside the program's own code (obj == the executable,
	 * with a file), NULL if none; file is the display path, see
	 * hg_display_path().
	 */
	char *fn, *file;
	int line; /* 0 if unknown */
	/* From the text log: "none", "1, at address 0x..." ..., or NULL if unknown. */
	char *locks_held;
	int is_write; /* 1 write, 0 read, -1 unknown */
	int size;     /* bytes, 0 unknown */
	/* additions */
	int nlocks; /* number of locks held, from locks_held; -1 if unknown */
	/* The held locks' variables ("shared.lock"), when the text log names them all; else NULL. */
	char *locks_named;
	/*
	 * Innermost named function of the whole stack, possibly a library's
	 * (e.g. "memset"); NULL if none.  The only clue when fn/file are NULL.
	 */
	char *top_fn;
	/* round two */
	/*
	 * The thread's start function, when the stack goes down to the start
	 * of a thread: its outermost function of the program; else NULL.
	 */
	char *start_fn;
	/* "Locks held: 2, at address 0x.. (and 1 that can't be shown)" -> 1 */
	int nlocks_hidden;
};

/* One step of a lock-order cycle: a thread took `taken` while it held `held`. */
struct hg_lock_step {
	char *held, *taken;	   /* the locks' names, or their addresses ("0x10C060") */
	int thread;		   /* 0 if Helgrind did not say which thread */
	struct hg_access held_at;  /* where `held` was taken */
	struct hg_access taken_at; /* where `taken` was then taken */
};

/* A thread Helgrind announced. */
struct hg_thread {
	int id;			  /* Helgrind's #N */
	int root;		  /* 1 for the program's main thread */
	struct hg_access created; /* where pthread_create() was called, in the program */
	/* The function it runs (from its stacks, or the pthread_create() line), NULL if unknown. */
	char *start_fn;
	/* round three: the tool does not say where it was created (DRD announces no thread); created is empty */
	int origin_unknown;
};

struct hg_finding {
	/* Helgrind's <kind>: Race, LockOrder, UnlockUnlocked, UnlockForeign, UnlockBogus,
	 * PthAPIerror, Misc, ...  For another tool's finding: the kind Helgrind gives the
	 * same problem (Race, LockOrder, Unlock*, Misc), see `misuse`. */
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
	char *explanation; /* plain words, lines separated by '\n', no trailing newline */
	/* additions */
	enum hg_var_kind var_kind;
	long var_offset; /* bytes into the variable or heap block, -1 if unknown */
	long block_size; /* heap: size of the block, 0 if unknown */
	/* local: "thread #1's stack" or "thread #1's stack, in the frame of main()", else NULL */
	char *stack_info;
	struct hg_access alloc;	  /* heap: where the block was allocated, and by which thread */
	struct hg_access before2; /* LockOrder: where lock_second was then taken, earlier */
	/* LockOrder: 'lock order "X before Y" violated' -> X and Y as printed, else NULL */
	char *lock_first, *lock_second;
	int other_thread;	    /* UnlockForeign: the thread that holds the lock, 0 otherwise */
	struct hg_access lock_seen; /* lock errors: where the lock was first observed */
	/* round two */
	/* Every thread of the errors merged into this finding, ascending, each once. */
	int *threads;
	int nthreads;
	/*
	 * Lock, condition variable, semaphore and barrier errors: the object's
	 * variable ("stats_lock"), from the text log or from the call at the
	 * error's line; NULL if unknown.  object_kind: "mutex", "read-write
	 * lock", "condition variable", "semaphore", "barrier" or NULL.
	 */
	char *object;
	const char *object_kind;
	/* Condition variable waits: the mutex given to the wait, NULL if unknown. */
	char *cond_mutex;
	/*
	 * Condition variables: the mutex that another wait on it passes, in
	 * the same file (at line cond_other_line), NULL if none.
	 */
	char *cond_other_mutex;
	int cond_other_line;
	/* Heap races merged at different offsets: every offset, ascending (noffsets 0: only var_offset). */
	long *offsets;
	int noffsets;
	struct hg_access lock_prev; /* re-lock: where the thread took the lock before */
	struct hg_access held_at;   /* LockOrder: where lock_second was taken, before lock_first */
	/* LockOrder: the whole cycle, in order, when Helgrind's output shows every step; else NULL. */
	struct hg_lock_step *cycle;
	int ncycle;
	/* Thread exiting with locks: "`a` and `b`", the locks it still holds; NULL if unknown. */
	char *exit_locks;
	int nexit_locks; /* how many locks it holds, from Helgrind's message; 0 otherwise */
	int block_freed; /* heap: the block had been freed when Helgrind described it */
	int free_race;	 /* Race: 1 if `now` is the free() of the block, 2 if `before` is, else 0 */
	/* round three: the other race modes (drd_report.c, tsan_report.c) */
	/*
	 * The misuse this finding is, as a key of the explainer's table
	 * (helgrind_explain.c), matched instead of `what` (which stays the
	 * tool's own words); NULL for Helgrind's findings.  Static.
	 */
	const char *misuse;
	/*
	 * DRD's race: it records no place for the earlier access, only the
	 * stretch of the other thread's code, between two of its
	 * synchronisation points, in which it lies (both empty if that thread
	 * had finished).  `before` is then empty.
	 */
	struct hg_access seg_start, seg_end;
	/* The variable's size when the tool gives it and it is larger than the access (var_offset then says where),
	 * else 0 */
	long var_size;
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
	int *counts; /* how many raw <error>s each finding merged */
	/*
	 * "thread #2 was created by parallel_sum() at sum.c:48; ..." from the
	 * <announcethread>s, NULL if no thread was announced.
	 */
	char *thread_info;
	/* additions */
	int nerrors; /* raw <error>s read (the sum of counts[]) */
	/* round two: every announced thread, ascending by id */
	struct hg_thread *threads;
	int nthreads;
	/* round three: which tool's findings these are, "Helgrind" if NULL (static) */
	const char *tool;
	/* The tool's own fatal error, when it stopped the run ("ThreadSanitizer can not mmap the shadow memory"); else
	 * NULL */
	char *fatal;
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
int hg_report_load_ex(const char *xml_path, const char *log_path, const char *build_dir, struct hg_report *out);

/* The announced thread numbered id in r, or NULL. */
const struct hg_thread *hg_thread_of(const struct hg_report *r, int id);

/* Frees everything r owns and zeroes it.  r may be NULL or already freed. */
void hg_report_free(struct hg_report *r);

/*
 * Writes a student-facing summary of all findings to f: a header (saying that
 * Helgrind reports *possible* races or deadlocks, when it found any, or that
 * it saw the threads API misused), the threads of the findings shown, then
 * numbered findings, each with its explanation and "(reported N times,
 * involving threads #2 and #3)" when merged; "Helgrind found no problems."
 * if none (and the XML was complete).  At most max_findings are shown (a
 * negative value means all), then "... and N more.".
 */
void hg_report_print(const struct hg_report *r, FILE *f, int max_findings);

/*
 * The path to show for a frame's <dir> and <file> (an addition, public for
 * testing).  Returns a malloc'd string, or NULL if file is NULL.
 *   - file relative and containing '/' (a "#line 1 \"exercises/02-threads/sum.c\""
 *     copy): file as is;
 *   - otherwise the full path (file if absolute, else dir/file, else file;
 *     a leading "./" of dir dropped),
 *     made relative to build_dir (if not NULL) or else to the current working
 *     directory when it lies below it, else the full path.
 */
char *hg_display_path(const char *dir, const char *file, const char *build_dir);

#endif /* CONCUR_HELGRIND_REPORT_H */
