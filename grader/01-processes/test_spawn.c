/*
 * test_spawn.c - grader suite for lesson 01, exercise "spawn" (spawn.h).
 *
 * The tasks handed to spawn_all() are the grader's: running inside the
 * children, they record in memory shared with this process which process
 * ran them and when, and meet at a rendezvous to prove the children were
 * alive at the same time.  Each test runs in a fresh process of its own.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ct_test.h"
#include "spawn.h"

CT_SUITE(spawn);

#define MAX_N 64

/* Written by the children, read by the test after spawn_all returns. */
struct record {
	pid_t pid[MAX_N];
	int runs[MAX_N];
	struct ct_interval when[MAX_N];
	struct ct_rendezvous meet;
};
static struct record *rec;

/* Written by every child; the parent's copy must stay 0 (isolation). */
static int written_by_children;

static int expected_code(int i) { return (i * 7 + 3) & 0xff; }

static void prepare(void) { rec = ct_shared_alloc(sizeof *rec); }

static int recording_task(int i)
{
	rec->pid[i] = getpid();
	rec->runs[i]++;
	written_by_children = 1000 + i;
	return expected_code(i);
}

/* Calls spawn_all and checks it returned 0 with every code as expected. */
static void spawn_and_check_codes(int n, spawn_task task)
{
	int codes[MAX_N];

	memset(codes, 0xff, sizeof codes);
	errno = 0;
	int ret = spawn_all(n, task, codes);
	CT_CHECK(ret == 0, "spawn_all(%d, task, codes) returned %d (errno %d, %s); expected 0", n, ret,
		 errno, strerror(errno));
	for (int i = 0; i < n; i++)
		CT_CHECK(codes[i] == expected_code(i),
			 "spawn_all(%d, task, codes): codes[%d] is %d, but task(%d) returned %d, so child %d "
			 "must have exited with %d. Is the child's exit status its task's return value, "
			 "decoded with WEXITSTATUS, stored at index %d?",
			 n, i, codes[i], i, expected_code(i), i, expected_code(i), i);
}

CT_TEST(spawn, correct_exit_codes)
{
	prepare();
	spawn_and_check_codes(5, recording_task);
	spawn_and_check_codes(1, recording_task);
	ct_pass();
}

CT_TEST(spawn, correct_one_process_per_task)
{
	prepare();
	int n = 6;

	spawn_and_check_codes(n, recording_task);
	CT_CHECK(ct_count(CT_CALL_fork) == n, "spawn_all(%d, ...) called fork() %d times; expected %d, one per task", n,
		 ct_count(CT_CALL_fork), n);
	for (int i = 0; i < n; i++) {
		CT_CHECK(rec->runs[i] == 1, "task(%d) ran %d times during spawn_all(%d, ...); expected once", i,
			 rec->runs[i], n);
		CT_CHECK(rec->pid[i] != getpid(),
			 "task(%d) ran in the calling process (pid %d), not in a child", i, (int)getpid());
		for (int j = 0; j < i; j++)
			CT_CHECK(rec->pid[i] != rec->pid[j],
				 "task(%d) and task(%d) ran in the same process (pid %d); each needs its own child",
				 j, i, (int)rec->pid[i]);
	}
	ct_pass();
}

CT_TEST(spawn, correct_children_memory_is_their_own)
{
	prepare();
	spawn_and_check_codes(4, recording_task);
	CT_CHECK(ct_count(CT_CALL_pthread_create) == 0,
		 "spawn_all created %d threads; the tasks must run in child processes (fork), not threads",
		 ct_count(CT_CALL_pthread_create));
	CT_CHECK(written_by_children == 0,
		 "the tasks' write to a global variable changed it in the parent (it is now %d): they did not "
		 "run in separate processes, which each have their own copy of memory",
		 written_by_children);
	ct_pass();
}

CT_TEST(spawn, correct_no_zombies_left)
{
	prepare();
	int status;

	spawn_and_check_codes(5, recording_task);
	pid_t left = ct_real_waitpid(-1, &status, WNOHANG);
	CT_CHECK(left <= 0, "after spawn_all returned, child %d had ended but was never waited for: it was left a "
		 "zombie. Wait for every child you start.", (int)left);
	CT_CHECK(left == -1 && errno == ECHILD,
		 "after spawn_all returned, a child was still running and had not been waited for. Wait for every "
		 "child you start before returning.");
	ct_pass();
}

static int task_killed_by_signal(int i)
{
	if (i == 1)
		raise(SIGKILL);
	if (i == 2)
		raise(SIGTERM);
	return expected_code(i);
}

CT_TEST(spawn, correct_signal_deaths_reported_as_128_plus_signal)
{
	prepare();
	int codes[3] = {-7, -7, -7};
	int want[3] = {expected_code(0), 128 + SIGKILL, 128 + SIGTERM};

	int ret = spawn_all(3, task_killed_by_signal, codes);
	CT_CHECK(ret == 0, "spawn_all(3, ...) returned %d when two children were killed; expected 0", ret);
	for (int i = 0; i < 3; i++)
		CT_CHECK(codes[i] == want[i],
			 "child %d %s; codes[%d] is %d, expected %d (128 + the signal number: test WIFSIGNALED "
			 "and use WTERMSIG)",
			 i, i == 0 ? "exited normally" : i == 1 ? "was killed by SIGKILL (9)" : "was killed by SIGTERM (15)",
			 i, codes[i], want[i]);
	ct_pass();
}

#define MEET_N 4
static int meeting_task(int i)
{
	rec->when[i].start_ns = ct_now_ns();
	ct_rendezvous_arrive(&rec->meet);
	ct_sleep_ns(20 * CT_MS);
	rec->when[i].end_ns = ct_now_ns();
	return expected_code(i);
}

CT_TEST(spawn, timing_children_run_at_the_same_time)
{
	prepare();
	ct_rendezvous_init(&rec->meet, MEET_N, 2000 * CT_MS);
	spawn_and_check_codes(MEET_N, meeting_task);
	double c = ct_concurrency(rec->when, MEET_N);
	size_t most = ct_max_overlap(rec->when, MEET_N);
	CT_CHECK(ct_rendezvous_met(&rec->meet),
		 "the %d children of spawn_all(%d, ...) were never all alive at the same time: at most %zu "
		 "ran at once (concurrency %.2f, where 1.00 means one after another). Start every child "
		 "before you wait for any of them.",
		 MEET_N, MEET_N, most, c);
	ct_pass();
}
