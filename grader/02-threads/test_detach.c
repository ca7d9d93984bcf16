/*
 * test_detach.c - grader suite for lesson 02, exercise "detach" (detach.h).
 *
 * The job is the grader's: it records which thread ran it and with which
 * argument, then blocks until the test releases it.  Every new thread
 * starts 30 ms late, and meanwhile the test overwrites the stack region
 * run_detached() used, so a thread handed a pointer into that dead frame
 * gets the grader's trap instead of the real job and argument.  Further
 * tests call run_detached several times, from two threads at once (each
 * argument's job must run exactly once), and make pthread_create fail
 * (ct_fault.h): the error comes back, the job never runs, nothing leaks.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>

#include "ct_test.h"
#include "detach.h"

CT_SUITE(detach);

/* lock protects every field of struct job_state. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static struct job_state {
	int runs, trapped, released, finished;
	void *arg;
	pthread_t thread;
} st;
static int token;

static void job(void *arg)
{
	pthread_mutex_lock(&lock);
	st.runs++;
	st.arg = arg;
	st.thread = pthread_self();
	pthread_cond_broadcast(&changed);
	/* Blocks until released, at most 2 s so a stuck test still ends. */
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 2;
	while (!st.released)
		if (pthread_cond_timedwait(&changed, &lock, &until) != 0)
			break;
	st.finished++;
	pthread_cond_broadcast(&changed);
	pthread_mutex_unlock(&lock);
}

/* What a dead {job, arg} frame reads as once the test has overwritten it. */
static void trap_job(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	st.trapped++;
	pthread_cond_broadcast(&changed);
	pthread_mutex_unlock(&lock);
}

/* Overwrites the stack below the caller with pointers to trap_job. */
__attribute__((noinline)) static void overwrite_dead_frames(void)
{
	void *volatile area[512];

	for (size_t i = 0; i < sizeof area / sizeof area[0]; i++)
		area[i] = (void *)trap_job;
	__asm__ volatile("" : : "r"(area) : "memory");
}

/* Waits (up to ms) until pred holds; returns whether it does.  Takes lock. */
static int wait_until(int (*pred)(void), unsigned ms)
{
	uint64_t deadline = ct_now_ns() + ms * CT_MS;
	int ok;

	pthread_mutex_lock(&lock);
	while (!(ok = pred()) && ct_now_ns() < deadline) {
		pthread_mutex_unlock(&lock);
		/* Again before each sleep: the calls above may have reused the dead frames. */
		overwrite_dead_frames();
		ct_sleep_ns(2 * CT_MS);
		pthread_mutex_lock(&lock);
	}
	pthread_mutex_unlock(&lock);
	return ok;
}
static int job_started(void)
{
	return st.runs > 0 || st.trapped > 0;
}
static int job_finished(void)
{
	return st.finished > 0 || st.trapped > 0;
}

static void release_job(void)
{
	pthread_mutex_lock(&lock);
	st.released = 1;
	pthread_cond_broadcast(&changed);
	pthread_mutex_unlock(&lock);
}

/* Starts the job the way every test does and checks the return value. */
static void start_job(void)
{
	ct_set_thread_start_delay(30 * CT_MS);
	int ret = run_detached(job, &token);
	overwrite_dead_frames();
	CT_CHECK(ret == 0, "run_detached(job, &token) returned %d; expected 0", ret);
}

CT_TEST(detach, correct_runs_the_job_once_with_its_argument)
{
	start_job();
	CT_CHECK(wait_until(job_started, 3000), "run_detached(job, &token) returned, but job never ran within 3 s");
	release_job();
	CT_CHECK(wait_until(job_finished, 3000), "the job did not finish within 3 s after it was released");
	ct_sleep_ns(50 * CT_MS);
	pthread_mutex_lock(&lock);
	struct job_state s = st;
	pthread_mutex_unlock(&lock);
	CT_CHECK(s.trapped == 0,
		 "the new thread read its job and argument after run_detached had returned, from memory that "
		 "was by then reused: they lived in run_detached's stack frame. Put them in memory that "
		 "outlives the call (malloc) and let the thread free it.");
	CT_CHECK(s.runs == 1, "job ran %d times; expected exactly once", s.runs);
	CT_CHECK(s.arg == &token, "job was called with arg %p; expected %p, the arg given to run_detached", s.arg,
		 (void *)&token);
	CT_CHECK(!pthread_equal(s.thread, pthread_self()),
		 "job ran in the thread that called run_detached; it must run in a new thread");
	ct_pass();
}

CT_TEST(detach, correct_thread_is_detached)
{
	start_job();
	CT_CHECK(wait_until(job_started, 3000), "run_detached(job, &token) returned, but job never ran within 3 s");
	release_job();
	CT_CHECK(wait_until(job_finished, 3000), "the job did not finish within 3 s after it was released");
	ct_sleep_ns(50 * CT_MS);
	int created = ct_threads_created();
	CT_CHECK(created == 1, "run_detached created %d threads; expected exactly 1", created);
	struct ct_thread_record r = ct_thread(0);
	CT_CHECK(!r.joined, "run_detached joined the thread, so it waited for the job; it must return at once");
	CT_CHECK(r.created_detached || r.detached,
		 "the thread was created joinable and nobody joins it, so its resources are never freed (like a "
		 "zombie process). Create it detached (pthread_attr_setdetachstate) or call pthread_detach.");
	ct_pass();
}

static int first_thread_ended(void)
{
	return ct_threads_created() > 0 && ct_thread(0).end_ns != 0;
}

/* Checks that the student's code holds no heap block now; when says after what, advice what to do. */
static void check_heap_freed(const char *when, const char *advice)
{
	int blocks;
	size_t bytes = ct_heap_in_use(&blocks);

	CT_CHECK(bytes == 0 && blocks == 0,
		 "%s, %zu bytes in %d heap block(s) allocated by your code were never freed%s", when, bytes, blocks,
		 advice);
}

CT_TEST(detach, correct_frees_what_it_allocates)
{
	start_job();
	release_job();
	CT_CHECK(ct_threads_created() == 1, "run_detached(job, &token) created %d threads; expected exactly 1",
		 ct_threads_created());
	CT_CHECK(wait_until(job_finished, 3000), "the job did not finish within 3 s after it was released");
	CT_CHECK(wait_until(first_thread_ended, 3000), "the new thread did not end within 3 s after its job returned");
	check_heap_freed("after the job and its thread had ended",
			 ": the thread should free what run_detached allocated for it, once it has read it");
	ct_pass();
}

CT_TEST(detach, timing_returns_without_waiting_for_the_job)
{
	uint64_t t0 = ct_now_ns();

	start_job();
	uint64_t returned_ms = (ct_now_ns() - t0) / CT_MS;
	pthread_mutex_lock(&lock);
	int finished_before_return = st.finished;
	bool in_caller = st.runs > 0 && pthread_equal(st.thread, pthread_self());
	pthread_mutex_unlock(&lock);
	release_job();
	wait_until(job_finished, 3000);
	CT_CHECK(!finished_before_return,
		 "run_detached returned only after the job had finished (%llu ms): %s. Start the thread and return "
		 "at once.",
		 (unsigned long long)returned_ms,
		 in_caller ? "it ran the job itself, in the calling thread" : "it waited for the job");
	CT_CHECK(returned_ms < 1000, "run_detached took %llu ms to return; it must return at once",
		 (unsigned long long)returned_ms);
	ct_pass();
}

/* Jobs that count, per argument, how often they ran; they do not block. */
#define NTOKENS 4
static atomic_int token_runs[NTOKENS];
static int tokens[NTOKENS];

static atomic_int stray_runs; /* with an argument that is no token */
static void *_Atomic stray_arg;

static void counting_job(void *arg)
{
	for (int i = 0; i < NTOKENS; i++)
		if (arg == &tokens[i]) {
			atomic_fetch_add(&token_runs[i], 1);
			return;
		}
	atomic_fetch_add(&stray_runs, 1);
	atomic_store(&stray_arg, arg);
}

static int all_counted_jobs_ended(void)
{
	int created = ct_threads_created();

	for (int i = 0; i < created; i++)
		if (ct_thread(i).end_ns == 0)
			return 0;
	return created > 0;
}

/* run_detached(counting_job, &tokens[2]), called by a helper thread at the same moment as the test's own call. */
struct detached_call_from_helper {
	struct ct_rendezvous *start;
	int ret;
};

static void *call_from_helper(void *arg)
{
	struct detached_call_from_helper *c = arg;

	ct_rendezvous_arrive(c->start);
	c->ret = run_detached(counting_job, &tokens[2]);
	return NULL;
}

CT_TEST(detach, correct_calls_again_and_at_once)
{
	static struct ct_rendezvous start;
	struct detached_call_from_helper helper_call = {&start, -1};
	pthread_t helper;
	int ret[NTOKENS];

	/* Every call hands its thread what it needs before any new thread reads it. */
	ct_set_thread_start_delay(15 * CT_MS);
	ret[0] = run_detached(counting_job, &tokens[0]);
	overwrite_dead_frames();
	ret[1] = run_detached(counting_job, &tokens[1]);
	overwrite_dead_frames();
	ct_rendezvous_init(&start, 2, 2000 * CT_MS);
	CT_CHECK(ct_real_pthread_create(&helper, NULL, call_from_helper, &helper_call) == 0,
		 "grader error: cannot create a thread");
	ct_rendezvous_arrive(&start);
	ret[3] = run_detached(counting_job, &tokens[3]);
	overwrite_dead_frames();
	ct_real_pthread_join(helper, NULL);
	ret[2] = helper_call.ret;
	for (int i = 0; i < NTOKENS; i++)
		CT_CHECK(ret[i] == 0, "run_detached(job, &tokens[%d]) returned %d; expected 0", i, ret[i]);
	wait_until(all_counted_jobs_ended, 3000);
	ct_sleep_ns(10 * CT_MS);
	CT_CHECK(atomic_load(&stray_runs) == 0,
		 "run_detached was called 4 times, with &tokens[0] to &tokens[3] (%p to %p), but the job was called "
		 "%d time(s) with another argument (%p): the thread must call job(arg) with the arg given to "
		 "run_detached",
		 (void *)&tokens[0], (void *)&tokens[NTOKENS - 1], atomic_load(&stray_runs), atomic_load(&stray_arg));
	for (int i = 0; i < NTOKENS; i++)
		CT_CHECK(atomic_load(&token_runs[i]) == 1,
			 "run_detached was called 4 times, with &tokens[0] to &tokens[3] (the first two one after the "
			 "other, the last two at the same moment from two threads); the job for &tokens[%d] ran %d "
			 "times, expected once. Does each call give its thread arguments of its own (a fresh "
			 "allocation, not a static variable that the next call overwrites)?",
			 i, atomic_load(&token_runs[i]));
	int created = ct_threads_created();
	CT_CHECK(created == NTOKENS, "4 calls of run_detached created %d threads; expected 4", created);
	for (int i = 0; i < created; i++) {
		struct ct_thread_record r = ct_thread(i);
		CT_CHECK(!r.joined,
			 "of the 4 threads run_detached created, thread %d (in creation order) was joined, "
			 "so run_detached waited for its job",
			 i + 1);
		CT_CHECK(r.created_detached || r.detached,
			 "of the 4 threads run_detached created, thread %d (in creation "
			 "order) was left joinable, and nobody joins it",
			 i + 1);
	}
	check_heap_freed("after 4 jobs and their threads had ended", "");
	ct_pass();
}

CT_TEST(detach, correct_failed_create_never_calls_the_job)
{
	const char *what = "The grader made pthread_create() fail with EAGAIN (as when the system has no room for "
			   "another thread) during run_detached(job, &token).";

	release_job(); /* a job that runs anyway must not block */
	ct_fail_call(CT_CALL_pthread_create, 1, EAGAIN);
	int ret = run_detached(job, &token);
	int tries = ct_count(CT_CALL_pthread_create);
	ct_fault_clear(CT_CALL_pthread_create);
	ct_sleep_ns(30 * CT_MS);
	pthread_mutex_lock(&lock);
	int runs = st.runs;
	pthread_mutex_unlock(&lock);
	CT_CHECK(runs == 0,
		 "%s run_detached returned %d, but job ran %d time(s): when the thread cannot be started, "
		 "the job must not run at all (not even in the caller), so that the caller can tell from the error "
		 "that it did not happen.",
		 what, ret, runs);
	CT_CHECK(ret == EAGAIN,
		 "%s run_detached returned %d; expected EAGAIN (11), the error number pthread_create "
		 "returned%s.",
		 what, ret,
		 ret == -1		 ? " (pthreads functions return their error number; they do not set errno)"
		 : ret == 0 && tries > 1 ? ", after trying again: give up at the first failure"
					 : "");
	check_heap_freed("after run_detached had returned the error of a pthread_create that the grader made fail",
			 ": free what you allocated for the thread that never started on the error path too");
	ct_pass();
}
