/*
 * test_stopper.c - grader suite for lesson 07, exercise "stopper" (stopper.h).
 *
 * The signal tests run run_until_stopped in a child the grader forks (so a
 * SIGTERM that kills it is seen, not suffered), once or twice in a row,
 * with a job that records when each item starts and ends in shared memory
 * and sleeps in between; the grader sends SIGTERM in the middle of a
 * chosen item of each call.  The child also reports whether its handler
 * made an unsafe call at run time (ct_signals.h; the harness also reads
 * the handler's calls in the object) and whether the old SIGTERM action
 * was put back.  The other tests call run_until_stopped in the test's own
 * process, with no signal.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "ct_signals.h"
#include "ct_test.h"
#include "ct_timeline.h"
#include "stopper.h"

CT_SUITE(stopper);

#define ITEM_MS	  20
#define MAX_ITEMS 1000
#define CALLS	  2
#define NO_SIGNAL (-1)

/*
 * One call of run_until_stopped, as the job saw it: its k-th job() call
 * (k from 0, in the order they came) was for item[k].
 */
struct call_report {
	int jobs;
	int item[MAX_ITEMS];
	uint64_t started[MAX_ITEMS], finished[MAX_ITEMS];
	bool handler_during[MAX_ITEMS]; /* SIGTERM's action was a handler while that job ran */
	int ret;
	bool returned;
	uint64_t called_at, returned_at;
	uint64_t signalled_at; /* just before the grader sent SIGTERM during this call; 0: it sent none */
	uint64_t signal_sent;  /* just after kill() returned */
};

struct report {
	struct call_report call[CALLS];
	int current;   /* the call running now */
	bool restored; /* after the last call, SIGTERM's action was the default again */
	char unsafe[96];
	char todo[256]; /* the skeleton's "not implemented" message, from the child */
};

static struct report *rep;
/* How long each item takes: ITEM_MS when a signal is to land in the middle of one, less when none will. */
static uint64_t item_ns = ITEM_MS * CT_MS;
#define QUICK_ITEM_NS (2 * CT_MS)

/*
 * The SIGTERM action now is a handler (not SIG_DFL, not SIG_IGN).  The
 * grader asks with the real call, which no fault reaches; a student's
 * handler then shows as the grader's trampoline (SA_SIGINFO).
 */
static bool handler_installed(void)
{
	struct sigaction now;
	return ct_real_sigaction(SIGTERM, NULL, &now) == 0 &&
	       ((now.sa_flags & SA_SIGINFO) || (now.sa_handler != SIG_DFL && now.sa_handler != SIG_IGN));
}

static void job(int item)
{
	struct call_report *c = &rep->call[rep->current];
	int k = c->jobs;

	if (k >= MAX_ITEMS)
		return;
	c->item[k] = item;
	c->started[k] = ct_now_ns();
	c->jobs = k + 1;
	c->handler_during[k] = handler_installed();
	ct_sleep_ns(item_ns); /* resumes after the signal: the item always takes its time */
	c->finished[k] = ct_now_ns();
}

/* The SIGTERM action now is the default one. */
static bool default_action(void)
{
	struct sigaction now;
	return ct_real_sigaction(SIGTERM, NULL, &now) == 0 && !(now.sa_flags & SA_SIGINFO) && now.sa_handler == SIG_DFL;
}

static void check_signal_not_used(const char *what)
{
	CT_CHECK(ct_count(CT_CALL_signal) == 0,
		 "%s called signal() %d time%s: stopper.h asks for sigaction. "
		 "What signal() installs differs between systems and even compiler flags (with -std=c11, glibc resets "
		 "the action to the default as the handler starts, so a second SIGTERM kills the process), and it "
		 "hands back only the old handler, not the old action's flags and mask, so the restore is not whole",
		 what, ct_count(CT_CALL_signal), ct_count(CT_CALL_signal) == 1 ? "" : "s");
}

CT_TEST(stopper, correct_without_a_signal_every_item_in_order)
{
	item_ns = QUICK_ITEM_NS;
	rep = ct_shared_alloc(sizeof *rep);
	int ret = run_until_stopped(job, 5);
	struct call_report *c = &rep->call[0];
	CT_CHECK(ret == 5, "run_until_stopped(job, 5) with no signal returned %d; expected 5", ret);
	for (int k = 0; k < c->jobs; k++) {
		CT_CHECK(c->item[k] == k,
			 "the %s job run_until_stopped(job, 5) called was job(%d); expected job(%d): "
			 "items go 0, 1, 2, ... in turn",
			 k == 0	  ? "first"
			 : k == 1 ? "second"
				  : "next",
			 c->item[k], k);
		CT_CHECK(k == 0 || c->started[k] >= c->finished[k - 1],
			 "job(%d) started before job(%d) had finished: call job(0), job(1), ... one after the other", k,
			 k - 1);
	}
	CT_CHECK(c->jobs <= 5, "run_until_stopped(job, 5) called job(5): at most max_items items");
	CT_CHECK(c->jobs == 5, "run_until_stopped(job, 5) with no signal called job() %d times; expected 5", c->jobs);
	CT_CHECK(default_action(),
		 "after run_until_stopped returned, SIGTERM still has the handler it installed: "
		 "save the old action (the third argument of sigaction) and restore it before returning");
	check_signal_not_used("run_until_stopped(job, 5)");

	memset(rep, 0, sizeof *rep);
	ret = run_until_stopped(job, 0);
	CT_CHECK(ret == 0 && c->jobs == 0,
		 "run_until_stopped(job, 0) returned %d and %s; expected 0 and no item: test the count before each "
		 "item, including the first",
		 ret, c->jobs ? "called job() once at least" : "called no job");
	ct_pass();
}

/* "SA_RESTART", "SA_RESTART | SA_NODEFER", "no flags": the flags a restore must keep. */
static const char *flag_names(int flags, char *buf, size_t len)
{
	static const struct {
		int bit;
		const char *name;
	} known[] = {{SA_RESTART, "SA_RESTART"},
		     {SA_NODEFER, "SA_NODEFER"},
		     {SA_RESETHAND, "SA_RESETHAND"},
		     {SA_SIGINFO, "SA_SIGINFO"},
		     {SA_ONSTACK, "SA_ONSTACK"}};
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (flags & known[i].bit)
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? " | " : "", known[i].name);
	if (!used)
		snprintf(buf, len, "no flags");
	return buf;
}

CT_TEST(stopper, correct_restores_the_previous_action_exactly)
{
	struct sigaction before = {.sa_handler = SIG_IGN, .sa_flags = SA_RESTART}, after;
	const int kept_flags = SA_RESTART | SA_NODEFER | SA_RESETHAND | SA_SIGINFO | SA_ONSTACK;
	char flags[96];

	item_ns = QUICK_ITEM_NS;
	rep = ct_shared_alloc(sizeof *rep);
	sigemptyset(&before.sa_mask);
	sigaddset(&before.sa_mask, SIGUSR1);
	sigaddset(&before.sa_mask, SIGUSR2);
	/* The grader's own action, set with the real call: not taken for the student's. */
	CT_CHECK(ct_real_sigaction(SIGTERM, &before, NULL) == 0, "grader error: sigaction");
	int ret = run_until_stopped(job, 2);
	CT_CHECK(ret == 2, "run_until_stopped(job, 2) with no signal returned %d; expected 2", ret);
	for (int k = 0; k < rep->call[0].jobs; k++)
		CT_CHECK(rep->call[0].handler_during[k],
			 "while job(%d) ran, SIGTERM's action was not a handler of run_until_stopped's: install the "
			 "handler with sigaction before the first item, and keep it until the last has finished",
			 rep->call[0].item[k]);
	CT_CHECK(ct_real_sigaction(SIGTERM, NULL, &after) == 0, "grader error: sigaction");
	CT_CHECK(after.sa_handler == SIG_IGN && !(after.sa_flags & SA_SIGINFO),
		 "before the call SIGTERM was ignored (SIG_IGN); after run_until_stopped returned its action was %s: "
		 "restore the action that sigaction handed back when you installed yours (its third argument), not "
		 "the default",
		 (after.sa_flags & SA_SIGINFO) || (after.sa_handler != SIG_DFL && after.sa_handler != SIG_IGN)
		     ? "still a handler"
		     : "the default (SIG_DFL)");
	bool same_mask = sigismember(&after.sa_mask, SIGUSR1) && sigismember(&after.sa_mask, SIGUSR2) &&
			 !sigismember(&after.sa_mask, SIGTERM);
	CT_CHECK((after.sa_flags & kept_flags) == (before.sa_flags & kept_flags) && same_mask,
		 "before the call SIGTERM's action was SIG_IGN with flags SA_RESTART and mask {SIGUSR1, SIGUSR2}; "
		 "after run_until_stopped it was SIG_IGN with %s and %s: restore the whole old action (the struct "
		 "sigaction that sigaction filled in), not only its handler",
		 (after.sa_flags & kept_flags) == SA_RESTART
		     ? "the same flags"
		     : flag_names(after.sa_flags & kept_flags, flags, sizeof flags),
		 same_mask ? "the same mask" : "another mask");
	check_signal_not_used("run_until_stopped(job, 2)");
	ct_pass();
}

CT_TEST(stopper, correct_a_failed_sigaction_runs_nothing)
{
	item_ns = QUICK_ITEM_NS;
	rep = ct_shared_alloc(sizeof *rep);
	ct_fail_call(CT_CALL_sigaction, 1, EINVAL);
	ct_fail_call(CT_CALL_signal, 1, EINVAL);
	errno = 0;
	int ret = run_until_stopped(job, 3);
	int err = errno;
	bool by_sigaction = ct_faults_injected(CT_CALL_sigaction) > 0,
	     by_signal = ct_faults_injected(CT_CALL_signal) > 0;
	ct_faults_reset();
	int ran = rep->call[0].jobs;
	CT_CHECK(by_sigaction || by_signal,
		 "run_until_stopped(job, 3) never called sigaction() (the grader makes the first one fail here), and "
		 "returned %d after %d job%s: install a SIGTERM handler with sigaction before the first item",
		 ret, ran, ran == 1 ? "" : "s");
	CT_CHECK(
	    ret == -1 && err == EINVAL && ran == 0,
	    "the first %s() call failed (EINVAL, made to fail by the grader); run_until_stopped(job, 3) then "
	    "returned %d with errno %d and called %d job%s; expected -1 with errno EINVAL (%d) and no job: without "
	    "its handler, a SIGTERM would kill the process in the middle of an item",
	    by_sigaction ? "sigaction" : "signal", ret, err, ran, ran == 1 ? "" : "s", EINVAL);
	ct_pass();
}

/*
 * Runs run_until_stopped(job, max[c]) for c < calls in a child, in turn,
 * and sends SIGTERM 5 ms into the signal_at[c]-th job (from 0) of call c
 * (NO_SIGNAL: none); waits for the child (up to 2 s in all).
 */
static int status;
static bool child_ended;

static void run_and_stop(int calls, const int *max, const int *signal_at)
{
	rep = ct_shared_alloc(sizeof *rep);
	pid_t pid = ct_real_fork();
	CT_CHECK(pid >= 0, "grader error: fork failed");
	if (pid == 0) {
		ct_todo_redirect(rep->todo, sizeof rep->todo);
		for (int c = 0; c < calls; c++) {
			rep->current = c;
			rep->call[c].called_at = ct_now_ns();
			rep->call[c].ret = run_until_stopped(job, max[c]);
			rep->call[c].returned_at = ct_now_ns();
			rep->call[c].returned = true;
		}
		rep->restored = default_action();
		const char *bad = ct_unsafe_in_handler();
		if (bad)
			snprintf(rep->unsafe, sizeof rep->unsafe, "%s", bad);
		ct_exit_now(0);
	}
	uint64_t until = ct_now_ns() + 2000 * CT_MS;
	child_ended = false;
	for (int c = 0; c < calls && !child_ended; c++) {
		struct call_report *r = &rep->call[c];
		if (signal_at[c] == NO_SIGNAL) {
			while (!r->returned && ct_now_ns() < until &&
			       !(child_ended = ct_real_waitpid(pid, &status, WNOHANG) == pid))
				ct_sleep_ns(CT_MS);
			continue;
		}
		while (r->jobs <= signal_at[c] && !r->returned && ct_now_ns() < until &&
		       !(child_ended = ct_real_waitpid(pid, &status, WNOHANG) == pid))
			ct_sleep_ns(CT_MS);
		if (child_ended || r->returned || ct_now_ns() >= until)
			break;
		ct_sleep_ns(5 * CT_MS);
		r->signalled_at = ct_now_ns();
		kill(pid, SIGTERM);
		r->signal_sent = ct_now_ns();
		while (!r->returned && ct_now_ns() < until &&
		       !(child_ended = ct_real_waitpid(pid, &status, WNOHANG) == pid))
			ct_sleep_ns(CT_MS);
	}
	while (!child_ended && !(child_ended = ct_real_waitpid(pid, &status, WNOHANG) == pid) && ct_now_ns() < until)
		ct_sleep_ns(CT_MS);
	if (!child_ended) {
		kill(pid, SIGKILL);
		ct_real_waitpid(pid, &status, 0);
	}
	CT_CHECK(!rep->todo[0], "%s", rep->todo);
}

/* " (in the first call)", " (in the second call)", or "" when there is one call: for the messages. */
static const char *nth_call(int c, int calls)
{
	static const char *const names[] = {" (in the first call)", " (in the second call)"};
	return calls == 1 ? "" : names[c];
}

/* "exited with status 3" / "was killed by SIGSEGV" */
static const char *how_ended(int st, char *buf, size_t len)
{
	if (WIFSIGNALED(st))
		snprintf(buf, len, "was killed by SIG%s", sigabbrev_np(WTERMSIG(st)) ?: "?");
	else
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(st));
	return buf;
}

/*
 * The job (its index in r) that surely ran while SIGTERM came: it started
 * before kill() was called and had not finished when kill() returned.
 * -1 if none did: under load the grader may have sent it between two items.
 */
static int job_during_signal(const struct call_report *r)
{
	for (int j = 0; j < r->jobs; j++)
		if (r->started[j] < r->signalled_at && (r->finished[j] == 0 || r->finished[j] > r->signal_sent))
			return j;
	return -1;
}

/* "during job(2)" or "between two items". */
static const char *signal_place(const struct call_report *r, char *buf, size_t len)
{
	int j = job_during_signal(r);

	if (j < 0)
		snprintf(buf, len, "between two items");
	else
		snprintf(buf, len, "during job(%d)", r->item[j]);
	return buf;
}

/* What every call of a run_and_stop run must show: it stopped, after the item in progress, and said how many. */
static void check_calls(int calls, const int *max, const int *signal_at)
{
	char how[64];

	for (int c = 0; c < calls; c++) {
		struct call_report *r = &rep->call[c];
		const char *which = nth_call(c, calls);
		int started = r->jobs, k = signal_at[c];
		if (k != NO_SIGNAL) {
			CT_CHECK(
			    r->signalled_at || !r->returned,
			    "run_until_stopped(job, %d)%s returned %d after %d job%s, before the grader sent SIGTERM "
			    "(during job number %d)%s",
			    max[c], which, r->ret, started, started == 1 ? "" : "s", k + 1,
			    c > 0 && started == 0 ? ": was the flag that the first call's SIGTERM set still set? Clear "
						    "it at the start of each call"
						  : "");
			char place[64];
			signal_place(r, place, sizeof place);
			int during = job_during_signal(r);
			if (!r->returned && r->signalled_at && WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM)
				CT_CHECK(false,
					 "SIGTERM, sent %s%s, killed the process running run_until_stopped: install a "
					 "handler with sigaction before the first item, so that SIGTERM only sets a flag%s",
					 place, which,
					 during >= 0 && !r->handler_during[during]
					     ? "; while that item ran, SIGTERM's action was not a handler"
					     : "");
			int after = 0, first_after = -1;
			for (int j = 0; j < started; j++)
				if (r->started[j] > r->signalled_at) {
					after++;
					if (first_after < 0)
						first_after = j;
				}
			CT_CHECK(r->returned || !child_ended,
				 "the process running run_until_stopped %s before the function returned (SIGTERM sent "
				 "%s%s%s): the handler must not end the process; it only sets the flag, and the loop "
				 "returns after the item",
				 how_ended(status, how, sizeof how), place,
				 during >= 0 && !r->finished[during] ? ", which never finished" : "", which);
			CT_CHECK(r->returned,
				 "after SIGTERM arrived %s (items take %d ms), run_until_stopped had not returned 2 s "
				 "later%s; %d item%s started after the signal: test the flag before each item, and stop "
				 "when it is set",
				 place, ITEM_MS, which, after, after == 1 ? "" : "s");
			for (int j = 0; j < started; j++)
				CT_CHECK(r->finished[j] != 0,
					 "job(%d) had started when SIGTERM arrived%s and never finished: the item in "
					 "progress must always be finished",
					 r->item[j], which);
			/* A signal that fell between two items may let the one item whose test had passed run. */
			CT_CHECK(after <= (during >= 0 ? 0 : 1),
				 "job(%d) started %.1f ms after SIGTERM had arrived %s%s: test the flag before starting "
				 "each item",
				 first_after >= 0 ? r->item[first_after] : -1,
				 first_after >= 0 ? (double)(r->started[first_after] - r->signalled_at) / 1e6 : 0.0, place,
				 which);
		} else {
			CT_CHECK(r->returned,
				 "the process running run_until_stopped %s before the function returned%s, "
				 "with no signal sent",
				 how_ended(status, how, sizeof how), which);
			CT_CHECK(started == max[c], "run_until_stopped(job, %d)%s with no signal ran %d items%s",
				 max[c], which, started,
				 c > 0 && started == 0
				     ? ": was the flag that the first call's SIGTERM set still set? Clear "
				       "it at the start of each call"
				     : "");
		}
		CT_CHECK(r->ret == started,
			 "run_until_stopped returned %d%s, but %d item%s had been done: return "
			 "the number of items done, the one in progress at the signal included",
			 r->ret, which, started, started == 1 ? "" : "s");
	}
	CT_CHECK(rep->restored, "after run_until_stopped returned, SIGTERM still had its handler: restore the old "
				"action before returning");
}

CT_TEST(stopper, correct_sigterm_finishes_the_item_in_progress)
{
	const int max[] = {MAX_ITEMS}, at[] = {2};

	run_and_stop(1, max, at);
	check_calls(1, max, at);
	check_signal_not_used("run_until_stopped");
	ct_pass();
}

CT_TEST(stopper, correct_a_second_call_starts_afresh)
{
	const int max[] = {MAX_ITEMS, MAX_ITEMS}, at[] = {0, 1};

	run_and_stop(2, max, at);
	check_calls(2, max, at);
	ct_pass();
}

CT_TEST(stopper, correct_the_handler_does_nothing_unsafe)
{
	const int max[] = {MAX_ITEMS}, at[] = {2};

	run_and_stop(1, max, at);
	CT_CHECK(rep->unsafe[0] == '\0',
		 "the SIGTERM handler called %s. It is not async-signal-safe: the signal may have interrupted the "
		 "same function (holding its lock, or in the middle of its data), and the handler would deadlock or "
		 "corrupt it. Only set a volatile sig_atomic_t flag in the handler, and act on it in the loop",
		 rep->unsafe);
	ct_pass();
}

/*
 * One call as the child and the job saw it: the call, each item (even
 * items in row 0, odd ones in row 1, so that where one ends shows), the
 * signal.
 */
static void save_call_timeline(const char *file, const struct call_report *r, int max, int signal_at)
{
	static struct ct_interval items[MAX_ITEMS];
	static int row[MAX_ITEMS];
	int n = r->jobs < MAX_ITEMS ? r->jobs : MAX_ITEMS;

	for (int k = 0; k < n; k++) {
		items[k] = (struct ct_interval){r->started[k], r->finished[k]};
		row[k] = k % 2;
	}
	struct ct_interval call = {r->called_at, r->returned ? r->returned_at : 0},
			   signal = {r->signalled_at, r->signal_sent};
	struct ct_timeline_group g[] = {{"run_until_stopped (yours)", &call, NULL, 1, 1},
					{"job(item), even and odd items", items, row, n, 2},
					{"the grader sends SIGTERM", &signal, NULL, r->signalled_at ? 1 : 0, 1}};
	char title[160];
	snprintf(title, sizeof title,
		 "run_until_stopped(job, %d), items of %.0f ms, SIGTERM 5 ms into job %d: %d jobs ran", max,
		 (double)item_ns / 1e6, signal_at, r->jobs);
	ct_timeline_save(file, title, g, 3, false);
}

CT_TEST(stopper, timing_stops_promptly)
{
	const int max[] = {MAX_ITEMS}, at[] = {2};

	run_and_stop(1, max, at);
	struct call_report *r = &rep->call[0];
	save_call_timeline("timing_stops_promptly", r, max[0], at[0]);
	CT_CHECK(r->returned && r->jobs > 0,
		 "run_until_stopped did not return after SIGTERM (see the correctness tests)");
	uint64_t last_end = 0;
	for (int k = 0; k < r->jobs; k++)
		if (r->finished[k] > last_end)
			last_end = r->finished[k];
	double after_item = (double)(r->returned_at - last_end) / 1e6;
	CT_CHECK(r->returned_at >= last_end && after_item <= 50,
		 "run_until_stopped returned %.0f ms after the item in progress at SIGTERM had finished; expected "
		 "within 50 ms: stop right after that item, without sleeping or polling",
		 after_item);
	ct_pass();
}
