/* per_task.c - lesson 11: a thread per task against a few reused threads.
 *
 * 20000 small tasks (each sums 2000 numbers).  First every task gets a
 * thread of its own, 8 at a time (create 8, join 8, again); then 4 threads
 * are started once and take task numbers from a shared counter until none
 * is left.  Both compute the same total; the time says what the creations
 * cost.
 *
 *     gcc -std=gnu11 -Wall -Wextra -pthread -O2 -o per_task per_task.c && ./per_task
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define TASKS 20000
#define BATCH 8
#define WORKERS 4

static long results[TASKS];
static atomic_int next_task; /* the workers' shared counter: the next task to take */

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void run_task(int i)
{
	long sum = 0;

	for (int k = 0; k < 2000; k++)
		sum += (long)i * k % 7;
	results[i] = sum;
}

static void *one_task(void *arg)
{
	run_task((int)(long)arg);
	return NULL;
}

static void *worker(void *arg)
{
	for (int i; (i = atomic_fetch_add(&next_task, 1)) < TASKS;)
		run_task(i);
	return arg;
}

static long total(void)
{
	long t = 0;

	for (int i = 0; i < TASKS; i++)
		t += results[i];
	return t;
}

static int check(int err, const char *what)
{
	if (err)
		fprintf(stderr, "%s: %s\n", what, strerror(err));
	return err;
}

int main(void)
{
	pthread_t t[BATCH > WORKERS ? BATCH : WORKERS];

	double t0 = now_ms();
	for (int i = 0; i < TASKS; i += BATCH) {
		for (int k = 0; k < BATCH; k++)
			if (check(pthread_create(&t[k], NULL, one_task, (void *)(long)(i + k)), "pthread_create"))
				return 1;
		for (int k = 0; k < BATCH; k++)
			pthread_join(t[k], NULL);
	}
	double per_task = now_ms() - t0;
	long first = total();

	memset(results, 0, sizeof results);
	t0 = now_ms();
	for (int k = 0; k < WORKERS; k++)
		if (check(pthread_create(&t[k], NULL, worker, NULL), "pthread_create"))
			return 1;
	for (int k = 0; k < WORKERS; k++)
		pthread_join(t[k], NULL);
	double reused = now_ms() - t0;

	printf("a thread per task:   %d threads, %7.1f ms (total %ld)\n", TASKS, per_task, first);
	printf("%d reused threads:    %d threads, %7.1f ms (total %ld)\n", WORKERS, WORKERS, reused, total());
	printf("the thread-per-task version took %.1f times as long\n", per_task / reused);
	return 0;
}
