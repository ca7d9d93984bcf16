/*
 * test_stopper.c - grader suite for lesson 07, exercise "stopper" (stopper.h).
 *
 * The signal tests run run_until_stopped in a child the grader forks (so a
 * SIGTERM that kills it is seen, not suffered) with a job that records
 * when each item starts and ends in shared memory and sleeps in between;
 * the grader sends SIGTERM in the middle of an item.  The child also
 * reports whether its handler made an unsafe call (ct_signals.h) and
 * whether the old SIGTERM action was put back.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "ct_signals.h"
#include "ct_test.h"
#include "stopper.h"

CT_SUITE(stopper);

#define ITEM_MS 20
#define MAX_ITEMS 1000

struct report {
	uint64_t started[MAX_ITEMS], finished[MAX_ITEMS];
	int ret;
	bool returned, restored;
	uint64_t returned_at;
	char unsafe[96];
	char todo[256]; /* the skeleton's "not implemented" message, from the child */
};

static struct report *rep;

static void job(int item)
{
	if (item < 0 || item >= MAX_ITEMS)
		return;
	rep->started[item] = ct_now_ns();
	ct_sleep_ns(ITEM_MS * CT_MS); /* resumes after the signal: the item always takes its time */
	rep->finished[item] = ct_now_ns();
}

/* The SIGTERM action now is the default one. */
static bool default_action(void)
{
	struct sigaction now;
	return sigaction(SIGTERM, NULL, &now) == 0 && !(now.sa_flags & SA_SIGINFO) && now.sa_handler == SIG_DFL;
}

CT_TEST(stopper, correct_without_a_signal_every_item_in_order)
{
	rep = ct_shared_alloc(sizeof *rep);
	int ret = run_until_stopped(job, 5);
	CT_CHECK(ret == 5, "run_until_stopped(job, 5) with no signal returned %d; expected 5", ret);
	for (int i = 0; i < 5; i++) {
		CT_CHECK(rep->finished[i] != 0, "run_until_stopped(job, 5) never called job(%d)", i);
		CT_CHECK(i == 0 || rep->started[i] >= rep->finished[i - 1],
			 "job(%d) started before job(%d) had finished: call job(0), job(1), ... one after the other", i,
			 i - 1);
	}
	CT_CHECK(rep->finished[5] == 0, "run_until_stopped(job, 5) called job(5): at most max_items items");
	CT_CHECK(default_action(), "after run_until_stopped returned, SIGTERM still has the handler it installed: "
		 "save the old action (the third argument of sigaction) and restore it before returning");
	ct_pass();
}

/* Runs the worker in a child, sends SIGTERM in the middle of item 2, and waits (up to 2 s). */
static int status;
static uint64_t signalled_at;
static bool child_ended;

static void run_and_stop(void)
{
	rep = ct_shared_alloc(sizeof *rep);
	pid_t pid = ct_real_fork();
	CT_CHECK(pid >= 0, "grader error: fork failed");
	if (pid == 0) {
		ct_todo_redirect(rep->todo, sizeof rep->todo);
		rep->ret = run_until_stopped(job, MAX_ITEMS);
		rep->returned_at = ct_now_ns();
		rep->returned = true;
		rep->restored = default_action();
		const char *bad = ct_unsafe_in_handler();
		if (bad)
			snprintf(rep->unsafe, sizeof rep->unsafe, "%s", bad);
		ct_exit_now(0);
	}
	uint64_t until = ct_now_ns() + 2000 * CT_MS;
	while (rep->started[2] == 0 && ct_now_ns() < until &&
	       !(child_ended = ct_real_waitpid(pid, &status, WNOHANG) == pid))
		ct_sleep_ns(CT_MS);
	if (!child_ended) {
		ct_sleep_ns(5 * CT_MS);
		signalled_at = ct_now_ns();
		kill(pid, SIGTERM);
	}
	while (!child_ended && !(child_ended = ct_real_waitpid(pid, &status, WNOHANG) == pid) && ct_now_ns() < until)
		ct_sleep_ns(CT_MS);
	if (!child_ended) {
		kill(pid, SIGKILL);
		ct_real_waitpid(pid, &status, 0);
	}
	CT_CHECK(!rep->todo[0], "%s", rep->todo);
	CT_CHECK(signalled_at, "run_until_stopped(job, %d) returned (%d) before it had started item 2", MAX_ITEMS,
		 rep->ret);
	CT_CHECK(child_ended, "after SIGTERM arrived in the middle of item 2 (items take %d ms), run_until_stopped had "
		 "not returned 2 s later: check the flag between items, and stop when it is set", ITEM_MS);
	CT_CHECK(!(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM),
		 "SIGTERM killed the process running run_until_stopped: install a handler with sigaction before the "
		 "first item, so that SIGTERM only sets a flag");
	CT_CHECK(rep->returned, "the process running run_until_stopped ended (status 0x%x) before the function "
		 "returned", (unsigned)status);
}

CT_TEST(stopper, correct_sigterm_finishes_the_item_in_progress)
{
	run_and_stop();
	int done = 0;
	for (int i = 0; i < MAX_ITEMS && rep->started[i]; i++) {
		CT_CHECK(rep->finished[i] != 0, "job(%d) had started when SIGTERM arrived and never finished: the item in "
			 "progress must always be finished", i);
		CT_CHECK(rep->started[i] < signalled_at, "job(%d) started after SIGTERM had arrived: check the flag before "
			 "starting each item", i);
		done++;
	}
	CT_CHECK(rep->ret == done, "run_until_stopped returned %d after SIGTERM, but %d items were done", rep->ret,
		 done);
	CT_CHECK(rep->restored, "after run_until_stopped returned, SIGTERM still had its handler: restore the old "
		 "action before returning");
	ct_pass();
}

CT_TEST(stopper, correct_the_handler_does_nothing_unsafe)
{
	run_and_stop();
	CT_CHECK(rep->unsafe[0] == '\0',
		 "the SIGTERM handler called %s. It is not async-signal-safe: the signal may have interrupted the "
		 "same function (holding its lock, or in the middle of its data), and the handler would deadlock or "
		 "corrupt it. Only set a volatile sig_atomic_t flag in the handler, and act on it in the loop",
		 rep->unsafe);
	ct_pass();
}

CT_TEST(stopper, timing_stops_promptly)
{
	run_and_stop();
	uint64_t last_end = 0;
	for (int i = 0; i < MAX_ITEMS && rep->started[i]; i++)
		if (rep->finished[i] > last_end)
			last_end = rep->finished[i];
	double after_item = (double)(rep->returned_at - last_end) / 1e6;
	CT_CHECK(rep->returned_at >= last_end && after_item <= 50,
		 "run_until_stopped returned %.0f ms after the item in progress at SIGTERM had finished; expected "
		 "within 50 ms: stop right after that item, without sleeping or polling",
		 after_item);
	ct_pass();
}
