/*
 * test_wraps.c - proves the wrap table (grader/lib/ct_wraps.h) true, call
 * by call, in a program linked the way the harness links a test program
 * (see the Makefile): every call of the table reaches its wrapper, is
 * counted, and, if its row says it can fail, fails with an injected error
 * the way its row says; then the fault API's own promises (ct_fault.h).
 *
 * Each probe makes its call once, in a way that succeeds when no fault is
 * armed, cleans up after itself whatever happened, and returns 0 when the
 * call succeeded or the error the call reported (errno, or the code a
 * pthreads call returns).  A call added to the table without a probe
 * does not compile: the probes are listed from the table itself.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ct_test.h"

CT_SUITE(wraps);

/* An error no probed call makes of itself here, to tell an injected failure from a real one. */
#define INJECTED EIO

/* A string the compiler cannot see through (the file is built with -fno-builtin as well). */
static const char *volatile empty = "";

static int errno_of(int failed) { return failed ? (errno ? errno : -1) : 0; }

/* Reaps pid (uncounted); the child's exit status, or -1. */
static int reap(pid_t pid)
{
	int status;

	while (ct_real_waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A child (forked uncounted) that exits at once with code. */
static pid_t quick_child(int code)
{
	pid_t pid = ct_real_fork();

	if (pid == 0)
		_exit(code);
	return pid;
}

/* ---- the probes, in table order ----------------------------------------- */

static int probe_fork(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	if (pid == -1)
		return errno_of(1);
	return reap(pid) == 0 ? 0 : -1;
}

static int probe_waitpid(void)
{
	pid_t pid = quick_child(0);
	int err = errno_of(waitpid(pid, NULL, 0) != pid);

	if (err)
		reap(pid);
	return err;
}

static int probe_wait(void)
{
	pid_t pid = quick_child(0);
	int err = errno_of(wait(NULL) != pid);

	if (err)
		reap(pid);
	return err;
}

static int probe_waitid(void)
{
	pid_t pid = quick_child(0);
	siginfo_t si;
	int err = errno_of(waitid(P_PID, (id_t)pid, &si, WEXITED) != 0);

	if (err)
		reap(pid);
	else if (si.si_pid != pid)
		return -1;
	return err;
}

static int probe_wait3(void)
{
	pid_t pid = quick_child(0);
	int err = errno_of(wait3(NULL, 0, NULL) != pid);

	if (err)
		reap(pid);
	return err;
}

static int probe_wait4(void)
{
	pid_t pid = quick_child(0);
	int err = errno_of(wait4(pid, NULL, 0, NULL) != pid);

	if (err)
		reap(pid);
	return err;
}

static int close_both(int fds[2])
{
	close(fds[0]);
	close(fds[1]);
	return 0;
}

static int probe_pipe(void)
{
	int fds[2];

	return pipe(fds) == -1 ? errno_of(1) : close_both(fds);
}

static int probe_pipe2(void)
{
	int fds[2];

	return pipe2(fds, O_CLOEXEC) == -1 ? errno_of(1) : close_both(fds);
}

static int probe_socketpair(void)
{
	int sv[2];

	return socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1 ? errno_of(1) : close_both(sv);
}

/* A pipe holding "abc", made with the real calls. */
static void pipe_with_abc(int fds[2])
{
	CT_CHECK(pipe(fds) == 0 && ct_real_write(fds[1], "abc", 3) == 3, "grader error: cannot fill a pipe");
}

static int probe_read(void)
{
	int fds[2];
	char buf[3];

	pipe_with_abc(fds);
	ssize_t n = read(fds[0], buf, sizeof buf);
	int err = n == 3 ? 0 : errno_of(n == -1);
	close_both(fds);
	return err;
}

static int probe_write(void)
{
	int fds[2];

	CT_CHECK(pipe(fds) == 0, "grader error: pipe");
	ssize_t n = write(fds[1], "abc", 3);
	int err = n == 3 ? 0 : errno_of(n == -1);
	close_both(fds);
	return err;
}

static int probe_send(void)
{
	int sv[2];

	CT_CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "grader error: socketpair");
	ssize_t n = send(sv[0], "abc", 3, MSG_NOSIGNAL);
	int err = n == 3 ? 0 : errno_of(n == -1);
	close_both(sv);
	return err;
}

static int probe_recv(void)
{
	int sv[2];
	char buf[3];

	CT_CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0 && ct_real_write(sv[1], "abc", 3) == 3,
		 "grader error: cannot fill a socket");
	ssize_t n = recv(sv[0], buf, sizeof buf, 0);
	int err = n == 3 ? 0 : errno_of(n == -1);
	close_both(sv);
	return err;
}

static int probe_mmap(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return errno_of(1);
	return ct_real_munmap(p, 4096) == 0 ? 0 : -1;
}

static int probe_munmap(void)
{
	void *p = ct_real_mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CT_CHECK(p != MAP_FAILED, "grader error: mmap");
	int err = errno_of(munmap(p, 4096) == -1);
	if (err)
		ct_real_munmap(p, 4096);
	return err;
}

static void *nothing(void *arg) { return arg; }

static int probe_pthread_create(void)
{
	pthread_t t;
	int err = pthread_create(&t, NULL, nothing, NULL);

	if (!err)
		ct_real_pthread_join(t, NULL);
	return err;
}

static int probe_pthread_join(void)
{
	pthread_t t;

	CT_CHECK(ct_real_pthread_create(&t, NULL, nothing, NULL) == 0, "grader error: cannot create a thread");
	int err = pthread_join(t, NULL);
	if (err)
		ct_real_pthread_join(t, NULL);
	return err;
}

static int probe_pthread_detach(void)
{
	pthread_t t;

	CT_CHECK(ct_real_pthread_create(&t, NULL, nothing, NULL) == 0, "grader error: cannot create a thread");
	int err = pthread_detach(t);
	if (err)
		ct_real_pthread_join(t, NULL);
	return err;
}

static int probe_pthread_mutex_init(void)
{
	pthread_mutex_t m;
	int err = pthread_mutex_init(&m, NULL);

	if (!err)
		pthread_mutex_destroy(&m);
	return err;
}

static int probe_pthread_mutex_destroy(void)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

	return pthread_mutex_destroy(&m);
}

/* Each lock probe locks a mutex of its own: one left locked by an injected failure harms nothing. */
static int lock_then_unlock(int (*lock)(pthread_mutex_t *))
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	int err = lock(&m);

	if (!err)
		pthread_mutex_unlock(&m);
	return err;
}

static int probe_pthread_mutex_lock(void) { return lock_then_unlock(pthread_mutex_lock); }
static int probe_pthread_mutex_trylock(void) { return lock_then_unlock(pthread_mutex_trylock); }

static int probe_pthread_mutex_timedlock(void)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	struct timespec until = ct_deadline_in(1000 * CT_MS);
	int err = pthread_mutex_timedlock(&m, &until);

	if (!err)
		pthread_mutex_unlock(&m);
	return err;
}

static int probe_pthread_mutex_unlock(void)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

	pthread_mutex_lock(&m);
	return pthread_mutex_unlock(&m);
}

/* A condition to wait for: a thread sets done and signals, under lock. */
struct condition {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	bool done;
};

static void *signal_done(void *p)
{
	struct condition *c = p;

	pthread_mutex_lock(&c->lock);
	c->done = true;
	pthread_cond_signal(&c->changed);
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

/*
 * Waits for c with wait (cond_wait or a timed wait); the signalling thread
 * is started with the lock held, so the first wait happens before it can
 * set done.  Returns the first error.
 */
static int wait_for_signal(int (*wait)(pthread_cond_t *, pthread_mutex_t *))
{
	struct condition c = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false};
	pthread_t t;
	int err = 0;

	pthread_mutex_lock(&c.lock);
	CT_CHECK(ct_real_pthread_create(&t, NULL, signal_done, &c) == 0, "grader error: cannot create a thread");
	while (!c.done && !err)
		err = wait(&c.changed, &c.lock);
	pthread_mutex_unlock(&c.lock);
	ct_real_pthread_join(t, NULL);
	return err;
}

static int plain_wait(pthread_cond_t *c, pthread_mutex_t *m) { return pthread_cond_wait(c, m); }

static int timed_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
	struct timespec until = ct_deadline_in(2000 * CT_MS);

	return pthread_cond_timedwait(c, m, &until);
}

static int probe_pthread_cond_wait(void) { return wait_for_signal(plain_wait); }
static int probe_pthread_cond_timedwait(void) { return wait_for_signal(timed_wait); }

static int probe_pthread_cond_signal(void)
{
	pthread_cond_t c = PTHREAD_COND_INITIALIZER;

	return pthread_cond_signal(&c);
}

static int probe_pthread_cond_broadcast(void)
{
	pthread_cond_t c = PTHREAD_COND_INITIALIZER;

	return pthread_cond_broadcast(&c);
}

static int probe_malloc(void)
{
	void *p = malloc(16);

	free(p);
	return errno_of(!p);
}

static int probe_calloc(void)
{
	void *p = calloc(4, 4);

	free(p);
	return errno_of(!p);
}

static int probe_realloc(void)
{
	void *p = ct_real_malloc(8), *q = realloc(p, 64);

	ct_real_free(q ? q : p);
	return errno_of(!q);
}

static int probe_free(void)
{
	free(ct_real_malloc(8));
	return 0;
}

static int probe_sigaction(void)
{
	struct sigaction old;

	return errno_of(sigaction(SIGUSR1, NULL, &old) == -1);
}

static int probe_signal(void) { return errno_of(signal(SIGUSR2, SIG_DFL) == SIG_ERR); }

/* The output calls write nothing (an empty format or string) or to /dev/null. */
static FILE *dev_null(void)
{
	static FILE *f;

	if (!f)
		f = fopen("/dev/null", "w");
	CT_CHECK(f != NULL, "grader error: cannot open /dev/null");
	return f;
}

static int probe_printf(void) { return printf("%s", empty) < 0; }
static int probe_fprintf(void) { return fprintf(dev_null(), "%s", empty) < 0; }
static int probe_dprintf(void) { return dprintf(fileno(dev_null()), "%s", empty) < 0; }

__attribute__((format(printf, 1, 2))) static int call_vprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int r = vprintf(fmt, ap);
	va_end(ap);
	return r;
}

__attribute__((format(printf, 2, 3))) static int call_vfprintf(FILE *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int r = vfprintf(f, fmt, ap);
	va_end(ap);
	return r;
}

static int probe_vprintf(void) { return call_vprintf("%s", empty) < 0; }
static int probe_vfprintf(void) { return call_vfprintf(dev_null(), "%s", empty) < 0; }
static int probe_puts(void) { return puts(empty) < 0; } /* one newline on the test's output */
static int probe_fputs(void) { return fputs("x", dev_null()) < 0; }
static int probe_putchar(void) { return putchar('\n') < 0; }
static int probe_fwrite(void) { return fwrite("x", 1, 1, dev_null()) != 1; }

static int probe_perror(void)
{
	int err = dup(STDERR_FILENO);

	/* perror writes to stderr: point it at /dev/null for the call. */
	fflush(stderr);
	dup2(fileno(dev_null()), STDERR_FILENO);
	perror("");
	dup2(err, STDERR_FILENO);
	close(err);
	return 0;
}

/* exit ends the process: a child calls it, and an atexit handler reports the count by _exit. */
static void report_exit_count(void) { _exit(ct_count(CT_CALL_exit) == 1 ? 0 : 1); }

static int probe_exit(void)
{
	pid_t pid = ct_real_fork();

	if (pid == 0) {
		ct_api_reset();
		atexit(report_exit_count);
		exit(2);
	}
	return reap(pid);
}

static int (*const probes[CT_NCALLS])(void) = {
#define PROBE(ret, name, params, fails, as) [CT_CALL_##name] = probe_##name,
	CT_WRAPS(PROBE)
#undef PROBE
};

/* ---- the table ---------------------------------------------------------- */

CT_TEST(wraps, every_call_has_a_probe_and_a_distinct_name)
{
	for (int c = 0; c < CT_NCALLS; c++) {
		CT_CHECK(probes[c] != NULL, "the wrap table's call %s has no probe in tests/unit/test_wraps.c",
			 ct_call_name(c));
		for (int d = 0; d < c; d++)
			CT_CHECK(strcmp(ct_call_name(c), ct_call_name(d)) != 0, "%s is twice in the wrap table",
				 ct_call_name(c));
	}
	CT_CHECK(strcmp(ct_call_name(CT_CALL_fork), "fork") == 0 && strcmp(ct_call_name(CT_NCALLS), "?") == 0,
		 "ct_call_name names the calls by their table rows");
	ct_pass();
}

CT_TEST(wraps, every_call_reaches_its_wrapper_and_is_counted)
{
	for (int c = 0; c < CT_NCALLS; c++) {
		int before = ct_count(c), err = probes[c]();
		CT_CHECK(err == 0, "the probe of %s failed (%d: %s)", ct_call_name(c), err, strerror(err));
		if (c != CT_CALL_exit) /* counted in the child that exited: probe_exit checks it */
			CT_CHECK(ct_count(c) == before + 1, "one call to %s changed its count from %d to %d; expected %d "
				 "(is it linked with --wrap=%s, and does its wrapper count it?)",
				 ct_call_name(c), before, ct_count(c), before + 1, ct_call_name(c));
	}
	ct_pass();
}

CT_TEST(wraps, every_call_that_can_fail_fails_as_its_row_says)
{
	for (int c = 0; c < CT_NCALLS; c++) {
		int armed = ct_fail_call(c, 1, INJECTED);
		if (!ct_call_can_fail(c)) {
			CT_CHECK(armed == EINVAL, "ct_fail_call(%s, ...) returned %d; expected EINVAL, since %s cannot fail",
				 ct_call_name(c), armed, ct_call_name(c));
			continue;
		}
		CT_CHECK(armed == 0, "ct_fail_call(%s, 1, EIO) returned %d; expected 0", ct_call_name(c), armed);
		errno = 0;
		int err = probes[c]();
		CT_CHECK(err == INJECTED, "%s with a fault armed reported %d (%s); expected EIO, injected",
			 ct_call_name(c), err, strerror(err));
		CT_CHECK(ct_faults_injected(c) == 1, "ct_faults_injected(%s) is %d after one injected failure",
			 ct_call_name(c), ct_faults_injected(c));
		err = probes[c]();
		CT_CHECK(err == 0, "%s failed again (%d: %s) after its one injected failure", ct_call_name(c), err,
			 strerror(err));
		ct_fault_clear(c);
	}
	ct_pass();
}

/* ---- the fault API ------------------------------------------------------ */

CT_TEST(wraps, the_kth_call_fails_once_or_from_then_on)
{
	CT_CHECK(ct_fail_call(CT_CALL_pipe, 2, EMFILE) == 0, "ct_fail_call(CT_CALL_pipe, 2, EMFILE) refused");
	int got[4];
	for (int i = 0; i < 4; i++)
		got[i] = probe_pipe();
	CT_CHECK(got[0] == 0 && got[1] == EMFILE && got[2] == 0 && got[3] == 0,
		 "with the 2nd pipe() set to fail, the calls gave %d %d %d %d; expected 0 EMFILE 0 0", got[0], got[1],
		 got[2], got[3]);

	CT_CHECK(ct_fail_calls_from(CT_CALL_pipe, 2, EMFILE) == 0, "ct_fail_calls_from refused");
	for (int i = 0; i < 4; i++)
		got[i] = probe_pipe();
	CT_CHECK(got[0] == 0 && got[1] == EMFILE && got[2] == EMFILE && got[3] == EMFILE,
		 "with every pipe() from the 2nd on set to fail, the calls gave %d %d %d %d", got[0], got[1], got[2],
		 got[3]);
	CT_CHECK(ct_faults_injected(CT_CALL_pipe) == 3, "ct_faults_injected is %d; expected 3",
		 ct_faults_injected(CT_CALL_pipe));
	ct_fault_clear(CT_CALL_pipe);
	CT_CHECK(probe_pipe() == 0, "pipe() still fails after ct_fault_clear");

	ct_fail_calls_from(CT_CALL_pipe, 1, EMFILE);
	ct_fail_calls_from(CT_CALL_fork, 1, EAGAIN);
	ct_faults_reset();
	CT_CHECK(probe_pipe() == 0 && probe_fork() == 0, "calls still fail after ct_faults_reset");
	ct_pass();
}

CT_TEST(wraps, a_call_counted_as_another_shares_its_count_and_faults)
{
	int before = ct_count(CT_CALL_pipe);

	CT_CHECK(probe_pipe2() == 0, "pipe2 failed");
	CT_CHECK(ct_count(CT_CALL_pipe) == before + 1 && ct_count(CT_CALL_pipe2) == before + 1,
		 "a pipe2 call made ct_count(CT_CALL_pipe) %d and ct_count(CT_CALL_pipe2) %d; expected both %d",
		 ct_count(CT_CALL_pipe), ct_count(CT_CALL_pipe2), before + 1);
	ct_fail_calls_from(CT_CALL_pipe, 1, EMFILE);
	CT_CHECK(probe_pipe2() == EMFILE, "a fault armed for pipe does not fail pipe2");
	ct_fail_calls_from(CT_CALL_pipe2, 1, ENFILE);
	CT_CHECK(probe_pipe() == ENFILE, "a fault armed for pipe2 does not fail pipe");
	before = ct_count(CT_CALL_write);
	CT_CHECK(probe_send() == 0 && ct_count(CT_CALL_write) == before + 1, "a send is not counted as a write");
	ct_shorten_call(CT_CALL_write, 1, 1);
	int sv[2];
	char buf[4];
	CT_CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "grader error: socketpair");
	CT_CHECK(send(sv[0], "ab", 2, 0) == 1, "a short transfer armed for write does not shorten send");
	ct_fail_call(CT_CALL_read, 1, EINTR);
	CT_CHECK(recv(sv[1], buf, sizeof buf, 0) == -1 && errno == EINTR, "a fault armed for read does not fail recv");
	close_both(sv);
	ct_pass();
}

CT_TEST(wraps, arming_what_cannot_happen_is_refused)
{
	CT_CHECK(ct_fail_call(CT_CALL_fork, 0, EAGAIN) == EINVAL, "nth 0 accepted");
	CT_CHECK(ct_fail_call(CT_CALL_fork, 1, 0) == EINVAL, "a fault with no error and no short length accepted");
	CT_CHECK(ct_fail_call(CT_CALL_fork, 1, -4) == EINVAL, "a negative error accepted");
	CT_CHECK(ct_shorten_call(CT_CALL_pipe, 1, 2) == EINVAL, "a short pipe() accepted");
	CT_CHECK(ct_fault_arm(CT_CALL_read, (struct ct_fault){.nth = 1, .err = EINTR, .max_bytes = 1}) == EINVAL,
		 "a fault with both an error and a short length accepted");
	CT_CHECK(ct_fail_call(CT_CALL_free, 1, EINVAL) == EINVAL, "free() accepted a fault");
	CT_CHECK(ct_fail_call(CT_NCALLS, 1, EINVAL) == EINVAL, "a call outside the table accepted a fault");
	CT_CHECK(probe_fork() == 0, "a refused fault still acts");
	ct_pass();
}

CT_TEST(wraps, an_interrupted_waitpid_reaps_nothing)
{
	pid_t pid = quick_child(7);
	int status = 0;

	ct_fail_call(CT_CALL_waitpid, 1, EINTR);
	errno = 0;
	pid_t r = waitpid(pid, &status, 0);
	CT_CHECK(r == -1 && errno == EINTR, "the interrupted waitpid returned %d, errno %d; expected -1, EINTR",
		 (int)r, errno);
	r = waitpid(pid, &status, 0);
	CT_CHECK(r == pid && WIFEXITED(status) && WEXITSTATUS(status) == 7,
		 "the waitpid after the interrupted one returned %d (status %#x); expected the child, exit 7", (int)r,
		 status);
	ct_pass();
}

CT_TEST(wraps, wait_calls_count_polls_and_remember_reaps)
{
	int fds[2];

	/* A child that lives until the pipe's write end closes. */
	CT_CHECK(pipe(fds) == 0, "grader error: pipe");
	pid_t pid = ct_real_fork();
	if (pid == 0) {
		char c;
		close(fds[1]);
		ct_real_read(fds[0], &c, 1);
		_exit(0);
	}
	close(fds[0]);
	siginfo_t info;
	CT_CHECK(waitpid(pid, NULL, WNOHANG) == 0 && wait3(NULL, WNOHANG, NULL) == 0 &&
		     wait4(-1, NULL, WNOHANG, NULL) == 0 && waitid(P_ALL, 0, &info, WEXITED | WNOHANG) == 0,
		 "grader error: a WNOHANG wait for a running child did not return 0");
	CT_CHECK(ct_empty_wait_polls() == 4, "4 WNOHANG waits that found no child ended counted %d polls; expected 4",
		 ct_empty_wait_polls());
	CT_CHECK(ct_reaped_at(pid) == 0, "a child that was only polled for counts as reaped");
	close(fds[1]);
	uint64_t before = ct_now_ns();
	CT_CHECK(waitpid(pid, NULL, 0) == pid, "grader error: waitpid did not reap the child");
	CT_CHECK(ct_reaped_at(pid) >= before && ct_reaped_at(pid) <= ct_now_ns(),
		 "the waitpid that reaped child %d is not remembered with its time", (int)pid);
	CT_CHECK(waitpid(-1, NULL, WNOHANG) == -1 && ct_empty_wait_polls() == 4,
		 "a WNOHANG wait with no child left was counted as a poll (%d)", ct_empty_wait_polls());
	pid = quick_child(0);
	CT_CHECK(waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT) == 0 && ct_reaped_at(pid) == 0,
		 "a waitid with WNOWAIT, which reaps nothing, counts as a reap");
	CT_CHECK(waitid(P_PID, (id_t)pid, &info, WEXITED) == 0 && info.si_pid == pid && ct_reaped_at(pid) != 0,
		 "the waitid that reaped child %d is not remembered", (int)pid);
	ct_pass();
}

CT_TEST(wraps, a_fault_on_the_waits_acts_on_the_call_made_and_is_named)
{
	siginfo_t info;
	pid_t a = quick_child(1), b = quick_child(2);

	ct_fail_waits(1, EINTR);
	errno = 0;
	CT_CHECK(waitid(P_PID, (id_t)a, &info, WEXITED) == -1 && errno == EINTR,
		 "with ct_fail_waits(1, EINTR), the first waitid did not fail with EINTR");
	CT_CHECK(strcmp(ct_waits_failed(), "waitid()") == 0, "ct_waits_failed() says \"%s\"; expected \"waitid()\"",
		 ct_waits_failed());
	CT_CHECK(wait4(b, NULL, 0, NULL) == b && reap(a) == 1, "a wait failed after ct_waits_failed() disarmed them");
	ct_fail_waits(5, EINTR);
	CT_CHECK(strcmp(ct_waits_failed(), "wait call") == 0, "ct_waits_failed() names a call when none failed");
	CT_CHECK(strcmp(ct_nth_call("f", 1), "") == 0 &&
		     strcmp(ct_nth_call("f", 2), " (the 2nd call of f in this test)") == 0 &&
		     strcmp(ct_nth_call("f", 11), " (the 11th call of f in this test)") == 0,
		 "ct_nth_call gives \"%s\" for the 11th call", ct_nth_call("f", 11));
	ct_pass();
}

/* A child forked through the wrapper (so that ct_reaped knows it) that ends with code, or by signal sig. */
static pid_t counted_child(int code, int sig)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (sig)
			raise(sig);
		_exit(code);
	}
	return pid;
}

CT_TEST(wraps, the_wait_calls_remember_how_each_child_they_reaped_ended)
{
	pid_t a = counted_child(3, 0), b = counted_child(0, SIGTERM), c = counted_child(5, 0), d = counted_child(0, 0);
	int status = -1;
	siginfo_t si;

	CT_CHECK(a > 0 && b > 0 && c > 0 && d > 0, "fork failed: %s", strerror(errno));
	CT_CHECK(!ct_reaped(a, &status), "ct_reaped says a child nobody waited for was reaped");
	CT_CHECK(waitpid(a, NULL, 0) == a && ct_reaped(a, &status) && WIFEXITED(status) && WEXITSTATUS(status) == 3,
		 "after waitpid(pid, NULL, 0), ct_reaped gave status %#x; expected exit 3", status);
	CT_CHECK(waitid(P_PID, (id_t)b, &si, WEXITED) == 0 && si.si_pid == b && si.si_code == CLD_KILLED,
		 "the wrapped waitid did not return what the kernel said");
	CT_CHECK(ct_reaped(b, &status) && WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM,
		 "after waitid(P_PID, ...), ct_reaped gave status %#x; expected killed by SIGTERM", status);
	CT_CHECK(waitid(P_PID, (id_t)c, &si, WEXITED | WNOWAIT) == 0 && !ct_reaped(c, NULL),
		 "waitid(..., WNOWAIT), which leaves the child waitable, counted as reaping it");
	CT_CHECK(waitpid(c, &status, 0) == c && WEXITSTATUS(status) == 5 && ct_reaped(c, &status) &&
		     WEXITSTATUS(status) == 5,
		 "after waitpid(pid, &status, 0), ct_reaped gave status %#x; expected exit 5", status);
	CT_CHECK(wait(NULL) == d && ct_reaped(d, &status) && WIFEXITED(status) && WEXITSTATUS(status) == 0,
		 "after wait(NULL), ct_reaped gave status %#x; expected exit 0", status);
	ct_pass();
}

CT_TEST(wraps, an_interrupted_read_consumes_nothing_and_transfers_can_be_short)
{
	int fds[2];
	char buf[8] = "";

	pipe_with_abc(fds);
	ct_fail_call(CT_CALL_read, 1, EINTR);
	errno = 0;
	ssize_t n = read(fds[0], buf, sizeof buf);
	CT_CHECK(n == -1 && errno == EINTR, "the interrupted read returned %zd, errno %d", n, errno);
	ct_shorten_call(CT_CALL_read, 1, 1);
	n = read(fds[0], buf, sizeof buf);
	CT_CHECK(n == 1 && buf[0] == 'a', "the read shortened to 1 byte returned %zd ('%c')", n, buf[0]);
	n = read(fds[0], buf, sizeof buf);
	CT_CHECK(n == 2 && memcmp(buf, "bc", 2) == 0, "the next read returned %zd; expected the 2 bytes left", n);

	ct_shorten_call(CT_CALL_write, 2, 2);
	CT_CHECK(write(fds[1], "xy", 2) == 2, "the write before the shortened one was short");
	n = write(fds[1], "uvw", 3);
	CT_CHECK(n == 2, "the write shortened to 2 bytes returned %zd", n);
	CT_CHECK(ct_real_read(fds[0], buf, sizeof buf) == 4 && memcmp(buf, "xyuv", 4) == 0,
		 "the pipe does not hold what the two writes said they wrote");
	close_both(fds);
	ct_pass();
}

/* In a child forked with the real fork: 0 if pipe() works there, 1 if it fails. */
static int pipe_fails_in_a_child(void)
{
	pid_t pid = ct_real_fork();

	if (pid == 0)
		_exit(probe_pipe() == 0 ? 0 : 1);
	return reap(pid);
}

CT_TEST(wraps, faults_act_in_children_only_when_asked)
{
	ct_fail_calls_from(CT_CALL_pipe, 1, EMFILE);
	CT_CHECK(pipe_fails_in_a_child() == 0, "a fault armed without .children acted in a child");
	CT_CHECK(probe_pipe() == EMFILE, "the fault no longer acts in the process that armed it");

	ct_fault_arm(CT_CALL_pipe, (struct ct_fault){.nth = 1, .every = true, .err = EMFILE, .children = true});
	CT_CHECK(pipe_fails_in_a_child() == 1, "a fault armed with .children did not act in a child");

	/* In a child, the count starts at its fork: the parent's first call does not count there. */
	ct_fault_arm(CT_CALL_pipe, (struct ct_fault){.nth = 2, .err = EMFILE, .children = true});
	CT_CHECK(probe_pipe() == 0, "the 1st pipe() failed; the 2nd was to fail");
	pid_t pid = ct_real_fork();
	if (pid == 0)
		_exit(probe_pipe() == 0 && probe_pipe() == EMFILE ? 0 : 1);
	CT_CHECK(reap(pid) == 0, "in a child, the fault's count did not start again at the fork");
	CT_CHECK(probe_pipe() == EMFILE, "the parent's 2nd pipe() did not fail");
	ct_pass();
}
