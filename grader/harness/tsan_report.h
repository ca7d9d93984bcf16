/*
 * tsan_report.h - read what ThreadSanitizer found in a race driver into the
 * struct hg_report of helgrind_report.h, so that hg_report_print() explains
 * it in the same plain words as Helgrind's findings (RACE=tsan).
 *
 * The driver and the student's file are compiled with -fsanitize=thread
 * (and linked with it), and run as
 *     TSAN_OPTIONS=halt_on_error=0:second_deadlock_stack=1 ./race_tsan
 * with no RLIMIT_AS at all (ThreadSanitizer maps about 125 TiB of shadow
 * memory: under any finite address-space limit it re-executes itself or
 * fails).  Its reports go to stderr, or with log_path=PREFIX to PREFIX.PID,
 * a file that is only created when there is something to say.  The
 * driver's sentinel status survives (ct_exit_now() bypasses
 * ThreadSanitizer's exit hook); leave exitcode alone: ThreadSanitizer's own
 * fatal errors exit with it (66), with exitcode=0 they would exit 0.
 *
 * What ThreadSanitizer says, and what it does not (gcc 12's libtsan,
 * measured on tests/unit/helgrind_programs/):
 *   - a race: both accesses (thread, function, line, read or write, size)
 *     and the locks each one held; a global's name (not its field: the
 *     offset into it instead), a heap block's size and allocation, or "the
 *     stack of thread N" (no local variable's name);
 *   - a lock-order cycle of any length, every step with both places
 *     (second_deadlock_stack=1), but the mutexes only as M0, M1, ...: their
 *     names are read from the calls in the source, and where the same call
 *     names several mutexes (pthread_mutex_lock(&chop[left])) they stay
 *     "mutex M0", "mutex M1";
 *   - unlocking a mutex the thread does not hold (not telling an unlocked
 *     one from another thread's), destroying a locked mutex, locking it
 *     twice, using an invalid one; a wait without its mutex shows as an
 *     unlock of an unlocked mutex, destroying a waited-on condition
 *     variable as a race with the wait;
 *   - never a thread that exits holding a lock, a signal without the
 *     mutex, two mutexes for one condition variable, misuse of semaphores,
 *     barriers or read-write locks (measured: silent);
 *   - the thread that misused a lock only when it is main().
 * ThreadSanitizer's threads T0 (main), T1, ... are numbered as Helgrind
 * numbers them: #1 (main), #2, ...
 *
 * The log is written by the student's process: it is read as hostile
 * input, bounded in bytes, lines, reports, stacks and names; a report cut
 * off at its end is dropped (out->ok = 0).
 */
#ifndef CONCUR_TSAN_REPORT_H
#define CONCUR_TSAN_REPORT_H

#include "helgrind_report.h"

/*
 * Loads ThreadSanitizer's reports from log_path (its log, or the stderr of
 * the run: other lines are skipped); paths under build_dir (may be NULL)
 * are shown relative to it.  Returns 0, with out->ok = 1 when every report
 * was read to its end (an empty file: no finding), 0 when the log was cut
 * off or ThreadSanitizer stopped on an error of its own (then out->fatal
 * says which); -1 with *out zeroed if log_path is not a regular file that
 * can be read.  out->tool is "ThreadSanitizer".  Never writes to
 * stdout/stderr, never blocks on a FIFO.
 */
int tsan_report_load(const char *log_path, const char *build_dir, struct hg_report *out);

#endif /* CONCUR_TSAN_REPORT_H */
