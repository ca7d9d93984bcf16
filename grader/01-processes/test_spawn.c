/*
 * test_spawn.c - grader suite for lesson 01, exercise "spawn" (spawn.h).
 *
 * The tasks handed to spawn_all() are the grader's: running inside the
 * children, they record in memory shared with this process which process
 * ran them and when, and meet at a rendezvous to prove the children were
 * alive at the same time.  Each test runs in a fresh process of its own.
 *
 * Besides the plain cases, the tests make the children finish in orders
 * other than the one they were started in (ct_order.h), give the caller
 * children of its own before the call, make a fork fail and a wait be
 * interrupted (ct_fault.h), and leave an atexit handler and unwritten
 * stdio output in the caller, so that a child ending with exit() shows.
 * A test that finds children the student's code left behind ends them
 * before it reports, so that what it says is the whole story.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ct_order.h"
#include "ct_pitfalls.h"
#include "ct_test.h"
#include "spawn.h"

CT_SUITE(spawn);

#define MAX_N 64

/* Written by the children, read by the test after spawn_all returns. */
struct record {
	pid_t pid[MAX_N];
	int runs[MAX_N];
	uint64_t delay_ns[MAX_N]; /* how long task(i) sleeps before it returns (set by the test) */
	struct ct_interval when[MAX_N];
	struct ct_rendezvous meet;
	atomic_int atexit_runs; /* the caller's atexit handler, run in a child */
};
static struct record *rec;

/* Written by every child; the parent's copy must stay 0 (isolation). */
static int written_by_children;

static int expected_code(int i)
{
	return (i * 7 + 3) & 0xff;
}

static void prepare(void)
{
	rec = ct_shared_alloc(sizeof *rec);
}

/* The code of a task called with an index outside 0 .. n-1. */
#define OUT_OF_RANGE_CODE 250

static int recording_task(int i)
{
	if (i < 0 || i >= MAX_N)
		return OUT_OF_RANGE_CODE;
	rec->pid[i] = getpid();
	rec->runs[i]++;
	written_by_children = 1000 + i;
	if (rec->delay_ns[i])
		ct_sleep_ns(rec->delay_ns[i]);
	return expected_code(i);
}

/* "returned 3", or "returned -1 (errno 11, Resource temporarily unavailable)": errno only means something after -1. */
static const char *returned(int ret, int err)
{
	static char buf[128];

	if (ret == -1)
		snprintf(buf, sizeof buf, "returned -1 (errno %d, %s)", err, strerror(err));
	else
		snprintf(buf, sizeof buf, "returned %d", ret);
	return buf;
}

static const char *nth_call(int call)
{
	return ct_nth_call("spawn_all", call);
}

/*
 * When codes[i] is what another child j was meant to end with, a sentence
 * that says so (want[] holds distinct values); else "".
 */
static const char *misplaced_hint(const int *codes, const int *want, int n, int i)
{
	static char buf[256];

	buf[0] = '\0';
	for (int j = 0; j < n; j++)
		if (j != i && codes[i] == want[j])
			snprintf(buf, sizeof buf,
				 " %d is how child %d was meant to end: did child %d run task(%d), or "
				 "does codes[%d] hold the status of child %d? Child i runs task(i), and codes[i] gets "
				 "the status of child i (waitpid(pids[i], ...)).",
				 codes[i], j, i, j, i, j);
	return buf;
}

/*
 * Checks that codes[0..n) are the exit statuses want[] says; context
 * starts each message ("spawn_all(5, task, codes)").
 */
static void check_codes(const char *context, const int *codes, const int *want, int n)
{
	for (int i = 0; i < n; i++) {
		const char *hint = codes[i] == want[i] ? "" : misplaced_hint(codes, want, n, i);
		if (codes[i] == want[i] << 8)
			hint = " That is the raw status from waitpid: decode it with WEXITSTATUS.";
		CT_CHECK(codes[i] == want[i],
			 "%s: codes[%d] is %d, but task(%d) returned %d, so child %d must have exited with %d.%s",
			 context, i, codes[i], i, want[i], i, want[i],
			 *hint
			     ? hint
			     : " Is the child's exit status its task's return value, decoded with WEXITSTATUS, stored "
			       "at index i?");
	}
}

/* The expected codes of recording_task for n children. */
static const int *expected_codes(int n)
{
	static int want[MAX_N];

	for (int i = 0; i < n && i < MAX_N; i++)
		want[i] = expected_code(i);
	return want;
}

/* Calls spawn_all and checks it returned 0 with every code as expected; call counts the calls of the test. */
static void spawn_and_check_codes(int n, spawn_task task, int call)
{
	int codes[MAX_N];
	char context[128];

	memset(codes, 0xff, sizeof codes);
	errno = 0;
	int ret = spawn_all(n, task, codes), err = errno;
	snprintf(context, sizeof context, "spawn_all(%d, task, codes)%s", n, nth_call(call));
	CT_CHECK(ret == 0, "%s %s; expected 0", context, returned(ret, err));
	check_codes(context, codes, expected_codes(n), n);
}

CT_TEST(spawn, correct_exit_codes)
{
	prepare();
	spawn_and_check_codes(5, recording_task, 1);
	spawn_and_check_codes(1, recording_task, 2);
	spawn_and_check_codes(MAX_N, recording_task, 3);
	ct_pass();
}

CT_TEST(spawn, correct_one_process_per_task)
{
	prepare();
	int n = 6;

	spawn_and_check_codes(n, recording_task, 1);
	CT_CHECK(ct_count(CT_CALL_fork) == n, "spawn_all(%d, ...) called fork() %d times; expected %d, one per task", n,
		 ct_count(CT_CALL_fork), n);
	for (int i = 0; i < n; i++) {
		CT_CHECK(rec->runs[i] == 1, "task(%d) ran %d times during spawn_all(%d, ...); expected once", i,
			 rec->runs[i], n);
		CT_CHECK(rec->pid[i] != getpid(), "task(%d) ran in the calling process (pid %d), not in a child", i,
			 (int)getpid());
		for (int j = 0; j < i; j++)
			CT_CHECK(rec->pid[i] != rec->pid[j],
				 "task(%d) and task(%d) ran in the same process (pid %d); each needs its own child", j,
				 i, (int)rec->pid[i]);
	}
	ct_pass();
}

CT_TEST(spawn, correct_children_memory_is_their_own)
{
	prepare();
	spawn_and_check_codes(4, recording_task, 1);
	CT_CHECK(ct_count(CT_CALL_pthread_create) == 0,
		 "spawn_all created %d threads; the tasks must run in child processes (fork), not threads",
		 ct_count(CT_CALL_pthread_create));
	CT_CHECK(written_by_children == 0,
		 "the tasks' write to a global variable changed it in the parent (it is now %d): they did not "
		 "run in separate processes, which each have their own copy of memory",
		 written_by_children);
	ct_pass();
}

/*
 * What became of the children spawn_all forked: how many were still
 * running and how many had ended without being waited for.  Ends and reaps
 * them all (uncounted), so none outlives the test; *first gets one of each.
 */
struct leftovers {
	int running, zombies;
	pid_t first_running, first_zombie;
};

static struct leftovers end_leftovers(void)
{
	struct leftovers l = {0};
	pid_t pids[MAX_N * 2];
	int n = ct_forked(pids, MAX_N * 2);

	for (int i = 0; i < n && i < MAX_N * 2; i++) {
		int status;
		pid_t got = ct_real_waitpid(pids[i], &status, WNOHANG);
		if (got == pids[i]) {
			if (!l.zombies++)
				l.first_zombie = got;
		} else if (got == 0) {
			if (!l.running++)
				l.first_running = pids[i];
			kill(pids[i], SIGKILL);
			while (ct_real_waitpid(pids[i], &status, 0) == -1 && errno == EINTR)
				;
		}
	}
	return l;
}

CT_TEST(spawn, correct_no_zombies_left)
{
	prepare();
	int status;

	spawn_and_check_codes(5, recording_task, 1);
	pid_t left = ct_real_waitpid(-1, &status, WNOHANG);
	CT_CHECK(left <= 0,
		 "after spawn_all returned, child %d had ended but was never waited for: it was left a "
		 "zombie. Wait for every child you start.",
		 (int)left);
	CT_CHECK(left == -1 && errno == ECHILD,
		 "after spawn_all returned, a child was still running and had not been waited for. Wait for every "
		 "child you start before returning.");
	ct_pass();
}

/* How task(i) of the signal test ends: killed by sig, or exit with code. */
static const struct {
	int sig, code;
} endings[] = {
    {0, 0}, {SIGKILL, 0}, {SIGTERM, 0}, {SIGSEGV, 0}, {SIGPIPE, 0}, {0, 255}, {SIGABRT, 0},
};
#define NENDINGS ((int)(sizeof endings / sizeof endings[0]))

static int task_ending_in_many_ways(int i)
{
	int sig = endings[i].sig;

	if (!sig)
		return endings[i].code;
	/* No core file for SIGSEGV or SIGABRT, and the default action whatever the caller set up. */
	struct rlimit none = {0, 0};
	setrlimit(RLIMIT_CORE, &none);
	prctl(PR_SET_DUMPABLE, 0);
	signal(sig, SIG_DFL);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	return 99; /* not reached */
}

/* Why codes[i] may be what it is, when a signal killed child i: a hint that fits the value. */
static const char *signal_code_hint(int got, int sig)
{
	if (got == sig)
		return " That is the signal number alone (what WTERMSIG gives, and here also the raw status); spawn "
		       "reports 128 + the signal number, the shell's convention.";
	if (got == 0)
		return " A killed child has no exit status: WEXITSTATUS means nothing unless WIFEXITED is true. "
		       "Test WIFSIGNALED and use 128 + WTERMSIG(status).";
	return " Test WIFSIGNALED(status) and store 128 + WTERMSIG(status).";
}

CT_TEST(spawn, correct_signal_deaths_reported_as_128_plus_signal)
{
	prepare();
	int codes[NENDINGS], want[NENDINGS];

	for (int i = 0; i < NENDINGS; i++) {
		codes[i] = -7;
		want[i] = endings[i].sig ? 128 + endings[i].sig : endings[i].code;
	}
	errno = 0;
	int ret = spawn_all(NENDINGS, task_ending_in_many_ways, codes), err = errno;
	CT_CHECK(ret == 0, "spawn_all(%d, task, codes) %s when some children were killed by signals; expected 0",
		 NENDINGS, returned(ret, err));
	for (int i = 0; i < NENDINGS; i++) {
		int sig = endings[i].sig;
		const char *hint = codes[i] == want[i] ? "" : misplaced_hint(codes, want, NENDINGS, i);
		if (!sig)
			CT_CHECK(codes[i] == want[i], "child %d exited with status %d; codes[%d] is %d, expected %d.%s",
				 i, want[i], i, codes[i], want[i], hint);
		else
			CT_CHECK(codes[i] == want[i],
				 "child %d was killed by signal %d (SIG%s, %s); codes[%d] is %d, "
				 "expected 128 + %d = %d.%s",
				 i, sig, sigabbrev_np(sig), strsignal(sig), i, codes[i], sig, want[i],
				 codes[i] == 0 || codes[i] == sig || !*hint ? signal_code_hint(codes[i], sig) : hint);
	}
	ct_pass();
}

/*
 * The children finish in a chosen order (ct_order.h): task(i) sleeps
 * rank[i] * STEP before it returns.  codes[i] must follow child i,
 * whatever the order in which the children ended.
 */
#define ORDER_N	   4
#define ORDER_STEP (8 * CT_MS)

static int compare_ints(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

CT_TEST(spawn, correct_codes_follow_the_child_not_the_order_of_ending)
{
	static const struct {
		enum ct_order_kind kind;
		unsigned seed;
	} orders[] = {{CT_ORDER_REVERSED, 0}, {CT_ORDER_SHUFFLED, 3}};

	prepare();
	for (size_t k = 0; k < sizeof orders / sizeof orders[0]; k++) {
		struct ct_order o;
		char how[160], context[256];
		int codes[MAX_N];
		const int *want = expected_codes(ORDER_N);

		ct_order_make(&o, orders[k].kind, orders[k].seed, ORDER_N);
		ct_order_describe(&o, how, sizeof how);
		for (int i = 0; i < ORDER_N; i++)
			rec->delay_ns[i] = ct_order_delay(&o, i, ORDER_STEP);
		memset(codes, 0xff, sizeof codes);
		errno = 0;
		int ret = spawn_all(ORDER_N, recording_task, codes), err = errno;
		snprintf(context, sizeof context, "spawn_all(%d, task, codes), whose children ended %s", ORDER_N, how);
		CT_CHECK(ret == 0, "%s, %s; expected 0", context, returned(ret, err));
		/* Every status is there, but not in its child's slot: stored in the order of collection. */
		int sorted_codes[ORDER_N], sorted_want[ORDER_N];
		memcpy(sorted_codes, codes, sizeof sorted_codes);
		memcpy(sorted_want, want, sizeof sorted_want);
		qsort(sorted_codes, ORDER_N, sizeof(int), compare_ints);
		qsort(sorted_want, ORDER_N, sizeof(int), compare_ints);
		bool permuted = memcmp(sorted_codes, sorted_want, sizeof sorted_codes) == 0 &&
				memcmp(codes, want, sizeof sorted_want) != 0;
		CT_CHECK(!permuted,
			 "%s: codes[] holds the statuses of all the children, but not each in its child's slot "
			 "(codes[0] is %d, the status of another child than child 0). codes[i] must describe child "
			 "i whatever the order in which the children end: wait for pids[i] (waitpid(pids[i], ...)) "
			 "and store its status in codes[i], rather than storing the k-th child that wait() returns "
			 "in codes[k].",
			 context, codes[0]);
		check_codes(context, codes, want, ORDER_N);
	}
	ct_pass();
}

/* A child of the test's own, started before spawn_all: ends after delay with code. */
static pid_t own_child(int code, uint64_t delay)
{
	pid_t pid = ct_real_fork();

	if (pid == -1)
		cr_assert_fail("grader error: fork failed: %s", strerror(errno));
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		ct_sleep_ns(delay);
		ct_exit_now(code);
	}
	return pid;
}

/* How the test's own child pid ended: its exit status; -1 if it was no longer the test's to wait for. */
static int reap_own_child(pid_t pid)
{
	int status;
	pid_t got;

	while ((got = ct_real_waitpid(pid, &status, 0)) == -1 && errno == EINTR)
		;
	if (got != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 256;
}

CT_TEST(spawn, correct_waits_only_for_its_own_children)
{
	prepare();
	/* One has ended already (a zombie the caller will reap later), one ends during the call. */
	pid_t ended = own_child(41, 0), later = own_child(42, 5 * CT_MS);
	siginfo_t info;
	for (uint64_t t0 = ct_now_ns(); ct_now_ns() - t0 < 1000 * CT_MS; ct_sleep_ns(CT_MS)) {
		info.si_pid = 0;
		if (waitid(P_PID, (id_t)ended, &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == ended)
			break;
	}
	for (int i = 0; i < 3; i++)
		rec->delay_ns[i] = 15 * CT_MS;
	ct_api_reset();
	int codes[MAX_N];
	memset(codes, 0xff, sizeof codes);
	int ret = spawn_all(3, recording_task, codes);
	int err = errno, got_ended = reap_own_child(ended), got_later = reap_own_child(later);
	struct leftovers l = end_leftovers();
	const char *advice = "Wait for the pids you created (waitpid(pids[i], &status, 0)), never for any child "
			     "(wait() or waitpid(-1, ...)): the caller's other children are the caller's to wait for.";
	const char *context = "spawn_all(3, task, codes), called while the caller had two children of its own";

	CT_CHECK(got_ended == 41,
		 "the test had a child of its own (pid %d) that had already ended when it called spawn_all(3, task, "
		 "codes); after the call, that child could no longer be waited for: spawn_all had reaped it. %s",
		 (int)ended, advice);
	CT_CHECK(got_later == 42,
		 "the test had a child of its own (pid %d), started just before it called spawn_all(3, task, codes) "
		 "and meant to end 5 ms later; after the call, that child could no longer be waited for: spawn_all "
		 "had reaped it. %s",
		 (int)later, advice);
	CT_CHECK(ret == 0, "%s, %s; expected 0", context, returned(ret, err));
	check_codes(context, codes, expected_codes(3), 3);
	CT_CHECK(l.running + l.zombies == 0, "%s, left %d of its own children running and %d not waited for", context,
		 l.running, l.zombies);
	ct_pass();
}

CT_TEST(spawn, correct_failed_fork_waits_for_the_children_started)
{
	prepare();
	int codes[MAX_N];

	/* The 3rd fork fails: children 0 and 1 are running, and are still at work when it does. */
	for (int i = 0; i < 5; i++)
		rec->delay_ns[i] = 10 * CT_MS;
	ct_fail_call(CT_CALL_fork, 3, EAGAIN);
	errno = 0;
	int ret = spawn_all(5, recording_task, codes);
	int err = errno, forked = ct_count(CT_CALL_fork);
	ct_fault_clear(CT_CALL_fork);
	struct leftovers l = end_leftovers();
	const char *what = "The grader made the 3rd fork() of spawn_all(5, task, codes) fail with EAGAIN (as when the "
			   "user's process limit is reached), with 2 children already running.";

	CT_CHECK(l.running == 0,
		 "%s spawn_all returned while child %d, one of those it had started, was still "
		 "running and had not been waited for (%d such children in all). Before returning -1, wait for "
		 "every child already started.",
		 what, (int)l.first_running, l.running);
	CT_CHECK(l.zombies == 0,
		 "%s spawn_all returned without waiting for child %d, one of those it had started, "
		 "which was left a zombie (%d such children in all). Before returning -1, wait for every child "
		 "already started.",
		 what, (int)l.first_zombie, l.zombies);
	CT_CHECK(ret == -1, "%s spawn_all returned %d%s; expected -1.", what, ret,
		 forked > 2 ? ", after forking again: it must give up at the first failed fork" : "");
	CT_CHECK(err == EAGAIN,
		 "%s spawn_all returned -1 as it should, but with errno %d (%s); expected EAGAIN, as "
		 "fork set it.%s",
		 what, err, strerror(err),
		 err == ECHILD || err == EINTR ? " A wait call made after the failed fork changed errno: save fork's "
						 "errno first, wait, then put it back."
					       : "");

	/* The very first fork fails: no child at all. */
	ct_fail_call(CT_CALL_fork, 1, EAGAIN);
	errno = 0;
	ret = spawn_all(3, recording_task, codes);
	err = errno;
	ct_fault_clear(CT_CALL_fork);
	CT_CHECK(ret == -1 && err == EAGAIN,
		 "the grader made the first fork() of spawn_all(3, task, codes) fail with "
		 "EAGAIN: spawn_all returned %d with errno %d (%s); expected -1 with errno EAGAIN",
		 ret, err, strerror(err));
	ct_pass();
}

CT_TEST(spawn, correct_interrupted_wait_is_retried)
{
	prepare();
	int codes[MAX_N];

	for (int i = 0; i < 4; i++)
		rec->delay_ns[i] = 10 * CT_MS;
	memset(codes, 0xff, sizeof codes);
	ct_fail_waits(1, EINTR);
	errno = 0;
	int ret = spawn_all(4, recording_task, codes);
	int err = errno;
	const char *which = ct_waits_failed();
	struct leftovers l = end_leftovers();
	char what[256];

	snprintf(what, sizeof what,
		 "spawn_all(4, task, codes), whose first %s the grader made fail with EINTR (as a "
		 "signal arriving during a wait does)",
		 which);
	CT_CHECK(ret == 0, "%s, %s; expected 0.%s", what, returned(ret, err),
		 ret == -1 && err == EINTR ? " EINTR means \"try again\": call the wait again when it fails with EINTR."
					   : "");
	CT_CHECK(l.running + l.zombies == 0,
		 "%s, returned 0 with %d of its children not waited for. A wait that "
		 "fails with EINTR waited for nothing: call it again.",
		 what, l.running + l.zombies);
	check_codes(what, codes, expected_codes(4), 4);
	ct_pass();
}

/*
 * exit() in a child runs the atexit handlers it inherited from the caller
 * and flushes its copy of the caller's stdio buffers; _exit() does
 * neither.  The test leaves both in place: a handler, and a line written
 * to a stream (a pipe it reads afterwards) but not yet flushed.
 */
static pid_t test_pid;
static void caller_atexit_handler(void)
{
	if (rec && getpid() != test_pid)
		atomic_fetch_add(&rec->atexit_runs, 1);
}

static const char unflushed[] = "a line the caller wrote but had not flushed yet\n";

/* How many times the unflushed line reached the pipe read from fd; closes fd. */
static int copies_of_line(int fd)
{
	static char buf[8192];
	size_t len = 0;
	ssize_t got;

	while (len < sizeof buf - 1 && (got = ct_real_read(fd, buf + len, sizeof buf - 1 - len)) > 0)
		len += (size_t)got;
	buf[len] = '\0';
	close(fd);
	int copies = 0;
	for (const char *p = strstr(buf, unflushed); p; p = strstr(p + 1, unflushed))
		copies++;
	return copies;
}

CT_TEST(spawn, correct_children_leave_the_callers_clean_up_alone)
{
	int fds[2];

	prepare();
	test_pid = getpid();
	CT_CHECK(atexit(caller_atexit_handler) == 0 && pipe(fds) == 0, "grader error: atexit or pipe failed");
	FILE *out = fdopen(fds[1], "w");
	CT_CHECK(out && setvbuf(out, NULL, _IOFBF, 4096) == 0 && fputs(unflushed, out) >= 0,
		 "grader error: cannot set up a buffered stream");
	spawn_and_check_codes(3, recording_task, 1);
	fclose(out);
	int copies = copies_of_line(fds[0]);
	pid_t first = 0;
	int exits = ct_pitfall_exits(&first), handlers = atomic_load(&rec->atexit_runs);
	char what[160];

	if (exits)
		snprintf(what, sizeof what,
			 "%d of the 3 children of spawn_all(3, task, codes) ended with exit() (the "
			 "first: pid %d)",
			 exits, (int)first);
	else
		snprintf(what, sizeof what, "the children of spawn_all(3, task, codes) ran the caller's clean-up");
	CT_CHECK(exits == 0 && handlers == 0 && copies == 1,
		 "%s: the caller's atexit handler ran %d times in children, and a line the caller had written "
		 "but not yet flushed came out %d times instead of once. A child is a copy of the caller, with "
		 "its atexit handlers and its unwritten stdio buffers, and exit() runs and flushes them again in "
		 "the child. End the child with _exit(task(i)), which does neither.",
		 what, handlers, copies);
	ct_pass();
}

#define MEET_N 4
static int meeting_task(int i)
{
	if (i < 0 || i >= MEET_N)
		return OUT_OF_RANGE_CODE;
	rec->runs[i]++;
	rec->when[i].start_ns = ct_now_ns();
	ct_rendezvous_arrive(&rec->meet);
	ct_sleep_ns(20 * CT_MS);
	rec->when[i].end_ns = ct_now_ns();
	return expected_code(i);
}

CT_TEST(spawn, timing_children_run_at_the_same_time)
{
	int codes[MAX_N];

	prepare();
	ct_rendezvous_init(&rec->meet, MEET_N, 2000 * CT_MS);
	errno = 0;
	int ret = spawn_all(MEET_N, meeting_task, codes), err = errno;
	CT_CHECK(ret == 0, "spawn_all(%d, task, codes) %s; expected 0", MEET_N, returned(ret, err));
	for (int i = 0; i < MEET_N; i++) {
		CT_CHECK(rec->runs[i] == 1, "task(%d) ran %d times during spawn_all(%d, task, codes); expected once", i,
			 rec->runs[i], MEET_N);
		CT_CHECK(rec->when[i].end_ns != 0, "task(%d) did not run to its end during spawn_all(%d, task, codes)",
			 i, MEET_N);
	}
	double c = ct_concurrency(rec->when, MEET_N);
	size_t most = ct_max_overlap(rec->when, MEET_N);
	CT_CHECK(ct_rendezvous_met(&rec->meet),
		 "the %d children of spawn_all(%d, ...) were never all alive at the same time: at most %zu "
		 "ran at once (concurrency %.2f, where 1.00 means one after another). Start every child "
		 "before you wait for any of them.",
		 MEET_N, MEET_N, most, c);
	ct_pass();
}
