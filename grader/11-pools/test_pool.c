/*
 * test_pool.c - grader suite for lesson 11, exercise "pool" (pool.h).
 *
 * Every task the tests submit is a `struct job` of this file: it records
 * how often it ran, on which thread (ct_current_thread(): the creation
 * index of a thread made through the wrapped pthread_create, -1 for any
 * other thread, such as the one that submitted it), and when it started
 * and ended.  The threads the pool made are counted through the wrapped
 * pthread_create, and the threads of the process are listed from
 * /proc/self/task (tasks.h), so that a thread that was never joined, or
 * was made some other way, is seen.  Calls that may block (pool_wait,
 * pool_destroy) run under a deadline (ct_run_within); a pool whose
 * threads all wait for one another is caught at once by the lock
 * tracker's watchdog, with the picture of who waits on what.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ct_conds.h"
#include "ct_ipc.h"
#include "ct_locks.h"
#include "ct_order.h"
#include "ct_sched.h"
#include "ct_test.h"
#include "pool.h"
#include "tasks.h"

CT_SUITE(pool);

#define MAX_JOBS 4096
#define DEADLINE (1000 * CT_MS)

struct job {
	atomic_int runs;
	atomic_int slot; /* ct_current_thread() of its (last) run */
	atomic_int tid;
	_Atomic uint64_t start_ns, end_ns;
	uint64_t sleep_ns;            /* how long it sleeps */
	struct ct_rendezvous *meet;   /* if set: waits there for the others */
	atomic_bool *gate;            /* if set: waits (sleeping) until it is true */
	struct pool *pool;            /* for the jobs it submits */
	struct job *kids;             /* it submits nkids jobs from here, before it sleeps */
	int nkids;
	atomic_int submit_failed;     /* what a failed pool_submit of a kid returned */
};

static struct job jobs[MAX_JOBS];

static void run_job(void *arg)
{
	struct job *j = arg;

	j->slot = ct_current_thread();
	j->tid = gettid();
	j->start_ns = ct_now_ns();
	for (int k = 0; k < j->nkids; k++) {
		int err = pool_submit(j->pool, run_job, &j->kids[k]);
		if (err)
			j->submit_failed = err;
	}
	if (j->meet)
		ct_rendezvous_arrive(j->meet);
	/* The gate is opened by the test; a gate never opened (a test gone wrong) lets go after a while. */
	for (uint64_t until = ct_now_ns() + 3 * DEADLINE / 2; j->gate && !atomic_load(j->gate) && ct_now_ns() < until;)
		ct_sleep_ns(CT_MS / 2);
	if (j->sleep_ns)
		ct_sleep_ns(j->sleep_ns);
	j->end_ns = ct_now_ns();
	j->runs++; /* last: a job seen run has finished */
}

static void clear_jobs(struct job *j, int n)
{
	for (int i = 0; i < n; i++)
		j[i] = (struct job){.slot = -2};
}

/* ---- calls under a deadline ------------------------------------------------ */

struct call {
	struct pool *p;
	void (*fn)(struct pool *p);
	_Atomic int tid;
	uint64_t start_ns, end_ns;
};

static void call_body(void *arg)
{
	struct call *c = arg;

	c->tid = gettid();
	c->start_ns = ct_now_ns();
	c->fn(c->p);
	c->end_ns = ct_now_ns();
}

/*
 * fn(p) (pool_wait or pool_destroy), which must return within DEADLINE;
 * `what` says what it waits for, `advice` what to look at if it does not
 * return.  For a call that may have to wait on another pool's task, where
 * the lock tracker's watchdog could not tell a wait that never ends.
 */
static void call_within(void (*fn)(struct pool *), struct pool *p, const char *name, const char *what,
			const char *advice)
{
	char why[4096];
	struct call c = {.p = p, .fn = fn};
	bool done = ct_run_within(call_body, &c, DEADLINE, name, NULL, 0, why, sizeof why);

	CT_CHECK(done, "%s(p) did not return within %.0f s, %s. %s%s%s", name, (double)DEADLINE / 1e9, what, advice,
		 why[0] ? ". Where it is:\n" : "", why);
}

/*
 * pool_wait and pool_destroy, made by the test's own thread.  They block
 * in pthread_cond_wait or pthread_join, where the lock tracker's watchdog
 * sees them: when they and every worker wait with no one left to wake
 * them (a lost wake-up, a worker that never leaves), the test ends at once
 * with the picture of who waits on what.  A call that spins instead runs
 * into the test's time limit.
 */
static void wait_within(struct pool *p, const char *what)
{
	(void)what;
	ct_set_deadlock_advice("The worker that finishes the last unfinished task must wake pool_wait (signal or "
			       "broadcast its condition variable, under the lock), and pool_wait waits only while tasks "
			       "are unfinished");
	pool_wait(p);
	ct_set_deadlock_advice(NULL);
}

static void destroy_within(struct pool *p, const char *what)
{
	(void)what;
	ct_set_deadlock_advice("pool_destroy must wake every sleeping worker (pthread_cond_broadcast: a signal wakes "
			       "only one), and each worker must leave its loop once the pool is stopping and the queue "
			       "is empty, so that pthread_join returns");
	pool_destroy(p);
	ct_set_deadlock_advice(NULL);
}

/* ---- what a pool made -------------------------------------------------------- */

struct made {
	int first, n;     /* the thread records pool_create made: first .. first + n - 1 */
	int tids[TASKS_MAX], ntids; /* the process's threads before pool_create */
	size_t heap;      /* heap in use before pool_create */
};

/* pool_create(n), which must succeed and start exactly n threads. */
static struct pool *create(int n, struct made *m)
{
	m->ntids = tasks_list(m->tids, TASKS_MAX);
	m->heap = ct_heap_in_use(NULL);
	m->first = ct_threads_created();
	errno = 0;
	struct pool *p = pool_create(n);
	int err = errno;
	m->n = ct_threads_created() - m->first;
	CT_CHECK(p != NULL, "pool_create(%d) returned NULL (errno %d, %s); expected a pool", n, err, strerror(err));
	CT_CHECK(m->n == n,
		 "pool_create(%d) created %d thread%s through pthread_create; expected exactly %d, all started in "
		 "pool_create",
		 n, m->n, m->n == 1 ? "" : "s", n);
	return p;
}

/* Whether thread record `slot` is one of the pool's. */
static bool pools_thread(const struct made *m, int slot) { return slot >= m->first && slot < m->first + m->n; }

/*
 * Every job of j[0..n-1] ran exactly once, on one of the pool's threads;
 * `plan` says what the test did.  Returns how many distinct threads ran them.
 */
static int expect_ran_once(const struct made *m, struct job *j, int n, const char *plan)
{
	bool used[CT_MAX_THREADS] = {false};
	int distinct = 0;

	for (int i = 0; i < n; i++) {
		int runs = j[i].runs, slot = j[i].slot;
		CT_CHECK(runs != 0 || !j[i].start_ns,
			 "%s: task %d was still running when the call returned: pool_wait and pool_destroy return only "
			 "once every task has finished (count the tasks that are queued or running, not only the queue)",
			 plan, i + 1);
		CT_CHECK(runs == 1, "%s: task %d ran %d times; every task submitted must run exactly once%s", plan, i + 1,
			 runs, runs == 0 ? " (it never started: it was lost, or the call returned before it ran)" : "");
		CT_CHECK(slot != -1,
			 "%s: task %d ran in a thread the pool did not create (the thread that called pool_submit or "
			 "pool_wait): tasks run only in the pool's worker threads",
			 plan, i + 1);
		CT_CHECK(pools_thread(m, slot),
			 "%s: task %d ran on thread number %d of the test, which this pool's pool_create did not start "
			 "(it made threads %d to %d): the pool must run its tasks on its own threads",
			 plan, i + 1, slot + 1, m->first + 1, m->first + m->n);
		if (slot >= 0 && slot < CT_MAX_THREADS && !used[slot]) {
			used[slot] = true;
			distinct++;
		}
	}
	return distinct;
}

/* After pool_destroy: every thread of the pool was joined, none is left, the heap is as before. */
static void expect_cleaned_up(const struct made *m, const char *plan)
{
	for (int i = m->first; i < m->first + m->n; i++) {
		struct ct_thread_record r = ct_thread(i);
		CT_CHECK(r.joined,
			 "%s: pool_destroy(p) returned, but the pool's thread %d was %s: pool_destroy must stop and join "
			 "every worker (pthread_join), so that none is left running",
			 plan, i - m->first + 1, r.detached || r.created_detached ? "detached, never joined" : "never joined");
	}
	int extra = tasks_settle(m->tids, m->ntids);
	CT_CHECK(extra == 0,
		 "%s: after pool_destroy(p) returned, the process had %d thread%s more than before pool_create "
		 "(/proc/self/task): every thread the pool started must have ended and been joined",
		 plan, extra, extra == 1 ? "" : "s");
	int blocks = 0;
	size_t bytes = ct_heap_in_use(&blocks);
	CT_CHECK(bytes <= m->heap,
		 "%s: after pool_destroy(p), %zu bytes more of the heap were in use than before pool_create: "
		 "pool_destroy must free everything the pool allocated (its queue's entries, the pool itself)",
		 plan, bytes - m->heap);
}

/* ---- creating ------------------------------------------------------------------ */

CT_TEST(pool, correct_create_checks_n_and_starts_exactly_n_threads)
{
	const int bad[] = {0, -1, POOL_MAX_THREADS + 1};

	for (int i = 0; i < 3; i++) {
		int before = ct_threads_created();
		errno = 0;
		struct pool *p = pool_create(bad[i]);
		int err = errno;
		CT_CHECK(p == NULL && err == EINVAL,
			 "pool_create(%d) returned %s with errno %d (%s); expected NULL with errno EINVAL: nthreads must "
			 "be 1 to %d",
			 bad[i], p ? "a pool" : "NULL", err, strerror(err), POOL_MAX_THREADS);
		CT_CHECK(ct_threads_created() == before, "pool_create(%d) refused, but it created %d thread(s)", bad[i],
			 ct_threads_created() - before);
	}
	const int sizes[] = {1, 4, 8};
	for (int i = 0; i < 3; i++) {
		struct made m;
		char plan[80];
		struct pool *p = create(sizes[i], &m);
		snprintf(plan, sizeof plan, "pool_create(%d) then pool_destroy(p) with no task", sizes[i]);
		destroy_within(p, "with no task submitted");
		expect_cleaned_up(&m, plan);
	}
	ct_pass();
}

/* ---- many tasks ------------------------------------------------------------------ */

struct submitter {
	struct pool *p;
	struct job *j;
	int n, failed;
	struct ct_rendezvous *go;
};

static void *submit_all(void *arg)
{
	struct submitter *s = arg;

	ct_rendezvous_arrive(s->go);
	for (int i = 0; i < s->n; i++) {
		int err = pool_submit(s->p, run_job, &s->j[i]);
		if (err)
			s->failed = err;
	}
	return NULL;
}

CT_TEST(pool, correct_many_tasks_from_several_threads_each_run_once_on_the_pools_threads)
{
	enum { SUBMITTERS = 3, EACH = 1000 };
	struct made m;
	struct ct_rendezvous go;
	struct submitter s[SUBMITTERS];
	pthread_t t[SUBMITTERS];
	const char *plan = "pool_create(4), then 3 threads submitting 1000 tasks each at once, then pool_wait(p)";

	clear_jobs(jobs, SUBMITTERS * EACH);
	struct pool *p = create(4, &m);
	ct_set_yield_at_locks(true);
	ct_set_spurious_wakeups(true);
	ct_rendezvous_init(&go, SUBMITTERS, 1000 * CT_MS);
	for (int i = 0; i < SUBMITTERS; i++) {
		s[i] = (struct submitter){p, &jobs[i * EACH], EACH, 0, &go};
		int err = ct_real_pthread_create(&t[i], NULL, submit_all, &s[i]);
		CT_CHECK(err == 0, "grader error: pthread_create failed (%d)", err);
	}
	for (int i = 0; i < SUBMITTERS; i++)
		ct_real_pthread_join(t[i], NULL);
	int created = ct_threads_created() - m.first;
	CT_CHECK(created == 4,
		 "%s: %d threads were created by the time every task was submitted; a pool of 4 makes its 4 threads "
		 "in pool_create and runs every task on them, never a thread per task",
		 plan, created);
	for (int i = 0; i < SUBMITTERS; i++)
		CT_CHECK(s[i].failed == 0, "%s: pool_submit returned %d (%s); expected 0", plan, s[i].failed,
			 strerror(s[i].failed));
	wait_within(p, "with 3000 tasks that each return at once");
	ct_set_yield_at_locks(false);
	ct_set_spurious_wakeups(false);
	int distinct = expect_ran_once(&m, jobs, SUBMITTERS * EACH, plan);
	CT_CHECK(distinct <= 4, "%s: the tasks ran on %d different threads; expected at most 4", plan, distinct);
	destroy_within(p, "after every task had finished");
	expect_cleaned_up(&m, plan);
	ct_pass();
}

CT_TEST(pool, correct_workers_are_reused_and_run_tasks_at_the_same_time)
{
	enum { N = 4, SHORT = 40 };
	struct made m;
	struct ct_rendezvous meet;
	char plan[160];

	clear_jobs(jobs, N + SHORT);
	struct pool *p = create(N, &m);
	/* N tasks that can only finish once all N have started: N must be in flight at once. */
	ct_rendezvous_init(&meet, N, 1000 * CT_MS);
	for (int i = 0; i < N; i++) {
		jobs[i].meet = &meet;
		CT_CHECK(pool_submit(p, run_job, &jobs[i]) == 0, "pool_submit(p, fn, arg) did not return 0");
	}
	wait_within(p, "with 4 tasks that meet one another");
	snprintf(plan, sizeof plan, "pool_create(%d), then %d tasks that each wait (up to 1 s) until all %d have started",
		 N, N, N);
	int distinct = expect_ran_once(&m, jobs, N, plan);
	CT_CHECK(ct_rendezvous_met(&meet),
		 "%s: the %d tasks were never all running at the same time (they ran on %d thread%s): a worker must "
		 "let go of the pool's lock while it runs a task, and pool_submit must wake a sleeping worker for "
		 "each task",
		 plan, N, distinct, distinct == 1 ? "" : "s");
	CT_CHECK(distinct == N, "%s: they ran on %d threads; expected %d, one each", plan, distinct, N);

	/* Then many short tasks: the same N threads run them all. */
	for (int i = N; i < N + SHORT; i++) {
		jobs[i].sleep_ns = 200 * 1000;
		CT_CHECK(pool_submit(p, run_job, &jobs[i]) == 0, "pool_submit(p, fn, arg) did not return 0");
	}
	wait_within(p, "with 40 tasks of 0.2 ms");
	snprintf(plan, sizeof plan, "pool_create(%d), 4 tasks, then %d more", N, SHORT);
	distinct = expect_ran_once(&m, jobs, N + SHORT, plan);
	CT_CHECK(ct_threads_created() - m.first == N,
		 "%s: %d threads were created in all; the pool must reuse its %d workers", plan,
		 ct_threads_created() - m.first, N);
	destroy_within(p, "after every task had finished");
	expect_cleaned_up(&m, plan);
	ct_pass();
}

/* ---- waiting ---------------------------------------------------------------------- */

static void wait_now(struct pool *p) { pool_wait(p); }

CT_TEST(pool, correct_wait_waits_for_running_tasks_and_the_tasks_they_submit)
{
	enum { PARENTS = 12, KIDS = 2 };
	static struct job kids[PARENTS * KIDS];
	struct made m;
	char plan[200], order[160];
	const enum ct_order_kind kinds[] = {CT_ORDER_AS_STARTED, CT_ORDER_REVERSED, CT_ORDER_SHUFFLED};

	struct pool *p = create(3, &m);
	/* pool_wait with nothing submitted returns at once. */
	uint64_t t0 = ct_now_ns();
	wait_now(p);
	CT_CHECK(ct_now_ns() - t0 < 1000 * CT_MS, "pool_wait(p) with no task submitted took %.0f ms; expected it to "
		 "return at once", (double)(ct_now_ns() - t0) / 1e6);
	/* As many tasks as workers: the queue is empty at once, while all three still run. */
	clear_jobs(jobs, 3);
	for (int i = 0; i < 3; i++) {
		jobs[i].sleep_ns = (uint64_t)(i + 1) * 10 * CT_MS;
		CT_CHECK(pool_submit(p, run_job, &jobs[i]) == 0, "pool_submit(p, fn, arg) did not return 0");
	}
	ct_sleep_ns(3 * CT_MS);
	wait_within(p, "with 3 tasks of 10, 20 and 30 ms running");
	uint64_t back = ct_now_ns();
	for (int i = 0; i < 3; i++)
		CT_CHECK(jobs[i].runs == 1 && jobs[i].end_ns <= back,
			 "pool_create(3), 3 tasks of 10, 20 and 30 ms, then pool_wait(p) once all three had started: "
			 "pool_wait returned while task %d was still %s: pool_wait must wait until every task submitted "
			 "has finished running (count the tasks that are queued or running, not only the queue)",
			 i + 1, jobs[i].start_ns ? "running" : "queued");
	for (int round = 0; round < 3; round++) {
		struct ct_order o;
		ct_order_make(&o, kinds[round], 11 + round, PARENTS);
		clear_jobs(jobs, PARENTS);
		clear_jobs(kids, PARENTS * KIDS);
		for (int i = 0; i < PARENTS; i++) {
			jobs[i].sleep_ns = ct_order_delay(&o, i, 2 * CT_MS);
			jobs[i].pool = p;
			jobs[i].kids = &kids[i * KIDS];
			jobs[i].nkids = KIDS;
			for (int k = 0; k < KIDS; k++)
				kids[i * KIDS + k].sleep_ns = (uint64_t)(k + 1) * 3 * CT_MS;
		}
		for (int i = 0; i < PARENTS; i++)
			CT_CHECK(pool_submit(p, run_job, &jobs[i]) == 0, "pool_submit(p, fn, arg) did not return 0");
		wait_within(p, "with tasks that sleep and submit tasks");
		uint64_t returned = ct_now_ns();
		snprintf(plan, sizeof plan,
			 "pool_create(3), then %d tasks that each submit %d more (which sleep 3 and 6 ms) and sleep, "
			 "finishing %s, then pool_wait(p)%s",
			 PARENTS, KIDS, ct_order_describe(&o, order, sizeof order), round ? " (the same pool again)" : "");
		for (int i = 0; i < PARENTS; i++) {
			CT_CHECK(jobs[i].runs == 1 && jobs[i].end_ns <= returned,
				 "%s: pool_wait returned while task %d was still %s: pool_wait must wait until every task "
				 "submitted has finished running (count the tasks that are queued or running, not only "
				 "the queue)",
				 plan, i + 1, jobs[i].start_ns ? "running" : "queued");
			CT_CHECK(jobs[i].submit_failed == 0, "%s: pool_submit from inside a task returned %d", plan,
				 jobs[i].submit_failed);
		}
		for (int i = 0; i < PARENTS * KIDS; i++)
			CT_CHECK(kids[i].runs == 1 && kids[i].end_ns <= returned,
				 "%s: pool_wait returned while a task submitted by task %d was still %s: pool_wait waits "
				 "for those too",
				 plan, i / KIDS + 1, kids[i].start_ns ? "running" : "queued or lost");
		expect_ran_once(&m, jobs, PARENTS, plan);
		expect_ran_once(&m, kids, PARENTS * KIDS, plan);
	}
	destroy_within(p, "after every task had finished");
	expect_cleaned_up(&m, "pool_wait test");
	ct_pass();
}

CT_TEST(pool, correct_several_pools_work_independently)
{
	struct made ma, mb;
	atomic_bool gate = false;

	clear_jobs(jobs, 21);
	struct pool *a = create(2, &ma);
	struct pool *b = create(2, &mb);
	jobs[0].gate = &gate; /* a task of pool a that waits until the test opens the gate */
	CT_CHECK(pool_submit(a, run_job, &jobs[0]) == 0, "pool_submit(a, fn, arg) did not return 0");
	for (int i = 1; i <= 20; i++)
		CT_CHECK(pool_submit(b, run_job, &jobs[i]) == 0, "pool_submit(b, fn, arg) did not return 0");
	call_within(pool_wait, b, "pool_wait", "while a task of another pool, a, was still running (pool_wait(b) must not wait for it)",
		    "Keep the count of unfinished tasks, and everything else, in the pool: nothing static shared by all pools");
	const char *plan = "two pools a and b of 2 threads each, one task of a kept running, 20 tasks into b";
	expect_ran_once(&mb, &jobs[1], 20, plan);
	CT_CHECK(jobs[0].runs == 0, "%s: grader error: a's task ended before the gate opened", plan);
	atomic_store(&gate, true);
	wait_within(a, "once its one task could finish");
	expect_ran_once(&ma, jobs, 1, plan);
	destroy_within(b, "after its tasks had finished");
	destroy_within(a, "after its task had finished");
	expect_cleaned_up(&mb, plan);
	expect_cleaned_up(&ma, plan);
	ct_pass();
}

/* ---- shutting down ------------------------------------------------------------------ */

CT_TEST(pool, correct_destroy_runs_queued_tasks_then_joins_every_thread)
{
	enum { N = 2, BUSY = 2, QUEUED = 30 };
	static struct job kid;
	struct made m;
	char plan[200];

	clear_jobs(jobs, BUSY + QUEUED);
	kid = (struct job){.slot = -2};
	struct pool *p = create(N, &m);
	for (int i = 0; i < BUSY + QUEUED; i++) {
		jobs[i].sleep_ns = i < BUSY ? 30 * CT_MS : 100 * 1000;
		if (i == BUSY + QUEUED - 1) { /* the last queued task submits one more */
			jobs[i].pool = p;
			jobs[i].kids = &kid;
			jobs[i].nkids = 1;
		}
		CT_CHECK(pool_submit(p, run_job, &jobs[i]) == 0, "pool_submit(p, fn, arg) did not return 0");
	}
	snprintf(plan, sizeof plan,
		 "pool_create(%d), %d tasks of 30 ms, then %d short ones (the last submits one more), then "
		 "pool_destroy(p) at once, with tasks still queued",
		 N, BUSY, QUEUED);
	ct_set_spurious_wakeups(true);
	destroy_within(p, "with tasks still queued");
	ct_set_spurious_wakeups(false);
	for (int i = 0; i < BUSY + QUEUED; i++)
		CT_CHECK(jobs[i].runs == 1,
			 "%s: task %d ran %d times; pool_destroy must first run every task still queued, then stop the "
			 "workers (a worker leaves only when the pool is stopping and the queue is empty)",
			 plan, i + 1, jobs[i].runs);
	CT_CHECK(kid.runs == 1,
		 "%s: the task submitted by a queued task while pool_destroy ran %s; it must run too, before the "
		 "workers stop",
		 plan, kid.runs ? "ran more than once" : "never ran");
	expect_ran_once(&m, jobs, BUSY + QUEUED, plan);
	expect_cleaned_up(&m, plan);

	/* Every worker asleep when pool_destroy comes, none busy to see the pool stopping by itself. */
	enum { IDLE = 4 };
	struct made idle;
	struct pool *q = create(IDLE, &idle);
	ct_sleep_ns(30 * CT_MS); /* time for each worker to reach its wait */
	snprintf(plan, sizeof plan, "pool_create(%d), nothing submitted, then pool_destroy(p) 30 ms later, with every "
		 "worker asleep", IDLE);
	destroy_within(q, "with every worker idle");
	expect_cleaned_up(&idle, plan);
	ct_pass();
}

/* ---- errors ------------------------------------------------------------------------- */

static void fail_allocations(void)
{
	ct_fail_calls_from(CT_CALL_malloc, 1, ENOMEM);
	ct_fail_calls_from(CT_CALL_calloc, 1, ENOMEM);
	ct_fail_calls_from(CT_CALL_realloc, 1, ENOMEM);
}

static int allocations_failed(void)
{
	int n = ct_faults_injected(CT_CALL_malloc) + ct_faults_injected(CT_CALL_calloc) +
		ct_faults_injected(CT_CALL_realloc);
	ct_fault_clear(CT_CALL_malloc);
	ct_fault_clear(CT_CALL_calloc);
	ct_fault_clear(CT_CALL_realloc);
	return n;
}

CT_TEST(pool, correct_create_failing_joins_what_it_started_and_submit_reports_enomem)
{
	/* pthread_create failing for the 3rd worker of 4. */
	int first = ct_threads_created();
	size_t heap = ct_heap_in_use(NULL);
	int before[TASKS_MAX], nb = tasks_list(before, TASKS_MAX);
	ct_fail_call(CT_CALL_pthread_create, 3, EAGAIN);
	errno = 0;
	struct pool *p = pool_create(4);
	int err = errno, injected = ct_faults_injected(CT_CALL_pthread_create);
	ct_fault_clear(CT_CALL_pthread_create);
	CT_CHECK(injected == 1, "pool_create(4) with the 3rd pthread_create failing made only %d pthread_create calls",
		 ct_threads_created() - first);
	CT_CHECK(p == NULL && err == EAGAIN,
		 "pool_create(4) with the 3rd pthread_create failing (EAGAIN) returned %s with errno %d (%s); expected "
		 "NULL with errno EAGAIN: pthread_create returns its error number, it does not set errno",
		 p ? "a pool" : "NULL", err, strerror(err));
	int started = ct_threads_created() - first;
	for (int i = first; i < first + started; i++)
		CT_CHECK(ct_thread(i).joined,
			 "pool_create(4) failed at its 3rd pthread_create and returned NULL, but thread %d it had "
			 "started was never joined: after an error, stop and join every thread already started",
			 i - first + 1);
	CT_CHECK(tasks_settle(before, nb) == 0, "pool_create(4) failed, but %d of its threads are still there",
		 tasks_settle(before, nb));
	CT_CHECK(ct_heap_in_use(NULL) <= heap,
		 "pool_create(4) failed at its 3rd pthread_create but left %zu bytes allocated: free what it "
		 "allocated before returning NULL",
		 ct_heap_in_use(NULL) - heap);

	/* No memory at all. */
	first = ct_threads_created();
	fail_allocations();
	errno = 0;
	p = pool_create(2);
	err = errno;
	int failed = allocations_failed();
	if (p && failed == 0) {
		destroy_within(p, "after a pool_create that allocated nothing");
	} else {
		CT_CHECK(p == NULL && err == ENOMEM,
			 "pool_create(2) with every malloc, calloc and realloc failing returned %s with errno %d (%s); "
			 "expected NULL with errno ENOMEM",
			 p ? "a pool" : "NULL", err, strerror(err));
		for (int i = first; i < ct_threads_created(); i++)
			CT_CHECK(ct_thread(i).joined, "pool_create(2) failed for want of memory, but a thread it had "
				 "started was never joined");
	}

	/* pool_submit without memory: ENOMEM, the task never runs, the pool still works. */
	struct made m;
	clear_jobs(jobs, 2);
	p = create(2, &m);
	fail_allocations();
	err = pool_submit(p, run_job, &jobs[0]);
	failed = allocations_failed();
	if (failed > 0)
		CT_CHECK(err == ENOMEM,
			 "pool_submit(p, fn, arg) with every malloc, calloc and realloc failing returned %d (%s); "
			 "expected ENOMEM",
			 err, strerror(err));
	CT_CHECK(pool_submit(p, run_job, &jobs[1]) == 0, "pool_submit(p, fn, arg) after memory came back did not "
		 "return 0");
	wait_within(p, "after a pool_submit that failed for want of memory");
	CT_CHECK(jobs[0].runs == (failed > 0 ? 0 : 1),
		 "the task whose pool_submit returned ENOMEM ran %d time%s; a task that could not be queued must never run",
		 jobs[0].runs, jobs[0].runs == 1 ? "" : "s");
	CT_CHECK(jobs[1].runs == 1, "after a pool_submit that failed with ENOMEM, the next task ran %d times; the pool "
		 "must stay usable", jobs[1].runs);
	destroy_within(p, "after a failed pool_submit");
	expect_cleaned_up(&m, "pool_submit without memory");
	ct_pass();
}

/* ---- sleeping, not spinning ---------------------------------------------------------- */

/* Over window_ms, thread tid neither wanted a CPU most of the time nor woke up again and again. */
static void expect_asleep(int tid, int window_ms, const char *who, const char *advice)
{
	struct ct_thread_activity a = ct_thread_activity(tid);
	uint64_t t0 = ct_now_ns();
	if (!a.ok)
		CT_SKIP("a thread's CPU time cannot be read here (/proc/self/task/%d/schedstat and status)", tid);
	ct_sleep_ns((uint64_t)window_ms * CT_MS);
	struct ct_thread_activity b = ct_thread_activity(tid);
	double ms = (double)(ct_now_ns() - t0) / 1e6;
	double busy = (double)(b.run_ns - a.run_ns + b.wait_ns - a.wait_ns) / 1e6;
	unsigned long naps = b.voluntary - a.voluntary;
	CT_CHECK(busy <= 0.5 * ms,
		 "%s, for %.0f ms, and all that time it wanted a CPU: it ran %.1f ms and waited %.1f ms for one, so it "
		 "busy-waits. %s",
		 who, ms, (double)(b.run_ns - a.run_ns) / 1e6, (double)(b.wait_ns - a.wait_ns) / 1e6, advice);
	CT_CHECK(naps <= 2,
		 "%s, for %.0f ms, and in that time it went to sleep and woke up %lu times although nothing changed: it "
		 "polls. %s",
		 who, ms, naps, advice);
}

static void *wait_in_thread(void *arg)
{
	struct call *c = arg;

	call_body(c);
	return NULL;
}

CT_TEST(pool, timing_idle_workers_and_pool_wait_sleep)
{
	struct made m;
	atomic_bool gate = false;
	char who[160];

	struct pool *p = create(3, &m);
	ct_sleep_ns(30 * CT_MS); /* let the workers settle into their wait */
	int now[TASKS_MAX], n = tasks_list(now, TASKS_MAX), k = 0;
	for (int i = 0; i < n; i++)
		if (!tasks_has(m.tids, m.ntids, now[i])) {
			snprintf(who, sizeof who, "worker thread %d of pool_create(3) had nothing to do", ++k);
			expect_asleep(now[i], 150, who,
				      "A worker with nothing to do must sleep in pthread_cond_wait until pool_submit or "
				      "pool_destroy signals it");
		}
	CT_CHECK(k == 3, "pool_create(3) returned with %d new threads in the process; expected its 3 workers", k);

	/* pool_wait, while the one task runs 200 ms, sleeps too, and returns as soon as the task ends. */
	clear_jobs(jobs, 1);
	jobs[0].gate = &gate;
	CT_CHECK(pool_submit(p, run_job, &jobs[0]) == 0, "pool_submit(p, fn, arg) did not return 0");
	struct call c = {.p = p, .fn = pool_wait};
	pthread_t t;
	int err = ct_real_pthread_create(&t, NULL, wait_in_thread, &c);
	CT_CHECK(err == 0, "grader error: pthread_create failed (%d)", err);
	while (!c.tid)
		ct_sleep_ns(CT_MS / 2);
	ct_sleep_ns(20 * CT_MS);
	expect_asleep(c.tid, 150, "pool_wait(p) waited for a task that was still running",
		      "pool_wait must sleep in pthread_cond_wait until the last unfinished task ends and signals it");
	uint64_t opened = ct_now_ns();
	atomic_store(&gate, true);
	uint64_t until = opened + DEADLINE;
	while (!c.end_ns && ct_now_ns() < until)
		ct_sleep_ns(CT_MS / 2);
	CT_CHECK(c.end_ns, "pool_wait(p) did not return within 3 s after its only task ended");
	ct_real_pthread_join(t, NULL);
	double late = (double)(c.end_ns - jobs[0].end_ns) / 1e6;
	CT_CHECK(late < 50,
		 "pool_wait(p) returned %.0f ms after the last task ended: it was not woken, it found out by itself "
		 "(a polling loop). The worker that finishes the last task must wake the waiters (pthread_cond_broadcast "
		 "or signal)",
		 late);
	destroy_within(p, "after every task had finished");
	expect_cleaned_up(&m, "timing test");
	ct_pass();
}

/* A task that keeps a CPU busy for 60 ms of its own CPU time. */
static void spin_job(void *arg)
{
	struct job *j = arg;
	uint64_t cpu0 = ct_thread_cpu_ns();

	j->slot = ct_current_thread();
	j->start_ns = ct_now_ns();
	while (ct_thread_cpu_ns() - cpu0 < 60 * CT_MS)
		;
	j->end_ns = ct_now_ns();
	j->runs++;
}

CT_TEST(pool, timing_tasks_run_in_parallel_on_several_cpus)
{
	struct made m;
	double best = 0;

	if (tasks_usable_cpus() < 2)
		CT_SKIP("needs 2 CPUs; this process may use 1");
	struct pool *p = create(2, &m);
	for (int attempt = 0; attempt < 3 && best < 1.5; attempt++) {
		clear_jobs(jobs, 2);
		uint64_t t0 = ct_now_ns();
		for (int i = 0; i < 2; i++)
			CT_CHECK(pool_submit(p, spin_job, &jobs[i]) == 0, "pool_submit(p, fn, arg) did not return 0");
		wait_within(p, "with 2 tasks of 60 ms of CPU each");
		uint64_t wall = ct_now_ns() - t0;
		expect_ran_once(&m, jobs, 2, "pool_create(2), then 2 CPU-bound tasks");
		struct ct_interval iv[2] = {{jobs[0].start_ns, jobs[0].end_ns}, {jobs[1].start_ns, jobs[1].end_ns}};
		double c = ct_concurrency(iv, 2);
		if (c > best)
			best = c;
		/* Another program on the CPUs stretches both; if the tasks did not overlap at all, it is the code. */
		if (best < 1.5 && ct_max_overlap(iv, 2) < 2) {
			destroy_within(p, "after its tasks had finished");
			CT_CHECK(false,
				 "pool_create(2) ran two CPU-bound tasks of 60 ms one after the other (concurrency %.2f, "
				 "%.0f ms in all): a worker must not hold the pool's lock while it runs a task",
				 c, (double)wall / 1e6);
		}
	}
	destroy_within(p, "after its tasks had finished");
	if (best < 1.5)
		CT_SKIP("too busy: the two tasks overlapped but never ran side by side (best concurrency %.2f of 2): "
			"another program had the CPUs", best);
	expect_cleaned_up(&m, "parallel test");
	ct_pass();
}
