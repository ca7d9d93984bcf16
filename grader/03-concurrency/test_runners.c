/*
 * test_runners.c - grader suite for lesson 03, exercise "runners" (runners.h).
 *
 * The tasks are the grader's.  Each records, on the grader's own clock, the
 * interval in which it ran (in memory shared with children for the process
 * runner), and some meet at a rendezvous.  Every timing verdict compares
 * quantities measured inside one test: the student's runner against
 * run_serial's baseline of the same test, interval overlap, CPU time
 * against wall time.  A timeline of both runs is saved after each timing
 * test for the harness to draw.  A timing message speaks of overlap only
 * once every task has run exactly once.
 *
 * The error paths the header names are taken for real: the grader makes
 * the k-th pthread_create, pthread_join, fork or wait fail (ct_fault.h),
 * and checks what is returned and that nothing started was abandoned.
 * Tasks also finish in chosen orders (ct_order.h), and the caller may
 * have a child of its own, which run_processes must leave alone.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ct_order.h"
#include "ct_pitfalls.h"
#include "ct_sched.h"
#include "ct_test.h"
#include "ct_timeline.h"
#include "runners.h"
#include "work.h"

CT_SUITE(runners);

#define MAX_N 64
#define IO_MS 40  /* an IO-bound task sleeps this long */
#define CPU_MS 30 /* a CPU-bound task counts down this long (CPU time) */

/* Filled by the tasks, read after the runner returns.  Shared with children. */
struct record {
	atomic_int runs[MAX_N];
	atomic_int order;           /* next position in the calling order */
	int position[MAX_N];        /* at which position task i started */
	int thread[MAX_N];          /* ct_current_thread() of task i */
	pid_t pid[MAX_N];
	struct ct_interval when[MAX_N];
	struct ct_life life[MAX_N]; /* task i's thread, from its start to the task's end (threads only) */
	uint64_t delay_ns[MAX_N];   /* how long sleepy_task(i) sleeps */
	struct ct_rendezvous meet;
	bool meeting;               /* tasks arrive at `meet` first */
};
static struct record *rec;

static void reset(void)
{
	if (!rec)
		rec = ct_shared_alloc(sizeof *rec);
	memset(rec, 0, sizeof *rec);
	ct_api_reset();
}

/* Bookkeeping at the start of every task; the interval starts after the rendezvous. */
static void record_start(int i)
{
	atomic_fetch_add(&rec->runs[i], 1);
	rec->position[i] = atomic_fetch_add(&rec->order, 1);
	rec->thread[i] = ct_current_thread();
	rec->pid[i] = getpid();
	if (rec->meeting)
		ct_rendezvous_arrive(&rec->meet);
	rec->when[i].start_ns = ct_now_ns();
}

static void io_task(int i)
{
	record_start(i);
	ct_sleep_ns(IO_MS * CT_MS);
	rec->when[i].end_ns = ct_now_ns();
}

static void cpu_task(int i)
{
	record_start(i);
	work_cpu_ms(CPU_MS);
	rec->when[i].end_ns = ct_now_ns();
	/* In a thread the student created: what it did since it started, by the scheduler's account. */
	int self = ct_current_thread();
	if (self >= 0) {
		struct ct_sched_times born = {.ok = true};
		rec->life[i] = ct_life_between(born, ct_sched_self(), rec->when[i].end_ns - ct_thread(self).start_ns);
	}
}

static void quick_task(int i)
{
	record_start(i);
	rec->when[i].end_ns = ct_now_ns();
}

/* Sleeps rec->delay_ns[i]: tasks that end in a chosen order, or that are still running when a call fails. */
static void sleepy_task(int i)
{
	record_start(i);
	ct_sleep_ns(rec->delay_ns[i]);
	rec->when[i].end_ns = ct_now_ns();
}

/* NULL if task(0), ..., task(n-1) each ran exactly once; else the first one that did not, in words (static). */
static const char *runs_wrong(int n)
{
	static char msg[80];

	for (int i = 0; i < n; i++)
		if (rec->runs[i] != 1) {
			snprintf(msg, sizeof msg, "task(%d) ran %d times", i, (int)rec->runs[i]);
			return msg;
		}
	return NULL;
}

/*
 * The student's threads that were neither joined nor detached: *first
 * gets the first one's number (1-based), and each is joined now, uncounted,
 * so that none outlives the test's checks.  Returns how many.
 */
static int join_leftover_threads(int *first)
{
	int left = 0;

	*first = 0;
	for (int t = 0; t < ct_threads_created(); t++) {
		struct ct_thread_record r = ct_thread(t);
		if (r.joined || r.detached || r.created_detached)
			continue;
		if (!left++)
			*first = t + 1;
		ct_real_pthread_join(r.id, NULL);
	}
	return left;
}

/*
 * The children the student forked and nobody waited for: *first gets the
 * first one's pid, *running whether it was still running; each is reaped
 * now, uncounted, so that none outlives the test.  Returns how many.
 */
static int reap_leftover_children(pid_t *first, bool *running)
{
	pid_t pids[2 * MAX_N];
	int n = ct_forked(pids, 2 * MAX_N), left = 0, status;

	*first = 0;
	*running = false;
	for (int i = 0; i < n && i < 2 * MAX_N; i++) {
		pid_t r = ct_real_waitpid(pids[i], &status, WNOHANG);
		if (r == -1)
			continue; /* reaped already, as it should be */
		if (!left++) {
			*first = pids[i];
			*running = r == 0;
		}
		while (r == 0 && ct_real_waitpid(pids[i], &status, 0) == -1 && errno == EINTR)
			;
	}
	return left;
}

/* How a child ended, from its status in waitpid's encoding (static). */
static const char *ending_of(int status)
{
	static char buf[80];

	if (WIFEXITED(status))
		snprintf(buf, sizeof buf, "exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, sizeof buf, "was killed by signal %d (SIG%s)", WTERMSIG(status),
			 sigabbrev_np(WTERMSIG(status)) ?: "?");
	else
		snprintf(buf, sizeof buf, "ended with status %#x", status);
	return buf;
}

/* Arms one fault on each of the wait calls, so that whichever the student uses fails at its k-th call. */
static void fail_waits(int k, int err)
{
	ct_fail_call(CT_CALL_waitpid, k, err);
	ct_fail_call(CT_CALL_wait, k, err);
	ct_fail_call(CT_CALL_waitid, k, err);
}

static int waits_failed(void)
{
	return ct_faults_injected(CT_CALL_waitpid) + ct_faults_injected(CT_CALL_wait) +
	       ct_faults_injected(CT_CALL_waitid);
}

/* What one call of a runner did, measured from outside. */
struct run {
	int ret;
	uint64_t wall_ns, cpu_ns; /* cpu: this process, plus the children waited for */
	uint64_t blocked_ns;      /* the calling thread, asleep (neither running nor runnable) */
	bool sched_ok;            /* blocked_ns is known (ct_sched.h) */
	int waits;                /* calls to waitpid, wait and waitid */
	struct ct_interval when[MAX_N];
};

static struct run measure(int (*runner)(int, runner_task), int n, runner_task task, bool meeting)
{
	struct run r;

	reset();
	rec->meeting = meeting;
	if (meeting)
		ct_rendezvous_init(&rec->meet, n, 1000 * CT_MS);
	struct ct_sched_times s0 = ct_sched_self();
	uint64_t c0 = ct_process_cpu_ns() + ct_children_cpu_ns(), t0 = ct_now_ns();
	r.ret = runner(n, task);
	r.wall_ns = ct_now_ns() - t0;
	r.cpu_ns = ct_process_cpu_ns() + ct_children_cpu_ns() - c0;
	struct ct_sched_times s1 = ct_sched_self();
	r.sched_ok = s0.ok && s1.ok;
	r.blocked_ns = (uint64_t)(ct_life_between(s0, s1, r.wall_ns).blocked * (double)r.wall_ns);
	r.waits = ct_count(CT_CALL_waitpid) + ct_count(CT_CALL_wait) + ct_count(CT_CALL_waitid);
	memcpy(r.when, rec->when, sizeof r.when);
	return r;
}

static const char *name_of(int (*runner)(int, runner_task))
{
	return runner == run_threads ? "run_threads" : runner == run_processes ? "run_processes" : "run_serial";
}

static void save_timeline(const char *file, const char *title, int (*runner)(int, runner_task), const struct run *yours,
			  const struct run *baseline, int n)
{
	char label[64];

	snprintf(label, sizeof label, "%s (yours)", name_of(runner));
	struct ct_timeline_group g[2] = {{label, yours->when, NULL, n, n}, {"run_serial (baseline)", baseline->when, NULL, n, n}};
	ct_timeline_save(file, title, g, 2, true);
}

static double ms(uint64_t ns) { return (double)ns / 1e6; }

/* ---- correctness ---- */

CT_TEST(runners, correct_serial_runs_each_task_in_order_in_the_caller)
{
	int n = 5;
	struct run r = measure(run_serial, n, quick_task, false);

	CT_CHECK(r.ret == 0, "run_serial(%d, task) returned %d; expected 0", n, r.ret);
	CT_CHECK(ct_count(CT_CALL_pthread_create) == 0 && ct_count(CT_CALL_fork) == 0,
		 "run_serial created %d threads and %d processes; it must run the tasks in the calling thread",
		 ct_count(CT_CALL_pthread_create), ct_count(CT_CALL_fork));
	for (int i = 0; i < n; i++) {
		CT_CHECK(rec->runs[i] == 1, "run_serial(%d, task) ran task(%d) %d times; expected once", n, i,
			 (int)rec->runs[i]);
		CT_CHECK(rec->position[i] == i, "run_serial(%d, task) ran task(%d) as number %d; expected in order 0..%d",
			 n, i, rec->position[i], n - 1);
	}
	ct_pass();
}

CT_TEST(runners, correct_threads_run_each_task_once_in_its_own_thread)
{
	int n = 6;

	ct_set_thread_start_delay(2 * CT_MS);
	struct run r = measure(run_threads, n, quick_task, false);
	CT_CHECK(r.ret == 0, "run_threads(%d, task) returned %d; expected 0", n, r.ret);
	CT_CHECK(ct_count(CT_CALL_pthread_create) == n, "run_threads(%d, task) called pthread_create %d times; expected %d", n,
		 ct_count(CT_CALL_pthread_create), n);
	for (int i = 0; i < n; i++) {
		CT_CHECK(rec->runs[i] == 1,
			 "run_threads(%d, task) ran task(%d) %d times; expected once. Does each thread get its own "
			 "argument, still valid when it runs (not a pointer to the loop variable)?",
			 n, i, (int)rec->runs[i]);
		CT_CHECK(rec->thread[i] >= 0, "task(%d) ran in the calling thread; run_threads must run it in a new one", i);
		for (int j = 0; j < i; j++)
			CT_CHECK(rec->thread[i] != rec->thread[j], "task(%d) and task(%d) ran in the same thread", j, i);
	}
	for (int t = 0; t < ct_threads_created(); t++)
		CT_CHECK(ct_thread(t).joined, "thread %d of %d was never joined: join every thread before returning", t + 1,
			 ct_threads_created());
	ct_pass();
}

CT_TEST(runners, correct_processes_run_each_task_once_in_its_own_process)
{
	int n = 5, status;
	struct run r = measure(run_processes, n, quick_task, false);

	CT_CHECK(r.ret == 0, "run_processes(%d, task) returned %d (errno %d); expected 0", n, r.ret, errno);
	CT_CHECK(ct_count(CT_CALL_fork) == n, "run_processes(%d, task) called fork() %d times; expected %d", n, ct_count(CT_CALL_fork), n);
	for (int i = 0; i < n; i++) {
		CT_CHECK(rec->runs[i] == 1, "run_processes(%d, task) ran task(%d) %d times; expected once", n, i,
			 (int)rec->runs[i]);
		CT_CHECK(rec->pid[i] != getpid(), "task(%d) ran in the calling process; it must run in a child", i);
		for (int j = 0; j < i; j++)
			CT_CHECK(rec->pid[i] != rec->pid[j], "task(%d) and task(%d) ran in the same process", j, i);
	}
	pid_t left = ct_real_waitpid(-1, &status, WNOHANG);
	CT_CHECK(left == -1 && errno == ECHILD,
		 "after run_processes returned, a child had not been waited for: wait for every child you start");
	pid_t first_exit;
	int exits = ct_pitfall_exits(&first_exit);
	CT_CHECK(exits == 0,
		 "%d of the children of run_processes(%d, task) (the first: pid %d) ended with exit() instead of "
		 "_exit(): exit() runs the caller's atexit handlers and flushes the stdio buffers the child inherited, "
		 "so whatever the caller had not written yet comes out once more from every child. End each child "
		 "with _exit(0).",
		 exits, n, (int)first_exit);
	pid_t pids[MAX_N];
	int forked = ct_forked(pids, MAX_N);
	for (int k = 0; k < forked && k < MAX_N; k++)
		CT_CHECK(!ct_reaped(pids[k], &status) || (WIFEXITED(status) && WEXITSTATUS(status) == 0),
			 "child pid %d of run_processes(%d, task) %s after its task; each child must end with _exit(0)",
			 (int)pids[k], n, ending_of(status));
	ct_pass();
}

/* The caller's own child, which has ended and is waiting to be reaped by the caller: run_processes must leave it. */
CT_TEST(runners, correct_processes_wait_only_for_their_own_children)
{
	int n = 3, status;
	siginfo_t si;
	pid_t own = ct_real_fork();

	if (own == 0)
		_exit(42);
	CT_CHECK(own > 0, "grader error: fork failed (%s)", strerror(errno));
	while (ct_real_waitid(P_PID, (id_t)own, &si, WEXITED | WNOWAIT) == -1 && errno == EINTR)
		; /* until it has ended, without reaping it */
	reset();
	for (int i = 0; i < n; i++)
		rec->delay_ns[i] = (uint64_t)(n - i) * 5 * CT_MS;
	int ret = run_processes(n, sleepy_task);
	bool own_taken = ct_real_waitpid(own, &status, WNOHANG) != own;
	pid_t first;
	bool running;
	int left = reap_leftover_children(&first, &running);
	CT_CHECK(ret == 0,
		 "run_processes(%d, task), called by a process with a child of its own, returned %d; expected 0", n,
		 ret);
	CT_CHECK(!own_taken || left == 0,
		 "run_processes(%d, task) reaped a child it did not start, the caller's own child (pid %d, which had "
		 "already ended), and returned with its own child pid %d %s. wait() and waitpid(-1, ...) take any "
		 "child of the caller: wait for each pid that fork() returned, with waitpid(pid, ...).",
		 n, (int)own, (int)first, running ? "still running" : "not waited for");
	CT_CHECK(!own_taken,
		 "run_processes(%d, task) reaped a child it did not start: the caller's own child (pid %d, which had "
		 "already ended). A caller may have children of its own, whose exit statuses are its business: wait "
		 "only for the pids that fork() returned, with waitpid(pid, ...), not with wait() or waitpid(-1, ...) "
		 "until ECHILD.",
		 n, (int)own);
	CT_CHECK(left == 0,
		 "run_processes(%d, task) returned with %d of its children not waited for (pid %d %s): wait for "
		 "every child you start",
		 n, left, (int)first, running ? "was still running" : "had ended");
	ct_pass();
}

/* Tasks that end in the order o, in runner: every task once, every thread joined or child waited for. */
static void check_any_order(int (*runner)(int, runner_task), enum ct_order_kind kind, unsigned seed)
{
	int n = 5, first_thread;
	struct ct_order o;
	char how[160];
	pid_t first_child;
	bool running;

	ct_order_make(&o, kind, seed, n);
	ct_order_describe(&o, how, sizeof how);
	reset();
	for (int i = 0; i < n; i++)
		rec->delay_ns[i] = ct_order_delay(&o, i, 4 * CT_MS);
	int ret = runner(n, sleepy_task);
	int threads_left = join_leftover_threads(&first_thread);
	int children_left = reap_leftover_children(&first_child, &running);
	const char *wrong = runs_wrong(n);
	CT_CHECK(ret == 0, "%s(%d, task), with tasks that finish %s, returned %d; expected 0", name_of(runner), n, how,
		 ret);
	CT_CHECK(!wrong, "%s(%d, task), with tasks that finish %s: %s; expected each task once", name_of(runner), n,
		 how, wrong);
	CT_CHECK(threads_left == 0,
		 "%s(%d, task), with tasks that finish %s, returned before thread %d was joined: join every thread, "
		 "whatever order they end in",
		 name_of(runner), n, how, first_thread);
	CT_CHECK(children_left == 0,
		 "%s(%d, task), with tasks that finish %s, returned before child pid %d was waited for (it %s): wait "
		 "for every child, whatever order they end in",
		 name_of(runner), n, how, (int)first_child, running ? "was still running" : "had ended");
}

CT_TEST(runners, correct_tasks_may_finish_in_any_order)
{
	check_any_order(run_threads, CT_ORDER_REVERSED, 0);
	check_any_order(run_threads, CT_ORDER_SHUFFLED, 7);
	check_any_order(run_processes, CT_ORDER_REVERSED, 0);
	check_any_order(run_processes, CT_ORDER_SHUFFLED, 7);
	ct_pass();
}

/* ---- error paths ---- */

/* One call of a runner, made through ct_call_keeping_frame. */
struct call {
	int (*runner)(int, runner_task);
	int n;
	runner_task task;
	int ret;
};

static void make_call(void *p)
{
	struct call *c = p;

	c->ret = c->runner(c->n, c->task);
}

/*
 * runner(n, task) with its stack frame kept after it returns (ct_call_keeping_frame)
 * until the threads it started and did not join have ended: a runner that
 * returns early is then told so, instead of its threads crashing on the
 * arguments it left in that frame.
 */
static int call_held(int (*runner)(int, runner_task), int n, runner_task task)
{
	struct call c = {runner, n, task, 0};
	int err = ct_call_keeping_frame(make_call, &c, 1000 * CT_MS);

	CT_CHECK(err == 0, "grader error: pthread_create failed (%d)", err);
	return c.ret;
}

/* The 3rd pthread_create fails: its error is returned, and the threads already started are joined. */
static void check_failed_create(void)
{
	int n = 5, first;

	reset();
	for (int i = 0; i < n; i++)
		rec->delay_ns[i] = 20 * CT_MS; /* still running when the 3rd create fails */
	ct_fail_call(CT_CALL_pthread_create, 3, EAGAIN);
	int ret = call_held(run_threads, n, sleepy_task);
	ct_faults_reset();
	int started = ct_threads_created(), left = join_leftover_threads(&first);
	CT_CHECK(ret == EAGAIN,
		 "run_threads(%d, task): the 3rd pthread_create() failed with EAGAIN (the grader made it fail, as when "
		 "the system runs out of threads), and run_threads returned %d; expected EAGAIN (%d), the error number "
		 "that pthread_create returned%s",
		 n, ret, EAGAIN,
		 ret == -1  ? ". A pthread function returns its error number; it neither returns -1 nor sets errno"
		 : ret == 0 ? ": a failed pthread call must be reported, not retried or ignored"
			    : "");
	CT_CHECK(left == 0,
		 "run_threads(%d, task): after the 3rd pthread_create() failed, it returned while thread %d of the %d "
		 "it had started was not joined: join the threads already started before returning the error",
		 n, first, started);
}

/* The 2nd pthread_join fails: its error is returned, and the other threads are joined. */
static void check_failed_join(void)
{
	int n = 4, first;

	reset();
	ct_fail_call(CT_CALL_pthread_join, 2, EINVAL);
	int ret = call_held(run_threads, n, quick_task);
	int failed = ct_faults_injected(CT_CALL_pthread_join), joins = ct_count(CT_CALL_pthread_join);
	ct_faults_reset();
	int left = join_leftover_threads(&first);
	CT_CHECK(failed == 1, "run_threads(%d, task) called pthread_join() %d times; expected %d, once per thread", n,
		 joins, n);
	CT_CHECK(ret == EINVAL,
		 "run_threads(%d, task): its 2nd pthread_join() failed with EINVAL (the grader made it fail), and "
		 "run_threads returned %d; expected EINVAL (%d). The result is the error number of whichever pthread "
		 "call failed, pthread_join included: check what it returns.",
		 n, ret, EINVAL);
	CT_CHECK(left <= 1,
		 "run_threads(%d, task): after its 2nd pthread_join() failed, it returned with %d other threads not "
		 "joined: join the others before returning the error",
		 n, left - 1);
}

CT_TEST(runners, correct_threads_report_a_failed_pthread_call)
{
	check_failed_create();
	check_failed_join();
	ct_pass();
}

/* The 3rd fork fails: -1 with errno EAGAIN, and the children already started are waited for. */
static void check_failed_fork(void)
{
	int n = 5;
	pid_t first;
	bool running;

	reset();
	for (int i = 0; i < n; i++)
		rec->delay_ns[i] = 20 * CT_MS; /* still running when the 3rd fork fails */
	ct_fail_call(CT_CALL_fork, 3, EAGAIN);
	errno = 0;
	int ret = run_processes(n, sleepy_task), err = errno;
	ct_faults_reset();
	int started = ct_count(CT_CALL_fork), left = reap_leftover_children(&first, &running);
	CT_CHECK(ret == -1,
		 "run_processes(%d, task): the 3rd fork() failed with EAGAIN (the grader made it fail, as when the "
		 "process limit is reached), and run_processes returned %d; expected -1 with errno EAGAIN",
		 n, ret);
	CT_CHECK(left == 0,
		 "run_processes(%d, task): after the 3rd fork() failed, it returned while %d of the %d children it had "
		 "started were not waited for (pid %d %s): wait for the children already started before returning -1",
		 n, left, started, (int)first, running ? "was still running" : "had ended");
	CT_CHECK(err == EAGAIN,
		 "run_processes(%d, task): the 3rd fork() failed with EAGAIN, and run_processes returned -1 with errno "
		 "%d (%s), not EAGAIN: a call made after the failed fork (a wait, say) changed errno. Save errno right "
		 "after fork() fails, and set it back before returning.",
		 n, err, strerror(err));
}

/* The 2nd wait fails with ECHILD: -1 with that errno, and the other children are waited for. */
static void check_failed_wait(void)
{
	int n = 4;
	pid_t first;
	bool running;

	reset();
	fail_waits(2, ECHILD);
	errno = 0;
	int ret = run_processes(n, quick_task), err = errno, failed = waits_failed();
	ct_faults_reset();
	int left = reap_leftover_children(&first, &running);
	CT_CHECK(failed > 0,
		 "run_processes(%d, task) made fewer than 2 calls to waitpid(), wait() or waitid(), so the grader "
		 "could not make its 2nd wait fail: wait for each child with one of them",
		 n);
	CT_CHECK(ret == -1 && err == ECHILD,
		 "run_processes(%d, task): its 2nd wait failed with ECHILD (the grader made it fail), and "
		 "run_processes returned %d (errno %d, %s); expected -1 with errno ECHILD: a wait that fails with "
		 "anything but EINTR is reported",
		 n, ret, err, strerror(err));
	CT_CHECK(left <= failed,
		 "run_processes(%d, task): after its 2nd wait failed, it returned with %d children nobody waited for "
		 "(pid %d); only the child whose wait failed may be left: wait for the others before returning -1",
		 n, left, (int)first);
}

CT_TEST(runners, correct_processes_report_a_failed_fork_or_wait)
{
	check_failed_fork();
	check_failed_wait();
	ct_pass();
}

CT_TEST(runners, correct_processes_retry_an_interrupted_wait)
{
	int n = 3;
	pid_t first;
	bool running;

	reset();
	fail_waits(1, EINTR);
	errno = 0;
	int ret = run_processes(n, quick_task), err = errno, failed = waits_failed();
	ct_faults_reset();
	int left = reap_leftover_children(&first, &running);
	CT_CHECK(failed > 0,
		 "run_processes(%d, task) reaped its children without waitpid(), wait() or waitid(), so the grader "
		 "could not interrupt a wait: use one of them",
		 n);
	CT_CHECK(ret == 0,
		 "run_processes(%d, task): its first wait returned -1 with errno EINTR (the grader made it so, as a "
		 "signal handler that runs during the wait would), and run_processes returned %d (errno %d, %s); "
		 "expected 0. An interrupted wait has not failed: make it again, as in "
		 "while (waitpid(pid, NULL, 0) == -1 && errno == EINTR).",
		 n, ret, err, strerror(err));
	CT_CHECK(left == 0 || left > failed,
		 "run_processes(%d, task): after its first wait was interrupted (EINTR), it returned 0 with child pid "
		 "%d not waited for: an interrupted wait reaped nothing; wait for the same child again",
		 n, (int)first);
	CT_CHECK(
	    left == 0,
	    "run_processes(%d, task) returned 0 with %d of its children not waited for (pid %d %s): wait for every "
	    "child you start",
	    n, left, (int)first, running ? "was still running" : "had ended");
	ct_pass();
}

/* ---- timing ---- */

/* Before any word on overlap: a task that did not run, or ran twice, makes the measure meaningless. */
static void check_every_task_ran(int (*runner)(int, runner_task), int n)
{
	const char *wrong = runs_wrong(n);

	CT_CHECK(!wrong,
		 "%s(%d, task): %s; expected each task once. Until every task runs exactly once, whether they ran "
		 "at the same time cannot be judged: see the correctness check.",
		 name_of(runner), n, wrong);
}

/*
 * IO-bound tasks must overlap, and the waiting must not burn CPU.  A busy
 * machine can slow down starting the workers (fork above all), so up to
 * IO_TRIES tries are made until one overlaps well; code that runs the
 * tasks one after another overlaps in none.  Waiting by polling is judged
 * over every try made, by what a busy machine cannot hide: the CPU time a
 * try used (load adds none), whether the calling thread ever slept (a loop
 * that spins never does, however little CPU it got), and, for processes,
 * how many wait calls were made.
 */
#define IO_TRIES 3

static void check_io_overlap(int (*runner)(int, runner_task), const char *file)
{
	int n = 4, most_waits = 0;
	struct run base, mine;
	double c = 0;
	bool overlapped = false, quick = false, burned = false, spun = false;

	for (int t = 0; t < IO_TRIES && !(overlapped && quick); t++) {
		base = measure(run_serial, n, io_task, false);
		mine = measure(runner, n, io_task, false);
		if (mine.ret != 0 || runs_wrong(n))
			break;
		c = ct_concurrency(mine.when, (size_t)n);
		overlapped = c >= 2.0;
		quick = mine.wall_ns * 10 <= base.wall_ns * 6;
		burned |= mine.cpu_ns * 10 > mine.wall_ns * 3;
		spun |= mine.sched_ok && mine.blocked_ns < IO_MS * CT_MS / 4;
		most_waits = mine.waits > most_waits ? mine.waits : most_waits;
	}
	char title[160];
	snprintf(title, sizeof title, "IO-bound: %d tasks that each sleep %d ms (%s: %.0f ms; run_serial: %.0f ms)", n, IO_MS,
		 name_of(runner), ms(mine.wall_ns), ms(base.wall_ns));
	save_timeline(file, title, runner, &mine, &base, n);
	CT_CHECK(mine.ret == 0, "%s(%d, task) returned %d; expected 0", name_of(runner), n, mine.ret);
	check_every_task_ran(runner, n);
	CT_CHECK(overlapped,
		 "%s(%d, task) with IO-bound tasks took %.0f ms, against %.0f ms for run_serial: the waits did not "
		 "overlap (concurrency %.2f; %d would be perfect, 1.00 means one after another). Start every "
		 "task before waiting for any of them.",
		 name_of(runner), n, ms(mine.wall_ns), ms(base.wall_ns), c, n);
	CT_CHECK(quick,
		 "%s(%d, task) with IO-bound tasks took %.0f ms, against %.0f ms for run_serial, in each of %d tries: "
		 "the tasks overlapped (concurrency %.2f), but something else in the call takes long (a sleep, or a "
		 "wait that is not for the tasks?)",
		 name_of(runner), n, ms(mine.wall_ns), ms(base.wall_ns), IO_TRIES, c);
	CT_CHECK(!burned && !spun,
		 "%s(%d, task) %s while every task was asleep: something keeps polling instead of blocking. Wait with "
		 "pthread_join / waitpid, which sleep until the work ends.",
		 name_of(runner), n,
		 burned ? "used more than 30% of a CPU" : "kept the calling thread running or runnable, never asleep,");
	CT_CHECK(runner != run_processes || most_waits <= 2 * n + 2,
		 "run_processes(%d, task) made %d wait calls for %d children: it polls (WNOHANG in a loop, with or "
		 "without a sleep), which wakes up again and again and notices a child's end late. Block in "
		 "waitpid(pid, &status, 0), once per child.",
		 n, most_waits, n);
}

CT_TEST(runners, timing_io_bound_threads_overlap)
{
	check_io_overlap(run_threads, "timing_io_bound_threads_overlap");
	ct_pass();
}

CT_TEST(runners, timing_io_bound_processes_overlap)
{
	check_io_overlap(run_processes, "timing_io_bound_processes_overlap");
	ct_pass();
}

/* CPU-bound tasks must all be in flight at once (a rendezvous proves it). */
static void check_cpu_in_flight(int (*runner)(int, runner_task), const char *file)
{
	int n = 3;

	work_calibrate();
	struct run base = measure(run_serial, n, cpu_task, false);
	struct run mine = measure(runner, n, cpu_task, true);
	double c = ct_concurrency(mine.when, (size_t)n);
	char title[160];

	snprintf(title, sizeof title, "CPU-bound: %d tasks of %d ms CPU each (%s: %.0f ms; run_serial: %.0f ms)", n,
		 CPU_MS, name_of(runner), ms(mine.wall_ns), ms(base.wall_ns));
	save_timeline(file, title, runner, &mine, &base, n);
	CT_CHECK(mine.ret == 0, "%s(%d, task) returned %d; expected 0", name_of(runner), n, mine.ret);
	check_every_task_ran(runner, n);
	CT_CHECK(ct_rendezvous_met(&rec->meet),
		 "the %d CPU-bound tasks of %s(%d, task) were never all running at the same time: at most %zu "
		 "overlapped (concurrency %.2f, where 1.00 means one after another). Start them all, then wait.",
		 n, name_of(runner), n, ct_max_overlap(mine.when, (size_t)n), c);
}

CT_TEST(runners, timing_cpu_bound_threads_run_at_the_same_time)
{
	check_cpu_in_flight(run_threads, "timing_cpu_bound_threads_run_at_the_same_time");
	ct_pass();
}

CT_TEST(runners, timing_cpu_bound_processes_run_at_the_same_time)
{
	check_cpu_in_flight(run_processes, "timing_cpu_bound_processes_run_at_the_same_time");
	ct_pass();
}

/*
 * With 2 usable CPUs, 2 CPU-bound threads must finish at least MIN_SPEEDUP
 * times sooner than the same two tasks run serially.  One try runs the
 * baseline and the threads back to back; other programs (and, on a virtual
 * machine, the host) take the CPUs now and then, so up to TRIES are made
 * and the best counts.  On its own a speedup could be luck; it is the
 * rendezvous test above that proves the threads ran at the same time, and
 * the timing check needs both.
 *
 * A try that falls short is explained by the scheduler's account of each
 * thread (ct_sched.h): if a thread spent STARVED_SHARE of its life runnable
 * but waiting for a CPU, another program had the CPU and the try says
 * nothing about the code.  If every short try was like that (or the serial
 * baseline never got even BUSY_SHARE of one CPU), the machine was too busy
 * to measure a speedup, and the test says so instead of failing.  A short
 * try in which the threads had the CPUs they asked for fails the test; if a
 * thread was blocked (neither running nor runnable) for BLOCKED_SHARE of its
 * life, the code made it wait for the other, and the message says so.
 */
#define TRIES 8
#define MIN_SPEEDUP 1.1
#define BUSY_SHARE 0.85
#define STARVED_SHARE 0.2
#define BLOCKED_SHARE 0.25

CT_TEST(runners, timing_cpu_bound_threads_speed_up_on_two_cpus)
{
	int cpus = work_usable_cpus(), n = 2, starved_tries = 0, short_tries = 0;
	double best_speedup = 0, best_par = 0, best_share = 0, most_waiting = 0, most_blocked = 0;
	struct run base, mine;

	if (cpus < 2)
		CT_SKIP("skipped: needs 2 CPUs (this process may use %d)", cpus);
	work_calibrate();
	for (int t = 0; t < TRIES; t++) {
		base = measure(run_serial, n, cpu_task, false);
		mine = measure(run_threads, n, cpu_task, false);
		double speedup = (double)base.wall_ns / (double)mine.wall_ns;
		double par = (double)mine.cpu_ns / (double)mine.wall_ns;
		double share = (double)base.cpu_ns / (double)base.wall_ns;
		if (share > best_share)
			best_share = share;
		if (speedup > best_speedup)
			best_speedup = speedup, best_par = par;
		if (speedup >= MIN_SPEEDUP)
			break;
		short_tries++;
		double waiting = 0, blocked = 0;
		for (int i = 0; i < n; i++) {
			waiting = rec->life[i].waiting > waiting ? rec->life[i].waiting : waiting;
			blocked = rec->life[i].blocked > blocked ? rec->life[i].blocked : blocked;
		}
		if (waiting >= STARVED_SHARE) {
			starved_tries++;
			most_waiting = waiting > most_waiting ? waiting : most_waiting;
		} else if (blocked > most_blocked) {
			most_blocked = blocked;
		}
	}
	char title[200];
	snprintf(title, sizeof title, "CPU-bound on %d CPUs: 2 tasks of %d ms CPU (run_threads: %.0f ms; run_serial: %.0f ms; "
		 "speedup %.2f)", cpus, CPU_MS, ms(mine.wall_ns), ms(base.wall_ns), best_speedup);
	save_timeline("timing_cpu_bound_threads_speed_up_on_two_cpus", title, run_threads, &mine, &base, n);
	CT_CHECK(mine.ret == 0, "run_threads(%d, task) returned %d; expected 0", n, mine.ret);
	check_every_task_ran(run_threads, n);
	if (best_speedup < MIN_SPEEDUP && starved_tries == short_tries)
		CT_SKIP("skipped: the machine was too busy to measure a speedup (in each of %d tries a thread waited "
			"for a CPU, which another program had, up to %.0f%% of its time)",
			TRIES, 100 * most_waiting);
	if (best_speedup < MIN_SPEEDUP && best_share < BUSY_SHARE)
		CT_SKIP("skipped: the machine was too busy to measure a speedup (in %d tries a single thread got at "
			"most %.0f%% of a CPU)", TRIES, 100 * best_share);
	CT_CHECK(best_speedup >= MIN_SPEEDUP || most_blocked < BLOCKED_SHARE,
		 "on %d CPUs, 2 CPU-bound threads were at best %.2f times as fast as run_serial in %d tries; expected "
		 "at least %.1f. The CPUs were free, but a thread was blocked (neither running nor waiting for a CPU) "
		 "for %.0f%% of its life: something in run_threads makes one thread wait for the other, such as a "
		 "lock held around the work, or a join before the next thread is created.",
		 cpus, best_speedup, TRIES, MIN_SPEEDUP, 100 * most_blocked);
	CT_CHECK(best_speedup >= MIN_SPEEDUP,
		 "on %d CPUs, 2 CPU-bound threads were at best %.2f times as fast as run_serial (CPU time / wall "
		 "time %.2f) in %d tries; expected at least %.1f: C threads run on different CPUs at the same time. "
		 "Are both threads started before either is joined, and does nothing serialise them (a lock held "
		 "around the work)?",
		 cpus, best_speedup, best_par, TRIES, MIN_SPEEDUP);
	ct_pass();
}
