/*
 * collect.h - read what a sandboxed run left behind into an outcome
 * (outcome.h).  This is the only part of the harness that reads the files
 * of a run, and it reads each of them as hostile input: only regular files
 * (never a link, a FIFO or a device), at most a fixed number of bytes
 * (ct_protocol.h), names built from the runner's own report rather than
 * from a listing of the directory.  Whatever it keeps for later readers
 * (Helgrind's XML, the timelines) is first copied into the exercise's
 * build directory, where student code cannot reach it.
 *
 * Nothing here decides a verdict: that is judge.c's business.
 */
#ifndef COLLECT_H
#define COLLECT_H

#include <stdbool.h>
#include <stddef.h>

#include "jobs.h"
#include "outcome.h"

/* How job j ended (j may not have started); err_path: its stderr file, or NULL. */
void collect_run(const struct job *j, const char *err_path, struct run_outcome *out);

/*
 * The suite's outcome from run_dir (outcomes.json and the side files of
 * suite `suite`'s tests).  exe is the test program as built (code addresses
 * in deadlock pictures are resolved against it); keep_dir receives the
 * timelines' copies and SVG drawings.
 */
void collect_suite(const struct job *j, const char *run_dir, const char *suite, const char *exe, const char *keep_dir,
		   struct suite_outcome *out);

/*
 * The race driver's outcome from run_dir (its exit status, stderr and the
 * tool's report: race.xml from Helgrind or DRD, stderr from
 * ThreadSanitizer); the report is kept in keep_dir.  DRD's and
 * ThreadSanitizer's findings are explained at once (out->explanation).
 */
void collect_race(const struct job *j, const char *run_dir, const char *keep_dir, enum race_mode tool,
		  struct race_outcome *out);

/*
 * The explaining run j's plain words: the race run's XML (kept in xml_dir)
 * read with the explaining run's text log (in log_dir), which names the
 * variables and locks; copies are kept in keep_dir/explain.
 */
void collect_explanation(const struct job *j, const char *xml_dir, const char *log_dir, const char *keep_dir,
			 struct race_outcome *out);

/*
 * dir/name whole, NUL-terminated (*len gets its length if not NULL), or
 * NULL if it is not a regular file (links, FIFOs, devices and directories
 * are refused) or holds more than max bytes (refused, not cut: half a file
 * may mean something else).  Never blocks.  See read_untrusted_file().
 */
char *collect_read(const char *dir, const char *name, size_t max, size_t *len);

#endif
