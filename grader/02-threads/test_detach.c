/*
 * test_detach.c - grader suite for lesson 02, exercise "detach" (detach.h).
 *
 * The job is the grader's: it records which thread ran it and with which
 * argument, then blocks until the test releases it.  Every new thread
 * starts 30 ms late, and meanwhile the test overwrites the stack region
 * run_detached() used, so a thread handed a pointer into that dead frame
 * gets the grader's trap instead of the real job and argument.
 */
#include <pthread.h>
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
static int job_started(void) { return st.runs > 0 || st.trapped > 0; }
static int job_finished(void) { return st.finished > 0 || st.trapped > 0; }

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

CT_TEST(detach, correct_frees_what_it_allocates)
{
	start_job();
	release_job();
	CT_CHECK(wait_until(job_finished, 3000), "the job did not finish within 3 s after it was released");
	CT_CHECK(wait_until(first_thread_ended, 3000), "the new thread did not end within 3 s after its job returned");
	int blocks;
	size_t bytes = ct_heap_in_use(&blocks);
	CT_CHECK(bytes == 0 && blocks == 0,
		 "after the job and its thread had ended, %zu bytes in %d heap block(s) allocated by your code "
		 "were never freed: the thread should free what run_detached allocated for it, once it has read it",
		 bytes, blocks);
	ct_pass();
}

CT_TEST(detach, timing_returns_without_waiting_for_the_job)
{
	uint64_t t0 = ct_now_ns();

	start_job();
	uint64_t returned_ms = (ct_now_ns() - t0) / CT_MS;
	pthread_mutex_lock(&lock);
	int finished_before_return = st.finished;
	pthread_mutex_unlock(&lock);
	release_job();
	wait_until(job_finished, 3000);
	CT_CHECK(!finished_before_return,
		 "run_detached returned only after the job had finished (%llu ms): it waited for the job. "
		 "Start the thread and return at once.",
		 (unsigned long long)returned_ms);
	CT_CHECK(returned_ms < 1000, "run_detached took %llu ms to return; it must return at once",
		 (unsigned long long)returned_ms);
	ct_pass();
}
