/*
 * test_reap.c - grader suite for lesson 01, exercise "reap" (reap.h).
 *
 * The grader forks the children itself (uncounted, with ct_real_fork) and
 * knows how each one will end; reap_all() must report exactly that.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ct_test.h"
#include "reap.h"

CT_SUITE(reap);

/* How a grader child ends: exit with code, or die from signal sig. */
struct plan {
	int sig;  /* 0: exit with code */
	int code;
	unsigned delay_ms;
	pid_t pid;
};

static void start_children(struct plan *p, int n)
{
	for (int i = 0; i < n; i++) {
		pid_t pid = ct_real_fork();

		if (pid == -1)
			cr_assert_fail("grader error: fork failed: %s", strerror(errno));
		if (pid == 0) {
			/* If the test fails before reaping us, end with it. */
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			ct_sleep_ns(p[i].delay_ms * CT_MS);
			if (p[i].sig)
				raise(p[i].sig);
			ct_exit_now(p[i].code);
		}
		p[i].pid = pid;
	}
}

static const char *describe(const struct plan *p, char *buf, size_t len)
{
	if (p->sig)
		snprintf(buf, len, "was killed by signal %d (%s)", p->sig, strsignal(p->sig));
	else
		snprintf(buf, len, "exited with status %d", p->code);
	return buf;
}

/* Checks that out[0..n) reports exactly the children of plan, once each. */
static void check_reports(const struct plan *plan, int n, const struct child_end *out, int got)
{
	CT_CHECK(got == n, "reap_all(out, 16) returned %d with %d children to reap; expected %d", got, n, n);
	for (int i = 0; i < n; i++) {
		int found = -1;
		char what[96];

		for (int j = 0; j < got; j++)
			if (out[j].pid == plan[i].pid) {
				CT_CHECK(found == -1, "reap_all reported child %d twice (out[%d] and out[%d])",
					 (int)plan[i].pid, found, j);
				found = j;
			}
		describe(&plan[i], what, sizeof what);
		CT_CHECK(found >= 0, "child %d %s, but reap_all did not report it", (int)plan[i].pid, what);
		const struct child_end *e = &out[found];
		int want_exited = plan[i].sig == 0;
		int want_code = want_exited ? plan[i].code : plan[i].sig;
		CT_CHECK(e->exited == want_exited, "child %d %s, but out[%d].exited is %d; expected %d", (int)e->pid,
			 what, found, e->exited, want_exited);
		CT_CHECK(e->code == want_code,
			 "child %d %s, but out[%d].code is %d; expected %d.%s", (int)e->pid, what, found, e->code,
			 want_code,
			 (e->code == (want_code << 8) || e->code == want_code + 0x80)
				 ? " That is the raw status from waitpid: decode it with WEXITSTATUS or WTERMSIG."
				 : "");
	}
}

CT_TEST(reap, correct_reports_how_each_child_ended)
{
	struct plan plan[] = {
		{0, 0, 0, 0}, {0, 7, 5, 0}, {SIGKILL, 0, 10, 0}, {SIGTERM, 0, 0, 0}, {0, 255, 30, 0},
	};
	int n = (int)(sizeof plan / sizeof plan[0]);
	struct child_end out[16];

	start_children(plan, n);
	memset(out, 0, sizeof out);
	int got = reap_all(out, 16);
	check_reports(plan, n, out, got);
	ct_pass();
}

CT_TEST(reap, correct_leaves_no_child_behind)
{
	struct plan plan[] = {{0, 1, 0, 0}, {0, 2, 40, 0}, {0, 3, 80, 0}};
	struct child_end out[16];
	int status;

	start_children(plan, 3);
	int got = reap_all(out, 16);
	CT_CHECK(got == 3, "reap_all returned %d with 3 children to reap; expected 3", got);
	pid_t left = ct_real_waitpid(-1, &status, WNOHANG);
	CT_CHECK(left == -1 && errno == ECHILD,
		 "after reap_all returned, a child was still not waited for (waitpid gave %d): keep waiting "
		 "until waitpid fails with ECHILD, without WNOHANG",
		 (int)left);
	ct_pass();
}

CT_TEST(reap, correct_returns_zero_without_children)
{
	struct child_end out[4];
	uint64_t t0 = ct_now_ns();

	int got = reap_all(out, 4);
	uint64_t ms = (ct_now_ns() - t0) / CT_MS;
	CT_CHECK(got == 0, "reap_all with no children returned %d (errno %d, %s); expected 0", got, errno,
		 strerror(errno));
	CT_CHECK(ms < 500, "reap_all with no children took %llu ms; it must return at once",
		 (unsigned long long)ms);
	ct_pass();
}

CT_TEST(reap, correct_counts_children_beyond_max)
{
	struct plan plan[] = {{0, 1, 0, 0}, {0, 2, 0, 0}, {0, 3, 0, 0}, {0, 4, 0, 0}};
	struct child_end out[4];
	int status;

	memset(out, 0x5a, sizeof out);
	start_children(plan, 4);
	int got = reap_all(out, 2);
	CT_CHECK(got == 4, "reap_all(out, 2) with 4 children returned %d; expected 4 (all reaped, 2 reported)",
		 got);
	CT_CHECK(out[2].pid == 0x5a5a5a5a && out[3].pid == 0x5a5a5a5a,
		 "reap_all(out, 2) wrote past out[1]: it may fill at most max entries");
	CT_CHECK(ct_real_waitpid(-1, &status, WNOHANG) == -1,
		 "reap_all(out, 2) left children unreaped; it must reap them all, reporting only max");
	ct_pass();
}

CT_TEST(reap, timing_sleeps_while_waiting)
{
	struct plan plan[] = {{0, 9, 300, 0}};
	struct child_end out[2];

	start_children(plan, 1);
	uint64_t cpu0 = ct_process_cpu_ns(), t0 = ct_now_ns();
	int got = reap_all(out, 2);
	uint64_t cpu = ct_process_cpu_ns() - cpu0, wall = ct_now_ns() - t0;
	CT_CHECK(got == 1, "reap_all returned %d with one child to reap; expected 1", got);
	CT_CHECK(cpu * 10 < wall * 3,
		 "reap_all used %llu ms of CPU time during the %llu ms it waited for a child: it keeps polling "
		 "instead of sleeping. Let waitpid block (no WNOHANG) so the kernel wakes you when a child ends.",
		 (unsigned long long)(cpu / CT_MS), (unsigned long long)(wall / CT_MS));
	ct_pass();
}
