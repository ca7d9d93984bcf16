/*
 * race_pool.c - Helgrind driver for lesson 11, exercise "pool".
 *
 * Three threads submit to one pool of three workers in ROUNDS rounds that
 * start together (ct_driver_threads), so submits meet one another and the
 * workers taking tasks, with the grader's yields at every lock and unlock
 * putting one thread's critical section between another's.  Each task
 * writes its own slot of done[] and, one in four, submits one more task;
 * the main thread reads done[] only after pool_wait returned, which is
 * ordered after every task's write only if pool_wait and the workers meet
 * under the pool's lock.  Then tasks are queued and the pool destroyed at
 * once: the workers' exit, and the queue they drain, meet pool_destroy.
 * A queue or counter touched without the lock, or a wait that reads the
 * count unlocked, is reported.
 */

#include "ct_driver.h"
#include "pool.h"

#define THREADS 3
#define ROUNDS 6
#define PER_ROUND 4
#define TASKS (THREADS * ROUNDS * PER_ROUND)

static struct pool *p;
static int done[2 * TASKS]; /* done[i]: task i ran; written only by the task, read after pool_wait */
static struct task {
	int index;
} tasks[2 * TASKS];

static void run(void *arg)
{
	struct task *t = arg;

	done[t->index]++;
	if (t->index < TASKS && t->index % 4 == 0 && pool_submit(p, run, &tasks[TASKS + t->index]) != 0)
		ct_driver_fail("pool_submit from inside a task did not return 0");
}

static void round_of(int thread, unsigned round)
{
	for (int k = 0; k < PER_ROUND; k++) {
		int i = (int)(round * THREADS + (unsigned)thread) * PER_ROUND + k;
		if (pool_submit(p, run, &tasks[i]) != 0)
			ct_driver_fail("pool_submit did not return 0");
	}
}

static void expect_done(int from, int to, const char *when)
{
	for (int i = from; i < to; i++)
		if (done[i] != (i < TASKS || (i - TASKS) % 4 == 0 ? 1 : 0))
			ct_driver_fail("%s, task %d had run %d times", when, i, done[i]);
}

int main(void)
{
	for (int i = 0; i < 2 * TASKS; i++)
		tasks[i].index = i;
	p = pool_create(THREADS);
	if (!p)
		ct_driver_fail("pool_create(%d) returned NULL", THREADS);
	ct_driver_threads(THREADS, ROUNDS, round_of);
	pool_wait(p);
	expect_done(0, 2 * TASKS, "after pool_wait");
	for (int i = 0; i < 2 * TASKS; i++)
		done[i] = 0;
	for (int i = 0; i < TASKS; i++)
		if (pool_submit(p, run, &tasks[i]) != 0)
			ct_driver_fail("pool_submit did not return 0");
	pool_destroy(p);
	expect_done(0, 2 * TASKS, "after pool_destroy");
	ct_driver_pass();
}
