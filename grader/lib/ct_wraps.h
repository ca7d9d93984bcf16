/*
 * ct_wraps.h - the one table of the calls that test programs wrap.
 *
 * Every call NAME in the table is linked into every test program with
 * -Wl,--wrap=NAME (the harness builds those flags from this table:
 * grader/harness/wrap_flags.c).  The linker then sends each reference to
 * NAME made by an object of the test program to __wrap_NAME, and
 * __real_NAME reaches the real function.  That covers every object given
 * to the linker: the student's, the suite's, the lesson's library and the
 * grader's own library (libct_test.a), whose code must therefore call
 * __real_NAME or ct_real_NAME() where it must not be counted or made to
 * fail.  Shared libraries (the C library itself, libcriterion) are not
 * relinked: the calls they make inside themselves are not wrapped.
 *
 * From this table come, so that a call cannot be half wrapped:
 *   - the link flags (grader/harness/wrap_flags.c);
 *   - enum ct_call below (CT_CALL_NAME), which indexes the counters
 *     (ct_count, ct_api.h) and the faults (ct_fault.h);
 *   - the prototypes of __wrap_NAME and __real_NAME (ct_wrapper.h), so the
 *     compiler checks each wrapper against its row;
 *   - what an injected failure makes NAME return (ct_wrapper.h).
 * tests/unit/test_wraps.c links a program the way the harness links a test
 * program and proves, call by call, that each row reaches its wrapper, is
 * counted, and fails as its row says.
 *
 * A row is X(ret, name, params, fails, as):
 *   ret, name, params  the call's prototype;
 *   fails  how the call reports a failure, for fault injection:
 *            ERRNO(v)  it returns v and sets errno;
 *            IO(v)     the same, and a transfer can also be made short
 *                      (read and write, and recv and send, which share
 *                      their faults: see ct_shorten_call);
 *            CODE      it returns the error number (pthreads);
 *            NEVER     it cannot be made to fail;
 *   as     the call whose counter and faults it shares: its own name, or
 *          another row's (pipe2 is counted, and fails, as pipe).
 *
 * To wrap one more call: add its row here, write __wrap_NAME (in the file
 * of its family) starting with CT_ENTER(NAME) (ct_wrapper.h), and give
 * tests/unit/test_wraps.c a probe for it (that test fails until you do).
 *
 * This header declares nothing and includes nothing, so that the harness
 * can include it for the names alone.
 */
#ifndef CT_WRAPS_H
#define CT_WRAPS_H

/* clang-format off */
#define CT_WRAPS(X)                                                                                          \
	/* Processes and descriptors (ct_api.c). */                                                           \
	X(pid_t, fork, (void), ERRNO(-1), fork)                                                              \
	X(pid_t, waitpid, (pid_t pid, int *status, int options), ERRNO(-1), waitpid)                          \
	X(pid_t, wait, (int *status), ERRNO(-1), wait)                                                       \
	X(int, waitid, (idtype_t idtype, id_t id, siginfo_t *info, int options), ERRNO(-1), waitid)            \
	X(pid_t, wait3, (int *status, int options, struct rusage *usage), ERRNO(-1), wait3)                   \
	X(pid_t, wait4, (pid_t pid, int *status, int options, struct rusage *usage), ERRNO(-1), wait4)        \
	X(int, pipe, (int fds[2]), ERRNO(-1), pipe)                                                          \
	X(int, pipe2, (int fds[2], int flags), ERRNO(-1), pipe)                                              \
	X(int, socketpair, (int domain, int type, int protocol, int sv[2]), ERRNO(-1), socketpair)           \
	X(ssize_t, read, (int fd, void *buf, size_t len), IO(-1), read)                                      \
	X(ssize_t, write, (int fd, const void *buf, size_t len), IO(-1), write)                              \
	/* send and recv share write's and read's counts and faults: one channel, whichever moves it. */    \
	X(ssize_t, send, (int fd, const void *buf, size_t len, int flags), IO(-1), write)                    \
	X(ssize_t, recv, (int fd, void *buf, size_t len, int flags), IO(-1), read)                           \
	/* Shared memory (ct_api.c). */                                                                       \
	X(void *, mmap, (void *addr, size_t len, int prot, int flags, int fd, off_t off), ERRNO(MAP_FAILED),    \
	  mmap)                                                                                                \
	X(int, munmap, (void *addr, size_t len), ERRNO(-1), munmap)                                          \
	/* Threads (ct_api.c). */                                                                             \
	X(int, pthread_create, (pthread_t *t, const pthread_attr_t *a, void *(*fn)(void *), void *arg), CODE, \
	  pthread_create)                                                                                      \
	X(int, pthread_join, (pthread_t t, void **ret), CODE, pthread_join)                                  \
	X(int, pthread_detach, (pthread_t t), CODE, pthread_detach)                                          \
	/* Mutexes and condition variables, seen by the lock tracker (ct_locks.c). */                         \
	X(int, pthread_mutex_init, (pthread_mutex_t *m, const pthread_mutexattr_t *a), CODE, pthread_mutex_init) \
	X(int, pthread_mutex_destroy, (pthread_mutex_t *m), CODE, pthread_mutex_destroy)                     \
	X(int, pthread_mutex_lock, (pthread_mutex_t *m), CODE, pthread_mutex_lock)                           \
	X(int, pthread_mutex_trylock, (pthread_mutex_t *m), CODE, pthread_mutex_trylock)                     \
	X(int, pthread_mutex_timedlock, (pthread_mutex_t *m, const struct timespec *abstime), CODE,           \
	  pthread_mutex_timedlock)                                                                             \
	X(int, pthread_mutex_unlock, (pthread_mutex_t *m), CODE, pthread_mutex_unlock)                       \
	X(int, pthread_cond_wait, (pthread_cond_t *c, pthread_mutex_t *m), CODE, pthread_cond_wait)          \
	X(int, pthread_cond_timedwait, (pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abstime), \
	  CODE, pthread_cond_timedwait)                                                                        \
	X(int, pthread_cond_signal, (pthread_cond_t *c), CODE, pthread_cond_signal)                          \
	X(int, pthread_cond_broadcast, (pthread_cond_t *c), CODE, pthread_cond_broadcast)                    \
	/* The heap, for ct_heap_in_use (ct_api.c). */                                                        \
	X(void *, malloc, (size_t size), ERRNO(NULL), malloc)                                                \
	X(void *, calloc, (size_t n, size_t size), ERRNO(NULL), calloc)                                      \
	X(void *, realloc, (void *p, size_t size), ERRNO(NULL), realloc)                                     \
	X(void, free, (void *p), NEVER, free)                                                                \
	/* Signal handlers, and calls a handler must not make (ct_signals.c). */                              \
	X(int, sigaction, (int sig, const struct sigaction *act, struct sigaction *old), ERRNO(-1), sigaction) \
	X(__sighandler_t, signal, (int sig, __sighandler_t handler), ERRNO(SIG_ERR), signal)                   \
	X(int, printf, (const char *fmt, ...), NEVER, printf)                                                \
	X(int, fprintf, (FILE *f, const char *fmt, ...), NEVER, fprintf)                                     \
	X(int, dprintf, (int fd, const char *fmt, ...), NEVER, dprintf)                                      \
	X(int, vprintf, (const char *fmt, va_list ap), NEVER, vprintf)                                       \
	X(int, vfprintf, (FILE *f, const char *fmt, va_list ap), NEVER, vfprintf)                            \
	X(int, puts, (const char *s), NEVER, puts)                                                           \
	X(int, fputs, (const char *s, FILE *f), NEVER, fputs)                                                \
	X(int, putchar, (int c), NEVER, putchar)                                                             \
	X(size_t, fwrite, (const void *p, size_t size, size_t n, FILE *f), NEVER, fwrite)                     \
	X(void, perror, (const char *s), NEVER, perror)                                                      \
	X(_Noreturn void, exit, (int status), NEVER, exit)
/* clang-format on */

/* One value per row, in table order. */
enum ct_call {
#define CT_CALL_ENUM(ret, name, params, fails, as) CT_CALL_##name,
	CT_WRAPS(CT_CALL_ENUM)
#undef CT_CALL_ENUM
	CT_NCALLS
};

#endif
