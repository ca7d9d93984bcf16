/*
 * run.h - lesson 01, exercise "run": run a program in a child process with
 * its output sent to a file, as the shell's  cmd > file  does, and wait for
 * it.
 *
 * This header is the contract between your code and the grader.  The grader
 * compiles your run.c against its own pristine copy of this file, so
 * changing it here changes nothing but your editor's view.
 */
#ifndef RUN_H
#define RUN_H

/*
 * run_command - run the program argv[0] in a child process, its standard
 * output sent to the file out_path, and wait for it to end.
 *
 * argv is a NULL-terminated array, as execvp(3) takes it: argv[0] names the
 * program, searched for in PATH when it has no '/', and argv is the whole
 * argument list the program gets.
 *
 * Forks one child.  The child opens out_path for writing (creating it if
 * missing, emptying it if present), makes it its standard output
 * (descriptor 1) with no other descriptor left open on it, then replaces
 * itself with the program.  If the open or the exec fails, the child ends
 * with _exit(127), never with exit() and never returning into the caller's
 * code.  The caller's descriptors are left as they were.
 *
 * Then waits for that child only, leaving the caller's other children
 * alone, and waits again if a signal interrupts the wait (EINTR).
 *
 * Returns 0 and stores the child's raw wait status in *status (decode it
 * with WIFEXITED, WEXITSTATUS, ...).  Returns -1 with errno set by fork if
 * the fork failed (no child was started), or set by the wait if it failed
 * for a reason other than EINTR.
 */
int run_command(char *const argv[], const char *out_path, int *status);

#endif
