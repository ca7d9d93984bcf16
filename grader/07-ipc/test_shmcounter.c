/*
 * test_shmcounter.c - grader suite for lesson 07, exercise "shmcounter" (shmcounter.h).
 *
 * In the stress test every process gives up the CPU just before each lock
 * and just after each unlock (ct_set_yield_at_locks acts in forked
 * children too), so an update made outside the lock loses counts in every
 * run.  Where the counter lives, and whether its lock is process-shared,
 * are read from /proc/self/maps and from the mutex itself.  A fork hook
 * runs in each child before the student's code goes on: it meets the
 * others at a rendezvous in shared memory (the timing test), or holds the
 * child back so that the children end in a chosen order (ct_order.h).
 * The error paths are taken by making fork, waitpid, wait, mmap, munmap
 * and pthread_mutex_init fail (ct_fault.h); the caller's own children are
 * made with the real fork, which the student's code must leave alone.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ct_ipc.h"
#include "ct_locks.h"
#include "ct_order.h"
#include "ct_pitfalls.h"
#include "ct_test.h"
#include "ct_timeline_lives.h"
#include "shmcounter.h"

CT_SUITE(shmcounter);

#define PROCS 4
#define ADDS  20000

/*
 * The permissions of the mapping that holds address p in /proc/self/maps
 * ("rw-s", "rw-p"), or "" if no mapping holds it.
 */
static void mapping_of(const void *p, char perms[5])
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[512];
	unsigned long lo, hi, a = (unsigned long)p;

	perms[0] = '\0';
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "%lx-%lx %4s", &lo, &hi, perms) == 3 && a >= lo && a < hi) {
			fclose(f);
			return;
		}
	perms[0] = '\0';
	if (f)
		fclose(f);
}

/* How many shared anonymous mappings (what MAP_SHARED | MAP_ANONYMOUS makes) the process has. */
static int shared_anonymous_mappings(void)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[512];
	int n = 0;

	while (f && fgets(line, sizeof line, f))
		n += strstr(line, " rw-s ") && strstr(line, "/dev/zero (deleted)");
	if (f)
		fclose(f);
	return n;
}

static struct shm_counter *create(void)
{
	struct shm_counter *c = shm_counter_create();
	CT_CHECK(c != NULL, "shm_counter_create() returned NULL (errno %d)", errno);
	ct_name_lock(&c->lock, "c->lock");
	return c;
}

static struct ct_rendezvous *meet;
static void meet_others(int k)
{
	(void)k;
	ct_rendezvous_arrive(meet);
}

static struct {
	struct shm_counter *c;
	int procs;
	long adds;
	int ret, err;
} job;

static void call(void *unused)
{
	(void)unused;
	errno = 0;
	job.ret = count_in_processes(job.c, job.procs, job.adds);
	job.err = errno;
}

/*
 * count_in_processes under a deadline: whether it returned, and if not,
 * where every child was blocked (into why).  Leaves its result in job.ret
 * and job.err.
 */
static bool run_count(struct shm_counter *c, int procs, long adds, uint64_t deadline_ms, char *why, size_t len)
{
	job.c = c;
	job.procs = procs;
	job.adds = adds;
	return ct_run_within(call, NULL, deadline_ms * CT_MS, "count_in_processes", NULL, 0, why, len);
}

static void check_returned(bool returned, uint64_t deadline_ms, const char *why, const char *hint)
{
	CT_CHECK(returned,
		 "count_in_processes(c, %d, %ld) did not return within %.1f s. Where everything was "
		 "blocked:\n%s%s",
		 job.procs, job.adds, (double)deadline_ms / 1000, why, hint);
}

static void try_count(struct shm_counter *c, int procs, long adds, uint64_t deadline_ms, const char *hint)
{
	char why[4096];

	check_returned(run_count(c, procs, adds, deadline_ms, why, sizeof why), deadline_ms, why, hint);
}

static const char default_hint[] = "A process waiting for a lock that is not process-shared may never be woken by "
				   "the process that unlocks it; and every child must be waited for";

static void check_ret(int procs, long adds)
{
	CT_CHECK(job.ret == 0, "count_in_processes(c, %d, %ld) returned %d (errno %d); expected 0", procs, adds,
		 job.ret, job.err);
}

static void count(struct shm_counter *c, int procs, long adds)
{
	try_count(c, procs, adds, 3000, default_hint);
	check_ret(procs, adds);
}

/* Children of the student's that ended with exit() instead of _exit(). */
static void check_no_exit(const char *call_text)
{
	pid_t first;
	int n = ct_pitfall_exits(&first);

	CT_CHECK(n == 0,
		 "%d child%s of %s ended with exit() (the first: pid %d), not _exit(0): exit() runs the "
		 "caller's atexit handlers and flushes its stdio buffers a second time, in the child",
		 n, n == 1 ? "" : "ren", call_text, (int)first);
}

/* Ends and reaps (uncounted) every child forked through the wrapper that nobody waited for. */
static void reap_leftovers(void)
{
	pid_t kids[64];
	int n = ct_forked(kids, 64);

	for (int k = 0; k < n; k++) {
		siginfo_t info;
		memset(&info, 0, sizeof info);
		if (waitid(P_PID, (id_t)kids[k], &info, WEXITED | WNOHANG | WNOWAIT) == -1)
			continue; /* waited for already: not our child any more */
		kill(kids[k], SIGKILL);
		while (ct_real_waitpid(kids[k], NULL, 0) == -1 && errno == EINTR)
			;
	}
}

CT_TEST(shmcounter, correct_counts_exactly_across_processes)
{
	struct shm_counter *c = create();
	ct_set_yield_at_locks(true);
	count(c, PROCS, ADDS);
	long v = shm_counter_get(c), want = (long)PROCS * ADDS;
	CT_CHECK(v != 0,
		 "after count_in_processes(c, %d, %d), the counter reads 0: the children's additions never "
		 "reached the caller. Each child has its own copy of private memory: the counter must live in a "
		 "MAP_SHARED mapping",
		 PROCS, ADDS);
	CT_CHECK(v <= want,
		 "%d processes were each to call shm_counter_add(c, 1) %d times; the counter then read %ld, "
		 "%ld more than %ld: each child adds exactly `adds` times",
		 PROCS, ADDS, v, v - want, want);
	CT_CHECK(v == want,
		 "%d processes each called shm_counter_add(c, 1) %d times; the counter then read %ld, not %ld: %ld "
		 "updates were lost. The read, the add and the write must all happen inside one lock/unlock of "
		 "c->lock, a mutex that works between processes",
		 PROCS, ADDS, v, want, want - v);
	check_no_exit("count_in_processes");
	ct_pass();
}

CT_TEST(shmcounter, correct_shared_mapping_and_process_shared_lock)
{
	char perms[5];

	struct shm_counter *c = create();
	mapping_of(c, perms);
	CT_CHECK(perms[0], "shm_counter_create() returned %p, which is in no mapping of the process", (void *)c);
	CT_CHECK(perms[3] == 's',
		 "the counter lives in a private mapping (%s in /proc/self/maps): after fork each "
		 "process has its own copy. Create it with mmap(..., MAP_SHARED | MAP_ANONYMOUS, -1, 0)",
		 perms);
	/* glibc keeps PTHREAD_MUTEX_PSHARED_BIT (128) in the mutex's kind. */
	CT_CHECK(c->lock.__data.__kind & 128,
		 "c->lock is not process-shared: a process waiting for it might never be woken by another. "
		 "Initialise it with an attribute set by pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED)");
	ct_lock_log_start();
	long v0 = shm_counter_get(c);
	CT_CHECK(ct_lock_log_has(&c->lock), "shm_counter_get(c) did not lock c->lock: read the value with the lock "
					    "held");
	CT_CHECK(v0 == 0, "shm_counter_get(c) on a new counter returned %ld; expected 0", v0);
	ct_lock_log_start();
	shm_counter_add(c, 2);
	CT_CHECK(ct_lock_log_has(&c->lock), "shm_counter_add(c, 2) did not lock c->lock: every access to c->value "
					    "needs it");
	long v = shm_counter_get(c);
	CT_CHECK(v == 2, "after shm_counter_add(c, 2) on a new counter, shm_counter_get(c) returned %ld; expected 2",
		 v);
	shm_counter_add(c, -5);
	v = shm_counter_get(c);
	CT_CHECK(v == -3,
		 "after shm_counter_add(c, 2) and shm_counter_add(c, -5), shm_counter_get(c) returned %ld; "
		 "expected -3: add delta, whatever its sign",
		 v);
	ct_pass();
}

CT_TEST(shmcounter, correct_children_waited_for_and_mapping_removed)
{
	pid_t kids[32];
	char zombies[1024], perms[5];

	struct shm_counter *c = create();
	count(c, 3, 10);
	int forks = ct_forked(kids, 32);
	CT_CHECK(forks == 3, "count_in_processes(c, 3, 10) called fork() %d times; expected 3", forks);
	int nz = ct_unreaped_children(NULL, 0, zombies, sizeof zombies);
	CT_CHECK(nz == 0, "after count_in_processes(c, 3, 10) returned: %s. Wait for every child", zombies);
	check_no_exit("count_in_processes(c, 3, 10)");
	int destroyed = ct_count(CT_CALL_pthread_mutex_destroy);
	int ret = shm_counter_destroy(c);
	CT_CHECK(ret == 0, "shm_counter_destroy(c) returned %d (errno %d); expected 0", ret, errno);
	CT_CHECK(ct_count(CT_CALL_pthread_mutex_destroy) > destroyed,
		 "shm_counter_destroy(c) did not call pthread_mutex_destroy: destroy the lock before unmapping it");
	mapping_of(c, perms);
	CT_CHECK(perms[0] == '\0',
		 "after shm_counter_destroy(c), the counter's mapping is still there (%s): munmap "
		 "it, or every counter created leaks a page",
		 perms);
	ct_pass();
}

/* Holds child k back for its place in `order`, so that the children end in that order. */
static struct ct_order order;
static void hold_back(int k)
{
	ct_sleep_ns(ct_order_delay(&order, k, 8 * CT_MS));
}

CT_TEST(shmcounter, correct_children_ending_in_any_order_are_all_waited_for)
{
	static const struct {
		enum ct_order_kind kind;
		unsigned seed;
	} orders[] = {{CT_ORDER_REVERSED, 0}, {CT_ORDER_SHUFFLED, 7}};
	char zombies[1024], told[160];

	struct shm_counter *c = create();
	for (int i = 0; i < 2; i++) {
		ct_api_reset(); /* also forgets the hook */
		ct_set_fork_child_hook(hold_back);
		ct_order_make(&order, orders[i].kind, orders[i].seed, PROCS);
		count(c, PROCS, 10);
		int nz = ct_unreaped_children(NULL, 0, zombies, sizeof zombies);
		CT_CHECK(nz == 0,
			 "the %d children of count_in_processes(c, %d, 10) ended %s; after it returned: %s. Wait "
			 "for each child you forked, by its pid, until it has ended",
			 PROCS, PROCS, ct_order_describe(&order, told, sizeof told), zombies);
		long v = shm_counter_get(c);
		CT_CHECK(v == (long)(i + 1) * PROCS * 10,
			 "the children of count_in_processes(c, %d, 10) ended %s; the "
			 "counter then read %ld; expected %d",
			 PROCS, ct_order_describe(&order, told, sizeof told), v, (i + 1) * PROCS * 10);
	}
	ct_pass();
}

CT_TEST(shmcounter, correct_waits_only_for_its_own_children)
{
	int gate[2];
	char zombies[1024];
	siginfo_t info;

	struct shm_counter *c = create();
	/* The caller's own children: one that has ended (not yet waited for), one that runs until told to end. */
	pid_t ended = ct_real_fork();
	CT_CHECK(ended >= 0, "grader error: fork");
	if (ended == 0)
		ct_exit_now(7);
	CT_CHECK(pipe(gate) == 0, "grader error: pipe");
	pid_t running = ct_real_fork();
	CT_CHECK(running >= 0, "grader error: fork");
	if (running == 0) {
		char b;
		close(gate[1]);
		while (ct_real_read(gate[0], &b, 1) == -1 && errno == EINTR)
			;
		ct_exit_now(0);
	}
	close(gate[0]);
	memset(&info, 0, sizeof info);
	while (waitid(P_PID, (id_t)ended, &info, WEXITED | WNOWAIT) == -1 && errno == EINTR)
		;
	ct_api_reset();
	char hint[256];
	snprintf(hint, sizeof hint,
		 "The caller had a child of its own (pid %d) that runs until the caller ends it: "
		 "count_in_processes must wait for its own children, by pid, not for any child",
		 (int)running);
	char why[4096];
	bool returned = run_count(c, 3, 10, 1500, why, sizeof why);
	close(gate[1]); /* the running child ends now: the grader leaves no process behind, whatever happened */
	int rc = ct_real_waitpid(running, NULL, 0) == running;
	int status = 0;
	pid_t got = ct_real_waitpid(ended, &status, WNOHANG);
	check_returned(returned, 1500, why, hint);
	CT_CHECK(rc && got == ended && WIFEXITED(status) && WEXITSTATUS(status) == 7,
		 "count_in_processes(c, 3, 10) waited for a child it did not fork: the caller's own child (pid %d), "
		 "which had ended with status 7 before the call, %s. Wait for each child you forked by its pid "
		 "(waitpid(pids[k], ...)): wait(NULL) or waitpid(-1, ...) takes whichever child ends, the caller's too",
		 (int)ended,
		 got == -1 ? "could no longer be waited for by the caller: its exit status was lost"
			   : "was not where the caller left it");
	CT_CHECK(job.ret == 0, "count_in_processes(c, 3, 10) returned %d (errno %d); expected 0", job.ret, job.err);
	int nz = ct_unreaped_children(NULL, 0, zombies, sizeof zombies);
	CT_CHECK(nz == 0, "after count_in_processes(c, 3, 10) returned: %s. Wait for every child you forked", zombies);
	ct_pass();
}

CT_TEST(shmcounter, correct_a_failed_fork_still_waits_for_the_started_children)
{
	pid_t kids[32];
	char zombies[1024];

	struct shm_counter *c = create();
	ct_fail_call(CT_CALL_fork, 3, EAGAIN);
	try_count(c, PROCS, 100, 3000, default_hint);
	ct_faults_reset();
	int forks = ct_forked(kids, 32);
	int nz = ct_unreaped_children(NULL, 0, zombies, sizeof zombies);
	CT_CHECK(nz == 0,
		 "the 3rd fork() of count_in_processes(c, %d, 100) failed (EAGAIN, made to fail by the "
		 "grader) after 2 children had started; after it returned: %s. Children already started are still "
		 "waited for",
		 PROCS, zombies);
	CT_CHECK(job.ret == -1 && job.err == EAGAIN,
		 "the 3rd fork() of count_in_processes(c, %d, 100) failed (EAGAIN, made to fail by the grader); it "
		 "returned %d with errno %d; expected -1 with errno EAGAIN (%d)",
		 PROCS, job.ret, job.err, EAGAIN);
	long v = shm_counter_get(c);
	CT_CHECK(v == (long)forks * 100,
		 "the %d children that count_in_processes(c, %d, 100) started before its 3rd "
		 "fork() failed should have added %d; the counter read %ld",
		 forks, PROCS, forks * 100, v);
	ct_pass();
}

/*
 * count_in_processes(c, 3, 10) with its first waitpid() or wait() failing
 * with err; whether that fault acted (a student who waits with waitid()
 * is not reached: the grader can make only waitpid and wait fail).
 */
static bool count_with_a_failed_wait(struct shm_counter *c, int err)
{
	ct_fail_call(CT_CALL_waitpid, 1, err);
	ct_fail_call(CT_CALL_wait, 1, err);
	try_count(c, 3, 10, 3000, default_hint);
	bool acted = ct_faults_injected(CT_CALL_waitpid) + ct_faults_injected(CT_CALL_wait) > 0;
	ct_faults_reset();
	return acted;
}

CT_TEST(shmcounter, correct_an_interrupted_wait_is_retried)
{
	char zombies[1024];

	struct shm_counter *c = create();
	bool interrupted = count_with_a_failed_wait(c, EINTR);
	int nz = ct_unreaped_children(NULL, 0, zombies, sizeof zombies);
	CT_CHECK(job.ret == 0 && nz == 0, "%s returned %d (errno %d)%s%s%s",
		 interrupted ? "the first wait of count_in_processes(c, 3, 10) was interrupted by a signal (it failed "
			       "with EINTR, made to fail by the grader); it"
			     : "count_in_processes(c, 3, 10)",
		 job.ret, job.err, nz ? ", and " : "", zombies,
		 interrupted ? ": an interrupted wait has not failed, call it again" : "");
	ct_pass();
}

CT_TEST(shmcounter, correct_a_failed_wait_still_waits_for_the_others)
{
	pid_t kids[32];
	char zombies[1024];

	struct shm_counter *c = create();
	bool failed = count_with_a_failed_wait(c, ECHILD);
	int forks = ct_forked(kids, 32);
	int nz = ct_unreaped_children(NULL, 0, zombies, sizeof zombies);
	reap_leftovers();
	if (!failed) {
		/* It waits with a call the grader cannot make fail (waitid, say): nothing to test here. */
		CT_CHECK(job.ret == 0 && nz == 0, "count_in_processes(c, 3, 10) returned %d (errno %d)%s%s", job.ret,
			 job.err, nz ? "; " : "", zombies);
		ct_pass();
	}
	CT_CHECK(job.ret == -1 && job.err == ECHILD,
		 "the first wait of count_in_processes(c, 3, 10) failed (ECHILD, made to fail by the grader); it "
		 "returned %d with errno %d; expected -1 with errno ECHILD (%d)",
		 job.ret, job.err, ECHILD);
	CT_CHECK(nz <= 1,
		 "the first wait of count_in_processes(c, 3, 10) failed (ECHILD, made to fail by the "
		 "grader); of its %d children, %d were then never waited for (%s). After a failed wait, still wait for "
		 "the other children, then return -1",
		 forks, nz, zombies);
	ct_pass();
}

CT_TEST(shmcounter, correct_one_to_sixteen_children_and_no_other_count)
{
	pid_t kids[32];

	struct shm_counter *c = create();
	count(c, 1, 10);
	count(c, 16, 10);
	long v = shm_counter_get(c);
	CT_CHECK(v == 170,
		 "count_in_processes(c, 1, 10) then count_in_processes(c, 16, 10) left the counter at %ld; "
		 "expected 170",
		 v);
	static const int bad[] = {0, 17, -1};
	for (int i = 0; i < 3; i++) {
		ct_api_reset();
		try_count(c, bad[i], 10, 3000, default_hint);
		int forks = ct_forked(kids, 32);
		reap_leftovers();
		CT_CHECK(
		    job.ret == -1 && job.err == EINVAL && forks == 0,
		    "count_in_processes(c, %d, 10) returned %d with errno %d after %d fork%s; expected -1 with errno "
		    "EINVAL (%d) and no fork: procs must be from 1 to 16",
		    bad[i], job.ret, job.err, forks, forks == 1 ? "" : "s", EINVAL);
	}
	ct_pass();
}

CT_TEST(shmcounter, correct_two_counters_at_once)
{
	char p1[5], p2[5];

	struct shm_counter *a = create(), *b = create();
	CT_CHECK(a != b,
		 "two calls of shm_counter_create() returned the same counter (%p): each call makes a new "
		 "one, in a mapping of its own",
		 (void *)a);
	count(a, 2, 500);
	long va = shm_counter_get(a), vb = shm_counter_get(b);
	CT_CHECK(va == 1000 && vb == 0,
		 "with two counters a and b, count_in_processes(a, 2, 500) left a at %ld and b "
		 "at %ld; expected 1000 and 0%s",
		 va, vb,
		 vb != 0 ? ": b changed, so the code used a counter other than the one it was given (c): never keep "
			   "one aside"
			 : "");
	shm_counter_add(b, 7);
	long va2 = shm_counter_get(a);
	vb = shm_counter_get(b);
	CT_CHECK(va2 == va && vb == 7, "after shm_counter_add(b, 7), a reads %ld and b %ld; expected %ld and 7%s", va2,
		 vb, va, va2 != va ? ": a changed, so the code used a counter other than the one it was given" : "");
	CT_CHECK(shm_counter_destroy(a) == 0, "shm_counter_destroy(a) failed (errno %d)", errno);
	mapping_of(a, p1);
	mapping_of(b, p2);
	CT_CHECK(!p1[0] && p2[0],
		 "after shm_counter_destroy(a), a's mapping is %s and b's is %s; expected a's gone "
		 "and b's still there",
		 p1[0] ? "still there" : "gone", p2[0] ? "still there" : "gone");
	vb = shm_counter_get(b);
	CT_CHECK(vb == 7, "after shm_counter_destroy(a), b reads %ld; expected 7", vb);
	CT_CHECK(shm_counter_destroy(b) == 0, "shm_counter_destroy(b) failed (errno %d)", errno);
	ct_pass();
}

/* What shm_counter_create did with a fault armed, in a child of the grader's (it may crash). */
struct create_report {
	bool returned, was_null;
	int err, mappings_before, mappings_after;
	char todo[256]; /* the skeleton's "not implemented" message, from the child */
};

static void create_with_fault(enum ct_call call, int err, struct create_report *r, int *status)
{
	pid_t pid = ct_real_fork();
	CT_CHECK(pid >= 0, "grader error: fork");
	if (pid == 0) {
		ct_todo_redirect(r->todo, sizeof r->todo);
		r->mappings_before = shared_anonymous_mappings();
		ct_fail_call(call, 1, err);
		errno = 0;
		struct shm_counter *c = shm_counter_create();
		r->err = errno;
		ct_faults_reset();
		r->mappings_after = shared_anonymous_mappings();
		r->was_null = c == NULL;
		r->returned = true;
		ct_exit_now(0);
	}
	while (ct_real_waitpid(pid, status, 0) == -1 && errno == EINTR)
		;
	CT_CHECK(!r->todo[0], "%s", r->todo);
}

CT_TEST(shmcounter, correct_a_failed_create_returns_null_and_maps_nothing)
{
	struct create_report *r = ct_shared_alloc(sizeof *r);
	int status;

	create_with_fault(CT_CALL_mmap, ENOMEM, r, &status);
	CT_CHECK(r->returned,
		 "mmap() failed (ENOMEM, made to fail by the grader), and shm_counter_create() then %s: "
		 "mmap reports failure with MAP_FAILED ((void *) -1), not NULL; compare with MAP_FAILED before using "
		 "the memory",
		 WIFSIGNALED(status) ? (WTERMSIG(status) == SIGSEGV ? "crashed (SIGSEGV)" : "was killed by a signal")
				     : "ended the process");
	CT_CHECK(r->was_null && r->err == ENOMEM,
		 "mmap() failed (ENOMEM, made to fail by the grader); "
		 "shm_counter_create() returned %s with errno %d; expected NULL with errno ENOMEM (%d)",
		 r->was_null ? "NULL" : "a counter", r->err, ENOMEM);

	memset(r, 0, sizeof *r);
	create_with_fault(CT_CALL_pthread_mutex_init, EAGAIN, r, &status);
	CT_CHECK(r->returned,
		 "pthread_mutex_init() failed (EAGAIN, made to fail by the grader), and the process "
		 "running shm_counter_create() %s",
		 WIFSIGNALED(status) ? "was killed by a signal" : "ended");
	CT_CHECK(r->was_null,
		 "pthread_mutex_init() failed (EAGAIN, made to fail by the grader), and "
		 "shm_counter_create() still returned a counter: its lock is unusable. Check what pthread_mutex_init "
		 "returns (an error number, not -1), and return NULL");
	CT_CHECK(r->err == EAGAIN,
		 "pthread_mutex_init() failed (it returned EAGAIN, made to fail by the grader); "
		 "shm_counter_create() returned NULL with errno %d; expected errno EAGAIN (%d): the pthread "
		 "functions return their error instead of setting errno, so set errno to what they returned",
		 r->err, EAGAIN);
	CT_CHECK(r->mappings_after == r->mappings_before,
		 "pthread_mutex_init() failed (EAGAIN, made to fail by the grader) and shm_counter_create() returned "
		 "NULL, but left its mapping behind (%d shared mappings before the call, %d after): munmap it before "
		 "returning NULL",
		 r->mappings_before, r->mappings_after);
	ct_pass();
}

CT_TEST(shmcounter, correct_destroy_reports_a_failed_munmap)
{
	struct shm_counter *c = create();
	ct_fail_call(CT_CALL_munmap, 1, EINVAL);
	errno = 0;
	int ret = shm_counter_destroy(c);
	int err = errno;
	bool tried = ct_faults_injected(CT_CALL_munmap) > 0;
	ct_faults_reset();
	CT_CHECK(tried, "shm_counter_destroy(c) never called munmap(): unmap the counter");
	ct_real_munmap(c, sizeof *c);
	CT_CHECK(ret == -1 && err == EINVAL,
		 "munmap() failed (EINVAL, made to fail by the grader); "
		 "shm_counter_destroy(c) returned %d with errno %d; expected -1 with errno EINVAL (%d): return what "
		 "munmap says",
		 ret, err, EINVAL);
	ct_pass();
}

CT_TEST(shmcounter, timing_children_run_at_the_same_time)
{
	struct shm_counter *c = create();
	meet = ct_shared_alloc(sizeof *meet);
	ct_rendezvous_init(meet, PROCS, 500 * CT_MS);
	ct_set_fork_child_hook(meet_others);
	char why[4096];
	bool returned = run_count(c, PROCS, 100, 3000, why, sizeof why);
	struct ct_interval lives[2 * PROCS];
	struct ct_timeline_group g = ct_timeline_children("the children, fork to reaping", lives, 2 * PROCS);
	char title[160];
	snprintf(title, sizeof title,
		 "count_in_processes(c, %d, 100): each child first waits up to 0.5 s for the others", PROCS);
	ct_timeline_save("timing_children_run_at_the_same_time", title, &g, 1, false);
	check_returned(returned, 3000, why, default_hint);
	check_ret(PROCS, 100);
	CT_CHECK(ct_rendezvous_met(meet),
		 "the %d children of count_in_processes(c, %d, 100) were never all alive at the same time (each "
		 "waits up to 0.5 s for the others as it starts): fork them all, then wait for them",
		 PROCS, PROCS);
	ct_pass();
}
