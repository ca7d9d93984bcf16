/*
 * test_pool.c - grader suite for lesson 06, exercise "pool" (pool.h).
 *
 * The grader's fn runs in the student's workers and reports through memory
 * shared with them (ct_shared_alloc): in which process each input was
 * computed, and, at each worker's first input, which pipe descriptors that
 * process holds.  The grader's input() runs in the caller: it notes any
 * call made outside the calling process, counts the calls per index, and
 * at its first call notes how many workers had been started and which pipe
 * descriptors the caller holds.  pool_map runs under ct_run_within(): if
 * it does not return, the test shows where every process is blocked, and
 * on which pipe.
 *
 * fn can be made to crash (SIGSEGV), to end its worker (_exit), or to stop
 * its worker reading (it closes the worker's input pipe and still answers),
 * on one input; the inputs can finish in a chosen order (ct_order.h); and
 * the error paths are taken by fault injection (ct_fault.h), armed just
 * around the call: pipe EMFILE, fork EAGAIN, read and write EINTR, EIO or
 * short, waitpid EINTR or EINVAL.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ct_ipc.h"
#include "ct_order.h"
#include "ct_test.h"
#include "ct_timeline_lives.h"
#include "pool.h"

CT_SUITE(pool);

#define DEADLINE_MS 3000
#define MAX_N 50000
#define TIMED_N	    64	 /* inputs whose fn calls are timed */
#define CRASH_INPUT 1007 /* fn crashes on this input when crashing is on */
#define MAX_ENDS 12

/* The pipe descriptors one process held that the caller did not hold before pool_map. */
struct ends {
	pid_t pid;
	int n, more; /* more: descriptors past MAX_ENDS */
	int fd[MAX_ENDS];
	bool write[MAX_ENDS];
	char pipe[MAX_ENDS][32]; /* "pipe:[1234]" */
};

struct shared {
	pid_t computed_in[MAX_N];  /* the process that computed input i (0: never) */
	int input_calls[MAX_N];    /* calls of input(i) made in the caller */
	bool input_in_child;       /* input() was called in another process */
	bool crash;                /* fn crashes on CRASH_INPUT */
	long exit_at, stop_at;     /* fn ends its worker / stops its worker reading on this input (-1: never) */
	struct ct_rendezvous meet; /* first call of fn in each worker, for the timing test */
	bool meet_on;
	uint64_t sleep_ns; /* fn sleeps this long per call */
	uint64_t delay_ns[CT_ORDER_MAX]; /* fn sleeps delay_ns[i] on input i, when order_on */
	bool order_on;
	atomic_bool acted; /* a worker crashed, ended or stopped reading, as asked */
	bool note_ends;    /* each worker notes its pipe descriptors at its first input */
	atomic_int nworkers_noted;
	struct ends worker_ends[POOL_MAX_WORKERS];
	struct ct_interval when[TIMED_N]; /* each call of fn on input i < TIMED_N, for the timeline */
};

static struct shared *sh;
static pid_t caller;
static const char *names[POOL_MAX_WORKERS] = {"worker 1",  "worker 2",  "worker 3",  "worker 4",
					      "worker 5",  "worker 6",  "worker 7",  "worker 8",
					      "worker 9",  "worker 10", "worker 11", "worker 12",
					      "worker 13", "worker 14", "worker 15", "worker 16"};
static struct ct_fdset fds_before;

/* What the caller looked like at the first input() call. */
static struct {
	bool seen;
	int forks; /* workers started by then */
	struct ends ends;
} at_first_input;

static long value_of(size_t i) { return 1000 + (long)i; }
static long f(long x) { return x * 3 - 7; }

/* The pipe descriptors of the calling process that were not open (to the same pipe) before pool_map. */
static void note_ends(struct ends *out)
{
	struct ct_fdset now;

	ct_fds_snapshot(&now);
	out->pid = getpid();
	out->n = out->more = 0;
	for (int i = 0; i < now.n; i++) {
		if (strncmp(now.target[i], "pipe:[", 6) != 0)
			continue;
		bool old = false;
		for (int k = 0; k < fds_before.n && !old; k++)
			old = fds_before.fd[k] == now.fd[i] && strcmp(fds_before.target[k], now.target[i]) == 0;
		if (old)
			continue;
		if (out->n == MAX_ENDS) {
			out->more++;
			continue;
		}
		out->fd[out->n] = now.fd[i];
		out->write[out->n] = (fcntl(now.fd[i], F_GETFL) & O_ACCMODE) == O_WRONLY;
		snprintf(out->pipe[out->n], sizeof out->pipe[out->n], "%s", now.target[i]);
		out->n++;
	}
}

static long input(size_t i)
{
	if (getpid() != caller) {
		sh->input_in_child = true;
		return value_of(i);
	}
	if (i < MAX_N)
		sh->input_calls[i]++;
	if (!at_first_input.seen) {
		at_first_input.seen = true;
		at_first_input.forks = ct_count(CT_CALL_fork);
		note_ends(&at_first_input.ends);
	}
	return value_of(i);
}

/* In a worker, on input x: close every pipe read end this process got from pool_map (its input). */
static void stop_reading(void)
{
	struct ends mine;

	note_ends(&mine);
	for (int k = 0; k < mine.n; k++)
		if (!mine.write[k])
			close(mine.fd[k]);
}

static long fn(long x)
{
	static bool first = true; /* per worker process: its copy of this flag */
	size_t i = (size_t)(x - 1000);
	bool in_worker = getpid() != caller; /* the deaths below are a worker's, never the test's */

	if (sh->crash && x == CRASH_INPUT && in_worker) {
		sh->acted = true;
		raise(SIGSEGV);
	}
	if (sh->exit_at == (long)i && in_worker) {
		sh->acted = true;
		_exit(0);
	}
	if (i < MAX_N)
		sh->computed_in[i] = getpid();
	if (i < TIMED_N)
		sh->when[i] = (struct ct_interval){ct_now_ns(), 0};
	if (first && in_worker) {
		first = false;
		if (sh->note_ends) {
			int k = atomic_fetch_add(&sh->nworkers_noted, 1);
			if (k < POOL_MAX_WORKERS)
				note_ends(&sh->worker_ends[k]);
		}
		if (sh->meet_on)
			ct_rendezvous_arrive(&sh->meet);
	}
	if (sh->stop_at == (long)i && in_worker) {
		sh->acted = true;
		stop_reading();
	} /* the answer still goes back; the next input finds no reader */
	if (sh->order_on && i < CT_ORDER_MAX)
		ct_sleep_ns(sh->delay_ns[i]);
	else if (sh->sleep_ns)
		ct_sleep_ns(sh->sleep_ns);
	else if (i < 200 && i % 5 == 0)
		ct_sleep_ns(CT_MS); /* some inputs take longer, so results may come back out of order */
	if (i < TIMED_N)
		sh->when[i].end_ns = ct_now_ns();
	return f(x);
}

/* The call, and a fault armed just around it. */
static struct {
	int workers;
	pool_fn fn;
	pool_input input;
	size_t n;
	long *results;
	int ret, err;
	int nfaults;
	struct {
		enum ct_call call;
		struct ct_fault f;
	} faults[3];
} job;

static void call(void *unused)
{
	(void)unused;
	for (int k = 0; k < job.nfaults; k++)
		ct_fault_arm(job.faults[k].call, job.faults[k].f);
	errno = 0;
	job.ret = pool_map(job.workers, job.fn, job.input, job.n, job.results);
	job.err = errno;
	ct_faults_reset();
	job.nfaults = 0;
}

static void setup(void)
{
	caller = getpid();
	if (!sh) {
		sh = ct_shared_alloc(sizeof *sh);
		sh->exit_at = sh->stop_at = -1;
	}
}

/* Arms f on call for the next run only. */
static void with_fault(enum ct_call call, struct ct_fault f)
{
	job.faults[job.nfaults].call = call;
	job.faults[job.nfaults++].f = f;
}

/*
 * The timeline of a run of n inputs: each fn call in the row of the worker
 * that made it (in fork order; a last row for any other process), and each
 * worker from fork to reaping.
 */
static void save_timeline(const char *file, int workers, size_t n)
{
	static struct ct_interval lives[POOL_MAX_WORKERS];
	static int row[TIMED_N];
	pid_t kids[POOL_MAX_WORKERS];
	int forks = ct_forked(kids, POOL_MAX_WORKERS), nrows = forks < POOL_MAX_WORKERS ? forks : POOL_MAX_WORKERS;
	int ncalls = n < TIMED_N ? (int)n : TIMED_N;
	bool elsewhere = false;

	for (int i = 0; i < ncalls; i++) {
		row[i] = nrows;
		for (int k = 0; k < nrows; k++)
			if (kids[k] == sh->computed_in[i])
				row[i] = k;
		elsewhere |= row[i] == nrows;
	}
	struct ct_timeline_group g[] = {
	    {"fn(input) in each worker", sh->when, row, ncalls, nrows + elsewhere},
	    ct_timeline_children("pool_map's workers, fork to reaping", lives, POOL_MAX_WORKERS)};
	char title[200];
	snprintf(title, sizeof title, "pool_map(%d, fn, input, %zu, results), fn %.0f ms per input: %d fork()s%s",
		 workers, n, (double)sh->sleep_ns / 1e6, forks,
		 elsewhere ? " (the last row of fn: calls in another process)" : "");
	ct_timeline_save(file, title, g, 2, false);
}

/* A timing test sets this: run() then saves the timeline of its run under that name, before any check. */
static const char *timeline_file;

/* Runs pool_map(workers, fn, input, n, results) under the deadline; fails with the picture if it hangs. */
static void run(int workers, size_t n, const char *why_big)
{
	static long results[MAX_N];
	char why[6000];

	setup();
	memset(sh->computed_in, 0, sizeof sh->computed_in);
	memset(sh->input_calls, 0, sizeof sh->input_calls);
	memset(sh->when, 0, sizeof sh->when);
	sh->nworkers_noted = 0;
	sh->acted = false;
	at_first_input.seen = false;
	for (size_t i = 0; i < n; i++)
		results[i] = -1;
	job.workers = workers;
	job.fn = job.fn ? job.fn : fn;
	job.input = job.input ? job.input : input;
	job.n = n;
	job.results = results;
	ct_api_reset();
	ct_fds_snapshot(&fds_before);
	bool returned = ct_run_within(call, NULL, DEADLINE_MS * CT_MS, "pool_map", names, POOL_MAX_WORKERS, why,
				      sizeof why);
	job.fn = NULL;
	job.input = NULL;
	if (timeline_file)
		save_timeline(timeline_file, workers, n);
	CT_CHECK(returned, "pool_map(%d, fn, input, %zu, results) did not return within %d s%s. Where everything was "
		 "blocked:\n%s%s", workers, n, DEADLINE_MS / 1000, why_big ? why_big : "", why,
		 "Two rules keep a pool from hanging. A pipe holds about 64 KiB, and a write to a full pipe blocks "
		 "until someone reads: read results while you send inputs, and never wait for a worker before "
		 "reading all it sends. And end of file comes only once every copy of a write end is closed: each "
		 "worker inherits every pipe end the caller holds at its fork (the caller's ends of the earlier "
		 "workers' pipes, and, if the pipes were all made before the forks, the ends of the later workers' "
		 "pipes too), so close them in the child");
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
		CT_CHECK(ct_count(CT_CALL_fork) == cases[c].workers,
			 "pool_map(%d, fn, input, %zu, results) called fork() %d times; expected %d: start `workers` "
			 "workers, whatever n is", cases[c].workers, cases[c].n, ct_count(CT_CALL_fork),
			 cases[c].workers);
	}
	ct_pass();
}

CT_TEST(pool, correct_results_in_input_order_whichever_input_finishes_first)
{
	const enum ct_order_kind kinds[] = {CT_ORDER_REVERSED, CT_ORDER_SHUFFLED};
	const size_t n = 9;

	setup();
	for (int k = 0; k < 2; k++) {
		struct ct_order o;
		char order[200], why[300];
		ct_order_make(&o, kinds[k], 7, (int)n);
		for (size_t i = 0; i < n; i++)
			sh->delay_ns[i] = ct_order_delay(&o, (int)i, CT_MS);
		sh->order_on = true;
		snprintf(why, sizeof why, ", with inputs that finish %s", ct_order_describe(&o, order, sizeof order));
		run(3, n, why);
		sh->order_on = false;
		for (size_t i = 0; i < n; i++)
			CT_CHECK(job.ret == 0 && job.results[i] == f(value_of(i)),
				 "pool_map(3, fn, input, %zu, results)%s returned %d, and results[%zu] is %ld; expected "
				 "fn(input(%zu)) = %ld. Store each result at the index of its input, whichever worker "
				 "answers first",
				 n, why, job.ret, i, job.results[i], i, f(value_of(i)));
	}
	ct_pass();
}

CT_TEST(pool, correct_work_runs_in_the_workers_started_once_before_any_input)
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
	CT_CHECK(at_first_input.forks == 3,
		 "pool_map(3, fn, input, 60, results) called input() for the first time when it had started %d of "
		 "its 3 workers: start every worker first, then send the inputs", at_first_input.forks);
	ct_pass();
}

/* Describes e into buf, each descriptor with who else holds an end of its pipe. */
static const char *describe_ends(const struct ends *e, const char *const *who, const struct ends *const *others,
				 int nothers, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < e->n && used < len; i++) {
		used += (size_t)snprintf(buf + used, len - used, "%sfd %d (%s end of %s", i ? ", " : "", e->fd[i],
					 e->write[i] ? "write" : "read", e->pipe[i]);
		int shown = 0;
		for (int o = 0; o < nothers && used < len; o++)
			for (int k = 0; others[o] != e && k < others[o]->n && used < len; k++)
				if (strcmp(others[o]->pipe[k], e->pipe[i]) == 0)
					used += (size_t)snprintf(buf + used, len - used, "%s%s holds its %s end",
								 shown++ ? ", " : "; ", who[o],
								 others[o]->write[k] ? "write" : "read");
		if (used < len)
			used += (size_t)snprintf(buf + used, len - used, ")");
	}
	if (e->more && used < len)
		snprintf(buf + used, len - used, ", and %d more", e->more);
	return buf;
}

static int count_ends(const struct ends *e, bool write)
{
	int n = 0;

	for (int i = 0; i < e->n; i++)
		n += e->write[i] == write;
	return n;
}

CT_TEST(pool, correct_each_process_keeps_only_the_pipe_ends_it_uses)
{
	pid_t kids[POOL_MAX_WORKERS];
	char held[3000];

	setup();
	sh->note_ends = true;
	run(3, 30, NULL);
	sh->note_ends = false;
	check_results(3, 30);
	int forks = ct_forked(kids, POOL_MAX_WORKERS), noted = sh->nworkers_noted;
	noted = noted < POOL_MAX_WORKERS ? noted : POOL_MAX_WORKERS;
	/* Everyone's ends, to say who else holds each pipe. */
	const struct ends *all[POOL_MAX_WORKERS + 1];
	const char *who[POOL_MAX_WORKERS + 1];
	char worker_names[POOL_MAX_WORKERS][40];
	int nall = 0;
	all[nall] = &at_first_input.ends;
	who[nall++] = "the caller";
	for (int w = 0; w < noted; w++) {
		int k = 0;
		while (k < forks && kids[k] != sh->worker_ends[w].pid)
			k++;
		if (k < forks)
			snprintf(worker_names[w], sizeof worker_names[w], "worker %d", k + 1);
		else
			snprintf(worker_names[w], sizeof worker_names[w], "process %d", (int)sh->worker_ends[w].pid);
		all[nall] = &sh->worker_ends[w];
		who[nall++] = worker_names[w];
	}
	const struct ends *c = &at_first_input.ends;
	CT_CHECK(at_first_input.seen, "pool_map(3, fn, input, 30, results) never called input() in the calling "
		 "process: the caller reads the inputs and sends them to the workers through their pipes");
	CT_CHECK(count_ends(c, true) == 3 && count_ends(c, false) == 3 && !c->more,
		 "when pool_map(3, fn, input, 30, results) first called input(), the caller held %d pipe descriptors "
		 "it did not have before: %s. It needs 2 per worker, 6 in all: the write end of each worker's input "
		 "pipe and the read end of its result pipe. Close the worker's two ends in the caller right after "
		 "its fork: a write end of a result pipe left in the caller keeps its read() from ever seeing end of "
		 "file when that worker dies",
		 c->n + c->more, describe_ends(c, who, all, nall, held, sizeof held));
	for (int w = 0; w < noted; w++) {
		const struct ends *e = &sh->worker_ends[w];
		CT_CHECK(count_ends(e, true) == 1 && count_ends(e, false) == 1 && !e->more,
			 "while fn ran in %s (pid %d), that process held %d pipe descriptors that pool_map made: %s. A "
			 "worker needs only 2: the read end of its own input pipe and the write end of its own result "
			 "pipe. Close, first thing in each new worker, the caller's ends of the earlier workers' pipes "
			 "it inherited (a worker that keeps another's input pipe open keeps that one from seeing end "
			 "of file), and the two ends of its own pipes that the caller uses",
			 worker_names[w], (int)e->pid, e->n + e->more, describe_ends(e, who, all, nall, held, sizeof held));
	}
	CT_CHECK(noted == 3, "only %d of the 3 workers ever ran fn", noted);
	ct_pass();
}

/*
 * One worker, and more inputs than its two pipes hold together: a caller
 * that sends every input before reading a result fills the result pipe,
 * then the input pipe, and blocks.  The pipes are made to hold one page,
 * so that a job of a few thousand inputs is large (and quick when right).
 */
CT_TEST(pool, correct_a_large_job_does_not_deadlock)
{
	int probe[2];
	size_t capacity = 64 * 1024;

	ct_set_pipe_capacity(4096);
	if (pipe(probe) == 0) {
		int c = fcntl(probe[0], F_GETPIPE_SZ);
		if (c > 0)
			capacity = (size_t)c;
		close(probe[0]);
		close(probe[1]);
	}
	size_t n = 3 * capacity / sizeof(long);
	char why[300];
	snprintf(why, sizeof why, ", with %zu inputs, every pipe made to hold %zu KiB (%zu KiB of inputs and as much "
		 "of results: more than the worker's two pipes hold together)", n, capacity / 1024,
		 n * sizeof(long) / 1024);
	CT_CHECK(n <= MAX_N, "grader error: pipes of %zu bytes need more inputs than the test has", capacity);
	run(1, n, why);
	check_results(1, n);
	ct_pass();
}

/*
 * After a worker died (or stopped reading) on input `input`, as `what`
 * says: pool_map returned -1 with ECHILD, and every worker was waited for.
 * fate says what the worker was to do there, for when none ever did.
 */
static void check_reported(const char *what, const char *fate, size_t input)
{
	char zombies[2048];
	int nz = ct_settle_children(names, POOL_MAX_WORKERS, zombies, sizeof zombies);

	CT_CHECK(sh->acted, "pool_map(3, fn, input, 30, results) returned %d, but no worker ever %s: input %zu was "
		 "computed in process %d, and the caller is %d. Every fn() call must run in a worker",
		 job.ret, fate, input, (int)sh->computed_in[input], (int)caller);
	CT_CHECK(job.ret == -1 && job.err == ECHILD,
		 "%s; pool_map returned %d with errno %d; expected -1 with errno ECHILD (%d): when a worker's result "
		 "pipe gives end of file before all its results, or its input pipe has no reader left (EPIPE), "
		 "report it",
		 what, job.ret, job.err, ECHILD);
	CT_CHECK(nz == 0, "%s, and pool_map returned; then: %s. Stop the other workers (close their input pipes) "
		 "and wait for every worker, the dead one too", what, zombies);
}

CT_TEST(pool, correct_a_crashed_worker_is_reported)
{
	setup();
	sh->crash = true;
	run(3, 30, NULL);
	sh->crash = false;
	check_reported("a worker crashed (SIGSEGV) while computing input 7", "crashed (SIGSEGV) computing input 7",
		       CRASH_INPUT - 1000);
	sh->exit_at = 8;
	run(3, 30, NULL);
	sh->exit_at = -1;
	check_reported("a worker ended (_exit(0) inside fn) while computing input 8", "ended computing input 8", 8);
	ct_pass();
}

CT_TEST(pool, correct_a_worker_that_stops_reading_is_reported_and_does_not_kill_the_caller)
{
	struct sigaction dfl = {.sa_handler = SIG_DFL}, old;

	setup();
	sigaction(SIGPIPE, &dfl, &old); /* a write to a pipe with no reader kills the caller unless pool_map prevents it */
	sh->stop_at = 4;
	run(3, 30, ", with the worker of input 4 no longer reading its input pipe once it answered");
	sh->stop_at = -1;
	sigaction(SIGPIPE, &old, NULL);
	check_reported("the worker that computed input 4 closed its input pipe (as a worker that stops early does) and "
		       "still sent the result, so the next input sent to it found no reader",
		       "stopped reading after input 4", 4);
	ct_pass();
}

static void grader_sigpipe(int sig) { (void)sig; }

CT_TEST(pool, correct_no_descriptor_left_open_and_no_zombie)
{
	struct ct_fdset after;
	struct sigaction mine = {.sa_handler = grader_sigpipe}, now, old;
	char leaked[1024], zombies[1024];

	sigaction(SIGPIPE, &mine, &old);
	run(3, 50, NULL);
	sigaction(SIGPIPE, NULL, &now);
	sigaction(SIGPIPE, &old, NULL);
	check_results(3, 50);
	ct_fds_snapshot(&after);
	int nl = ct_fds_leaked(&fds_before, &after, leaked, sizeof leaked);
	CT_CHECK(nl == 0, "after pool_map returned, the caller still had %d descriptor%s it did not have before: %s. "
		 "Close both pipes of every worker", nl, nl == 1 ? "" : "s", leaked);
	int nz = ct_unreaped_children(names, POOL_MAX_WORKERS, zombies, sizeof zombies);
	CT_CHECK(nz == 0, "after pool_map returned: %s. Close each worker's input pipe (it then sees end of file and "
		 "exits), then wait for it", zombies);
	CT_CHECK(now.sa_handler == grader_sigpipe,
		 "the caller had its own SIGPIPE handler; after pool_map returned, SIGPIPE's action was %s: keep the "
		 "action sigaction gives back when you ignore SIGPIPE, and restore it before returning",
		 now.sa_handler == SIG_IGN ? "SIG_IGN" : now.sa_handler == SIG_DFL ? "SIG_DFL" : "another handler");
	ct_pass();
}

CT_TEST(pool, correct_leaves_the_callers_own_children_alone)
{
	pid_t mine = ct_fork_ended_child(42);

	CT_CHECK(mine > 0, "grader error: fork failed");
	run(3, 20, ", the caller having a child of its own that has ended");
	int st = 0;
	pid_t got = ct_real_waitpid(mine, &st, WNOHANG);
	char zombies[1024];
	int nz = ct_settle_children(names, POOL_MAX_WORKERS, zombies, sizeof zombies);
	check_results(3, 20);
	CT_CHECK(got == mine && WIFEXITED(st) && WEXITSTATUS(st) == 42,
		 "the caller had a child of its own (pid %d, ended with status 42) before it called pool_map, and "
		 "pool_map waited for it: wait for your workers by their pids (waitpid(pid, ...)), never for any "
		 "child (wait(), waitpid(-1, ...)), which may be someone else's",
		 (int)mine);
	CT_CHECK(nz == 0, "after pool_map returned: %s. Wait for every worker by its pid", zombies);
	ct_pass();
}

CT_TEST(pool, correct_bad_arguments_are_refused)
{
	static long results[64];
	const struct {
		int workers;
		bool fn, input, results;
		size_t n;
		const char *call;
	} bad[] = {
		{0, true, true, true, 5, "pool_map(0, fn, input, 5, results)"},
		{-1, true, true, true, 5, "pool_map(-1, fn, input, 5, results)"},
		{POOL_MAX_WORKERS + 1, true, true, true, 5, "pool_map(17, fn, input, 5, results)"},
		{2, false, true, true, 5, "pool_map(2, NULL, input, 5, results)"},
		{2, true, false, true, 5, "pool_map(2, fn, NULL, 5, results)"},
		{2, true, true, false, 5, "pool_map(2, fn, input, 5, NULL)"},
	};
	setup();
	ct_api_reset();
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		errno = 0;
		int r = pool_map(bad[k].workers, bad[k].fn ? fn : NULL, bad[k].input ? input : NULL, bad[k].n,
				 bad[k].results ? results : NULL);
		int e = errno;
		CT_CHECK(r == -1 && e == EINVAL, "%s returned %d with errno %d; expected -1 with errno EINVAL (%d)",
			 bad[k].call, r, e, EINVAL);
		CT_CHECK(ct_count(CT_CALL_fork) == 0 && ct_count(CT_CALL_pipe) == 0,
			 "%s made %d pipes and started %d workers before refusing its arguments: check them first",
			 bad[k].call, ct_count(CT_CALL_pipe), ct_count(CT_CALL_fork));
	}
	run(POOL_MAX_WORKERS, 40, NULL);
	check_results(POOL_MAX_WORKERS, 40);
	ct_pass();
}

/* ---- error paths ----------------------------------------------------------- */

/* After a failure injected into what: -1 with errno err, nothing left open, every worker waited for. */
static void check_failed(const char *what, int err, const char *errname, int want_left)
{
	struct ct_fdset after;
	char leaked[1024], zombies[2048];
	int nz = ct_settle_children(names, POOL_MAX_WORKERS, zombies, sizeof zombies);

	CT_CHECK(job.ret == -1 && job.err == err,
		 "pool_map(3, fn, input, 12, results), whose %s, returned %d with errno %d; expected -1 with errno %s "
		 "(%d): report the failure, and keep its errno safe from the calls made while cleaning up",
		 what, job.ret, job.err, errname, err);
	ct_fds_snapshot(&after);
	int nl = ct_fds_leaked(&fds_before, &after, leaked, sizeof leaked);
	CT_CHECK(nl == 0, "pool_map(3, fn, input, 12, results), whose %s, returned leaving the caller %d descriptor%s "
		 "it did not have before: %s. Close every pipe it made on every path out, the failed worker's too",
		 what, nl, nl == 1 ? "" : "s", leaked);
	CT_CHECK(nz == want_left,
		 "pool_map(3, fn, input, 12, results), whose %s, returned; then: %s. Stop the workers already started "
		 "(close their input pipes) and wait for each before returning -1",
		 what, nz ? zombies : "(none)");
}

/* One injected failure, and what pool_map must then do. */
struct failure {
	enum ct_call call, also; /* also: armed the same way (CT_NCALLS: none) */
	int nth, err;
	const char *errname, *what;
	int left; /* workers that stay unreaped: the one whose wait failed */
};

static void run_failures(const struct failure *f, int n)
{
	setup();
	for (int k = 0; k < n; k++) {
		with_fault(f[k].call, (struct ct_fault){.nth = f[k].nth, .err = f[k].err});
		if (f[k].also != CT_NCALLS)
			with_fault(f[k].also, (struct ct_fault){.nth = f[k].nth, .err = f[k].err});
		run(3, 12, NULL);
		check_failed(f[k].what, f[k].err, f[k].errname, f[k].left);
	}
}

CT_TEST(pool, correct_a_failed_call_is_reported_and_the_started_workers_stopped)
{
	/* The worker whose wait failed is not reaped (nothing reaped it); the others must have been. */
	static const struct failure f[] = {
		{CT_CALL_pipe, CT_NCALLS, 3, EMFILE, "EMFILE", "third pipe() (worker 2's first) failed with EMFILE", 0},
		{CT_CALL_pipe, CT_NCALLS, 4, EMFILE, "EMFILE", "fourth pipe() (worker 2's second) failed with EMFILE", 0},
		{CT_CALL_fork, CT_NCALLS, 1, EAGAIN, "EAGAIN", "first fork() failed with EAGAIN", 0},
		{CT_CALL_fork, CT_NCALLS, 3, EAGAIN, "EAGAIN", "third fork() failed with EAGAIN", 0},
		{CT_CALL_read, CT_NCALLS, 2, EIO, "EIO", "second read() failed with EIO", 0},
		{CT_CALL_write, CT_NCALLS, 2, EIO, "EIO", "second write() failed with EIO", 0},
		{CT_CALL_waitpid, CT_CALL_wait, 1, EINVAL, "EINVAL", "first waitpid() failed with EINVAL", 1},
	};
	run_failures(f, (int)(sizeof f / sizeof f[0]));
	ct_pass();
}

CT_TEST(pool, correct_interrupted_and_short_reads_and_writes_are_completed)
{
	char zombies[2048];

	setup();
	/* One EINTR for each call in the caller, and one read interrupted in every worker. */
	with_fault(CT_CALL_read, (struct ct_fault){.nth = 2, .err = EINTR, .children = true});
	with_fault(CT_CALL_write, (struct ct_fault){.nth = 2, .err = EINTR});
	with_fault(CT_CALL_waitpid, (struct ct_fault){.nth = 1, .err = EINTR});
	run(3, 12, ", with read(), write() and waitpid() interrupted by a signal (EINTR) once each");
	int nz = ct_settle_children(names, POOL_MAX_WORKERS, zombies, sizeof zombies);
	CT_CHECK(job.ret == 0,
		 "pool_map(3, fn, input, 12, results), whose read(), write() and waitpid() were each interrupted once "
		 "by a signal (EINTR, in the caller and, for read, in every worker), returned %d with errno %d; "
		 "expected 0: an interrupted call has transferred or waited for nothing, so make it again",
		 job.ret, job.err);
	check_results(3, 12);
	CT_CHECK(nz == 0, "after pool_map returned (its first waitpid() had been interrupted): %s. Call waitpid again "
		 "after EINTR", zombies);
	/* Every read and write moves at most 3 bytes, in the caller and the workers: a long takes several. */
	with_fault(CT_CALL_read, (struct ct_fault){.nth = 1, .every = true, .max_bytes = 3, .children = true});
	with_fault(CT_CALL_write, (struct ct_fault){.nth = 1, .every = true, .max_bytes = 3, .children = true});
	run(3, 12, ", with every read() and write() moving at most 3 bytes");
	ct_settle_children(names, POOL_MAX_WORKERS, zombies, sizeof zombies);
	CT_CHECK(job.ret == 0,
		 "pool_map(3, fn, input, 12, results), with every read() and write() moving at most 3 bytes (in the "
		 "caller and the workers), returned %d with errno %d; expected 0: a pipe is a byte stream, so loop "
		 "until the whole long has been read or written",
		 job.ret, job.err);
	for (size_t i = 0; i < 12; i++)
		CT_CHECK(job.results[i] == f(value_of(i)),
			 "pool_map(3, fn, input, 12, results), with every read() and write() moving at most 3 bytes, "
			 "set results[%zu] to %ld; expected %ld: a short read() or write() moved only part of a long; "
			 "loop until all 8 bytes have been read or written",
			 i, job.results[i], f(value_of(i)));
	ct_pass();
}

CT_TEST(pool, timing_workers_compute_at_the_same_time)
{
	setup();
	sh->meet_on = true;
	sh->sleep_ns = 5 * CT_MS;
	ct_rendezvous_init(&sh->meet, 3, 1000 * CT_MS);
	timeline_file = "timing_workers_compute_at_the_same_time";
	run(3, 12, NULL);
	check_results(3, 12);
	pid_t seen[12];
	int workers_seen = 0;
	for (size_t i = 0; i < 12; i++) {
		bool known = sh->computed_in[i] == caller || sh->computed_in[i] == 0;
		for (int k = 0; k < workers_seen && !known; k++)
			known = seen[k] == sh->computed_in[i];
		if (!known)
			seen[workers_seen++] = sh->computed_in[i];
	}
	CT_CHECK(workers_seen == 3,
		 "pool_map(3, fn, input, 12, results): only %d of the 3 workers ever computed anything, so they cannot "
		 "have computed at the same time: every fn() call must run in a worker, and each worker gets inputs",
		 workers_seen);
	CT_CHECK(ct_rendezvous_met(&sh->meet),
		 "the 3 workers never computed at the same time (each waits up to 1 s at its first input for the "
		 "others): start every worker, and give each an input, before waiting for any result");
	ct_pass();
}
