/*
 * test_cost.c - grader suite for lesson 11, exercise "cost" (cost.h).
 *
 * A measurement cannot be checked against a fixed number: what a thread or
 * a process costs depends on the machine and on what else runs on it.  So
 * every check compares quantities taken in the same run:
 *   - the work really happened: the threads, children, reads and writes
 *     the student's code made are counted through the wrapped calls, and
 *     every thread joined, every child waited for, every descriptor closed;
 *   - the time returned is the time of that work: no more than the wall
 *     time of the call on the grader's own clock, and not much less (a
 *     number made up, or a clock read at the wrong place, fails);
 *   - the cost per item agrees, within a generous factor, with the
 *     grader's own measurement of the same thing taken just before and
 *     just after it (uncounted, through the real calls);
 *   - the ordering the lesson teaches and that this machine shows reliably:
 *     creating a process costs more than creating a thread.  (The switch
 *     costs of threads and processes are too close to be ordered
 *     reliably, so they are never compared with each other.)
 * When the machine is so busy that the grader's own measurements disagree
 * with each other, a timing test says "skipped: too busy" rather than fail.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cost.h"
#include "ct_ipc.h"
#include "ct_pitfalls.h"
#include "ct_test.h"
#include "tasks.h"

CT_SUITE(cost);

#define DEADLINE (4000 * CT_MS)

enum which { THREAD_CREATE, PROCESS_CREATE, THREAD_SWITCH, PROCESS_SWITCH };
static const char *const names[] = {"cost_thread_create", "cost_process_create", "cost_thread_switch",
				    "cost_process_switch"};
static long long (*const fns[])(int) = {cost_thread_create, cost_process_create, cost_thread_switch,
				       cost_process_switch};
/* What the time covers, for messages. */
static const char *const spans[] = {
	"from just before the first pthread_create to just after the last pthread_join",
	"from just before the first fork to just after the last wait",
	"from just before the first round trip to just after the last",
	"from just before the first round trip to just after the last",
};
static const char *const units[] = {"thread created and joined", "process forked and waited for",
				    "round trip between two threads", "round trip between two processes"};

/* One call of the student's, made in a helper thread under a deadline. */
struct measured {
	enum which w;
	int n;
	long long ret;
	int err;
	uint64_t wall_ns;          /* the call, on the grader's clock */
	bool affinity_kept;        /* the helper's mask after the call is the one before */
	long switches;             /* the helper's context switches during the call (voluntary or not) */
	struct sampler *sampler;   /* if set: told the helper's tid */
};

static void measure_body(void *arg)
{
	struct measured *m = arg;
	cpu_set_t before, after;

	bool got = sched_getaffinity(0, sizeof before, &before) == 0;
	if (m->sampler)
		m->sampler->caller = gettid();
	struct rusage r0, r1;
	getrusage(RUSAGE_THREAD, &r0);
	errno = 0;
	uint64_t t0 = ct_now_ns();
	m->ret = fns[m->w](m->n);
	uint64_t t1 = ct_now_ns();
	m->err = errno;
	getrusage(RUSAGE_THREAD, &r1);
	m->switches = (r1.ru_nvcsw - r0.ru_nvcsw) + (r1.ru_nivcsw - r0.ru_nivcsw);
	m->wall_ns = t1 - t0;
	m->affinity_kept = !got || (sched_getaffinity(0, sizeof after, &after) == 0 && CPU_EQUAL(&before, &after));
}

/* fns[w](n), which must return within DEADLINE. */
static struct measured call(enum which w, int n, struct sampler *s)
{
	char why[4096];
	struct measured m = {.w = w, .n = n, .sampler = s};
	bool done = ct_run_within(measure_body, &m, DEADLINE, names[w], NULL, 0, why, sizeof why);

	CT_CHECK(done, "%s(%d) did not return within %llu s.%s%s", names[w], n,
		 (unsigned long long)(DEADLINE / 1000000000), why[0] ? " Where it is:\n" : "", why);
	return m;
}

/*
 * fns[w](n), made again (up to 3 times, counters reset before each if
 * `reset`) while it returns a time under half of the call's wall time: a
 * switch measurement rightly leaves out creating the other side and
 * waiting for its end, which a busy machine can stretch.  A time made up,
 * or read at the wrong place, stays too small every time.
 */
static struct measured call_judged(enum which w, int n, struct sampler *s, bool reset)
{
	struct measured m;

	for (int attempt = 0; attempt < 3; attempt++) {
		if (reset)
			ct_api_reset();
		m = call(w, n, s);
		if (m.ret < 0 || (uint64_t)m.ret > m.wall_ns || (double)m.ret >= 0.5 * (double)m.wall_ns)
			break;
	}
	return m;
}

/* The call returned a time (not -1), and the time is plausible against the grader's clock. */
static void expect_plausible(const struct measured *m)
{
	const char *name = names[m->w];
	double wall_ms = (double)m->wall_ns / 1e6;

	CT_CHECK(m->ret >= 0, "%s(%d) returned %lld (errno %d, %s); expected the nanoseconds it measured", name, m->n,
		 m->ret, m->err, strerror(m->err));
	CT_CHECK((uint64_t)m->ret <= m->wall_ns,
		 "%s(%d) returned %lld ns (%.2f ms), but the whole call took only %.2f ms on the grader's clock: it "
		 "cannot have measured more time than it ran. Return the difference of two clock_gettime(CLOCK_MONOTONIC) "
		 "readings taken %s, in nanoseconds",
		 name, m->n, m->ret, (double)m->ret / 1e6, wall_ms, spans[m->w]);
	CT_CHECK((double)m->ret >= 0.5 * (double)m->wall_ns,
		 "%s(%d) returned %lld ns (%.2f ms), but the call took %.2f ms on the grader's clock: the time "
		 "returned covers less than half of the work. Measure %s, and return that difference in nanoseconds "
		 "(seconds times 1000000000, plus nanoseconds), not a number of your own",
		 name, m->n, m->ret, (double)m->ret / 1e6, wall_ms, spans[m->w]);
}

/* ---- creating ------------------------------------------------------------------ */

CT_TEST(cost, correct_thread_create_really_creates_and_joins_n_threads)
{
	const int ns[] = {50, 200};

	for (int k = 0; k < 2; k++) {
		int before[TASKS_MAX], nb = tasks_list(before, TASKS_MAX);
		struct measured m = call_judged(THREAD_CREATE, ns[k], NULL, true);
		expect_plausible(&m);
		int made = ct_count(CT_CALL_pthread_create), joins = 0;
		CT_CHECK(made == ns[k],
			 "cost_thread_create(%d) called pthread_create %d times; expected %d, one thread per round", ns[k],
			 made, ns[k]);
		int max_alive = 0;
		for (int i = 0; i < ct_threads_created() && i < CT_MAX_THREADS; i++) {
			struct ct_thread_record r = ct_thread(i);
			joins += r.joined;
			if (i > 0 && r.start_ns && r.start_ns < ct_thread(i - 1).end_ns)
				max_alive = 2;
		}
		CT_CHECK(joins == ns[k] && ct_count(CT_CALL_pthread_detach) == 0,
			 "cost_thread_create(%d) joined %d of its %d threads; expected every one, each before the next "
			 "is created",
			 ns[k], joins, ns[k]);
		CT_CHECK(max_alive < 2,
			 "cost_thread_create(%d) created a thread before the one before it had ended: create and join "
			 "them one after another, so that each round measures one creation",
			 ns[k]);
		int left = tasks_settle(before, nb);
		CT_CHECK(left == 0, "after cost_thread_create(%d) returned, %d of its threads were still there", ns[k],
			 left);
	}
	ct_pass();
}

CT_TEST(cost, correct_process_create_really_forks_and_waits_for_n_children)
{
	const int ns[] = {20, 60};

	for (int k = 0; k < 2; k++) {
		char left[2048];
		struct measured m = call_judged(PROCESS_CREATE, ns[k], NULL, true);
		int unreaped = ct_unreaped_children(NULL, 0, left, sizeof left);
		expect_plausible(&m);
		int made = ct_count(CT_CALL_fork);
		CT_CHECK(made == ns[k], "cost_process_create(%d) forked %d children; expected %d, one per round", ns[k],
			 made, ns[k]);
		CT_CHECK(unreaped == 0, "cost_process_create(%d) returned, but %d of its children were never waited for:\n%s",
			 ns[k], unreaped, left);
		pid_t first;
		int exits = ct_pitfall_exits(&first);
		CT_CHECK(exits == 0,
			 "cost_process_create(%d): %d of its children (the first: pid %d) ended with exit() instead of "
			 "_exit(): exit() runs the parent's atexit handlers and flushes its stdio buffers again in the "
			 "child; a child ends with _exit(0)",
			 ns[k], exits, (int)first);
		struct ct_interval lives[64];
		int nl = ct_forked_lives(lives, 64);
		for (int i = 1; i < nl; i++)
			CT_CHECK(lives[i].start_ns >= lives[i - 1].end_ns,
				 "cost_process_create(%d) forked child %d before child %d had been waited for: fork and "
				 "wait one after another, so that each round measures one process",
				 ns[k], i + 1, i);
	}
	ct_pass();
}

/* ---- switching -------------------------------------------------------------------- */

/* One switch measurement with every check of its contract, but for the timing. */
static void expect_round_trips(enum which w, int n)
{
	const char *name = names[w];
	struct ct_fdset fds_before, fds_after;
	struct sampler s;
	char leaked[2048], left[2048];
	bool threads = w == THREAD_SWITCH;

	ct_fds_snapshot(&fds_before);
	int before[TASKS_MAX], nb = tasks_list(before, TASKS_MAX);
	sampler_start(&s);
	struct measured m = call_judged(w, n, &s, true);
	sampler_stop(&s);
	int unreaped = threads ? 0 : ct_unreaped_children(NULL, 0, left, sizeof left);
	expect_plausible(&m);
	ct_fds_snapshot(&fds_after);
	int nleaked = ct_fds_leaked(&fds_before, &fds_after, leaked, sizeof leaked);
	CT_CHECK(nleaked == 0, "%s(%d) returned with %d descriptor%s left open:\n%s\nclose every pipe end it opened",
		 name, n, nleaked, nleaked == 1 ? "" : "s", leaked);
	if (threads) {
		int made = ct_count(CT_CALL_pthread_create);
		CT_CHECK(made == 1, "cost_thread_switch(%d) created %d threads; expected 1, the other side of the round trips",
			 n, made);
		CT_CHECK(ct_thread(0).joined, "cost_thread_switch(%d) returned without joining the thread it created", n);
		CT_CHECK(tasks_settle(before, nb) == 0, "after cost_thread_switch(%d) returned, its thread was still there",
			 n);
	} else {
		int made = ct_count(CT_CALL_fork);
		CT_CHECK(made == 1, "cost_process_switch(%d) forked %d children; expected 1, the other side of the round trips",
			 n, made);
		CT_CHECK(unreaped == 0, "cost_process_switch(%d) returned without waiting for its child:\n%s", n, left);
		CT_CHECK(ct_pitfall_exits(NULL) == 0, "cost_process_switch(%d): its child ended with exit(); a child ends "
			 "with _exit(0)", n);
	}
	/* Each round trip is a write and a read on each side: in this process, both sides' (threads) or one side's. */
	int sides = threads ? 2 : 1, writes = ct_count(CT_CALL_write), reads = ct_count(CT_CALL_read);
	CT_CHECK(writes >= sides * n && reads >= sides * n,
		 "%s(%d) made %d writes and %d reads in %s; %d round trips need at least %d of each (in each round "
		 "trip the caller writes one byte and reads the answer%s)",
		 name, n, writes, reads, threads ? "this process" : "the calling process", n, sides * n,
		 threads ? ", and the other thread reads it and writes one back" : "");
	/* The caller waits for every answer: it leaves the CPU at least once per round trip. */
	CT_CHECK(m.switches >= n / 2,
		 "%s(%d): the calling thread left the CPU only %ld times in %d round trips: in each round trip the "
		 "caller must wait for the answer (read it) before it writes the next byte, so that every round "
		 "trip is two context switches",
		 name, n, m.switches, n);
	CT_CHECK(m.affinity_kept,
		 "%s(%d) returned with the calling thread still pinned: before returning, give it back the CPUs it was "
		 "allowed before (save them with sched_getaffinity first)",
		 name, n);
	if (s.samples == 0)
		CT_SKIP("%s(%d): the grader never saw the other side running beside the caller (the machine was too busy "
			"to look); its CPUs could not be checked", name, n);
	CT_CHECK(2 * s.pinned >= s.samples,
		 "%s(%d): while the round trips ran, the calling thread could run on %s and the other %s on %s: both "
		 "sides must be pinned to one CPU, the same one, so that each round trip is two context switches on "
		 "that CPU. Pin the caller (sched_setaffinity(0, ...)) before creating the other side, which then "
		 "starts with the same mask",
		 name, n, s.first_cpus_caller < 0 ? "several CPUs" : "one CPU",
		 threads ? "thread" : "process", s.first_cpus_other < 0 ? "several CPUs" : "another CPU");
}

CT_TEST(cost, correct_thread_switch_really_makes_n_round_trips_pinned_to_one_cpu)
{
	expect_round_trips(THREAD_SWITCH, 3000);
	ct_pass();
}

CT_TEST(cost, correct_process_switch_really_makes_n_round_trips_pinned_to_one_cpu)
{
	expect_round_trips(PROCESS_SWITCH, 3000);
	ct_pass();
}

/* ---- errors ---------------------------------------------------------------------- */

/* fns[w](n) must return -1 with errno want_err. */
static struct measured expect_error(enum which w, int n, int want_err, const char *with)
{
	struct measured m = call(w, n, NULL);

	CT_CHECK(m.ret == -1 && m.err == want_err, "%s(%d)%s returned %lld with errno %d (%s); expected -1 with errno %s",
		 names[w], n, with, m.ret, m.err, strerror(m.err), strerrorname_np(want_err));
	return m;
}

CT_TEST(cost, correct_bad_n_and_failed_creations_leave_nothing_behind)
{
	const int bad[] = {0, -5, COST_MAX_N + 1};
	char left[2048];

	for (int w = 0; w < 4; w++)
		for (int i = 0; i < 3; i++) {
			ct_api_reset();
			expect_error(w, bad[i], EINVAL, "");
			CT_CHECK(ct_count(CT_CALL_pthread_create) + ct_count(CT_CALL_fork) + ct_count(CT_CALL_pipe) == 0,
				 "%s(%d) returned -1 but first created a thread, a child or a pipe: check n first", names[w],
				 bad[i]);
		}

	ct_api_reset();
	ct_fail_call(CT_CALL_pthread_create, 3, EAGAIN);
	expect_error(THREAD_CREATE, 10, EAGAIN, " with its 3rd pthread_create failing (EAGAIN)");
	ct_fault_clear(CT_CALL_pthread_create);
	for (int i = 0; i < ct_threads_created(); i++)
		CT_CHECK(ct_thread(i).joined, "cost_thread_create(10) with its 3rd pthread_create failing returned -1, but "
			 "thread %d, created before, was never joined", i + 1);

	ct_api_reset();
	ct_fail_call(CT_CALL_fork, 3, EAGAIN);
	expect_error(PROCESS_CREATE, 10, EAGAIN, " with its 3rd fork failing (EAGAIN)");
	ct_fault_clear(CT_CALL_fork);
	int n = ct_unreaped_children(NULL, 0, left, sizeof left);
	CT_CHECK(n == 0, "cost_process_create(10) with its 3rd fork failing returned -1, but left %d child(ren) never "
		 "waited for:\n%s", n, left);

	/* An interrupted wait is made again. */
	ct_api_reset();
	ct_fail_waits(2, EINTR);
	struct measured m = call(PROCESS_CREATE, 5, NULL);
	const char *which = ct_waits_failed();
	n = ct_unreaped_children(NULL, 0, left, sizeof left);
	CT_CHECK(m.ret >= 0 && n == 0,
		 "cost_process_create(5), whose 2nd %s failed with EINTR (a signal arrived), returned %lld%s%s and left "
		 "%d child(ren) never waited for: a wait that EINTR interrupts must be made again",
		 which, m.ret, m.ret < 0 ? " with errno " : "", m.ret < 0 && strerrorname_np(m.err) ? strerrorname_np(m.err) : "",
		 n);
	ct_pass();
}

/* After a failed switch measurement: no descriptor left, no thread or child left, the caller not pinned. */
static void expect_nothing_left(const struct measured *m, const struct ct_fdset *before, const char *what)
{
	struct ct_fdset after;
	char leaked[2048], left[2048];

	ct_fds_snapshot(&after);
	int nl = ct_fds_leaked(before, &after, leaked, sizeof leaked);
	CT_CHECK(nl == 0, "%s returned -1 with %d descriptor%s left open:\n%s\nclose what it opened before returning",
		 what, nl, nl == 1 ? "" : "s", leaked);
	int nu = ct_unreaped_children(NULL, 0, left, sizeof left);
	CT_CHECK(nu == 0, "%s returned with a child never waited for:\n%s", what, left);
	CT_CHECK(m->affinity_kept, "%s returned with the calling thread still pinned to one CPU: give it back its CPUs "
		 "on every way out", what);
}

CT_TEST(cost, correct_failed_switches_leave_nothing_behind_and_eintr_is_retried)
{
	struct ct_fdset before;

	for (int w = THREAD_SWITCH; w <= PROCESS_SWITCH; w++) {
		char what[120];
		for (int k = 1; k <= 2; k++) {
			ct_fds_snapshot(&before);
			ct_api_reset();
			ct_fail_call(CT_CALL_pipe, k, EMFILE);
			snprintf(what, sizeof what, "%s(100) with its %s pipe failing (EMFILE)", names[w], k == 1 ? "1st" : "2nd");
			struct measured m = expect_error(w, 100, EMFILE, k == 1 ? " with its 1st pipe failing (EMFILE)"
									 : " with its 2nd pipe failing (EMFILE)");
			ct_fault_clear(CT_CALL_pipe);
			expect_nothing_left(&m, &before, what);
		}
		ct_fds_snapshot(&before);
		ct_api_reset();
		enum ct_call maker = w == THREAD_SWITCH ? CT_CALL_pthread_create : CT_CALL_fork;
		ct_fail_call(maker, 1, EAGAIN);
		snprintf(what, sizeof what, "%s(100) with its %s failing (EAGAIN)", names[w], ct_call_name(maker));
		struct measured m = expect_error(w, 100, EAGAIN, w == THREAD_SWITCH ? " with pthread_create failing (EAGAIN)"
										 : " with fork failing (EAGAIN)");
		ct_fault_clear(maker);
		expect_nothing_left(&m, &before, what);

		/* A read and a write interrupted by a signal, in this process, are made again. */
		ct_api_reset();
		ct_fail_call(CT_CALL_read, 5, EINTR);
		ct_fail_call(CT_CALL_write, 7, EINTR);
		if (w == PROCESS_SWITCH)
			ct_fail_waits(1, EINTR);
		m = call(w, 100, NULL);
		ct_faults_reset();
		char left[2048];
		int nu = ct_unreaped_children(NULL, 0, left, sizeof left);
		char got[120];
		if (m.ret >= 0)
			snprintf(got, sizeof got, "returned %lld ns but left its child never waited for", m.ret);
		else
			snprintf(got, sizeof got, "returned -1 (errno %s)",
				 strerrorname_np(m.err) ? strerrorname_np(m.err) : "?");
		CT_CHECK(m.ret >= 0 && nu == 0,
			 "%s(100), whose 5th read and 7th write%s failed with EINTR (a signal arrived), %s: a call that "
			 "EINTR interrupts must be made again",
			 names[w], w == PROCESS_SWITCH ? ", and 1st wait," : "", got);
	}
	ct_pass();
}

/* ---- timing: the grader's own measurements of the same things ------------------------ */

static void *nothing(void *arg) { return arg; }

/* ns per thread created and joined, through the real calls. */
static double own_thread_create(int n)
{
	uint64_t t0 = ct_now_ns();
	for (int i = 0; i < n; i++) {
		pthread_t t;
		if (ct_real_pthread_create(&t, NULL, nothing, NULL) != 0)
			return -1;
		ct_real_pthread_join(t, NULL);
	}
	return (double)(ct_now_ns() - t0) / n;
}

static double own_process_create(int n)
{
	uint64_t t0 = ct_now_ns();
	for (int i = 0; i < n; i++) {
		pid_t pid = ct_real_fork();
		if (pid == 0)
			_exit(0);
		if (pid < 0)
			return -1;
		while (ct_real_waitpid(pid, NULL, 0) == -1 && errno == EINTR)
			;
	}
	return (double)(ct_now_ns() - t0) / n;
}

static int ping_fd[2], pong_fd[2], own_rounds;

static void own_answer(void)
{
	char c;
	for (int i = 0; i < own_rounds; i++)
		if (ct_real_read(ping_fd[0], &c, 1) != 1 || ct_real_write(pong_fd[1], &c, 1) != 1)
			break;
}

static void *own_answer_thread(void *arg)
{
	own_answer();
	return arg;
}

/* ns per round trip, the two sides pinned to the caller's first CPU, as cost.h asks. */
static double own_switch(bool threads, int n)
{
	cpu_set_t old, one;
	double per = -1;

	if (pipe(ping_fd) == -1)
		return -1;
	if (pipe(pong_fd) == -1) {
		close(ping_fd[0]);
		close(ping_fd[1]);
		return -1;
	}
	own_rounds = n;
	sched_getaffinity(0, sizeof old, &old);
	CPU_ZERO(&one);
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &old)) {
			CPU_SET(cpu, &one);
			break;
		}
	sched_setaffinity(0, sizeof one, &one);
	pthread_t t;
	pid_t pid = -1;
	bool started = threads ? ct_real_pthread_create(&t, NULL, own_answer_thread, NULL) == 0
			       : (pid = ct_real_fork()) >= 0;
	if (pid == 0) {
		own_answer();
		_exit(0);
	}
	if (started) {
		char c = 'x';
		uint64_t t0 = ct_now_ns();
		int i = 0;
		for (; i < n; i++)
			if (ct_real_write(ping_fd[1], &c, 1) != 1 || ct_real_read(pong_fd[0], &c, 1) != 1)
				break;
		if (i == n)
			per = (double)(ct_now_ns() - t0) / n;
		close(ping_fd[1]);
		ping_fd[1] = -1;
		if (threads)
			ct_real_pthread_join(t, NULL);
		else
			while (ct_real_waitpid(pid, NULL, 0) == -1 && errno == EINTR)
				;
	}
	sched_setaffinity(0, sizeof old, &old);
	close(ping_fd[0]);
	if (ping_fd[1] != -1)
		close(ping_fd[1]);
	close(pong_fd[0]);
	close(pong_fd[1]);
	return per;
}

static double own(enum which w, int n)
{
	switch (w) {
	case THREAD_CREATE: return own_thread_create(n);
	case PROCESS_CREATE: return own_process_create(n);
	case THREAD_SWITCH: return own_switch(true, n);
	case PROCESS_SWITCH: break;
	}
	return own_switch(false, n);
}

struct own_call {
	enum which w;
	int n;
	double per;
};

static void own_body(void *arg)
{
	struct own_call *o = arg;
	o->per = own(o->w, o->n);
}

/* The grader's own measurement, made in a helper thread like the student's (so on equal terms). */
static double own_within(enum which w, int n)
{
	char why[1024];
	struct own_call o = {w, n, -1};
	bool done = ct_run_within(own_body, &o, DEADLINE, "the grader's own measurement", NULL, 0, why, sizeof why);
	CT_CHECK(done && o.per > 0, "grader error: its own measurement of %s failed", units[w]);
	return o.per;
}

#define AGREE 4.0   /* the student's cost per item may be this many times the grader's, or its inverse */
#define STEADY 2.0  /* the grader's own measurements must agree this well to judge a result too small */
#define ATTEMPTS 3

/*
 * The student's cost per item of w against the grader's own, measured
 * just before and just after it, in up to ATTEMPTS rounds.  On a busy
 * machine one measurement may be stretched many times (a new thread or
 * child waits for a CPU before it can run and end), so each side is judged
 * on its smallest figure so far, the least disturbed: the student's must
 * lie within a factor AGREE of the grader's.  If it never does, the test
 * fails when the student's best is more than AGREE times even the
 * grader's slowest, or less than its fastest by AGREE while the grader's
 * own agreed within STEADY; otherwise the machine was too busy to tell,
 * and it is skipped.
 */
static void expect_agrees(enum which w, int n)
{
	double gmin = 1e300, gmax = 0, smin = 1e300;

	for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
		for (int k = 0; k < 2; k++) {
			if (k == 1) {
				struct measured m = call_judged(w, n, NULL, true);
				expect_plausible(&m);
				if ((double)m.ret / n < smin)
					smin = (double)m.ret / n;
			}
			double g = own_within(w, n);
			gmin = g < gmin ? g : gmin;
			gmax = g > gmax ? g : gmax;
		}
		if (smin >= gmin / AGREE && smin <= gmin * AGREE)
			return;
	}
	/* Larger than AGREE times even the grader's slowest, or smaller while the grader's own were steady. */
	bool clear = smin > AGREE * gmax || (smin < gmin / AGREE && gmax <= STEADY * gmin);
	if (!clear)
		CT_SKIP("too busy: the grader's own measurements of one %s, around %s(%d), ranged from %.1f to %.1f us, "
			"and %.1f us (yours) could not be judged against them", units[w], names[w], n, gmin / 1e3,
			gmax / 1e3, smin / 1e3);
	CT_CHECK(false,
		 "%s(%d) measured %.2f us per %s at best, in %d tries; the grader, measuring the same thing just before "
		 "and just after in this run, found %.2f us at best (%.2f at worst). A result more than %.0f times %s "
		 "than that is not a measurement of the same thing: %s",
		 names[w], n, smin / 1e3, units[w], ATTEMPTS, gmin / 1e3, gmax / 1e3, AGREE,
		 smin < gmin ? "smaller" : "larger",
		 smin < gmin ? (w >= THREAD_SWITCH ? "in each round trip the caller must wait for the answer before it "
						   "writes the next byte, so that every round trip is two switches"
						 : "each round must create (fork) and join (wait for) one thread or process")
			     : (w >= THREAD_SWITCH ? "the other side must answer each byte at once, and do nothing else"
						   : "the thread's start routine must return at once, and the child must "
						     "call _exit(0) at once"));
}

CT_TEST(cost, timing_creation_costs_agree_with_the_graders_own)
{
	expect_agrees(THREAD_CREATE, 200);
	expect_agrees(PROCESS_CREATE, 40);
	ct_pass();
}

CT_TEST(cost, timing_switch_costs_agree_with_the_graders_own)
{
	expect_agrees(THREAD_SWITCH, 3000);
	expect_agrees(PROCESS_SWITCH, 3000);
	ct_pass();
}

/*
 * The ordering this machine shows reliably: a process costs several times a
 * thread to create.  Judged on the student's own two measurements, taken
 * back to back; a run in which the grader's own show no such order either
 * (a very busy machine) is not judged.
 */
CT_TEST(cost, timing_a_process_costs_more_to_create_than_a_thread)
{
	double thread = 0, process = 0;

	for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
		struct measured t = call_judged(THREAD_CREATE, 200, NULL, true);
		struct measured p = call_judged(PROCESS_CREATE, 40, NULL, true);
		expect_plausible(&t);
		expect_plausible(&p);
		thread = (double)t.ret / 200;
		process = (double)p.ret / 40;
		if (process > 1.5 * thread)
			ct_pass();
	}
	double own_thread = own_within(THREAD_CREATE, 200), own_process = own_within(PROCESS_CREATE, 40);
	if (own_process <= 1.5 * own_thread)
		CT_SKIP("too busy: even the grader's own measurements (%.1f us per thread, %.1f us per process) did not show "
			"a process costing more than a thread", own_thread / 1e3, own_process / 1e3);
	CT_CHECK(false,
		 "cost_thread_create(200) measured %.1f us per thread and cost_process_create(40) %.1f us per process, "
		 "in %d tries: a process should cost several times a thread to create (the grader's own measurements "
		 "in this run: %.1f and %.1f us). Does each thread do something before it returns?",
		 thread / 1e3, process / 1e3, ATTEMPTS, own_thread / 1e3, own_process / 1e3);
}
