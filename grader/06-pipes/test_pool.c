/*
 * test_pool.c - grader suite for lesson 06, exercise "pool" (pool.h).
 *
 * The grader's fn runs in the student's workers and reports through memory
 * shared with them (ct_shared_alloc): in which process each input was
 * computed.  The grader's input() notes any call made outside the calling
 * process, and counts the calls per index.  pool_map runs under
 * ct_run_within(): if it does not return, the test shows where every
 * process is blocked, and on which pipe.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ct_ipc.h"
#include "ct_test.h"
#include "pool.h"

CT_SUITE(pool);

#define DEADLINE_MS 3000
#define MAX_N 50000
#define CRASH_INPUT 1007 /* fn crashes on this input when crashing is on */

struct shared {
	pid_t computed_in[MAX_N]; /* the process that computed input i (0: never) */
	int input_calls[MAX_N];   /* calls of input(i) made in the caller */
	bool input_in_child;      /* input() was called in another process */
	bool crash;               /* fn crashes on CRASH_INPUT */
	struct ct_rendezvous meet; /* first call of fn in each worker, for the timing test */
	bool meet_on;
	uint64_t sleep_ns;        /* fn sleeps this long per call */
};

static struct shared *sh;
static pid_t caller;
static const char *names[POOL_MAX_WORKERS] = {"worker 1", "worker 2", "worker 3", "worker 4",
					      "worker 5", "worker 6", "worker 7", "worker 8"};

static long value_of(size_t i) { return 1000 + (long)i; }
static long f(long x) { return x * 3 - 7; }

static long input(size_t i)
{
	if (getpid() != caller) {
		sh->input_in_child = true;
	} else if (i < MAX_N) {
		sh->input_calls[i]++;
	}
	return value_of(i);
}

static long fn(long x)
{
	static bool met; /* per worker process: its copy of this flag */
	size_t i = (size_t)(x - 1000);

	if (sh->crash && x == CRASH_INPUT)
		raise(SIGSEGV);
	if (i < MAX_N)
		sh->computed_in[i] = getpid();
	if (sh->meet_on && !met) {
		met = true;
		ct_rendezvous_arrive(&sh->meet);
	}
	if (sh->sleep_ns)
		ct_sleep_ns(sh->sleep_ns);
	else if (i < 200 && i % 5 == 0)
		ct_sleep_ns(CT_MS); /* some inputs take longer, so results may come back out of order */
	return f(x);
}

static struct {
	int workers;
	size_t n;
	long *results;
	int ret, err;
} job;
static struct ct_fdset fds_before;

static void call(void *unused)
{
	(void)unused;
	errno = 0;
	job.ret = pool_map(job.workers, fn, input, job.n, job.results);
	job.err = errno;
}

static void setup(void)
{
	caller = getpid();
	if (!sh)
		sh = ct_shared_alloc(sizeof *sh);
}

/* Runs pool_map(workers, fn, input, n, results) under the deadline; fails with the picture if it hangs. */
static void run(int workers, size_t n, const char *why_big)
{
	static long results[MAX_N];
	char why[6000];

	setup();
	memset(sh->computed_in, 0, sizeof sh->computed_in);
	memset(sh->input_calls, 0, sizeof sh->input_calls);
	for (size_t i = 0; i < n; i++)
		results[i] = -1;
	job.workers = workers;
	job.n = n;
	job.results = results;
	ct_api_reset();
	ct_fds_snapshot(&fds_before);
	bool returned = ct_run_within(call, NULL, DEADLINE_MS * CT_MS, "pool_map", names, POOL_MAX_WORKERS, why,
				      sizeof why);
	CT_CHECK(returned, "pool_map(%d, fn, input, %zu, results) did not return within %d s%s. Where everything was "
		 "blocked:\n%s%s", workers, n, DEADLINE_MS / 1000, why_big ? why_big : "", why,
		 "Two rules keep a pool from hanging. A pipe holds about 64 KiB, and a write to a full pipe blocks "
		 "until someone reads: read results while you send inputs, and never wait for a worker before "
		 "reading all it sends. And end of file comes only once every copy of a write end is closed: each "
		 "worker inherits the caller's ends of the earlier workers' pipes, so close them in the child");
}

static void check_results(int workers, size_t n)
{
	CT_CHECK(job.ret == 0, "pool_map(%d, fn, input, %zu, results) returned %d (errno %d); expected 0", workers, n,
		 job.ret, job.err);
	for (size_t i = 0; i < n; i++)
		CT_CHECK(job.results[i] == f(value_of(i)),
			 "pool_map(%d, fn, input, %zu, results): results[%zu] is %ld; expected fn(input(%zu)) = %ld%s",
			 workers, n, i, job.results[i], i, f(value_of(i)),
			 job.results[i] == -1 ? " (it was never written)" : " (results must be stored in input order)");
}

CT_TEST(pool, correct_results_in_input_order)
{
	const struct {
		int workers;
		size_t n;
	} cases[] = {{3, 100}, {1, 7}, {4, 2}, {2, 0}};

	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		run(cases[c].workers, cases[c].n, NULL);
		check_results(cases[c].workers, cases[c].n);
	}
	ct_pass();
}

CT_TEST(pool, correct_work_runs_in_the_workers_started_once)
{
	pid_t kids[64];

	run(3, 60, NULL);
	check_results(3, 60);
	int forks = ct_forked(kids, 64);
	CT_CHECK(forks == 3, "pool_map(3, fn, input, 60, results) called fork() %d times; expected 3: start each "
		 "worker once and send it many inputs, as a pool does", forks);
	for (size_t i = 0; i < 60; i++) {
		pid_t p = sh->computed_in[i];
		bool worker = false;
		for (int k = 0; k < forks && k < 64; k++)
			worker |= kids[k] == p;
		CT_CHECK(p != caller, "input %zu was computed in the calling process; every fn() call must run in a "
			 "worker", i);
		CT_CHECK(worker, "input %zu was computed in process %d, which is not one of the workers pool_map "
			 "started", i, (int)p);
	}
	CT_CHECK(!sh->input_in_child, "input() was called in a worker process; it may be called only in the caller, "
		 "which sends each input to a worker through its pipe");
	for (size_t i = 0; i < 60; i++)
		CT_CHECK(sh->input_calls[i] == 1, "input(%zu) was called %d times in the caller; expected once", i,
			 sh->input_calls[i]);
	ct_pass();
}

CT_TEST(pool, correct_a_large_job_does_not_deadlock)
{
	run(2, 40000, ", with 40000 inputs (about 160 KiB of inputs and as much of results per worker, far more "
		      "than a pipe holds)");
	check_results(2, 40000);
	ct_pass();
}

CT_TEST(pool, correct_a_crashed_worker_is_reported)
{
	setup();
	sh->crash = true;
	run(3, 30, NULL);
	CT_CHECK(job.ret == -1 && job.err == ECHILD,
		 "a worker crashed (SIGSEGV) while computing input 7; pool_map returned %d with errno %d; expected -1 "
		 "with errno ECHILD (%d): when a worker's result pipe gives end of file before all its results, "
		 "report it", job.ret, job.err, ECHILD);
	char zombies[1024];
	int nz = ct_unreaped_children(names, POOL_MAX_WORKERS, zombies, sizeof zombies);
	CT_CHECK(nz == 0, "after pool_map reported the crash: %s. Stop the other workers (close their input pipes) "
		 "and wait for every worker, the crashed one too", zombies);
	ct_pass();
}

CT_TEST(pool, correct_no_descriptor_left_open_and_no_zombie)
{
	struct ct_fdset after;
	char leaked[1024], zombies[1024];

	run(3, 50, NULL);
	check_results(3, 50);
	ct_fds_snapshot(&after);
	int nl = ct_fds_leaked(&fds_before, &after, leaked, sizeof leaked);
	CT_CHECK(nl == 0, "after pool_map returned, the caller still had %d descriptor%s it did not have before: %s. "
		 "Close both pipes of every worker", nl, nl == 1 ? "" : "s", leaked);
	int nz = ct_unreaped_children(names, POOL_MAX_WORKERS, zombies, sizeof zombies);
	CT_CHECK(nz == 0, "after pool_map returned: %s. Close each worker's input pipe (it then sees end of file and "
		 "exits), then wait for it", zombies);
	ct_pass();
}

CT_TEST(pool, timing_workers_compute_at_the_same_time)
{
	setup();
	sh->meet_on = true;
	sh->sleep_ns = 5 * CT_MS;
	ct_rendezvous_init(&sh->meet, 3, 1000 * CT_MS);
	run(3, 12, NULL);
	check_results(3, 12);
	CT_CHECK(ct_rendezvous_met(&sh->meet),
		 "the 3 workers never computed at the same time (each waits up to 1 s at its first input for the "
		 "others): start every worker, and give each an input, before waiting for any result");
	ct_pass();
}
