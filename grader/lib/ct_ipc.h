/*
 * ct_ipc.h - what the student's processes hold and wait for: descriptors,
 * children not waited for, and, when a call does not return, where every
 * process is blocked.
 *
 * Everything here reads /proc (fd, fdinfo, stat, syscall) of the test
 * process and of the children forked through the wrapped fork()
 * (ct_forked() in ct_api.h); nothing depends on the student's cooperation.
 * The pictures are plain text for CT_CHECK messages, one item per line.
 */
#ifndef CT_IPC_H
#define CT_IPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CT_MAX_FDS 256

/* The descriptors open in the calling process, with what each refers to. */
struct ct_fdset {
	int n;
	int fd[CT_MAX_FDS];
	char target[CT_MAX_FDS][64]; /* "pipe:[1234]", "/dev/null", ... */
};

void ct_fds_snapshot(struct ct_fdset *s);
/*
 * The descriptors open in `after` that were not open (to the same thing) in
 * `before`, described into buf ("fd 5 (write end of pipe:[1234])", ...);
 * returns how many.
 */
int ct_fds_leaked(const struct ct_fdset *before, const struct ct_fdset *after, char *buf, size_t len);

/*
 * The children forked since the reset that nobody has waited for yet,
 * described into buf ("child 2 (pid 123) has ended but was never waited
 * for"); names[k] names the k-th child forked (NULL: "child k+1").  Returns
 * how many.  Does not reap them.
 */
int ct_unreaped_children(const char *const *names, int nnames, char *buf, size_t len);

/* What descriptor fd of the process whose /proc directory is dir ("/proc/123", "/proc/self") refers to; "" if none. */
void ct_fd_target(const char *dir, int fd, char *buf, size_t len);
/* The lowest descriptor by which dir's process holds target ("socket:[123]") open, or -1. */
int ct_fd_holding(const char *dir, const char *target);
/*
 * Into buf, "socket:[N]": the other end of the Unix socket target (a
 * ct_fd_target such as "socket:[123]"), asked of the kernel (sock_diag).
 * False if target is no socket, or the kernel does not say.
 */
bool ct_socket_peer(const char *target, char *buf, size_t len);

/* Where a thread is, from /proc/.../stat and syscall. */
enum ct_blocked_kind {
	CT_BLOCKED_RUNNING, /* not in a system call that waits */
	CT_BLOCKED_ENDED,   /* a zombie: ended, not yet waited for */
	CT_BLOCKED_GONE,    /* no such task any more */
	CT_BLOCKED_READ,    /* read, readv, recv... on fd */
	CT_BLOCKED_WRITE,   /* write, writev, send... on fd */
	CT_BLOCKED_WAIT,    /* waitpid or waitid, for pid (-1: any child) */
	CT_BLOCKED_POLL,
	CT_BLOCKED_LOCK, /* futex: a mutex, condition variable, ... */
	CT_BLOCKED_SLEEP,
	CT_BLOCKED_OTHER, /* system call nr */
};
struct ct_blocked {
	enum ct_blocked_kind kind;
	int fd;
	long pid, nr;
};
/* task: a /proc directory of a thread or process ("/proc/123", "/proc/self/task/45"). */
struct ct_blocked ct_blocked_in(const char *task);

/*
 * The same description as ct_unreaped_children, into buf; then every child
 * forked since the reset that has not been waited for is killed and
 * reaped, so that a failure the test provoked on purpose does not also
 * leave processes behind when the test ends.  Returns how many there were.
 */
int ct_settle_children(const char *const *names, int nnames, char *buf, size_t len);

/*
 * A child of the test's own (forked with ct_real_fork, so not counted as
 * the code under test's) that has ended with _exit(code) and that nobody
 * has waited for yet: the caller's child that a function waiting for "any
 * child" would take.  Returns its pid, or -1.  The test reaps it.
 */
pid_t ct_fork_ended_child(int code);

/*
 * Runs fn(arg) in a helper thread and waits up to timeout_ns for it to
 * return.  Returns true if it did.  If it did not, writes into why where
 * the helper thread (called `caller`, e.g. "pool_map") and every child
 * forked since the reset are blocked: in which system call, on which
 * descriptor and pipe, and, for a pipe being read, which processes still
 * hold its write end open (for one being written, who holds its read
 * end); for a Unix socket, which processes hold its other end.  It then kills those children, reaps them, and waits a
 * little for fn to return; returns false.  A helper thread still in fn then is left to end on its own (detached): each
 * call runs fn in a thread of its own.
 */
bool ct_run_within(void (*fn)(void *), void *arg, uint64_t timeout_ns, const char *caller,
		   const char *const *names, int nnames, char *why, size_t len);
/*
 * For the next ct_run_within only: if fn does not return in time, hook(arg,
 * tid of the helper thread) runs after the picture is written and before
 * the children are stopped, to look at them as they were (to choose advice
 * that fits what the picture shows).
 */
void ct_run_within_on_timeout(void (*hook)(void *arg, int caller_tid), void *arg);

#endif
