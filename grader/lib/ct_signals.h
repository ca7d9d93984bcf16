/*
 * ct_signals.h - what the student's signal handlers do.
 *
 * Test programs are linked with -Wl,--wrap for sigaction and signal: a
 * handler the student installs is replaced by a grader trampoline that
 * marks "inside a handler" around the call of the student's handler, and
 * the student's handler (with the flags the student gave) is what a later
 * sigaction(sig, NULL, &old) reports.
 * The calls a handler must not make because they are not
 * async-signal-safe (printf, fprintf, dprintf, vprintf, vfprintf, puts,
 * fputs, fwrite, putchar, perror, malloc, calloc, realloc, free, exit) are
 * wrapped too: one made while a
 * handler runs is remembered, for the test to report.
 */
#ifndef CT_SIGNALS_H
#define CT_SIGNALS_H

#include <signal.h>

/* Forgets what was seen.  Does not touch installed handlers. */
void ct_signals_reset(void);
/* The name of the first unsafe call made inside a handler since the reset, or NULL. */
const char *ct_unsafe_in_handler(void);
/* Number of times a handler installed by the student ran since the reset. */
int ct_handler_runs(void);
/*
 * The real sigaction, for the grader's own actions: uncounted, never made
 * to fail, and a handler installed with it is not taken for the student's
 * (no trampoline, nothing noted for the harness).
 */
int ct_real_sigaction(int sig, const struct sigaction *act, struct sigaction *old);
/*
 * The grader's own threads (the deadlock watchdog, the thread that waits
 * while ct_run_within runs the student's function in a helper) block every
 * signal that is sent to the process as a whole, so that a SIGCHLD (or
 * SIGALRM, SIGUSR1, ...) reaches the student's thread: code that blocks
 * SIGCHLD and waits for it in sigsuspend() would otherwise wait forever
 * when the kernel hands the signal to a thread of the grader's instead.
 * Faults (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS) stay unblocked.
 * ct_block_process_signals saves the calling thread's mask in *old;
 * ct_restore_signals puts it back.  A thread created in between starts
 * with the blocking mask.
 */
void ct_block_process_signals(sigset_t *old);
void ct_restore_signals(const sigset_t *old);
/* Called by the malloc family's wrappers (ct_api.c): notes the call if a handler is running. */
void ct_note_unsafe(const char *name);

#endif
