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
/* Called by the malloc family's wrappers (ct_api.c): notes the call if a handler is running. */
void ct_note_unsafe(const char *name);

#endif
