/*
 * ct_wrapper.h - what the wrappers of grader/lib are written with: the
 * prototypes of __wrap_NAME and __real_NAME for every row of the wrap table
 * (ct_wraps.h), and the step every wrapper starts with.
 *
 * Only the wrappers' own files (ct_api.c, ct_locks.c, ct_signals.c)
 * include it: an object that refers to __real_NAME links only into a
 * program linked with --wrap=NAME, the test program.  Other grader code
 * calls ct_real_NAME() (ct_api.h).
 */
#ifndef CT_WRAPPER_H
#define CT_WRAPPER_H

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>

#include "ct_api.h"
#include "ct_fault.h"
#include "ct_wraps.h"

#define CT_WRAP_PROTOTYPES(ret, name, params, fails, as) \
	ret __real_##name params;                        \
	ret __wrap_##name params;
CT_WRAPS(CT_WRAP_PROTOTYPES)
#undef CT_WRAP_PROTOTYPES

/*
 * ct_failed_NAME(err): what NAME returns when an injected fault makes it
 * fail with err, as the fails column of its row says.
 */
#define CT_FAIL_BODY_ERRNO(v) \
	errno = err;          \
	return (v);
#define CT_FAIL_BODY_IO(v) CT_FAIL_BODY_ERRNO(v)
#define CT_FAIL_BODY_CODE return err;
#define CT_FAIL_BODY_NEVER \
	(void)err;         \
	__builtin_unreachable(); /* ct_fault_arm refuses such calls */
#define CT_FAILED_FN(ret, name, params, fails, as) \
	static inline ret ct_failed_##name(int err) { CT_FAIL_BODY_##fails }
CT_WRAPS(CT_FAILED_FN)
#undef CT_FAILED_FN

/*
 * The first line of the wrapper of NAME: counts the call (ct_count) and,
 * when a fault is due for it (ct_fault.h), returns what NAME returns on
 * that failure, without calling the real function.
 */
#define CT_ENTER(name)                                                  \
	do {                                                            \
		ct_count_call(CT_CALL_##name);                          \
		int ct_err_ = ct_fault_take(CT_CALL_##name, NULL);      \
		if (ct_err_)                                            \
			return ct_failed_##name(ct_err_);               \
	} while (0)
/* The same for read, write, recv and send: a due short transfer lowers *lenp. */
#define CT_ENTER_IO(name, lenp)                                         \
	do {                                                            \
		ct_count_call(CT_CALL_##name);                          \
		int ct_err_ = ct_fault_take(CT_CALL_##name, (lenp));    \
		if (ct_err_)                                            \
			return ct_failed_##name(ct_err_);               \
	} while (0)
/* Only the fault, for a call counted later (fork counts the children it made). */
#define CT_FAIL_IF_DUE(name)                                            \
	do {                                                            \
		int ct_err_ = ct_fault_take(CT_CALL_##name, NULL);      \
		if (ct_err_)                                            \
			return ct_failed_##name(ct_err_);               \
	} while (0)

#endif
