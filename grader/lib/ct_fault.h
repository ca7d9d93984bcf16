/*
 * ct_fault.h - make a wrapped call fail, for tests of error paths.
 *
 * Any call of the wrap table (ct_wraps.h) whose row can fail can be made
 * to fail on its k-th use from now, or on every use from the k-th on,
 * with a chosen error:
 *
 *     ct_fail_call(CT_CALL_fork, 3, EAGAIN);       // the 3rd fork() from now fails
 *     ct_fail_calls_from(CT_CALL_pipe, 1, EMFILE); // every pipe() from now fails
 *     ct_fail_call(CT_CALL_waitpid, 1, EINTR);     // the next waitpid() is interrupted
 *     ct_shorten_call(CT_CALL_write, 1, 3);        // the next write() writes at most 3 bytes
 *
 * A failing call does not reach the real function: it returns what its
 * row says (-1 with errno set, NULL with errno, SIG_ERR, or, for a
 * pthreads call, the error number itself) and changes nothing, so an
 * interrupted waitpid() reaps no child and an interrupted read() consumes
 * nothing.  A short read or write does call the real function, with at
 * most max_bytes (recv and send share read's and write's faults).  A failed call is still counted (ct_count), except fork,
 * which counts the children it made.
 *
 * Calls are counted from the moment the fault is armed, per call of the
 * table: a row's "as" column shares the count and the fault (arming
 * CT_CALL_pipe also fails pipe2, and the other way round).  Every call
 * through the wrapper counts, from any thread of the process, the
 * grader's own calls too: arm a fault just before calling the student's
 * function, and clear it after (ct_concurrency() and the timeline, for
 * one, allocate with calloc).  Grader code that must never fail calls
 * ct_real_NAME() (ct_api.h).
 *
 * By default a fault acts only in the process that armed it: a child
 * forked later starts with none.  With .children, it acts in each child
 * forked from then on as well, where the count starts again at the fork.
 *
 * ct_test_init() clears every fault before each test (ct_api_reset()
 * does not: a test may reset the counters between calls).  Arming and the
 * wrappers are safe to use from several threads at once (every field is
 * atomic); re-arming a call while another thread makes it may count that
 * call under either setting.
 */
#ifndef CT_FAULT_H
#define CT_FAULT_H

#include <stdbool.h>
#include <stddef.h>

#include "ct_wraps.h"

struct ct_fault {
	int nth;          /* the first call that fails: 1 is the next one */
	bool every;       /* every call from the nth on fails, not just the nth */
	int err;          /* the errno it fails with (a pthreads call returns it) */
	size_t max_bytes; /* instead, with err 0 (read and write only): transfer at most this, >= 1 */
	bool children;    /* also in each child forked from now on, counted from its fork */
};

/*
 * Arms the fault f for call (replacing the one it had).  Returns 0, or
 * EINVAL if the call cannot fail (its row says NEVER), nth < 1, err < 0,
 * neither err nor max_bytes is given, or max_bytes is given for a call
 * other than read or write.
 */
int ct_fault_arm(enum ct_call call, struct ct_fault f);

/* The k-th call from now fails with err (the calls before and after it do not). */
static inline int ct_fail_call(enum ct_call call, int k, int err)
{
	return ct_fault_arm(call, (struct ct_fault){.nth = k, .err = err});
}
/* Every call from the k-th on fails with err. */
static inline int ct_fail_calls_from(enum ct_call call, int k, int err)
{
	return ct_fault_arm(call, (struct ct_fault){.nth = k, .every = true, .err = err});
}
/* The k-th read or write from now transfers at most max_bytes (>= 1). */
static inline int ct_shorten_call(enum ct_call call, int k, size_t max_bytes)
{
	return ct_fault_arm(call, (struct ct_fault){.nth = k, .max_bytes = max_bytes});
}

/* Whether call can be made to fail (its row does not say NEVER), and whether it can be made short (IO). */
bool ct_call_can_fail(enum ct_call call);
bool ct_call_can_be_short(enum ct_call call);

/*
 * The same fault on every call a process can wait for its children with
 * (waitpid, wait, waitid, wait3, wait4), so that a test of an error path
 * does not depend on which one the student's code uses: the k-th call of
 * each fails with err.  ct_waits_failed() then names the ones whose fault
 * acted since ct_fail_waits, "waitpid()" or "waitpid() and wait()" ("wait
 * call" if none), in a static buffer, and disarms them all.
 */
void ct_fail_waits(int k, int err);
const char *ct_waits_failed(void);

/* Disarms the fault of call. */
void ct_fault_clear(enum ct_call call);
/* Disarms every fault (ct_test_init calls it). */
void ct_faults_reset(void);
/* How many times the fault of call acted in this process since it was armed. */
int ct_faults_injected(enum ct_call call);

/*
 * For the wrappers (ct_wrapper.h), once per call: counts it towards its
 * fault and returns the error to fail with now, or 0.  For read and write,
 * len is the length asked for, which a due short transfer lowers.
 */
int ct_fault_take(enum ct_call call, size_t *len);

#endif
