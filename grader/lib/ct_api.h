/*
 * ct_api.h - what the student's code asked the system to do.
 *
 * Test programs are linked with -Wl,--wrap=NAME for every call of the wrap
 * table (ct_wraps.h), so every call the student's object makes reaches a
 * __wrap_NAME of the grader first.  Each wrapper counts the call
 * (ct_count), may make it fail (ct_fault.h), then calls the real function.
 * The wrappers here also remember every thread created (its id, whether it
 * was created or later made detached, whether it was joined, and when it
 * ran) and every child forked.
 *
 * malloc, calloc, realloc and free are wrapped too, so a test can tell how
 * much of the heap the student's code still holds (ct_heap_in_use); and
 * mmap and munmap, so that a test can make them fail.  The grader's own
 * ct_shared_alloc() maps through the wrapper too: arm an mmap fault only
 * around the student's call.
 *
 * The mutex and condition variable calls are wrapped in ct_locks.c, which
 * also tracks who holds which lock (ct_locks.h); sigaction, signal and the
 * calls a signal handler must not make, in ct_signals.c (ct_signals.h).
 *
 * Grader code that must not be counted, or made to fail, calls
 * ct_real_fork() and friends.
 * Calls that bypass these counters (system, posix_spawn, clone, vfork,
 * syscall, thrd_create, ...) are refused before linking by the harness's
 * symbol check, not here.
 *
 * Locking: table_lock protects the thread table's creator-side fields and
 * end_ns; the other run-time fields are written only by the thread the
 * record describes and read by others after joining it.  blocks_lock
 * protects the table of live heap blocks, forks_lock the list of children.
 * No grader lock is taken while another is held, and fork() takes them all
 * (pthread_atfork), so that a child never starts with one of them held by
 * a thread it does not have.
 */
#ifndef CT_API_H
#define CT_API_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/wait.h>

#include "ct_timing.h"
#include "ct_wraps.h"

#define CT_MAX_THREADS 256

struct ct_thread_record {
	/* Creator side, under table_lock. */
	pthread_t id;
	bool created_detached; /* attribute said PTHREAD_CREATE_DETACHED */
	bool detached;         /* pthread_detach() was called on it */
	bool joined;           /* pthread_join() on it returned 0 */
	/* Written only by the thread itself (end_ns under table_lock). */
	pthread_t self;
	uint64_t start_ns, end_ns; /* around the student's start routine; end_ns 0 while it runs */
};

/*
 * How many times call was made since the reset, through its wrapper, from
 * any thread of this process: ct_count(CT_CALL_fork).  A call counted as
 * another (its row's "as", ct_wraps.h) reads and adds to that one's count:
 * ct_count(CT_CALL_pipe) includes the pipe2 calls.  Every call is counted
 * when it is made, even if it fails, except fork, which counts the children
 * it created (in the parent).
 */
int ct_count(enum ct_call call);
/* The wrappers' half (ct_wrapper.h): adds one to the count of call. */
void ct_count_call(enum ct_call call);
/* The call whose count and faults call shares (its row's "as"; itself for most). */
enum ct_call ct_call_counted_as(enum ct_call call);
/* The call's name, "fork"; "?" outside the table. */
const char *ct_call_name(enum ct_call call);

/* Forgets all counts and records (not the faults: ct_fault.h).  Call with no student thread running. */
void ct_api_reset(void);
/* Number of threads created through pthread_create since the reset. */
int ct_threads_created(void);
/* Snapshot of record i (0-based, creation order), under table_lock. */
struct ct_thread_record ct_thread(int i);
/*
 * Index of the record of the calling thread (its creation order), or -1
 * for a thread not created through the wrapped pthread_create (the test's
 * own thread).  Unlike pthread_t values, which the C library reuses once a
 * thread has been joined, these indexes are never reused before a reset.
 */
int ct_current_thread(void);
/*
 * Every new thread sleeps ns before it runs its start routine: a caller that
 * hands a thread a pointer into a frame that dies, or into a loop variable,
 * is then caught every time instead of once in a while.
 */
void ct_set_thread_start_delay(uint64_t ns);
/*
 * Every pipe made through pipe() or pipe2() from now on, in this process and
 * in the children it forks, holds `bytes` (rounded up by the kernel to a
 * power of two pages; at least one page) instead of the system's 64 KiB, so
 * that a test can fill pipes with a small job.  0: the system's (the
 * default; ct_test_init resets it).
 */
void ct_set_pipe_capacity(int bytes);

/* Whether the calling process is a child forked through the wrapped fork(). */
bool ct_in_forked_child(void);
/*
 * hook(k) runs in every child forked through fork() from now on, right
 * after the fork and before the student's code goes on; k is the child's
 * rank (0 for the first child of its parent).  NULL: none (the default).
 */
void ct_set_fork_child_hook(void (*hook)(int k));

/* The pids of the children forked through fork() since the reset, in order (fills up to max); returns how many. */
int ct_forked(pid_t *out, int max);
/*
 * Whether a wrapped waitpid(), wait() or waitid() of this process reaped
 * child pid, one forked through fork() since the reset; *status (if not
 * NULL) then gets how it ended, in waitpid's encoding (WIFEXITED, ...).
 * A child reaped by a call the grader does not wrap is not seen.
 */
bool ct_reaped(pid_t pid, int *status);
/*
 * The lives of the children forked through fork() since the reset, in fork
 * order (fills up to max; returns how many it filled): from just after the
 * fork, in the parent, to the return of the wrapped wait call that reaped
 * the child (end_ns 0: none has).  For pictures (ct_timeline.h).
 */
int ct_forked_lives(struct ct_interval *out, int max);

/*
 * How many calls of the wait family (waitpid, waitid, wait3, wait4) made
 * with WNOHANG since the reset found children left but none ended yet
 * (they returned 0): a caller that polls instead of letting the call sleep
 * makes one such call per look, a caller that sleeps makes none.
 */
int ct_empty_wait_polls(void);
/*
 * When a wrapped wait call (waitpid, wait, waitid, wait3, wait4) reaped
 * child pid since the reset: ct_now_ns() as the call returned, or 0 if no
 * such call did (the first 256 children reaped are remembered).
 */
uint64_t ct_reaped_at(pid_t pid);

/* Bytes (and, in *count if not NULL, blocks) allocated through the wrapped
 * calls since the reset and not yet freed. */
size_t ct_heap_in_use(int *count);
/* Whether p is a block allocated through the wrapped calls since the reset and not yet freed. */
bool ct_heap_has(const void *p);
/*
 * Whether p points into a block allocated through the wrapped calls since
 * the reset and not yet freed; *start and *size then get that block's.
 * (Lesson 12 finds a green thread's stack by the address of a local.)
 */
bool ct_heap_block_of(const void *p, uintptr_t *start, size_t *size);

/*
 * Calls fn(arg) in a helper thread of the grader's (created uncounted) and
 * returns once fn has returned and every thread created since the reset
 * has been joined or has ended (or timeout_ns has passed): 0, or the error
 * of pthread_create (fn did not run).  Until then the helper calls nothing
 * more, so that fn's dead stack frame stays as fn left it: threads that fn
 * started and left running may still read their arguments there, and
 * would crash on the caller's next calls, hiding the real mistake
 * (returning without joining them).
 */
int ct_call_keeping_frame(void (*fn)(void *arg), void *arg, uint64_t timeout_ns);
/* Waits, up to timeout_ns, until every thread created since the reset was joined or has ended; false on timeout. */
bool ct_wait_threads_ended(uint64_t timeout_ns);

/* The real calls, uncounted and never made to fail, for the grader's own use. */
pid_t ct_real_fork(void);
pid_t ct_real_waitpid(pid_t pid, int *status, int options);
int ct_real_waitid(idtype_t idtype, id_t id, siginfo_t *info, int options);
ssize_t ct_real_read(int fd, void *buf, size_t len);
ssize_t ct_real_write(int fd, const void *buf, size_t len);
ssize_t ct_real_send(int fd, const void *buf, size_t len, int flags);
void *ct_real_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int ct_real_munmap(void *addr, size_t len);
int ct_real_pthread_create(pthread_t *t, const pthread_attr_t *a, void *(*fn)(void *), void *arg);
int ct_real_pthread_join(pthread_t t, void **ret);
int ct_real_pthread_detach(pthread_t t);
void *ct_real_malloc(size_t size);
void ct_real_free(void *p);

#endif
