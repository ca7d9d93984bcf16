/*
 * test_runners.c - grader suite for lesson 03, exercise "runners" (runners.h).
 *
 * The tasks are the grader's.  Each records, on the grader's own clock, the
 * interval in which it ran (in memory shared with children for the process
 * runner), and some meet at a rendezvous.  Every timing verdict compares
 * quantities measured inside one test: the student's runner against
 * run_serial's baseline of the same test, interval overlap, CPU time
 * against wall time.  A timeline of both runs is saved after each timing
 * test for the harness to draw.
 */
#include <errno.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* What one call of a runner did, measured from outside. */
struct run {
	int ret;
	uint64_t wall_ns, cpu_ns; /* cpu: this process, plus the children waited for */
	struct ct_interval when[MAX_N];
};

static struct run measure(int (*runner)(int, runner_task), int n, runner_task task, bool meeting)
{
	struct run r;

	reset();
	rec->meeting = meeting;
	if (meeting)
		ct_rendezvous_init(&rec->meet, n, 1000 * CT_MS);
	uint64_t c0 = ct_process_cpu_ns() + ct_children_cpu_ns(), t0 = ct_now_ns();
	r.ret = runner(n, task);
	r.wall_ns = ct_now_ns() - t0;
	r.cpu_ns = ct_process_cpu_ns() + ct_children_cpu_ns() - c0;
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
	ct_pass();
}

/* ---- timing ---- */

/* IO-bound tasks must overlap, and the waiting must not burn CPU. */
static void check_io_overlap(int (*runner)(int, runner_task), const char *file)
{
	int n = 4;
	struct run base = measure(run_serial, n, io_task, false);
	struct run mine = measure(runner, n, io_task, false);
	double c = ct_concurrency(mine.when, (size_t)n);
	char title[160];

	snprintf(title, sizeof title, "IO-bound: %d tasks that each sleep %d ms (%s: %.0f ms; run_serial: %.0f ms)", n, IO_MS,
		 name_of(runner), ms(mine.wall_ns), ms(base.wall_ns));
	save_timeline(file, title, runner, &mine, &base, n);
	CT_CHECK(mine.ret == 0, "%s(%d, task) returned %d; expected 0", name_of(runner), n, mine.ret);
	CT_CHECK(c >= 2.0 && mine.wall_ns * 10 <= base.wall_ns * 6,
		 "%s(%d, task) with IO-bound tasks took %.0f ms, against %.0f ms for run_serial: the waits did not "
		 "overlap (concurrency %.2f; %d would be perfect, 1.00 means one after another). Start every "
		 "task before waiting for any of them.",
		 name_of(runner), n, ms(mine.wall_ns), ms(base.wall_ns), c, n);
	CT_CHECK(mine.cpu_ns * 10 <= mine.wall_ns * 3,
		 "%s(%d, task) used %.0f ms of CPU during %.0f ms in which every task was asleep: something keeps "
		 "polling instead of blocking. Wait with pthread_join / waitpid, which sleep until the work ends.",
		 name_of(runner), n, ms(mine.cpu_ns), ms(mine.wall_ns));
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
