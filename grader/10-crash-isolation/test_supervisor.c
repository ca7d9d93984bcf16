/*
 * test_supervisor.c - grader suite for lesson 10, exercise "supervisor"
 * (supervisor.h).
 *
 * The jobs are the grader's: each is told by its arg what to do (succeed,
 * exit with a code, segfault, abort, kill itself, hang, fail until a given
 * attempt, fork a child of its own and then return, hang or crash, print
 * a line, meet the others), and each attempt notes, in memory shared with
 * the test (ct_shared_alloc), that it ran: in which process and process
 * group, when, and the pid of any child it forked.  So the attempts are
 * counted from the grader's side (the job's own count, and the forks
 * through the wrapped fork()), the deadline is measured on the grader's
 * clock (each child's life from fork to reaping, ct_forked_lives), and
 * what is left afterwards is looked up in /proc: zombies among the
 * supervisor's children, and live processes among the ones its jobs
 * forked.  Only processes of this run are looked at, never the machine's.
 *
 * supervise runs under ct_run_within(): if it does not return, the test
 * shows where everything was blocked.  fork() is made to fail and the wait
 * calls to be interrupted by fault injection (ct_fault.h), armed only
 * around the call.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "ct_ipc.h"
#include "ct_order.h"
#include "ct_pitfalls.h"
#include "ct_sched.h"
#include "ct_test.h"
#include "procs.h"
#include "supervisor.h"

CT_SUITE(supervisor);

#define MAXJ	     SUPERVISE_MAX_JOBS
#define MAX_ATTEMPTS 8
#define RUN_LIMIT_MS 2500 /* a run of supervise that takes longer has hung */
#define LONG_MS	     3000 /* a deadline no job of a test that does not hang comes near */
#define STRAY_MS     300  /* a process SIGKILLed is gone well within this */
#define MEET_MS	     600  /* how long a MEET job waits for the others */

/* What a job does, told by its arg. */
enum kind {
	OK,	     /* returns 0 */
	EXIT,	     /* returns code */
	SEGV,	     /* writes through a NULL pointer */
	ABORT,	     /* calls abort() */
	KILL_SELF,   /* raise(SIGKILL): a SIGKILL the supervisor did not send */
	HANG,	     /* sleeps forever, ignoring SIGTERM */
	FLAKY,	     /* attempts before ok_from crash (odd ones) or exit 1 (even ones); later ones return 0 */
	FORK_RETURN, /* forks a child that sleeps forever, then returns 0 */
	FORK_HANG,   /* forks a child that sleeps forever, then hangs */
	FORK_SEGV,   /* forks a child that sleeps forever, then segfaults */
	PRINT,	     /* prints a line to stdout and flushes it, then returns 0 */
	MEET,	     /* waits (up to a limit) until every MEET job of the run is running, then returns 0 */
};

struct spec {
	int index;
	enum kind kind;
	int code;	   /* EXIT */
	int ok_from;	   /* FLAKY: the first attempt (1-based) that succeeds */
	uint64_t delay_ns; /* slept first */
};

/* What one attempt noted, in its own process. */
struct attempt {
	pid_t pid, pgrp, forked; /* forked: its own child (0: none) */
	uint64_t start_ns;
};

struct shared {
	atomic_int runs[MAXJ]; /* attempts of job i that reached its code */
	struct attempt at[MAXJ][MAX_ATTEMPTS];
	atomic_bool in_caller; /* a job's code ran in the calling process */
	struct ct_rendezvous meet;
};

static struct shared *sh;
static pid_t caller;
static struct spec specs[MAXJ];
static int meet_expected;	  /* MEET jobs of the next run */
static const char *run_note = ""; /* what is special about the next run, for messages: ", whose ..." */

static const char *const fate_names[] = {"JOB_OK", "JOB_EXITED", "JOB_KILLED", "JOB_TIMED_OUT", "JOB_NOT_STARTED"};

static const char *fate_name(int fate)
{
	static char buf[32];

	if (fate >= 0 && fate <= JOB_NOT_STARTED)
		return fate_names[fate];
	snprintf(buf, sizeof buf, "%d (no such fate)", fate);
	return buf;
}

/* "11 (SIGSEGV)" */
static const char *signal_text(int sig, char *buf, size_t len)
{
	const char *abbrev = sig > 0 && sig < NSIG ? sigabbrev_np(sig) : NULL;

	snprintf(buf, len, abbrev ? "%d (SIG%s)" : "%d", sig, abbrev);
	return buf;
}

/* What job s does, for messages. */
static const char *describe(const struct spec *s, char *buf, size_t len)
{
	switch (s->kind) {
	case OK:
		return "returns 0";
	case EXIT:
		snprintf(buf, len, "returns %d", s->code);
		return buf;
	case SEGV:
		return "segfaults (writes through a NULL pointer)";
	case ABORT:
		return "calls abort()";
	case KILL_SELF:
		return "kills itself with raise(SIGKILL) at once";
	case HANG:
		return "never ends (it sleeps, and ignores SIGTERM)";
	case FLAKY:
		snprintf(buf, len,
			 "fails on its first %d attempts (crashes with SIGSEGV, then exits with 1, in turn) "
			 "and returns 0 from attempt %d on",
			 s->ok_from - 1, s->ok_from);
		return buf;
	case FORK_RETURN:
		return "forks a child of its own that sleeps, then returns 0";
	case FORK_HANG:
		return "forks a child of its own that sleeps, then never ends";
	case FORK_SEGV:
		return "forks a child of its own that sleeps, then segfaults";
	case PRINT:
		return "prints a line to stdout, flushes it and returns 0";
	case MEET:
		return "waits until all the jobs of the run are running, then returns 0";
	}
	return "?";
}

static _Noreturn void sleep_forever(void)
{
	for (;;)
		pause();
}

static void crash(void)
{
	struct sigaction dfl = {.sa_handler = SIG_DFL};
	volatile int *volatile nowhere = NULL;

	sigaction(SIGSEGV, &dfl, NULL);
	*nowhere = 1;
}

/* Forks the job's own child, which sleeps until killed, and notes its pid. */
static void fork_own_child(struct attempt *a)
{
	pid_t pid = ct_real_fork();

	if (pid == 0)
		sleep_forever();
	if (a)
		a->forked = pid;
}

/* The one job function: spec in arg. */
static int job(void *arg)
{
	const struct spec *s = arg;
	int k = atomic_fetch_add(&sh->runs[s->index], 1);
	struct attempt *a = k < MAX_ATTEMPTS ? &sh->at[s->index][k] : NULL;

	if (a)
		*a = (struct attempt){getpid(), getpgrp(), 0, ct_now_ns()};
	if (getpid() == caller) { /* never crash or hang the test itself */
		sh->in_caller = true;
		return s->kind == EXIT ? s->code : 0;
	}
	setrlimit(RLIMIT_CORE, &(struct rlimit){0, 0}); /* the crashes leave no core files */
	if (s->delay_ns)
		ct_sleep_ns(s->delay_ns);
	switch (s->kind) {
	case OK:
		return 0;
	case EXIT:
		return s->code;
	case SEGV:
		crash();
		return 0;
	case ABORT:
		abort();
	case KILL_SELF:
		raise(SIGKILL);
		return 0;
	case HANG:
		signal(SIGTERM, SIG_IGN);
		sleep_forever();
	case FLAKY:
		if (k + 1 >= s->ok_from)
			return 0;
		if (k % 2 == 0)
			crash();
		return 1;
	case FORK_RETURN:
		fork_own_child(a);
		return 0;
	case FORK_HANG:
		fork_own_child(a);
		signal(SIGTERM, SIG_IGN);
		sleep_forever();
	case FORK_SEGV:
		fork_own_child(a);
		crash();
		return 0;
	case PRINT:
		printf("job %d ran\n", s->index);
		fflush(stdout);
		return 0;
	case MEET:
		ct_rendezvous_arrive(&sh->meet);
		return 0;
	}
	return 0;
}

/* ---- one run of supervise ------------------------------------------------ */

static struct {
	struct job jobs[MAXJ];
	int n, max_restarts, deadline_ms;
	struct job_result results[MAXJ];
	int ret, err;
	uint64_t t0, t1;	      /* around the call, on the grader's clock */
	struct ct_sched_times s0, s1; /* the calling thread's, around the call */
	void (*arm)(void);	      /* faults to arm just around the call */
} run_state;

static void call(void *unused)
{
	(void)unused;
	if (run_state.arm)
		run_state.arm();
	run_state.s0 = ct_sched_self();
	run_state.t0 = ct_now_ns();
	errno = 0;
	run_state.ret =
	    supervise(run_state.jobs, run_state.n, run_state.max_restarts, run_state.deadline_ms, run_state.results);
	run_state.err = errno;
	run_state.t1 = ct_now_ns();
	run_state.s1 = ct_sched_self();
	ct_faults_reset();
}

static void setup(void)
{
	caller = getpid();
	if (!sh) {
		sh = ct_shared_alloc(sizeof *sh);
		prctl(PR_SET_CHILD_SUBREAPER, 1); /* see reap_own_children */
	}
}

/* Job i of the next run. */
static void set_job(int i, enum kind kind, int code)
{
	specs[i] = (struct spec){.index = i, .kind = kind, .code = code, .ok_from = 1 << 30};
}

/* "supervise(jobs, 3, 2, 300, results)" */
static const char *call_text(void)
{
	static char buf[256];

	snprintf(buf, sizeof buf, "supervise(jobs, %d, %d, %d, results)%s", run_state.n, run_state.max_restarts,
		 run_state.deadline_ms, run_note);
	return buf;
}

/* The jobs of the run, one line each, for messages. */
static const char *jobs_text(void)
{
	static char buf[2048];
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < run_state.n && used < sizeof buf; i++) {
		char d[200];
		used += (size_t)snprintf(buf + used, sizeof buf - used, "\n  job %d %s", i,
					 describe(&specs[i], d, sizeof d));
	}
	return buf;
}

/*
 * Kills every child the jobs forked of their own, and reaps the ones that
 * have become the test's: the test process is a child subreaper (setup),
 * so a job's child whose parent ended is reparented to it instead of to the
 * grader's harness, which would count it as a process the tests left.
 */
static void reap_own_children(void)
{
	for (int i = 0; i < MAXJ; i++)
		for (int k = 0; k < MAX_ATTEMPTS; k++) {
			pid_t g = sh->at[i][k].forked;
			struct proc_info p;
			if (g <= 0)
				continue;
			if (procs_read(g, &p) && p.pgrp == sh->at[i][k].pgrp) {
				kill(g, SIGKILL);
				if (p.ppid == getpid())
					while (ct_real_waitpid(g, NULL, 0) == -1 && errno == EINTR)
						;
			}
			sh->at[i][k].forked = 0;
		}
}

/* Runs supervise on jobs 0 .. n-1 of specs; fails the test with the picture if it does not return. */
static void run(int n, int max_restarts, int deadline_ms, void (*arm)(void))
{
	static const char *names[64];
	char why[6000];

	setup();
	reap_own_children();
	memset(sh, 0, sizeof *sh);
	if (meet_expected)
		ct_rendezvous_init(&sh->meet, meet_expected, MEET_MS * CT_MS);
	for (int i = 0; i < n; i++)
		run_state.jobs[i] = (struct job){job, &specs[i]};
	for (int i = 0; i < MAXJ; i++)
		run_state.results[i] = (struct job_result){-1, -1, -1};
	run_state.n = n;
	run_state.max_restarts = max_restarts;
	run_state.deadline_ms = deadline_ms;
	run_state.arm = arm;
	ct_api_reset();
	bool returned = ct_run_within(call, NULL, RUN_LIMIT_MS * CT_MS, "supervise", names, 0, why, sizeof why);
	if (!returned)
		reap_own_children();
	CT_CHECK(returned,
		 "%s did not return within %.1f s, with these jobs:%s\nWhere everything was blocked:\n%s"
		 "Start every job's first attempt before waiting for any, look at the attempts without blocking "
		 "(waitpid(pid, &status, WNOHANG)), and kill the process group of an attempt that is past its "
		 "deadline with SIGKILL (a job may ignore SIGTERM)",
		 call_text(), RUN_LIMIT_MS / 1000.0, jobs_text(), why);
	CT_CHECK(!sh->in_caller,
		 "%s ran a job's function in the calling process; every attempt must run in a child "
		 "process of its own (fork, then call jobs[i].fn(jobs[i].arg) in the child)",
		 call_text());
}

/* Which job and attempt the child pid was, from what the attempts noted: "job 2's attempt 1" (static). */
static const char *attempt_of(pid_t pid)
{
	static char buf[64];

	for (int i = 0; i < run_state.n; i++)
		for (int k = 0; k < MAX_ATTEMPTS; k++)
			if (sh->at[i][k].pid == pid) {
				snprintf(buf, sizeof buf, "job %d's attempt %d", i, k + 1);
				return buf;
			}
	snprintf(buf, sizeof buf, "a child that ran no job");
	return buf;
}

/* After a run: every child supervise forked was waited for, and none of the jobs' own children is alive. */
static void check_clean(void)
{
	static char names_buf[64][64];
	static const char *names[64];
	pid_t kids[64];
	char zombies[2048];
	int forks = ct_forked(kids, 64);

	for (int k = 0; k < forks && k < 64; k++) {
		snprintf(names_buf[k], sizeof names_buf[k], "%s", attempt_of(kids[k]));
		names[k] = names_buf[k];
	}
	int nz = ct_settle_children(names, forks < 64 ? forks : 64, zombies, sizeof zombies);
	CT_CHECK(nz == 0,
		 "%s returned; then: %s. Wait (waitpid) for every attempt you started before returning, "
		 "the ones that crashed or that you killed too, with these jobs:%s",
		 call_text(), zombies, jobs_text());
	/* Which of the jobs' own children were still alive STRAY_MS after supervise returned. */
	struct attempt left[8];
	int nleft = 0, lefts_job[8];
	uint64_t until = ct_now_ns() + STRAY_MS * CT_MS;
	for (int i = 0; i < run_state.n; i++)
		for (int k = 0; k < MAX_ATTEMPTS; k++) {
			const struct attempt *a = &sh->at[i][k];
			struct proc_info p;
			bool alive;
			if (a->forked <= 0)
				continue;
			while ((alive = procs_read(a->forked, &p) && p.state != 'Z' && p.pgrp == a->pgrp) &&
			       ct_now_ns() < until)
				ct_sleep_ns(CT_MS);
			if (alive && nleft < 8) {
				lefts_job[nleft] = i;
				left[nleft++] = *a;
			}
		}
	reap_own_children();
	for (int l = 0; l < nleft; l++) {
		const struct attempt *a = &left[l];
		int i = lefts_job[l];
		char d[200];
		CT_CHECK(
		    false,
		    "%s returned, but the child that job %d's attempt (pid %d, process group %d) had forked of its "
		    "own (pid %d) was still running %d ms later. The job %s. %s",
		    call_text(), i, (int)a->pid, (int)a->pgrp, (int)a->forked, STRAY_MS,
		    describe(&specs[i], d, sizeof d),
		    a->pgrp != a->pid
			? "The attempt was not the leader of a process group of its own (call setpgid(0, 0) in "
			  "the child, and setpgid(pid, pid) in the parent), so nothing could kill what it forked "
			  "in one go"
			: "When an attempt ends, whichever way, and when it runs out of time, send SIGKILL to its "
			  "whole process group (killpg(pid, SIGKILL)), not only to the child you forked");
	}
}

/* Checks results[i] against what job i must have come to, and its attempts against the job's own count. */
static void expect(int i, enum job_fate fate, int code, int attempts, const char *advice)
{
	const struct job_result *r = &run_state.results[i];
	char d[200], sig[32], want_code[48];
	int ran = sh->runs[i];

	if (fate == JOB_KILLED)
		signal_text(code, want_code, sizeof want_code);
	else if (fate == JOB_NOT_STARTED)
		snprintf(want_code, sizeof want_code, "%d (%s)", code, strerrorname_np(code));
	else
		snprintf(want_code, sizeof want_code, "%d", code);
	CT_CHECK(r->fate == fate && r->code == code,
		 "%s: results[%d] = {%s, %s, %d}; expected fate %s with code %s for job %d, which %s. %s", call_text(),
		 i, fate_name((int)r->fate),
		 r->fate == JOB_KILLED ? signal_text(r->code, sig, sizeof sig)
				       : (snprintf(sig, sizeof sig, "%d", r->code), sig),
		 r->attempts, fate_name((int)fate), want_code, i, describe(&specs[i], d, sizeof d), advice);
	int reported = 0;
	for (int j = 0; j < run_state.n; j++)
		reported += run_state.results[j].attempts;
	CT_CHECK(r->attempts == ran,
		 "%s: results[%d].attempts is %d, but job %d's code ran %d time%s (each attempt told the grader). %s",
		 call_text(), i, r->attempts, i, ran, ran == 1 ? "" : "s",
		 r->attempts > ran && reported == ct_count(CT_CALL_fork)
		     ? "Every fork was counted, so an attempt ended before the job's code could run: was it killed "
		       "at once (a deadline already past)?"
		     : "Count every attempt you started (every fork that made a child for the job)");
	CT_CHECK(ran == attempts,
		 "%s: job %d, which %s, was started %d time%s; expected %d. A job that fails (exits non-zero, is "
		 "killed by a signal, or runs out of time) is started again, up to max_restarts (%d) times; a job "
		 "that succeeds, or whose fork failed, is not started again",
		 call_text(), i, describe(&specs[i], d, sizeof d), ran, ran == 1 ? "" : "s", attempts,
		 run_state.max_restarts);
}

static void expect_return_0(void)
{
	CT_CHECK(run_state.ret == 0,
		 "%s returned %d with errno %d; expected 0: every attempt could be started, "
		 "whatever the jobs' fates, with these jobs:%s",
		 call_text(), run_state.ret, run_state.err, jobs_text());
}

static int forks_expected(void)
{
	int sum = 0;

	for (int i = 0; i < run_state.n; i++)
		sum += sh->runs[i];
	return sum;
}

static const char *const decode_exit =
    "Decode the wait status: WIFEXITED(status), then WEXITSTATUS(status) is the code";
static const char *const decode_signal =
    "Decode the wait status: WIFSIGNALED(status), then WTERMSIG(status) is the signal (not 128 + the signal: "
    "that is the shell's way of printing it)";

/* ---- the tests ------------------------------------------------------------ */

CT_TEST(supervisor, correct_reports_each_fate_and_signal)
{
	set_job(0, OK, 0);
	set_job(1, EXIT, 3);
	set_job(2, SEGV, 0);
	set_job(3, ABORT, 0);
	set_job(4, KILL_SELF, 0);
	set_job(5, EXIT, 255);
	run(6, 0, LONG_MS, NULL);
	check_clean();
	expect_return_0();
	expect(0, JOB_OK, 0, 1, "An attempt that exited with status 0 succeeded");
	expect(1, JOB_EXITED, 3, 1, decode_exit);
	expect(2, JOB_KILLED, SIGSEGV, 1, decode_signal);
	expect(3, JOB_KILLED, SIGABRT, 1, decode_signal);
	expect(4, JOB_KILLED, SIGKILL, 1,
	       "It killed itself long before its deadline: JOB_TIMED_OUT is only for an attempt the supervisor "
	       "killed itself because its time was up, so remember which attempts you killed");
	expect(5, JOB_EXITED, 255, 1, decode_exit);
	CT_CHECK(ct_count(CT_CALL_fork) == 6,
		 "%s with 6 jobs and max_restarts 0 made %d fork()s; expected 6, one "
		 "per job",
		 call_text(), ct_count(CT_CALL_fork));
	pid_t first;
	int exits = ct_pitfall_exits(&first);
	CT_CHECK(exits == 0,
		 "%d of the attempts (the first: pid %d) ended with exit() instead of _exit(): exit() "
		 "runs the caller's atexit handlers and flushes its stdio buffers again, in the child. End the child "
		 "with _exit(jobs[i].fn(jobs[i].arg))",
		 exits, (int)first);
	ct_pass();
}

CT_TEST(supervisor, correct_each_attempt_runs_in_a_child_leading_a_process_group_of_its_own)
{
	set_job(0, OK, 0);
	set_job(1, EXIT, 2);
	set_job(2, FLAKY, 0);
	specs[2].ok_from = 3;
	run(3, 2, LONG_MS, NULL);
	check_clean();
	expect_return_0();
	pid_t seen[3 * MAX_ATTEMPTS];
	int nseen = 0;
	for (int i = 0; i < 3; i++)
		for (int k = 0; k < sh->runs[i] && k < MAX_ATTEMPTS; k++) {
			const struct attempt *a = &sh->at[i][k];
			CT_CHECK(a->pid != caller, "job %d's attempt %d ran in the calling process", i, k + 1);
			for (int s = 0; s < nseen; s++)
				CT_CHECK(seen[s] != a->pid,
					 "job %d's attempt %d ran in process %d, which another attempt "
					 "had run in: each attempt is a new child process",
					 i, k + 1, (int)a->pid);
			seen[nseen++] = a->pid;
			CT_CHECK(
			    a->pgrp == a->pid,
			    "%s: job %d's attempt %d ran in process %d, whose process group was %d%s; expected a "
			    "new group led by the child (group id = its pid): call setpgid(0, 0) in the child "
			    "before the job, and setpgid(pid, pid) in the parent, so that one SIGKILL to the group "
			    "reaches whatever the job forks",
			    call_text(), i, k + 1, (int)a->pid, (int)a->pgrp,
			    a->pgrp == getpgrp() ? " (the caller's own group)" : "");
		}
	expect(2, JOB_OK, 0, 3, "It fails twice, then succeeds");
	ct_pass();
}

CT_TEST(supervisor, correct_restarts_failed_jobs_up_to_the_limit)
{
	static const int limits[] = {2, 0, 5};

	for (int c = 0; c < 3; c++) {
		int k = limits[c];
		set_job(0, EXIT, 5);
		set_job(1, SEGV, 0);
		set_job(2, FLAKY, 0);
		specs[2].ok_from = 3;
		set_job(3, OK, 0);
		run(4, k, LONG_MS, NULL);
		check_clean();
		expect_return_0();
		expect(0, JOB_EXITED, 5, 1 + k, "Its last attempt exited with 5");
		expect(1, JOB_KILLED, SIGSEGV, 1 + k, "Its last attempt crashed");
		if (k >= 2)
			expect(2, JOB_OK, 0, 3,
			       "Its third attempt succeeded: restart a failed job as soon as it ended");
		else
			expect(2, JOB_KILLED, SIGSEGV, 1, "Its only attempt crashed");
		expect(3, JOB_OK, 0, 1, "A job that succeeds is not started again");
		CT_CHECK(ct_count(CT_CALL_fork) == forks_expected(),
			 "%s made %d fork()s, but the jobs ran %d attempts in all", call_text(), ct_count(CT_CALL_fork),
			 forks_expected());
	}
	ct_pass();
}

CT_TEST(supervisor, correct_a_job_past_its_deadline_is_killed_with_its_group)
{
	set_job(0, FORK_HANG, 0);
	set_job(1, OK, 0);
	run(2, 1, 200, NULL);
	check_clean();
	expect_return_0();
	expect(0, JOB_TIMED_OUT, 0, 2,
	       "Each attempt was still running at its deadline: kill its process group with SIGKILL, wait for it, "
	       "and report JOB_TIMED_OUT (code 0), then start it again while restarts are left");
	expect(1, JOB_OK, 0, 1, "It succeeded at once");
	ct_pass();
}

CT_TEST(supervisor, correct_no_process_of_a_job_outlives_supervise)
{
	set_job(0, FORK_RETURN, 0);
	set_job(1, FORK_SEGV, 0);
	set_job(2, EXIT, 7);
	run(3, 0, LONG_MS, NULL);
	check_clean();
	expect_return_0();
	expect(0, JOB_OK, 0, 1, "It returned 0; what it forked is not its result");
	expect(1, JOB_KILLED, SIGSEGV, 1, decode_signal);
	expect(2, JOB_EXITED, 7, 1, decode_exit);
	ct_pass();
}

CT_TEST(supervisor, correct_leaves_the_callers_own_children_alone)
{
	pid_t mine = ct_fork_ended_child(42);

	CT_CHECK(mine > 0, "grader error: fork failed");
	set_job(0, OK, 0);
	set_job(1, EXIT, 2);
	set_job(2, FLAKY, 0);
	specs[2].ok_from = 2;
	specs[2].delay_ns = 20 * CT_MS;
	run(3, 1, LONG_MS, NULL);
	int st = 0;
	pid_t got = ct_real_waitpid(mine, &st, WNOHANG);
	check_clean();
	CT_CHECK(got == mine && WIFEXITED(st) && WEXITSTATUS(st) == 42,
		 "the caller had a child of its own (pid %d, which had ended with status 42) before it called %s, and "
		 "supervise waited for it: wait for each attempt by its pid (waitpid(pid, ...)), never for any child "
		 "(wait(), waitpid(-1, ...)): that child may be someone else's",
		 (int)mine, call_text());
	expect_return_0();
	expect(0, JOB_OK, 0, 1, "It succeeded at once");
	expect(1, JOB_EXITED, 2, 2, decode_exit);
	expect(2, JOB_OK, 0, 2, "Its first attempt crashed, its second succeeded");
	ct_pass();
}

CT_TEST(supervisor, correct_results_follow_the_job_not_the_order_of_ending)
{
	const enum ct_order_kind kinds[] = {CT_ORDER_REVERSED, CT_ORDER_SHUFFLED};
	const int n = 6;

	for (int c = 0; c < 2; c++) {
		struct ct_order o;
		char order[200];
		ct_order_make(&o, kinds[c], 11, n);
		for (int i = 0; i < n; i++) {
			set_job(i, EXIT, 10 + i);
			specs[i].delay_ns = ct_order_delay(&o, i, 5 * CT_MS);
		}
		run(n, 0, LONG_MS, NULL);
		check_clean();
		expect_return_0();
		for (int i = 0; i < n; i++)
			CT_CHECK(run_state.results[i].fate == JOB_EXITED && run_state.results[i].code == 10 + i,
				 "%s, with jobs that end %s: results[%d] = {%s, %d, %d}; expected {JOB_EXITED, %d, 1}: "
				 "results[i] is about job i, whichever job ends first; keep which pid is which job's",
				 call_text(), ct_order_describe(&o, order, sizeof order), i,
				 fate_name((int)run_state.results[i].fate), run_state.results[i].code,
				 run_state.results[i].attempts, 10 + i);
	}
	ct_pass();
}

static void fail_second_fork(void)
{
	ct_fail_call(CT_CALL_fork, 2, EAGAIN);
}
static void fail_third_fork(void)
{
	ct_fail_call(CT_CALL_fork, 3, ENOMEM);
}
static void fail_every_fork(void)
{
	ct_fail_calls_from(CT_CALL_fork, 1, EAGAIN);
}

/* After a run in which fork failed with err: -1 with errno err. */
static void expect_fork_error(int err)
{
	CT_CHECK(run_state.ret == -1 && run_state.err == err,
		 "%s returned %d with errno %d; expected -1 with errno %s (%d), once every job that did start had "
		 "ended: keep fork's errno safe from the calls you make afterwards",
		 call_text(), run_state.ret, run_state.err, strerrorname_np(err), err);
}

CT_TEST(supervisor, correct_a_failed_fork_is_reported_and_the_other_jobs_still_run)
{
	const char *const advice = "If fork fails for an attempt, the job's fate is JOB_NOT_STARTED with fork's errno, "
				   "and it is not started again";

	/* 3 jobs that succeed; the second fork fails: one job could not start, the others ran. */
	for (int i = 0; i < 3; i++)
		set_job(i, OK, 0);
	run_note = ", whose second fork() failed with EAGAIN";
	run(3, 1, LONG_MS, fail_second_fork);
	check_clean();
	int unstarted = -1, nunstarted = 0;
	for (int i = 0; i < 3; i++)
		if (sh->runs[i] == 0) {
			unstarted = i;
			nunstarted++;
		}
	CT_CHECK(nunstarted == 1,
		 "%s: %d of the 3 jobs never ran; expected exactly 1 (the one whose fork failed): "
		 "start the others as usual, and do not start that one again",
		 call_text(), nunstarted);
	expect_fork_error(EAGAIN);
	for (int i = 0; i < 3; i++)
		if (i == unstarted)
			expect(i, JOB_NOT_STARTED, EAGAIN, 0, advice);
		else
			expect(i, JOB_OK, 0, 1,
			       "It ran and succeeded: a failed fork for another job changes nothing for it");
	/* A restart's fork fails: the job is given up, with its attempts so far. */
	set_job(0, EXIT, 4);
	run_note = ", whose third fork() failed with ENOMEM";
	run(1, 3, LONG_MS, fail_third_fork);
	check_clean();
	expect_fork_error(ENOMEM);
	expect(0, JOB_NOT_STARTED, ENOMEM, 2, advice);
	/* Every fork fails: nothing runs, and supervise still returns. */
	set_job(0, OK, 0);
	set_job(1, HANG, 0);
	run_note = ", whose every fork() failed with EAGAIN";
	run(2, 2, LONG_MS, fail_every_fork);
	check_clean();
	expect_fork_error(EAGAIN);
	expect(0, JOB_NOT_STARTED, EAGAIN, 0, advice);
	expect(1, JOB_NOT_STARTED, EAGAIN, 0, advice);
	ct_pass();
}

static void interrupt_first_waits(void)
{
	ct_fail_waits(1, EINTR);
}
static void interrupt_third_waits(void)
{
	ct_fail_waits(3, EINTR);
}

CT_TEST(supervisor, correct_an_interrupted_wait_is_made_again)
{
	void (*const arms[])(void) = {interrupt_first_waits, interrupt_third_waits};
	const char *const which[] = {"first", "third"};

	for (int c = 0; c < 2; c++) {
		set_job(0, EXIT, 9);
		set_job(1, SEGV, 0);
		set_job(2, OK, 0);
		for (int i = 0; i < 3; i++)
			specs[i].delay_ns = 10 * CT_MS;
		char note[120];
		snprintf(note, sizeof note, ", whose %s call of each wait function was interrupted by a signal (EINTR)",
			 which[c]);
		run_note = note;
		run(3, 0, LONG_MS, arms[c]);
		check_clean();
		CT_CHECK(run_state.ret == 0,
			 "%s returned %d with errno %d; expected 0: an interrupted wait has waited for "
			 "nothing, so make it again",
			 call_text(), run_state.ret, run_state.err);
		const char *again = "An interrupted wait (EINTR) has not reaped the child: make it again";
		expect(0, JOB_EXITED, 9, 1, again);
		expect(1, JOB_KILLED, SIGSEGV, 1, again);
		expect(2, JOB_OK, 0, 1, again);
	}
	ct_pass();
}

CT_TEST(supervisor, correct_bad_arguments_are_refused)
{
	static struct job_result results[MAXJ + 1];
	static struct job jobs[MAXJ + 1];
	static struct job with_null[2];
	const struct {
		const struct job *jobs;
		int n, max_restarts, deadline_ms;
		struct job_result *results;
		const char *text;
	} bad[] = {
	    {jobs, 0, 0, 100, results, "supervise(jobs, 0, 0, 100, results)"},
	    {jobs, MAXJ + 1, 0, 100, results, "supervise(jobs, 33, 0, 100, results)"},
	    {NULL, 2, 0, 100, results, "supervise(NULL, 2, 0, 100, results)"},
	    {jobs, 2, 0, 100, NULL, "supervise(jobs, 2, 0, 100, NULL)"},
	    {with_null, 2, 0, 100, results, "supervise(jobs, 2, 0, 100, results) with jobs[1].fn NULL"},
	    {jobs, 2, -1, 100, results, "supervise(jobs, 2, -1, 100, results)"},
	    {jobs, 2, 0, 0, results, "supervise(jobs, 2, 0, 0, results)"},
	};
	setup();
	memset(sh, 0, sizeof *sh);
	for (int i = 0; i <= MAXJ; i++) {
		set_job(i < MAXJ ? i : 0, OK, 0);
		jobs[i] = (struct job){job, &specs[i < MAXJ ? i : 0]};
	}
	with_null[0] = jobs[0];
	with_null[1] = (struct job){NULL, &specs[1]};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		ct_api_reset();
		errno = 0;
		int r = supervise(bad[k].jobs, bad[k].n, bad[k].max_restarts, bad[k].deadline_ms, bad[k].results);
		int e = errno;
		CT_CHECK(r == -1 && e == EINVAL, "%s returned %d with errno %d; expected -1 with errno EINVAL (%d)",
			 bad[k].text, r, e, EINVAL);
		CT_CHECK(ct_count(CT_CALL_fork) == 0,
			 "%s started %d children before refusing its arguments: check them "
			 "all first",
			 bad[k].text, ct_count(CT_CALL_fork));
	}
	for (int i = 0; i < MAXJ; i++)
		set_job(i, EXIT, i);
	run(MAXJ, 0, LONG_MS, NULL);
	check_clean();
	expect_return_0();
	for (int i = 0; i < MAXJ; i++)
		expect(i, i ? JOB_EXITED : JOB_OK, i, 1, decode_exit);
	ct_pass();
}

CT_TEST(supervisor, correct_output_the_caller_buffered_is_written_once)
{
	static char buf[4096];
	const char *line = "a line the caller printed before supervise\n";

	setup();
	fflush(stdout);
	int out = memfd_create("stdout", 0), saved = dup(STDOUT_FILENO);
	CT_CHECK(out >= 0 && saved >= 0 && dup2(out, STDOUT_FILENO) == STDOUT_FILENO,
		 "grader error: cannot redirect stdout (%s)", strerror(errno));
	setvbuf(stdout, buf, _IOFBF, sizeof buf); /* as when stdout is a file or a pipe */
	fputs(line, stdout);			  /* still in the caller's buffer */
	set_job(0, PRINT, 0);
	set_job(1, PRINT, 0);
	run(2, 0, LONG_MS, NULL);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	char text[4096] = "";
	ssize_t len = pread(out, text, sizeof text - 1, 0);
	close(out);
	text[len > 0 ? len : 0] = '\0';
	int copies = 0;
	for (const char *p = text; (p = strstr(p, line)); p += strlen(line))
		copies++;
	check_clean();
	expect(0, JOB_OK, 0, 1, "It printed a line and returned 0");
	expect(1, JOB_OK, 0, 1, "It printed a line and returned 0");
	CT_CHECK(
	    copies == 1,
	    "the caller had printed \"a line the caller printed before supervise\" into stdout's buffer (stdout was a "
	    "file, so nothing had been written yet), then called %s with 2 jobs that each print a line and flush "
	    "stdout; the line was written %d times: each child got a copy of the caller's buffer and wrote it "
	    "again. Call fflush(NULL) before every fork. What was written:\n%s",
	    call_text(), copies, text);
	CT_CHECK(strstr(text, "job 0 ran\n") && strstr(text, "job 1 ran\n"),
		 "the jobs' own output is missing from what was written to stdout:\n%s", text);
	pid_t first;
	int exits = ct_pitfall_exits(&first);
	CT_CHECK(exits == 0, "%d of the attempts (the first: pid %d) ended with exit() instead of _exit()", exits,
		 (int)first);
	ct_pass();
}

/* ---- timing: all measured on the grader's clock ---------------------------- */

/* How long the calling thread of supervise was runnable but waiting for a CPU during the call. */
static uint64_t cpu_wait_ns(void)
{
	if (!run_state.s0.ok || !run_state.s1.ok)
		return 0;
	return run_state.s1.wait_ns - run_state.s0.wait_ns;
}

CT_TEST(supervisor, timing_jobs_run_at_the_same_time)
{
	const int n = 4;

	for (int i = 0; i < n; i++)
		set_job(i, MEET, 0);
	meet_expected = n;
	run(n, 0, LONG_MS, NULL);
	check_clean();
	int ran = 0;
	for (int i = 0; i < n; i++)
		ran += sh->runs[i] > 0;
	CT_CHECK(ran == n, "%s: only %d of the 4 jobs ran at all", call_text(), ran);
	CT_CHECK(ct_rendezvous_met(&sh->meet),
		 "%s, with 4 jobs that each wait up to %d ms until all 4 are running: they never all ran at the same "
		 "time. Start the first attempt of every job before waiting for any",
		 call_text(), MEET_MS);
	ct_pass();
}

CT_TEST(supervisor, timing_a_failed_job_is_restarted_while_a_hanging_one_runs)
{
	set_job(0, HANG, 0);
	set_job(1, FLAKY, 0);
	specs[1].ok_from = 3;
	run(2, 2, 300, NULL);
	check_clean();
	expect(1, JOB_OK, 0, 3, "It fails twice, then succeeds");
	uint64_t third = sh->at[1][2].start_ns - run_state.t0;
	if (third >= 150 * CT_MS && cpu_wait_ns() > third / 3)
		CT_SKIP("the machine was too busy to tell: supervise's thread waited %.0f ms for a CPU",
			(double)cpu_wait_ns() / 1e6);
	CT_CHECK(third < 150 * CT_MS,
		 "%s, with job 0 that never ends and job 1 that fails twice (at once) and then succeeds: job 1's third "
		 "attempt started %.0f ms after supervise was called; expected well before job 0's first deadline "
		 "(300 ms). Start a failed job again as soon as its attempt has ended, while the others go on "
		 "running: never wait for one job before looking at the others",
		 call_text(), (double)third / 1e6);
	ct_pass();
}

CT_TEST(supervisor, timing_a_hanging_job_is_killed_at_its_deadline_not_before)
{
	const int deadline_ms = 250;
	struct ct_interval lives[8];

	set_job(0, HANG, 0);
	run(1, 1, deadline_ms, NULL);
	int nlives = ct_forked_lives(lives, 8);
	check_clean();
	CT_CHECK(nlives == 2,
		 "%s, with a job that never ends: %d fork()s; expected 2 (the attempt, then its one "
		 "restart)",
		 call_text(), nlives);
	for (int k = 0; k < nlives && k < 2; k++) {
		double life_ms = (double)(lives[k].end_ns - lives[k].start_ns) / 1e6;
		CT_CHECK(lives[k].end_ns > lives[k].start_ns, "attempt %d was never seen reaped by a wait call", k + 1);
		CT_CHECK(
		    life_ms >= deadline_ms - 15,
		    "%s, with a job that never ends: attempt %d was killed and reaped %.0f ms after its fork; expected "
		    "at its deadline, %d ms after it started. The deadline counts from each attempt's own start "
		    "(in milliseconds), not from the call of supervise",
		    call_text(), k + 1, life_ms, deadline_ms);
		if (life_ms > deadline_ms + 250 && cpu_wait_ns() > (uint64_t)((life_ms - deadline_ms) * 1e6 / 3))
			CT_SKIP("the machine was too busy to tell: supervise's thread waited %.0f ms for a CPU",
				(double)cpu_wait_ns() / 1e6);
		CT_CHECK(life_ms <= deadline_ms + 250,
			 "%s, with a job that never ends: attempt %d was reaped %.0f ms after its fork; expected soon "
			 "after its deadline (%d ms): look at the running attempts at least every few milliseconds, "
			 "and kill an attempt as soon as its time is up",
			 call_text(), k + 1, life_ms, deadline_ms);
	}
	expect(0, JOB_TIMED_OUT, 0, 2, "Each attempt was still running at its deadline");
	ct_pass();
}

CT_TEST(supervisor, timing_the_supervisor_sleeps_while_it_waits)
{
	set_job(0, HANG, 0);
	run(1, 0, 300, NULL);
	check_clean();
	expect(0, JOB_TIMED_OUT, 0, 1, "It was still running at its deadline");
	uint64_t wall = run_state.t1 - run_state.t0;
	if (!run_state.s0.ok || !run_state.s1.ok)
		CT_SKIP("this kernel does not say how long a thread ran (no /proc/thread-self/schedstat)");
	struct ct_life life = ct_life_between(run_state.s0, run_state.s1, wall);
	CT_CHECK(life.running < 0.25,
		 "%s, with a job that never ends: supervise's thread was on a CPU %.0f%% of the %.0f ms it took "
		 "(runnable and waiting for one %.0f%%); expected almost none: between two looks at the attempts, "
		 "sleep (nanosleep 1 ms, or block until a child ends or the next deadline comes), do not spin",
		 call_text(), 100 * life.running, (double)wall / 1e6, 100 * life.waiting);
	ct_pass();
}
