/*
 * test_rpc.c - grader suite for lesson 07, exercise "rpc" (rpc.h).
 *
 * The grader's service runs in the student's server child and records, in
 * shared memory, the process it ran in and the requests it saw.  It finds
 * the server's end of the socketpair once (the socket the test did not
 * have before the call whose other end the server does not hold), and at
 * each request asks it whether the next request has already arrived (one
 * request in flight at a time).  On request: it crashes (a server that
 * ends early) or shuts its end for reading (a server that stops reading:
 * the caller's next send then raises SIGPIPE unless it uses MSG_NOSIGNAL).
 * The test catches SIGPIPE in the caller with a handler of its own, to
 * report it instead of dying by it.  Reads, writes (recv and send
 * included), fork, socketpair and waitpid are made short, interrupted or
 * failed (ct_fault.h).  rpc_call_all runs under ct_run_within(): if it
 * does not return, the test shows where every process is blocked.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ct_ipc.h"
#include "ct_pitfalls.h"
#include "ct_signals.h"
#include "ct_test.h"
#include "rpc.h"

CT_SUITE(rpc);

#define N    100
#define BASE 5000
#define NONE (-1)

struct shared {
	pid_t served_by[N];
	int crash_at, stop_reading_at; /* request index, or NONE */
	int ahead_at;		       /* first request served while the next one had arrived, or NONE */
	bool stopped_reading;	       /* the service shut the server's end for reading */
};

static struct shared *sh;
static pid_t caller;
static long requests[N], replies[N];
static size_t count = N;
static int ret, err;
static const char *const names[] = {"the server (child 1)"};
static struct ct_fdset before;
static atomic_int sigpipes; /* SIGPIPEs that reached the test's handler in the caller */

/*
 * In the server: its end of the socketpair, found once (-2: not yet
 * looked for; -1: none found).  It is a socket the test did not have
 * before the call, whose other end the server does not hold itself.
 */
static int server_end = -2;

static bool open_before(int fd, const char *target)
{
	for (int i = 0; i < before.n; i++)
		if (before.fd[i] == fd && strcmp(before.target[i], target) == 0)
			return true;
	return false;
}

static int find_server_end(void)
{
	struct ct_fdset now;
	char peer[64];

	ct_fds_snapshot(&now);
	for (int i = 0; i < now.n; i++)
		if (strncmp(now.target[i], "socket:", 7) == 0 && !open_before(now.fd[i], now.target[i]) &&
		    ct_socket_peer(now.target[i], peer, sizeof peer) && ct_fd_holding("/proc/self", peer) == -1)
			return now.fd[i];
	return -1;
}

static long service(long request)
{
	long i = request - BASE;

	if (i < 0 || i >= N)
		return request * 2 + 1;
	if (sh->crash_at == i)
		raise(SIGSEGV);
	sh->served_by[i] = getpid();
	if (server_end == -2)
		server_end = find_server_end();
	int pending = 0;
	if (server_end >= 0 && sh->ahead_at == NONE && ioctl(server_end, FIONREAD, &pending) == 0 && pending > 0)
		sh->ahead_at = (int)i;
	if (sh->stop_reading_at == i && server_end >= 0)
		sh->stopped_reading = shutdown(server_end, SHUT_RD) == 0;
	return request * 2 + 1;
}

static void call(void *unused)
{
	(void)unused;
	errno = 0;
	ret = rpc_call_all(service, requests, replies, count);
	err = errno;
}

static void on_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

/*
 * Advice that fits what the processes of a call that did not return were
 * doing (ct_run_within_on_timeout): who still holds which end.
 */
static char advice[512];

static void choose_advice(void *unused, int caller_tid)
{
	char task[64], server_dir[32], target[64], peer[64];
	pid_t kids[4];

	(void)unused;
	advice[0] = '\0';
	snprintf(task, sizeof task, "/proc/self/task/%d", caller_tid);
	struct ct_blocked me = ct_blocked_in(task), server = {CT_BLOCKED_GONE, -1, 0, -1};
	if (ct_forked(kids, 4) >= 1) {
		snprintf(server_dir, sizeof server_dir, "/proc/%d", (int)kids[0]);
		server = ct_blocked_in(server_dir);
	}
	if (server.kind == CT_BLOCKED_READ) {
		ct_fd_target(server_dir, server.fd, target, sizeof target);
		if (ct_socket_peer(target, peer, sizeof peer)) {
			int own = ct_fd_holding(server_dir, peer), mine = ct_fd_holding("/proc/self", peer);
			if (own != -1) {
				snprintf(advice, sizeof advice,
					 "The server still holds the caller's end itself (its fd %d), "
					 "so its read can never see end of file: in the server, close the end it does "
					 "not use "
					 "right after fork",
					 own);
				return;
			}
			if (me.kind == CT_BLOCKED_WAIT && mine != -1) {
				snprintf(
				    advice, sizeof advice,
				    "The caller waits for the server while it still holds its own "
				    "end of the socket (fd %d), so the server never sees end of file: close it before "
				    "waitpid",
				    mine);
				return;
			}
		}
	}
	if (me.kind == CT_BLOCKED_READ) {
		ct_fd_target("/proc/self", me.fd, target, sizeof target);
		if (ct_socket_peer(target, peer, sizeof peer)) {
			int mine = ct_fd_holding("/proc/self", peer);
			if (mine != -1 && (server.kind == CT_BLOCKED_ENDED || server.kind == CT_BLOCKED_GONE)) {
				snprintf(
				    advice, sizeof advice,
				    "The server has ended, but the caller still holds the server's "
				    "end itself (fd %d), so its read can never see end of file: close that end in the "
				    "caller right after fork",
				    mine);
				return;
			}
		}
		if (server.kind == CT_BLOCKED_READ)
			snprintf(advice, sizeof advice,
				 "Both sides wait to read%s: each waits for a message the other has not sent whole. "
				 "The caller must send each request whole (all of its bytes, whatever one send moved) "
				 "before it reads the reply, and the server reply to each request it has read whole",
				 ct_socket_peer(target, peer, sizeof peer) && ct_fd_holding("/proc/self", peer) == -1
				     ? ", and each holds only its own end of the socket (the closing is right)"
				     : "");
	}
}

/* rpc_call_all(service, requests, replies, count) under a 2 s deadline, with the grader's SIGPIPE handler. */
static void run_with(int crash_at, int stop_reading_at, size_t n)
{
	char why[4096];
	struct sigaction catch_pipe = {.sa_handler = on_sigpipe};

	caller = getpid();
	sh = ct_shared_alloc(sizeof *sh);
	sh->crash_at = crash_at;
	sh->stop_reading_at = stop_reading_at;
	sh->ahead_at = NONE;
	count = n;
	for (int i = 0; i < N; i++) {
		requests[i] = BASE + i;
		replies[i] = -1;
	}
	sigemptyset(&catch_pipe.sa_mask);
	sigpipes = 0;
	CT_CHECK(ct_real_sigaction(SIGPIPE, &catch_pipe, NULL) == 0, "grader error: sigaction");
	ct_fds_snapshot(&before);
	advice[0] = '\0';
	ct_run_within_on_timeout(choose_advice, NULL);
	bool returned = ct_run_within(call, NULL, 2000 * CT_MS, "rpc_call_all", names, 1, why, sizeof why);
	CT_CHECK(returned,
		 "rpc_call_all(service, requests, replies, %zu) did not return within 2 s. Where everything "
		 "was blocked:\n%s%s",
		 n, why, advice);
	CT_CHECK(
	    sigpipes == 0,
	    "SIGPIPE reached the caller during rpc_call_all(service, requests, replies, %zu)%s: a write or send to "
	    "a socket whose other end no longer reads raises SIGPIPE, whose default action ends the process (the "
	    "grader caught it here). Send with MSG_NOSIGNAL, and take the EPIPE that send then returns as the "
	    "server being gone (ECHILD)",
	    n, stop_reading_at != NONE ? ", after the server had stopped reading" : "");
}

static void run(bool crash)
{
	run_with(crash ? 13 : NONE, NONE, N);
}

/*
 * Before a test that breaks something on purpose: the plain call works,
 * so that what the test then sees comes from what it broke.
 */
static void plain_run_works(void)
{
	run(false);
	bool right = ret == 0;
	for (int i = 0; i < N && right; i++)
		right = replies[i] == requests[i] * 2 + 1;
	CT_CHECK(right,
		 "rpc_call_all(service, requests, replies, %d), with nothing made to fail, returned %d (errno "
		 "%d)%s; this test needs that call to work first (see \"replies in order from the server\")",
		 N, ret, err, ret == 0 ? " with wrong replies" : "");
	ct_api_reset();
}

/* No descriptor of the call's left open, no zombie, and the server did not end with exit(). */
static void check_cleaned_up(const char *after)
{
	struct ct_fdset now;
	char leaked[1024], zombies[1024];
	pid_t first;

	ct_fds_snapshot(&now);
	int nl = ct_fds_leaked(&before, &now, leaked, sizeof leaked);
	CT_CHECK(nl == 0,
		 "after rpc_call_all returned%s, the caller still had %d descriptor%s it did not have "
		 "before: %s. Close both ends in the caller: the server's right after fork, its own once done",
		 after, nl, nl == 1 ? "" : "s", leaked);
	int nz = ct_unreaped_children(names, 1, zombies, sizeof zombies);
	CT_CHECK(nz == 0, "after rpc_call_all returned%s: %s. Wait for the server", after, zombies);
	int exits = ct_pitfall_exits(&first);
	CT_CHECK(exits == 0,
		 "the server (pid %d) ended with exit(), not _exit(0): exit() runs the caller's atexit "
		 "handlers and flushes its stdio buffers a second time, in the server",
		 (int)first);
}

CT_TEST(rpc, correct_replies_in_order_from_the_server)
{
	run(false);
	CT_CHECK(ret == 0, "rpc_call_all(service, requests, replies, %d) returned %d (errno %d); expected 0", N, ret,
		 err);
	for (int i = 0; i < N; i++) {
		CT_CHECK(replies[i] == requests[i] * 2 + 1,
			 "replies[%d] is %ld; expected service(requests[%d]) = %ld%s", i, replies[i], i,
			 requests[i] * 2 + 1, replies[i] == -1 ? " (it was never written)" : "");
		CT_CHECK(sh->served_by[i] != 0 && sh->served_by[i] != caller,
			 "request %d was %s: every request goes to the server process, which calls service()", i,
			 sh->served_by[i] ? "served in the calling process" : "never passed to service()");
	}
	CT_CHECK(sh->ahead_at == NONE,
		 "while the server computed the reply to requests[%d], requests[%d] had already "
		 "arrived: send one request, read its reply, and only then send the next (one request in flight at a "
		 "time)",
		 sh->ahead_at, sh->ahead_at + 1);
	ct_pass();
}

CT_TEST(rpc, correct_one_server_over_one_socketpair)
{
	pid_t kids[8];

	run(false);
	int forks = ct_forked(kids, 8);
	CT_CHECK(forks == 1, "rpc_call_all called fork() %d times; expected once (one server for all the requests)",
		 forks);
	for (int i = 0; i < N; i++)
		CT_CHECK(sh->served_by[i] == kids[0], "request %d %s; every request goes to the server (pid %d)", i,
			 sh->served_by[i] == 0	      ? "never reached service()"
			 : sh->served_by[i] == caller ? "was served by the caller"
						      : "was served by another process",
			 (int)kids[0]);
	CT_CHECK(ct_count(CT_CALL_socketpair) == 1 && ct_count(CT_CALL_pipe) == 0,
		 "rpc_call_all called socketpair() %d times and pipe() %d times; expected one socketpair (a two-way "
		 "channel) and no pipe",
		 ct_count(CT_CALL_socketpair), ct_count(CT_CALL_pipe));
	ct_pass();
}

CT_TEST(rpc, correct_a_crashed_server_is_reported)
{
	plain_run_works();
	run(true);
	CT_CHECK(ret == -1 && err == ECHILD,
		 "the server crashed (SIGSEGV) on request 13; rpc_call_all returned %d with errno %d; expected -1 with "
		 "errno ECHILD (%d): a read that gives end of file (or a send that fails with EPIPE) before every "
		 "reply means the server is gone",
		 ret, err, ECHILD);
	for (int i = 0; i < 13; i++)
		CT_CHECK(replies[i] == requests[i] * 2 + 1,
			 "replies[%d] is %ld; the server answered it before it "
			 "crashed, so expected %ld",
			 i, replies[i], requests[i] * 2 + 1);
	check_cleaned_up(" (the server had crashed)");
	ct_pass();
}

CT_TEST(rpc, correct_a_server_that_stops_reading_does_not_kill_the_caller)
{
	struct sigaction now;

	plain_run_works();
	run_with(NONE, 13, N);
	CT_CHECK(sh->stopped_reading,
		 "the grader's service could not shut the server's end for reading after "
		 "request 13: the server holds both ends of the socketpair (close the caller's end in the server right "
		 "after fork), or never got request 13");
	int later = 0;
	for (int i = 14; i < N; i++)
		later += sh->served_by[i] != 0;
	CT_CHECK(later == 0,
		 "the server shut its end for reading after request 13, yet it still read and answered %d "
		 "later requests: the caller had sent them before it had read the reply to request 13. Send each "
		 "request only after reading the previous reply",
		 later);
	CT_CHECK(ret == -1 && err == ECHILD,
		 "the server stopped reading after request 13 (it shut its end for reading, then ended at the end of "
		 "file it then read); rpc_call_all returned %d with errno %d; expected -1 with errno ECHILD (%d): "
		 "sending request 14 fails with EPIPE, which means the server is gone",
		 ret, err, ECHILD);
	for (int i = 0; i <= 13; i++)
		CT_CHECK(replies[i] == requests[i] * 2 + 1,
			 "replies[%d] is %ld; the server answered it before it stopped "
			 "reading, so expected %ld",
			 i, replies[i], requests[i] * 2 + 1);
	CT_CHECK(sigaction(SIGPIPE, NULL, &now) == 0 && !(now.sa_flags & SA_SIGINFO) && now.sa_handler == on_sigpipe,
		 "after rpc_call_all returned, the caller's SIGPIPE action was %s, not the handler it had before the "
		 "call: leave the caller's signal actions as they were (MSG_NOSIGNAL needs no change to them; if you "
		 "change one, restore it)",
		 now.sa_handler == SIG_IGN   ? "SIG_IGN (ignored)"
		 : now.sa_handler == SIG_DFL ? "the default"
					     : "another one");
	check_cleaned_up(" (the server had stopped reading)");
	ct_pass();
}

CT_TEST(rpc, correct_no_descriptor_left_open_and_no_zombie)
{
	pid_t kids[8];

	run(false);
	CT_CHECK(ret == 0, "rpc_call_all(service, requests, replies, %d) returned %d (errno %d); expected 0", N, ret,
		 err);
	check_cleaned_up("");
	ct_api_reset();
	run_with(NONE, NONE, 0);
	CT_CHECK(ret == 0,
		 "a second call, rpc_call_all(service, requests, replies, 0), returned %d (errno %d); "
		 "expected 0",
		 ret, err);
	CT_CHECK(replies[0] == -1,
		 "rpc_call_all(service, requests, replies, 0) wrote replies[0] (%ld): with n = 0 "
		 "there is no request to send and no reply to read",
		 replies[0]);
	int forks = ct_forked(kids, 8);
	CT_CHECK(forks == 1,
		 "rpc_call_all(service, requests, replies, 0) called fork() %d times; expected once (a "
		 "server that sees end of file at once)",
		 forks);
	check_cleaned_up(" a second time, with n = 0");
	ct_pass();
}

CT_TEST(rpc, correct_short_and_interrupted_transfers_go_through_whole)
{
	plain_run_works();
	/* Every read and write, in the caller and in the server, moves at most 3 bytes (a long is 8). */
	ct_fault_arm(CT_CALL_read, (struct ct_fault){.nth = 1, .every = true, .max_bytes = 3, .children = true});
	ct_fault_arm(CT_CALL_write, (struct ct_fault){.nth = 1, .every = true, .max_bytes = 3, .children = true});
	run(false);
	ct_faults_reset();
	CT_CHECK(ret == 0,
		 "with every read and write moving at most 3 bytes (as a socket may: the grader made them "
		 "short), rpc_call_all returned %d (errno %d); expected 0: loop until each long has gone through whole",
		 ret, err);
	for (int i = 0; i < N; i++)
		CT_CHECK(
		    replies[i] == requests[i] * 2 + 1,
		    "with every read and write moving at most 3 bytes (as a "
		    "socket may: the grader made them short), replies[%d] is %ld; expected %ld: a read or write may "
		    "move fewer bytes than asked; loop until the whole long has gone through",
		    i, replies[i], requests[i] * 2 + 1);

	/* The 2nd read and the 2nd write in each process, and the caller's first waitpid, are interrupted. */
	ct_api_reset();
	ct_fault_arm(CT_CALL_read, (struct ct_fault){.nth = 2, .err = EINTR, .children = true});
	ct_fault_arm(CT_CALL_write, (struct ct_fault){.nth = 2, .err = EINTR, .children = true});
	ct_fail_call(CT_CALL_waitpid, 1, EINTR);
	run(false);
	ct_faults_reset();
	CT_CHECK(ret == 0,
		 "with the 2nd read and the 2nd write of the caller and of the server, and the caller's "
		 "first waitpid, interrupted by a signal (EINTR, made to fail by the grader), rpc_call_all returned %d "
		 "(errno %d); expected 0: an interrupted call has not failed, call it again",
		 ret, err);
	for (int i = 0; i < N; i++)
		CT_CHECK(
		    replies[i] == requests[i] * 2 + 1,
		    "with the 2nd read and the 2nd write of each side interrupted "
		    "(EINTR), replies[%d] is %ld; expected %ld: an interrupted read or write moved nothing; call it "
		    "again",
		    i, replies[i], requests[i] * 2 + 1);
	check_cleaned_up(" (some of its calls had been interrupted)");
	ct_pass();
}

CT_TEST(rpc, correct_a_failed_socketpair_or_fork_leaves_nothing)
{
	pid_t kids[8];

	plain_run_works();
	ct_fail_call(CT_CALL_socketpair, 1, EMFILE);
	run(false);
	ct_faults_reset();
	int forks = ct_forked(kids, 8);
	CT_CHECK(ret == -1 && err == EMFILE && forks == 0,
		 "socketpair() failed (EMFILE: no descriptor left, made to fail by the grader); rpc_call_all returned "
		 "%d with errno %d after %d fork%s; expected -1 with errno EMFILE (%d) and no fork",
		 ret, err, forks, forks == 1 ? "" : "s", EMFILE);
	check_cleaned_up(" (its socketpair() had failed)");

	ct_api_reset();
	ct_fail_call(CT_CALL_fork, 1, EAGAIN);
	run(false);
	ct_faults_reset();
	CT_CHECK(ret == -1 && err == EAGAIN,
		 "fork() failed (EAGAIN, made to fail by the grader); rpc_call_all returned "
		 "%d with errno %d; expected -1 with errno EAGAIN (%d): keep the errno of the failed call, even after "
		 "closing the descriptors",
		 ret, err, EAGAIN);
	check_cleaned_up(" (its fork() had failed)");
	ct_pass();
}

/*
 * A call with the caller's nth read (or write) failing with EIO, then what
 * it returned and left.  Calls the grader does not wrap (recvmsg, say)
 * cannot be made to fail: nothing to test then.
 */
static void check_a_failed_transfer(enum ct_call call, int nth, const char *what)
{
	ct_api_reset();
	ct_fail_call(call, nth, EIO);
	run(false);
	bool failed = ct_faults_injected(call) > 0;
	ct_faults_reset();
	if (!failed)
		return;
	CT_CHECK(ret == -1 && err == EIO,
		 "the caller's %s failed (EIO, made to fail by the grader); rpc_call_all "
		 "returned %d with errno %d; expected -1 with errno EIO (%d)",
		 what, ret, err, EIO);
	check_cleaned_up(call == CT_CALL_read ? " (a read had failed)" : " (a write had failed)");
}

CT_TEST(rpc, correct_a_failed_read_or_write_is_reported_and_cleaned_up)
{
	plain_run_works();
	check_a_failed_transfer(CT_CALL_read, 5, "5th read");
	check_a_failed_transfer(CT_CALL_write, 3, "3rd write (or send)");
	ct_pass();
}
