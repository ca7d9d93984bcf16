/*
 * test_reap.c - grader suite for lesson 01, exercise "reap" (reap.h).
 *
 * The grader forks the children itself (uncounted, with ct_real_fork) and
 * knows how each one will end; reap_all() must report exactly that.  Some
 * children end before the call and some during it, one in a process group
 * of its own; in the order test each child waits until the one meant to
 * end before it has been reaped, so the order of ending is exact even on a
 * busy machine.  Waits are interrupted or made to fail (ct_fault.h), and
 * the wait wrappers count polls and note when each child was reaped
 * (ct_api.h).  Whatever a test finds, it ends and reaps every child it
 * started before it reports, so that none outlives the test.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ct_order.h"
#include "ct_test.h"
#include "reap.h"

CT_SUITE(reap);

#define MAX_CHILDREN 16

/* How a grader child ends: exit with code, or die from signal sig. */
struct plan {
	int sig; /* 0: exit with code */
	int code;
	unsigned delay_ms;
	bool own_group;	   /* moves to a process group of its own first */
	bool ended_before; /* the test waits until it has ended before calling reap_all */
	pid_t pid;
};

/* Shared with the children: their pids, and in the order test who must be reaped before whom. */
struct shared {
	_Atomic pid_t pid[MAX_CHILDREN];
	int after[MAX_CHILDREN]; /* child i ends only once child after[i] is reaped; -1: no one */
	_Atomic uint64_t ended_ns[MAX_CHILDREN];
};
static struct shared *sh;

/* Whether process pid is gone or a zombie (it has ended), from /proc. */
static bool has_ended(pid_t pid, bool *reaped)
{
	char path[64], buf[512];

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f) {
		*reaped = true;
		return true;
	}
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	const char *paren = strrchr(buf, ')');
	*reaped = false;
	return paren && paren[1] == ' ' && (paren[2] == 'Z' || paren[2] == 'X');
}

/* In child i: waits (at most 2 s) until the child it must follow has been reaped. */
static void wait_for_predecessor(int i)
{
	int before = sh->after[i];
	uint64_t t0 = ct_now_ns();

	if (before < 0)
		return;
	while (ct_now_ns() - t0 < 2000 * CT_MS) {
		pid_t pid = sh->pid[before];
		bool reaped;
		if (pid && has_ended(pid, &reaped) && reaped)
			return;
		ct_sleep_ns(CT_MS);
	}
}

static void start_children(struct plan *p, int n)
{
	if (!sh)
		sh = ct_shared_alloc(sizeof *sh);
	for (int i = 0; i < n; i++) {
		pid_t pid = ct_real_fork();

		if (pid == -1)
			cr_assert_fail("grader error: fork failed: %s", strerror(errno));
		if (pid == 0) {
			/* If the test fails before reaping us, end with it. */
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (p[i].own_group)
				setpgid(0, 0);
			ct_sleep_ns(p[i].delay_ms * CT_MS);
			wait_for_predecessor(i);
			sh->ended_ns[i] = ct_now_ns();
			if (p[i].sig) {
				/* No core file, and the default action whatever the test set up. */
				struct rlimit none = {0, 0};
				setrlimit(RLIMIT_CORE, &none);
				prctl(PR_SET_DUMPABLE, 0);
				signal(p[i].sig, SIG_DFL);
				raise(p[i].sig);
			}
			ct_exit_now(p[i].code);
		}
		p[i].pid = pid;
		sh->pid[i] = pid;
	}
	for (int i = 0; i < n; i++)
		for (uint64_t t0 = ct_now_ns(); p[i].ended_before && ct_now_ns() - t0 < 2000 * CT_MS;
		     ct_sleep_ns(CT_MS)) {
			bool reaped;
			if (has_ended(p[i].pid, &reaped))
				break;
		}
}

/* Forgets the order of the last test's children (start_children runs them unordered). */
static void no_order(void)
{
	if (!sh)
		sh = ct_shared_alloc(sizeof *sh);
	for (int i = 0; i < MAX_CHILDREN; i++) {
		sh->after[i] = -1;
		sh->pid[i] = 0;
		sh->ended_ns[i] = 0;
	}
}

/*
 * Ends and reaps, uncounted, every child of the test that reap_all left;
 * returns how many there were (*first: one of them).
 */
static int end_leftovers(struct plan *p, int n, pid_t *first)
{
	int left = 0, status;

	for (int i = 0; i < n; i++) {
		pid_t got = ct_real_waitpid(p[i].pid, &status, WNOHANG);
		if (got == 0) {
			kill(p[i].pid, SIGKILL);
			while (ct_real_waitpid(p[i].pid, &status, 0) == -1 && errno == EINTR)
				;
		}
		if (got != -1) {
			if (!left++ && first)
				*first = p[i].pid;
		}
	}
	return left;
}

static const char *describe(const struct plan *p, char *buf, size_t len)
{
	if (p->sig)
		snprintf(buf, len, "was killed by signal %d (SIG%s, %s)", p->sig, sigabbrev_np(p->sig),
			 strsignal(p->sig));
	else
		snprintf(buf, len, "exited with status %d%s", p->code,
			 p->own_group ? ", in a process group of its own" : "");
	return buf;
}

/* Why e->code may be what it is, when it is not want (the hint fits the value). */
static const char *code_hint(const struct plan *p, int code)
{
	if (!p->sig && code == p->code << 8)
		return " That is the raw status from waitpid: decode it with WEXITSTATUS.";
	if (p->sig && code == 128 + p->sig)
		return " That is 128 + the signal number, the shell's convention that spawn_all uses; reap_all "
		       "reports the signal number itself (WTERMSIG).";
	if (p->sig && code == 0)
		return " A killed child has no exit status: WEXITSTATUS means nothing unless WIFEXITED is true. Use "
		       "WTERMSIG when WIFSIGNALED is true.";
	return "";
}

/*
 * Checks that out[0..got) reports exactly the children of plan, once each;
 * call says how reap_all was called.  Ends the leftovers first.
 */
static void check_reports(struct plan *plan, int n, const struct child_end *out, int got, int max, const char *call)
{
	pid_t first = 0;
	int left = end_leftovers(plan, n, &first);

	CT_CHECK(left == 0,
		 "%s returned %d with %d children to reap, leaving %d of them (child %d among them) not waited "
		 "for.%s Keep waiting until waitpid fails with ECHILD: waitpid(-1, ...) waits for any child, "
		 "whatever its process group.",
		 call, got, n, left, (int)first,
		 left == 1 && first == plan[0].pid && plan[0].own_group
		     ? " That child was in a process group of its own, which waitpid(0, ...) does not wait for."
		     : "");
	CT_CHECK(got == n, "%s returned %d with %d children to reap; expected %d", call, got, n, n);
	for (int i = 0; i < n; i++) {
		int found = -1;
		char what[128];

		for (int j = 0; j < got && j < max; j++)
			if (out[j].pid == plan[i].pid) {
				CT_CHECK(found == -1, "%s reported child %d twice (out[%d] and out[%d])", call,
					 (int)plan[i].pid, found, j);
				found = j;
			}
		describe(&plan[i], what, sizeof what);
		CT_CHECK(found >= 0,
			 "child %d %s, but %s reported it in no entry of out[0..%d] (out[0].pid is %d): "
			 "store each reaped child's pid, as waitpid returns it",
			 (int)plan[i].pid, what, call, got - 1, (int)out[0].pid);
		const struct child_end *e = &out[found];
		int want_exited = plan[i].sig == 0;
		int want_code = want_exited ? plan[i].code : plan[i].sig;
		CT_CHECK(e->exited == want_exited, "child %d %s, but out[%d].exited is %d; expected %d (%s)",
			 (int)e->pid, what, found, e->exited, want_exited,
			 want_exited ? "WIFEXITED is true" : "WIFSIGNALED is true");
		CT_CHECK(e->code == want_code, "child %d %s, but out[%d].code is %d; expected %d.%s", (int)e->pid, what,
			 found, e->code, want_code, code_hint(&plan[i], e->code));
	}
}

CT_TEST(reap, correct_reports_how_each_child_ended)
{
	struct plan plan[] = {
	    {.code = 7, .delay_ms = 5, .own_group = true},
	    {.code = 0, .ended_before = true},
	    {.sig = SIGKILL, .delay_ms = 10},
	    {.sig = SIGTERM},
	    {.code = 255, .delay_ms = 30},
	    {.sig = SIGSEGV, .delay_ms = 15},
	    {.code = 42, .ended_before = true},
	};
	int n = (int)(sizeof plan / sizeof plan[0]);
	struct child_end out[MAX_CHILDREN];

	no_order();
	start_children(plan, n);
	memset(out, 0, sizeof out);
	int got = reap_all(out, MAX_CHILDREN);
	check_reports(plan, n, out, got, MAX_CHILDREN, "reap_all(out, 16)");
	ct_pass();
}

CT_TEST(reap, correct_leaves_no_child_behind)
{
	struct plan plan[] = {{.code = 1}, {.code = 2, .delay_ms = 20}, {.code = 3, .delay_ms = 40}};
	struct child_end out[MAX_CHILDREN] = {0};

	no_order();
	start_children(plan, 3);
	int got = reap_all(out, MAX_CHILDREN);
	pid_t first = 0;
	int left = end_leftovers(plan, 3, &first);
	CT_CHECK(left == 0,
		 "reap_all(out, 16) returned %d with 3 children to reap, two of them still running, and left %d "
		 "of them (child %d among them) not waited for: keep waiting until waitpid fails with ECHILD, "
		 "letting it block (no WNOHANG) while children are still running",
		 got, left, (int)first);
	CT_CHECK(got == 3, "reap_all(out, 16) returned %d with 3 children to reap; expected 3", got);
	ct_pass();
}

CT_TEST(reap, correct_returns_zero_without_children)
{
	struct child_end out[4];
	uint64_t t0 = ct_now_ns();

	errno = 0;
	int got = reap_all(out, 4), err = errno;
	uint64_t ms = (ct_now_ns() - t0) / CT_MS;
	CT_CHECK(got == 0,
		 "reap_all with no children returned %d%s%s; expected 0: when the first waitpid fails with "
		 "ECHILD, no child is left, and that is the answer, not an error",
		 got, got == -1 ? " with errno " : "", got == -1 ? strerrorname_np(err) : "");
	CT_CHECK(ms < 500, "reap_all with no children took %llu ms; it must return at once", (unsigned long long)ms);
	ct_pass();
}

CT_TEST(reap, correct_counts_children_beyond_max)
{
	struct plan plan[] = {{.code = 1}, {.code = 2}, {.code = 3}, {.code = 4}};
	struct child_end out[4];
	pid_t first = 0;

	no_order();
	memset(out, 0x5a, sizeof out);
	start_children(plan, 4);
	int got = reap_all(out, 2);
	int left = end_leftovers(plan, 4, &first);
	CT_CHECK(left == 0,
		 "reap_all(out, 2) with 4 children left %d of them not waited for (child %d among "
		 "them): it must reap them all, and report only the first 2",
		 left, (int)first);
	CT_CHECK(got == 4, "reap_all(out, 2) with 4 children returned %d; expected 4 (all reaped, 2 reported)", got);
	CT_CHECK(out[2].pid == 0x5a5a5a5a && out[3].pid == 0x5a5a5a5a,
		 "reap_all(out, 2) wrote past out[1]: it may fill at most max entries");

	no_order();
	memset(out, 0x5a, sizeof out);
	start_children(plan, 2);
	got = reap_all(out, 0);
	left = end_leftovers(plan, 2, &first);
	CT_CHECK(left == 0 && got == 2,
		 "reap_all(out, 0) with 2 children returned %d and left %d not waited for; "
		 "expected 2 and none: with max 0 it reaps every child and reports none",
		 got, left);
	CT_CHECK(out[0].pid == 0x5a5a5a5a, "reap_all(out, 0) wrote into out[0]: it may fill at most max entries");
	ct_pass();
}

/*
 * The children end in a chosen order, strictly: each one waits until the
 * child meant to end before it has been reaped.  out[] must list them in
 * that order.
 */
#define ORDER_N 5

CT_TEST(reap, correct_reports_in_the_order_children_ended)
{
	static const struct {
		enum ct_order_kind kind;
		unsigned seed;
	} orders[] = {{CT_ORDER_REVERSED, 0}, {CT_ORDER_SHUFFLED, 5}};

	for (size_t k = 0; k < sizeof orders / sizeof orders[0]; k++) {
		struct plan plan[ORDER_N];
		struct child_end out[MAX_CHILDREN];
		struct ct_order o;
		char how[160], call[256];
		int finishing[ORDER_N];

		no_order();
		ct_order_make(&o, orders[k].kind, orders[k].seed, ORDER_N);
		ct_order_describe(&o, how, sizeof how);
		for (int i = 0; i < ORDER_N; i++)
			finishing[o.rank[i]] = i;
		for (int i = 0; i < ORDER_N; i++) {
			plan[i] = (struct plan){.code = 10 + i, .delay_ms = 10};
			sh->after[i] = o.rank[i] ? finishing[o.rank[i] - 1] : -1;
		}
		memset(out, 0, sizeof out);
		start_children(plan, ORDER_N);
		int got = reap_all(out, MAX_CHILDREN);
		snprintf(call, sizeof call, "reap_all(out, 16), whose %d children ended %s,", ORDER_N, how);
		check_reports(plan, ORDER_N, out, got, MAX_CHILDREN, call);
		for (int r = 0; r < ORDER_N; r++)
			CT_CHECK(out[r].pid == plan[finishing[r]].pid,
				 "%s filled out[%d] with child %d, but child %d (task %d) was the one to end %s: fill "
				 "out[] in the order waitpid returns the children, as they end.",
				 call, r, (int)out[r].pid, (int)plan[finishing[r]].pid, finishing[r],
				 r == 0	  ? "first"
				 : r == 1 ? "second"
				 : r == 2 ? "third"
					  : "next");
	}
	ct_pass();
}

CT_TEST(reap, correct_interrupted_wait_is_retried)
{
	struct plan plan[] = {{.code = 1, .delay_ms = 10}, {.code = 2, .delay_ms = 15}, {.code = 3, .delay_ms = 20}};
	struct child_end out[MAX_CHILDREN] = {0};
	char call[192];

	no_order();
	start_children(plan, 3);
	ct_fail_waits(1, EINTR);
	errno = 0;
	int got = reap_all(out, MAX_CHILDREN), err = errno;
	snprintf(call, sizeof call,
		 "reap_all(out, 16), whose first %s the grader made fail with EINTR (as a signal "
		 "arriving during a wait does),",
		 ct_waits_failed());
	if (got == -1 && err == EINTR)
		end_leftovers(plan, 3, NULL);
	CT_CHECK(got != -1 || err != EINTR,
		 "%s returned -1 with errno EINTR, with 3 children to reap. EINTR means "
		 "\"try again\": call the wait again; only ECHILD means that no child is left.",
		 call);
	check_reports(plan, 3, out, got, MAX_CHILDREN, call);
	ct_pass();
}

CT_TEST(reap, correct_other_wait_failure_returns_minus_one)
{
	struct plan plan[] = {
	    {.code = 1, .ended_before = true}, {.code = 2, .ended_before = true}, {.code = 3, .ended_before = true}};
	struct child_end out[MAX_CHILDREN] = {0};

	no_order();
	start_children(plan, 3);
	ct_fail_waits(2, EINVAL);
	errno = 0;
	int got = reap_all(out, MAX_CHILDREN), err = errno;
	const char *which = ct_waits_failed();
	end_leftovers(plan, 3, NULL);
	CT_CHECK(got == -1 && err == EINVAL,
		 "the grader made the second %s of reap_all(out, 16) fail with EINVAL, a failure other than \"no "
		 "children left\" (ECHILD) or an interruption (EINTR): reap_all returned %d%s%s; expected -1 with "
		 "errno EINVAL. Only ECHILD ends the loop normally, EINTR means call again, and any other "
		 "failure returns -1, leaving errno as the wait set it.",
		 which, got, got == -1 ? " with errno " : "", got == -1 ? strerrorname_np(err) : "");
	ct_pass();
}

CT_TEST(reap, correct_calls_again)
{
	struct plan two[] = {{.code = 1}, {.code = 2, .delay_ms = 10}};
	struct plan three[] = {{.code = 3, .delay_ms = 10}, {.sig = SIGTERM}, {.code = 5}};
	struct child_end out[MAX_CHILDREN] = {0};

	no_order();
	start_children(two, 2);
	int got = reap_all(out, MAX_CHILDREN);
	check_reports(two, 2, out, got, MAX_CHILDREN, "reap_all(out, 16) (the 1st call of this test)");
	got = reap_all(out, MAX_CHILDREN);
	CT_CHECK(got == 0,
		 "reap_all(out, 16), called again with no child left (the 2nd call of this test), returned "
		 "%d; expected 0",
		 got);
	no_order();
	start_children(three, 3);
	memset(out, 0, sizeof out);
	got = reap_all(out, MAX_CHILDREN);
	check_reports(three, 3, out, got, MAX_CHILDREN, "reap_all(out, 16) (the 3rd call of this test)");
	ct_pass();
}

CT_TEST(reap, timing_sleeps_while_waiting)
{
	struct plan plan[] = {{.code = 9, .delay_ms = 170}, {.code = 8, .delay_ms = 260}};
	struct child_end out[4] = {0};
	const uint64_t late_ns = 60 * CT_MS;

	no_order();
	start_children(plan, 2);
	ct_api_reset();
	uint64_t cpu0 = ct_process_cpu_ns(), t0 = ct_now_ns();
	int got = reap_all(out, 4);
	uint64_t cpu = ct_process_cpu_ns() - cpu0, wall = ct_now_ns() - t0;
	int polls = ct_empty_wait_polls();
	end_leftovers(plan, 2, NULL);
	CT_CHECK(got == 2, "reap_all(out, 4) returned %d with two children to reap; expected 2", got);
	/* The count first: it does not depend on how busy the machine is. */
	CT_CHECK(polls <= 3,
		 "while two children ran for %u and %u ms, reap_all asked %d times with WNOHANG whether a child "
		 "had ended, and was told no each time: it polls instead of sleeping. Let waitpid block (no "
		 "WNOHANG) so the kernel wakes you when a child ends.",
		 plan[0].delay_ms, plan[1].delay_ms, polls);
	CT_CHECK(cpu * 10 < wall * 3,
		 "reap_all used %llu ms of CPU time during the %llu ms it waited for two children: it keeps polling "
		 "instead of sleeping. Let waitpid block (no WNOHANG) so the kernel wakes you when a child ends.",
		 (unsigned long long)(cpu / CT_MS), (unsigned long long)(wall / CT_MS));
	for (int i = 0; i < 2; i++) {
		uint64_t ended = sh->ended_ns[i], reaped = ct_reaped_at(plan[i].pid);
		CT_CHECK(!reaped || reaped < ended + late_ns,
			 "child %d ended %llu ms into the call, but reap_all collected it only %llu ms later: it "
			 "sleeps between looks instead of letting waitpid wake it as soon as a child ends (no "
			 "WNOHANG, no sleep between calls).",
			 (int)plan[i].pid, (unsigned long long)((ended - t0) / CT_MS),
			 (unsigned long long)((reaped - ended) / CT_MS));
	}
	ct_pass();
}
