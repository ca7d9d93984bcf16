/*
 * test_rpc.c - grader suite for lesson 07, exercise "rpc" (rpc.h).
 *
 * The grader's service runs in the student's server child and records, in
 * shared memory, the process it ran in and the requests it saw; one test
 * makes it crash on a request.  rpc_call_all runs under ct_run_within():
 * if it does not return, the test shows where every process is blocked.
 */
#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "ct_ipc.h"
#include "ct_test.h"
#include "rpc.h"

CT_SUITE(rpc);

#define N 100
#define CRASH_REQUEST 5013

struct shared {
	pid_t served_by[N];
	bool crash;
};

static struct shared *sh;
static pid_t caller;
static long requests[N], replies[N];
static int ret, err;
static const char *const names[] = {"the server (child 1)"};

static long service(long request)
{
	long i = request - 5000;

	if (sh->crash && request == CRASH_REQUEST)
		raise(SIGSEGV);
	if (i >= 0 && i < N)
		sh->served_by[i] = getpid();
	return request * 2 + 1;
}

static void call(void *unused)
{
	(void)unused;
	errno = 0;
	ret = rpc_call_all(service, requests, replies, N);
	err = errno;
}

static struct ct_fdset before;

static void run(bool crash)
{
	char why[4096];

	caller = getpid();
	sh = ct_shared_alloc(sizeof *sh);
	sh->crash = crash;
	for (int i = 0; i < N; i++) {
		requests[i] = 5000 + i;
		replies[i] = -1;
	}
	ct_fds_snapshot(&before);
	bool returned = ct_run_within(call, NULL, 2000 * CT_MS, "rpc_call_all", names, 1, why, sizeof why);
	CT_CHECK(returned, "rpc_call_all(service, requests, replies, %d) did not return within 2 s. Where everything "
		 "was blocked:\n%sThe server sees end of file only once every copy of the caller's end is closed "
		 "(the server must close the end it does not use), and the caller must read each reply before it "
		 "sends the next request", N, why);
}

CT_TEST(rpc, correct_replies_in_order_from_the_server)
{
	run(false);
	CT_CHECK(ret == 0, "rpc_call_all(service, requests, replies, %d) returned %d (errno %d); expected 0", N, ret, err);
	for (int i = 0; i < N; i++) {
		CT_CHECK(replies[i] == requests[i] * 2 + 1, "replies[%d] is %ld; expected service(requests[%d]) = %ld%s", i,
			 replies[i], i, requests[i] * 2 + 1, replies[i] == -1 ? " (it was never written)" : "");
		CT_CHECK(sh->served_by[i] != 0 && sh->served_by[i] != caller,
			 "request %d was %s: every request goes to the server process, which calls service()", i,
			 sh->served_by[i] ? "served in the calling process" : "never passed to service()");
	}
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
		CT_CHECK(sh->served_by[i] == kids[0], "request %d was served by process %d, not by the server (%d)", i,
			 (int)sh->served_by[i], (int)kids[0]);
	CT_CHECK(ct_count(CT_CALL_socketpair) == 1 && ct_count(CT_CALL_pipe) == 0,
		 "rpc_call_all called socketpair() %d times and pipe() %d times; expected one socketpair (a two-way "
		 "channel) and no pipe", ct_count(CT_CALL_socketpair), ct_count(CT_CALL_pipe));
	ct_pass();
}

CT_TEST(rpc, correct_a_crashed_server_is_reported)
{
	run(true);
	CT_CHECK(ret == -1 && err == ECHILD,
		 "the server crashed (SIGSEGV) on request 13; rpc_call_all returned %d with errno %d; expected -1 with "
		 "errno ECHILD (%d): a read that gives end of file (or a send that fails with EPIPE) before every "
		 "reply means the server is gone", ret, err, ECHILD);
	for (int i = 0; i < 13; i++)
		CT_CHECK(replies[i] == requests[i] * 2 + 1, "replies[%d] is %ld; the server answered it before it "
			 "crashed, so expected %ld", i, replies[i], requests[i] * 2 + 1);
	ct_pass();
}

CT_TEST(rpc, correct_no_descriptor_left_open_and_no_zombie)
{
	struct ct_fdset after;
	char leaked[1024], zombies[1024];

	run(false);
	ct_fds_snapshot(&after);
	int nl = ct_fds_leaked(&before, &after, leaked, sizeof leaked);
	CT_CHECK(nl == 0, "after rpc_call_all returned, the caller still had %d descriptor%s it did not have before: "
		 "%s. Close the caller's end of the socketpair when done (and the server's end right after fork)", nl,
		 nl == 1 ? "" : "s", leaked);
	int nz = ct_unreaped_children(names, 1, zombies, sizeof zombies);
	CT_CHECK(nz == 0, "after rpc_call_all returned: %s. Wait for the server", zombies);
	ct_pass();
}
