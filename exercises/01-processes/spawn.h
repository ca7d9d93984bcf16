/*
 * spawn.h - lesson 01, exercise "spawn": start several child processes at
 * once and collect how each one ended.
 *
 * This header is the contract between your code and the grader.  The grader
 * compiles your spawn.c against its own pristine copy of this file, so
 * changing it here changes nothing but your editor's view.
 */
#ifndef SPAWN_H
#define SPAWN_H

/*
 * A task to run inside a child process.  It receives the child's index
 * (0 .. n-1) and returns the exit status the child must end with (0..255).
 */
typedef int (*spawn_task)(int index);

/*
 * spawn_all - run task(0) .. task(n-1), each in its own child process, all
 * of them alive at the same time.
 *
 * Creates the n children first and only then waits for them, so they run
 * concurrently.  Child i calls task(i) and ends with its return value as
 * exit status, without returning into the caller's code.  Blocks until every
 * child has ended, so no zombie is left behind; a wait interrupted by a
 * signal (EINTR) is made again.  On return codes[i] holds
 * how child i ended: its exit status (0..255) if it exited, or 128 + the
 * signal number if a signal killed it (the shell's convention).
 *
 * Returns 0 on success.  If a fork fails, waits for the children already
 * started and returns -1 with errno set by fork.  Requires 1 <= n <= 64.
 */
int spawn_all(int n, spawn_task task, int codes[]);

#endif
