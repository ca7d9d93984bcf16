/*
 * test_testlib.c - the test library's promises about threads, locks and
 * fork, in a program linked the way the harness links a test program (see
 * the Makefile): the lock tracker on timedlock and condition variables,
 * nested locks, the release hook and mutex inits and destroys
 * (ct_locks.h), fork while other threads use the grader's locks
 * (ct_api.h), and ct_run_within's helper threads, which end a child of the
 * code under test that returns into them (ct_ipc.h, ct_pitfalls.h); the mutex
 * life log and the unlock pause (ct_locks.h), calls that keep their stack
 * frame and the heap table (ct_api.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ct_ipc.h"
#include "ct_locks.h"
#include "ct_pitfalls.h"
#include "ct_test.h"

CT_SUITE(testlib);

/* ---- the lock tracker --------------------------------------------------- */

CT_TEST(testlib, a_timedlock_that_succeeds_takes_the_mutex_as_lock_does)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	const pthread_mutex_t *held[4];
	struct timespec until = ct_deadline_in(1000 * CT_MS);

	ct_lock_log_start();
	CT_CHECK(pthread_mutex_timedlock(&m, &until) == 0, "pthread_mutex_timedlock of a free mutex failed");
	int n = ct_locks_held(held, 4);
	CT_CHECK(n == 1 && held[0] == &m, "after a pthread_mutex_timedlock, the tracker saw %d mutexes held", n);
	CT_CHECK(ct_lock_log_has(&m), "the lock log did not record the mutex taken by pthread_mutex_timedlock");
	pthread_mutex_unlock(&m);
	CT_CHECK(ct_locks_held(held, 4) == 0, "after the unlock, the tracker still saw a mutex held");
	ct_pass();
}

/* One waiter and one signaller; each records its critical sections on c->lock. */
struct condition {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	bool done;
	struct ct_interval waiter_cs[4], signaller_cs[4];
	int waiter_ncs, signaller_ncs, held_after_wait, held_at_end;
};

static void *signaller(void *p)
{
	struct condition *c = p;

	ct_cs_log_start(c->signaller_cs, 4);
	pthread_mutex_lock(&c->lock);
	c->done = true;
	pthread_cond_signal(&c->changed);
	ct_sleep_ns(2 * CT_MS); /* a critical section long enough to be told apart */
	pthread_mutex_unlock(&c->lock);
	c->signaller_ncs = ct_cs_log_count();
	return NULL;
}

/* Waits for the signaller (started with the lock held, so the wait comes first) with wait. */
static void waiter(struct condition *c, int (*wait)(struct condition *))
{
	const pthread_mutex_t *held[4];
	pthread_t t;

	ct_cs_log_start(c->waiter_cs, 4);
	pthread_mutex_lock(&c->lock);
	CT_CHECK(ct_real_pthread_create(&t, NULL, signaller, c) == 0, "grader error: cannot create a thread");
	ct_sleep_ns(2 * CT_MS);
	int err = wait(c);
	c->held_after_wait = ct_locks_held(held, 4);
	pthread_mutex_unlock(&c->lock);
	c->held_at_end = ct_locks_held(held, 4);
	c->waiter_ncs = ct_cs_log_count();
	ct_real_pthread_join(t, NULL);
	CT_CHECK(err == 0 || err == ETIMEDOUT, "the wait failed: %d", err);
}

static int plain_wait(struct condition *c)
{
	int err = 0;

	while (!c->done && !err)
		err = pthread_cond_wait(&c->changed, &c->lock);
	return err;
}

static int timed_wait(struct condition *c)
{
	struct timespec until = ct_deadline_in(2000 * CT_MS);
	int err = 0;

	while (!c->done && !err)
		err = pthread_cond_timedwait(&c->changed, &c->lock, &until);
	return err;
}

static void check_wait(int (*wait)(struct condition *), const char *name)
{
	struct condition c = {.lock = PTHREAD_MUTEX_INITIALIZER, .changed = PTHREAD_COND_INITIALIZER};

	waiter(&c, wait);
	CT_CHECK(c.held_after_wait == 1 && c.held_at_end == 0,
		 "%s: the tracker saw %d mutexes held after the wait returned (expected 1) and %d after the unlock "
		 "(expected 0)", name, c.held_after_wait, c.held_at_end);
	CT_CHECK(c.waiter_ncs == 2 && c.signaller_ncs == 1,
		 "%s: the waiter had %d critical sections (expected 2: before and after the wait), the signaller %d",
		 name, c.waiter_ncs, c.signaller_ncs);
	CT_CHECK(c.waiter_cs[0].end_ns <= c.signaller_cs[0].start_ns &&
			 c.signaller_cs[0].end_ns <= c.waiter_cs[1].start_ns,
		 "%s: the signaller's critical section did not fall between the waiter's two: the tracker "
		 "saw the waiter hold the mutex while it waited", name);
}

CT_TEST(testlib, a_thread_waiting_on_a_condition_does_not_hold_its_mutex)
{
	check_wait(plain_wait, "pthread_cond_wait");
	check_wait(timed_wait, "pthread_cond_timedwait");
	ct_pass();
}

CT_TEST(testlib, a_timed_wait_that_times_out_holds_its_mutex_again)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
	const pthread_mutex_t *held[4];
	struct timespec until = ct_deadline_in(10 * CT_MS);

	pthread_mutex_lock(&m);
	int err = pthread_cond_timedwait(&cv, &m, &until);
	CT_CHECK(err == ETIMEDOUT, "pthread_cond_timedwait with nobody signalling returned %d", err);
	CT_CHECK(ct_locks_held(held, 4) == 1 && held[0] == &m, "after a timed-out wait, the tracker did not see "
		 "the mutex held again");
	pthread_mutex_unlock(&m);
	ct_pass();
}

CT_TEST(testlib, the_lock_log_tells_nested_locks_from_locks_taken_one_after_the_other)
{
	pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;

	ct_lock_log_start();
	pthread_mutex_lock(&a);
	pthread_mutex_lock(&b);
	pthread_mutex_unlock(&b);
	pthread_mutex_unlock(&a);
	CT_CHECK(ct_lock_log_nested(&a, &b) && !ct_lock_log_nested(&b, &a),
		 "after locking a, then b while holding a, the log did not say exactly 'b taken while holding a'");
	ct_lock_log_start();
	pthread_mutex_lock(&b);
	pthread_mutex_unlock(&b);
	pthread_mutex_lock(&a);
	pthread_mutex_unlock(&a);
	CT_CHECK(
	    !ct_lock_log_nested(&a, &b) && !ct_lock_log_nested(&b, &a),
	    "after locking b and a one after the other, each alone, the log saw one taken while holding the other");
	ct_pass();
}

static int releases;
static int held_at_release;

static void on_release(void *arg)
{
	const pthread_mutex_t *held[4];
	pthread_mutex_t *m = arg;

	releases++;
	held_at_release = ct_locks_held(held, 4);
	pthread_mutex_lock(m); /* the hook may take locks itself: it is not called again */
	pthread_mutex_unlock(m);
}

CT_TEST(testlib, the_release_hook_runs_once_when_the_thread_first_holds_no_lock)
{
	pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;

	ct_on_next_release(on_release, &a);
	pthread_mutex_lock(&a);
	pthread_mutex_lock(&b);
	pthread_mutex_unlock(&b);
	CT_CHECK(releases == 0, "the release hook ran while the thread still held a mutex");
	pthread_mutex_unlock(&a);
	CT_CHECK(releases == 1 && held_at_release == 0,
		 "after the last unlock, the release hook ran %d times (expected once), seeing %d mutexes held",
		 releases, held_at_release);
	pthread_mutex_lock(&b);
	pthread_mutex_unlock(&b);
	CT_CHECK(releases == 1, "the release hook ran again after it had run once");
	ct_pass();
}

CT_TEST(testlib, mutex_inits_and_destroys_are_listed_with_what_they_returned)
{
	pthread_mutex_t m[3];
	struct ct_mutex_event ev[8];

	ct_mutex_events_start();
	CT_CHECK(pthread_mutex_init(&m[0], NULL) == 0, "pthread_mutex_init failed");
	ct_fail_call(CT_CALL_pthread_mutex_init, 1, EAGAIN);
	int err = pthread_mutex_init(&m[1], NULL);
	ct_fault_clear(CT_CALL_pthread_mutex_init);
	CT_CHECK(err == EAGAIN, "a pthread_mutex_init made to fail with EAGAIN returned %d", err);
	CT_CHECK(pthread_mutex_destroy(&m[0]) == 0, "pthread_mutex_destroy failed");
	int n = ct_mutex_events(ev, 8);
	CT_CHECK(n == 3, "after two inits and a destroy, %d mutex events were listed", n);
	CT_CHECK(ev[0].m == &m[0] && ev[0].kind == CT_MUTEX_INIT && ev[0].err == 0 && ev[1].m == &m[1] &&
		     ev[1].kind == CT_MUTEX_INIT && ev[1].err == EAGAIN && ev[2].m == &m[0] &&
		     ev[2].kind == CT_MUTEX_DESTROY && ev[2].err == 0,
		 "the mutex events were not: init of m[0] (0), init of m[1] (EAGAIN, injected), destroy of m[0] (0)");
	ct_pass();
}

/* ---- fork and the grader's locks ---------------------------------------- */

static atomic_bool stop_churn;
static pthread_mutex_t named = PTHREAD_MUTEX_INITIALIZER;

/* Takes each of the grader's locks, over and over (through the calls that take them). */
static void use_grader_locks(void)
{
	pid_t kids[1];

	free(malloc(32));              /* blocks_lock, twice */
	ct_name_lock(&named, "named"); /* names_lock */
	(void)ct_threads_created();    /* table_lock */
	(void)ct_forked(kids, 1);      /* forks_lock */
}

static void *churn(void *unused)
{
	(void)unused;
	while (!stop_churn)
		use_grader_locks();
	return NULL;
}

CT_TEST(testlib, a_child_forked_while_another_thread_takes_the_grader_locks_can_take_them)
{
	enum { FORKS = 200 };
	pthread_t t;
	int stuck = 0;

	CT_CHECK(ct_real_pthread_create(&t, NULL, churn, NULL) == 0, "grader error: cannot create a thread");
	for (int i = 0; i < FORKS && !stuck; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			use_grader_locks();
			_exit(0);
		}
		CT_CHECK(pid > 0, "fork failed: errno %d", errno);
		int status = 0;
		uint64_t t0 = ct_now_ns();
		pid_t r;
		while ((r = ct_real_waitpid(pid, &status, WNOHANG)) == 0 && ct_now_ns() - t0 < 1000 * CT_MS)
			ct_sleep_ns(CT_MS);
		if (r == 0) {
			stuck = i + 1;
			kill(pid, SIGKILL);
			ct_real_waitpid(pid, &status, 0);
		}
	}
	stop_churn = true;
	ct_real_pthread_join(t, NULL);
	CT_CHECK(!stuck, "child %d of %d, forked while another thread took the grader's locks, was stuck for 1 s "
		 "taking them itself", stuck, FORKS);
	ct_pass();
}

/* ---- ct_run_within ------------------------------------------------------ */

static atomic_bool release_stuck, slow_done;

static void stuck(void *unused)
{
	(void)unused;
	while (!release_stuck)
		ct_sleep_ns(CT_MS);
}

static void slow(void *unused)
{
	(void)unused;
	release_stuck = true; /* the earlier helper now returns, while this one still runs */
	ct_sleep_ns(300 * CT_MS);
	slow_done = true;
}

CT_TEST(testlib, each_run_within_waits_for_its_own_helper)
{
	char why[4096];

	CT_CHECK(!ct_run_within(stuck, NULL, 20 * CT_MS, "stuck", NULL, 0, why, sizeof why),
		 "ct_run_within returned true for a function that never returns");
	bool returned = ct_run_within(slow, NULL, 3000 * CT_MS, "slow", NULL, 0, why, sizeof why);
	CT_CHECK(returned && slow_done,
		 "ct_run_within(slow) returned %s before slow had ended: the end of an earlier helper was taken "
		 "for the end of this one", returned ? "true" : "false");
	ct_pass();
}

/* ---- the lock tracker's life log and unlock pause ------------------------ */

CT_TEST(testlib, the_tracker_remembers_which_mutexes_were_initialised_and_destroyed)
{
	pthread_mutex_t a, b;

	CT_CHECK(!ct_mutex_initialised(&a) && !ct_mutex_destroyed(&a), "a mutex nobody touched was seen initialised");
	CT_CHECK(pthread_mutex_init(&a, NULL) == 0 && pthread_mutex_init(&b, NULL) == 0, "pthread_mutex_init failed");
	CT_CHECK(ct_mutex_initialised(&a) && ct_mutex_initialised(&b) && !ct_mutex_destroyed(&a),
		 "after pthread_mutex_init on two mutexes, the tracker did not say so");
	ct_fail_call(CT_CALL_pthread_mutex_destroy, 1, EBUSY);
	CT_CHECK(pthread_mutex_destroy(&a) == EBUSY && !ct_mutex_destroyed(&a),
		 "a pthread_mutex_destroy that failed was seen as destroying the mutex");
	CT_CHECK(pthread_mutex_destroy(&a) == 0 && ct_mutex_destroyed(&a) && !ct_mutex_destroyed(&b),
		 "after pthread_mutex_destroy, the tracker did not say which mutex it destroyed");
	pthread_mutex_destroy(&b);
	ct_pass();
}

static pthread_mutex_t paused = PTHREAD_MUTEX_INITIALIZER;
static _Atomic uint64_t unlocked_ns, free_seen_ns;

static void *lock_and_unlock(void *unused)
{
	(void)unused;
	pthread_mutex_lock(&paused);
	pthread_mutex_unlock(&paused);
	unlocked_ns = ct_now_ns(); /* after the pause */
	return NULL;
}

CT_TEST(testlib, the_unlock_pause_acts_after_the_unlock_and_only_in_the_tests_threads)
{
	pthread_t t;
	uint64_t t0 = ct_now_ns();

	ct_set_unlock_pause(30 * CT_MS);
	pthread_mutex_lock(&paused);
	pthread_mutex_unlock(&paused);
	CT_CHECK(ct_now_ns() - t0 < 20 * CT_MS, "the unlock pause acted in the test's own thread");
	t0 = ct_now_ns();
	CT_CHECK(pthread_create(&t, NULL, lock_and_unlock, NULL) == 0, "pthread_create failed");
	ct_sleep_ns(10 * CT_MS);
	/* The thread has unlocked by now and is pausing: the mutex is free. */
	CT_CHECK(pthread_mutex_trylock(&paused) == 0, "the mutex was still held during the pause after its unlock");
	free_seen_ns = ct_now_ns();
	pthread_mutex_unlock(&paused);
	pthread_join(t, NULL);
	CT_CHECK(unlocked_ns - t0 >= 30 * CT_MS && free_seen_ns < unlocked_ns,
		 "a thread's unlock returned %.1f ms after it started; expected a pause of 30 ms after the unlock",
		 (double)(unlocked_ns - t0) / 1e6);
	ct_pass();
}

/* ---- calls that keep their stack frame ------------------------------------ */

static atomic_int frame_reads_ok;

static void *read_later(void *p)
{
	ct_sleep_ns(20 * CT_MS); /* after the function that started it has returned */
	frame_reads_ok = *(volatile int *)p == 12345;
	return NULL;
}

/* Starts a thread that reads this frame later, and returns without joining it (as a wrong submission would). */
static void start_and_abandon(void *unused)
{
	volatile int mine = 12345;
	pthread_t t;

	(void)unused;
	if (pthread_create(&t, NULL, read_later, (void *)&mine) == 0)
		atomic_store(&frame_reads_ok, -1);
}

CT_TEST(testlib, a_call_keeping_its_frame_returns_after_the_threads_it_left_have_ended)
{
	frame_reads_ok = 0;
	CT_CHECK(ct_call_keeping_frame(start_and_abandon, NULL, 1000 * CT_MS) == 0, "ct_call_keeping_frame failed");
	CT_CHECK(ct_threads_created() == 1 && ct_thread(0).end_ns != 0 && !ct_thread(0).joined,
		 "ct_call_keeping_frame returned before the thread its function left running had ended");
	CT_CHECK(frame_reads_ok == 1, "the abandoned thread read %d in its creator's frame; expected it intact (12345)",
		 (int)frame_reads_ok);
	CT_CHECK(ct_wait_threads_ended(10 * CT_MS), "ct_wait_threads_ended: an ended thread counted as running");
	ct_pass();
}

CT_TEST(testlib, the_heap_table_knows_each_live_block)
{
	void *p = malloc(16), *q = malloc(16);

	CT_CHECK(p && q && ct_heap_has(p) && ct_heap_has(q), "ct_heap_has did not find two blocks just allocated");
	free(p);
	CT_CHECK(!ct_heap_has(p) && ct_heap_has(q), "ct_heap_has still found a freed block, or lost a live one");
	free(q);
	ct_pass();
}

static pid_t forked_here;

/* Forks through the wrapped fork() and returns in both processes, as a child that does not _exit would. */
static void fork_and_return(void *unused)
{
	(void)unused;
	forked_here = fork();
}

CT_TEST(testlib, a_child_that_returns_from_the_function_run_within_is_ended_there)
{
	char why[4096];
	int status = 0;

	bool returned = ct_run_within(fork_and_return, NULL, 2000 * CT_MS, "fork_and_return", NULL, 0, why, sizeof why);
	pid_t child = forked_here;
	pid_t got = ct_real_waitpid(child, &status, 0);
	bool ended_there = got == child && WIFEXITED(status) && WEXITSTATUS(status) == CT_EXIT_CHILD_RETURNED;
	ct_pitfalls_reset(); /* the record this test made on purpose would fail the checks below */
	CT_CHECK(returned && child > 0, "ct_run_within(fork_and_return) did not return, or fork failed");
	CT_CHECK(ended_there,
		 "a child that returned from the function ct_run_within ran (into the helper thread's code) was not "
		 "ended there with status %d (its status: 0x%x)", CT_EXIT_CHILD_RETURNED, (unsigned)status);
	ct_pass();
}

CT_TEST(testlib, pipes_get_the_capacity_asked_for)
{
	int fds[2];

	ct_set_pipe_capacity(4096);
	CT_CHECK(pipe(fds) == 0, "pipe() failed");
	int small = fcntl(fds[0], F_GETPIPE_SZ);
	close(fds[0]);
	close(fds[1]);
	ct_set_pipe_capacity(0);
	CT_CHECK(pipe2(fds, O_CLOEXEC) == 0, "pipe2() failed");
	int usual = fcntl(fds[0], F_GETPIPE_SZ);
	close(fds[0]);
	close(fds[1]);
	CT_CHECK(small == 4096 && usual > 4096,
		 "with ct_set_pipe_capacity(4096) a pipe held %d bytes (expected 4096); with 0 one held %d (expected "
		 "the system's, more)", small, usual);
	ct_pass();
}

CT_TEST(testlib, settling_kills_and_reaps_the_children_left_and_an_ended_child_waits_to_be_reaped)
{
	char left[512];
	int status = 0;

	pid_t ended = ct_fork_ended_child(42);
	CT_CHECK(ended > 0 && ct_real_waitpid(ended, &status, WNOHANG) == ended && WIFEXITED(status) &&
			 WEXITSTATUS(status) == 42,
		 "ct_fork_ended_child(42) did not leave a child that had ended with 42, ready to be reaped");
	ct_api_reset();
	pid_t running = fork();
	if (running == 0) {
		pause();
		_exit(0);
	}
	CT_CHECK(running > 0, "fork failed");
	int n = ct_settle_children(NULL, 0, left, sizeof left);
	siginfo_t info = {0};
	bool gone = waitid(P_PID, (id_t)running, &info, WEXITED | WNOHANG) == -1 && errno == ECHILD;
	CT_CHECK(n == 1 && gone, "ct_settle_children found %d children left (expected 1: %s) and %s", n, left,
		 gone ? "reaped it" : "did not reap it");
	ct_pass();
}
