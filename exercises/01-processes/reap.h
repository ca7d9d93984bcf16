/*
 * reap.h - lesson 01, exercise "reap": wait for every child process and
 * decode how each one ended.
 *
 * This header is the contract between your code and the grader.  The grader
 * compiles your reap.c against its own pristine copy of this file.
 */
#ifndef REAP_H
#define REAP_H

#include <sys/types.h>

/* How one child process ended. */
struct child_end {
	pid_t pid;   /* the child's process id */
	int exited;  /* 1 if it ended by exit()/_exit() or by returning from main, 0 if a signal killed it */
	int code;    /* exited: its exit status (0..255); otherwise: the number of the signal */
};

/*
 * reap_all - wait for every child of the calling process that has not been
 * waited for yet, and report how each one ended.
 *
 * Blocks (sleeping, not spinning) until the last child has ended.  Fills
 * out[0], out[1], ... in the order the children ended, at most max entries;
 * children beyond max are still reaped but not reported.
 *
 * Returns the number of children reaped (0 at once if there were none), or
 * -1 with errno set if waiting failed for a reason other than "no children
 * left".
 */
int reap_all(struct child_end out[], int max);

#endif
