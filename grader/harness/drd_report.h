/*
 * drd_report.h - read what Valgrind's DRD found in a race driver into the
 * struct hg_report of helgrind_report.h, so that hg_report_print() explains
 * it in the same plain words as Helgrind's findings (RACE=drd).
 *
 * The harness runs the driver, in one run, under
 *     valgrind --tool=drd --xml=yes --xml-file=drd.xml --read-var-info=yes
 *              --check-stack-var=yes --free-is-write=yes --vgdb=no
 *              --child-silent-after-fork=yes ./race
 * (--check-stack-var=yes: without it DRD ignores races on stack variables;
 * --free-is-write=yes: a free() that races a use is a race;
 * --read-var-info=yes: the variables' names, which DRD's XML has no other
 * way to give).  Unlike Helgrind's, DRD's XML holds everything DRD knows but
 * the other segment's thread number, so no text log is needed.
 *
 * What DRD says, and what it does not (Valgrind 3.19, measured on
 * tests/unit/helgrind_programs/):
 *   - a race (ConflictingAccess): the access reported, its thread, its
 *     variable or heap block (offset, where allocated); of the other, earlier
 *     access only the stretch of the other thread's code between two of its
 *     synchronisation points (nothing once that thread has finished), never
 *     its line nor the locks either side held;
 *   - no lock-order (deadlock) check at all;
 *   - misuse of mutexes, condition variables, semaphores, barriers and
 *     read-write locks, and a thread that exits with a mutex locked (with
 *     where the mutex was first used), each mapped to the explainer's words;
 *   - no thread announcements: a thread's number and, from its stacks, its
 *     function, never where it was created; the number of the thread that
 *     made a misuse only when it is the main thread.
 */
#ifndef CONCUR_DRD_REPORT_H
#define CONCUR_DRD_REPORT_H

#include "helgrind_report.h"

/*
 * Loads DRD's XML output from xml_path; paths under build_dir (may be NULL)
 * are shown relative to it, as hg_report_load_ex() does.  Returns as
 * hg_report_load(): 0 for Valgrind XML, complete (out->ok = 1) or cut off
 * (out->ok = 0, the <error>s complete before the cut), -1 with *out zeroed
 * if the file cannot be read or is not Valgrind XML.  out->tool is "DRD".
 * Never writes to stdout/stderr.
 */
int drd_report_load(const char *xml_path, const char *build_dir, struct hg_report *out);

#endif /* CONCUR_DRD_REPORT_H */
