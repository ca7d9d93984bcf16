/*
 * ct_pitfalls.h - two mistakes with forked children that the grader names
 * by their cause instead of letting them show as something else.
 *
 *   - A child that returns from the student's function instead of ending
 *     with _exit(): it goes on running its caller's code, here the test's.
 *     Every CT_CHECK and ct_pass() first asks ct_pitfalls_checkpoint(): in
 *     such a child it records where the child came back and ends it at
 *     once; in the test's own process it fails the test, with that record,
 *     as soon as one is there.
 *   - A child that ends with exit() instead of _exit(): exit() runs the
 *     caller's atexit handlers and flushes its stdio buffers a second time,
 *     in the child.  The exit() wrapper (ct_signals.c) notes every such
 *     call; ct_pitfall_exits() says how many a test saw.
 *
 * The record lives in memory shared with every child the test forks, set
 * up afresh by ct_test_init().  The test's own process, and any child the
 * grader forks itself (ct_real_fork), are "the caller": their checks run as
 * usual.
 */
#ifndef CT_PITFALLS_H
#define CT_PITFALLS_H

#include <stddef.h>
#include <sys/types.h>

/* A fresh record; the calling process is the caller.  Called by ct_test_init. */
void ct_pitfalls_reset(void);
/* In a child the grader forked itself: it stands in for the caller (ct_real_fork). */
void ct_pitfalls_adopt(void);
/*
 * At a check at file:line: in a child of the student's that came back
 * into the test's code, records it and ends that child (status
 * CT_EXIT_CHILD_RETURNED).  In the caller, returns a message (static) if a
 * child came back, else NULL.
 */
const char *ct_pitfalls_checkpoint(const char *file, int line);
/*
 * Where the grader's code goes on right after the student's function
 * returned (ct_run_within's helper thread, whose end would otherwise end
 * such a child quietly): in a child of the student's, records that it came
 * back from function and ends it; anywhere else, does nothing.
 */
void ct_pitfalls_returned_from(const char *function);
/* Called by the exit() wrapper: notes an exit() in a child of the student's. */
void ct_pitfall_note_exit(int status);
/* How many children of the student's ended with exit() since the reset; *first gets the first one's pid. */
int ct_pitfall_exits(pid_t *first);

#endif
