/*
 * ct_fault.c - the faults behind ct_fault.h.
 *
 * One record per call of the wrap table; a call whose row says "as" another
 * uses that one's record.  Every field is atomic: the test's thread arms,
 * any thread's wrapper takes.  any_armed keeps the wrappers' common case
 * (no fault at all) to one load.
 */
#include "ct_fault.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "ct_api.h"

enum fail_kind { FAILS_NEVER, FAILS_ERRNO, FAILS_IO, FAILS_CODE };

#define KIND_ERRNO(v) FAILS_ERRNO
#define KIND_IO(v) FAILS_IO
#define KIND_CODE FAILS_CODE
#define KIND_NEVER FAILS_NEVER
static const enum fail_kind kinds[CT_NCALLS] = {
#define KIND_OF(ret, name, params, fails, as) [CT_CALL_##name] = KIND_##fails,
	CT_WRAPS(KIND_OF)
#undef KIND_OF
};

static struct fault {
	atomic_bool armed;
	atomic_bool every, children;
	atomic_long nth, seen; /* seen: calls since arming, in this process */
	atomic_int err, injected;
	_Atomic size_t max_bytes;
} faults[CT_NCALLS];
static atomic_bool any_armed;

static struct fault *fault_of(enum ct_call call) { return &faults[ct_call_counted_as(call)]; }

static enum fail_kind kind_of(enum ct_call call)
{
	return (unsigned)call < CT_NCALLS ? kinds[ct_call_counted_as(call)] : FAILS_NEVER;
}

bool ct_call_can_fail(enum ct_call call) { return kind_of(call) != FAILS_NEVER; }
bool ct_call_can_be_short(enum ct_call call) { return kind_of(call) == FAILS_IO; }

int ct_fault_arm(enum ct_call call, struct ct_fault f)
{
	if (!ct_call_can_fail(call) || f.nth < 1 || f.err < 0 || (f.err == 0) == (f.max_bytes == 0) ||
	    (f.max_bytes && !ct_call_can_be_short(call)))
		return EINVAL;

	struct fault *s = fault_of(call);
	s->armed = false;
	s->every = f.every;
	s->children = f.children;
	s->nth = f.nth;
	s->err = f.err;
	s->max_bytes = f.max_bytes;
	s->seen = 0;
	s->injected = 0;
	s->armed = true;
	any_armed = true;
	return 0;
}

void ct_fault_clear(enum ct_call call)
{
	if ((unsigned)call < CT_NCALLS)
		fault_of(call)->armed = false;
}

void ct_faults_reset(void)
{
	for (int i = 0; i < CT_NCALLS; i++) {
		faults[i].armed = false;
		faults[i].injected = 0;
	}
	any_armed = false;
}

int ct_faults_injected(enum ct_call call) { return (unsigned)call < CT_NCALLS ? fault_of(call)->injected : 0; }

int ct_fault_take(enum ct_call call, size_t *len)
{
	if (!any_armed)
		return 0;
	struct fault *s = fault_of(call);
	if (!s->armed)
		return 0;
	long n = atomic_fetch_add(&s->seen, 1) + 1, nth = s->nth;
	if (s->every ? n < nth : n != nth)
		return 0;
	int err = s->err;
	if (err) {
		s->injected++;
		return err;
	}
	if (len) {
		size_t max = s->max_bytes;
		if (*len > max)
			*len = max;
		s->injected++;
	}
	return 0;
}

static const enum ct_call wait_calls[] = {CT_CALL_waitpid, CT_CALL_wait, CT_CALL_waitid, CT_CALL_wait3, CT_CALL_wait4};
#define NWAIT_CALLS ((int)(sizeof wait_calls / sizeof wait_calls[0]))

void ct_fail_waits(int k, int err)
{
	for (int c = 0; c < NWAIT_CALLS; c++)
		ct_fail_call(wait_calls[c], k, err);
}

const char *ct_waits_failed(void)
{
	static char buf[128];
	size_t used = 0;

	buf[0] = '\0';
	for (int c = 0; c < NWAIT_CALLS; c++) {
		if (ct_faults_injected(wait_calls[c]) && used < sizeof buf)
			used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s()", used ? " and " : "",
						 ct_call_name(wait_calls[c]));
		ct_fault_clear(wait_calls[c]);
	}
	return used ? buf : "wait call";
}

/* In a child that fork() just made: keep only the faults meant for children, each counting afresh. */
static void child_after_fork(void)
{
	for (int i = 0; i < CT_NCALLS; i++) {
		if (!faults[i].children)
			faults[i].armed = false;
		faults[i].seen = 0;
		faults[i].injected = 0;
	}
}

__attribute__((constructor)) static void register_fork_handler(void)
{
	int err = pthread_atfork(NULL, NULL, child_after_fork);

	if (err)
		fprintf(stderr, "ct_fault: pthread_atfork: %s\n", strerror(err));
}
