/* atomics.c - the three hardware primitives from C11: fetch-and-add, compare-and-swap, test-and-set. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#define NTHREADS 4
#define ADDS 1000000

static atomic_long hits;     /* fetch-and-add: one indivisible read-modify-write */
static atomic_long best;     /* compare-and-swap: the largest value any thread offered */
static atomic_flag busy = ATOMIC_FLAG_INIT; /* test-and-set: a spin lock ... */
static long plain;                          /* ... that protects this plain variable */

static void spin_lock(atomic_flag *f)
{
	while (atomic_flag_test_and_set_explicit(f, memory_order_acquire)) /* old value 1: taken */
		; /* spin: a real mutex would go to sleep here (futex) */
}

static void spin_unlock(atomic_flag *f)
{
	atomic_flag_clear_explicit(f, memory_order_release);
}

static void offer(long v) /* best = max(best, v), with no lock */
{
	long seen = atomic_load(&best);

	while (v > seen && !atomic_compare_exchange_weak(&best, &seen, v))
		; /* someone changed best since we read it: seen now holds its new value, try again */
}

static void *worker(void *arg)
{
	long id = (long)(intptr_t)arg;

	for (long i = 0; i < ADDS; i++) {
		atomic_fetch_add_explicit(&hits, 1, memory_order_relaxed);
		offer(id * ADDS + i);
		spin_lock(&busy);
		plain++; /* only one thread at a time gets here */
		spin_unlock(&busy);
	}
	return NULL;
}

int main(void)
{
	pthread_t t[NTHREADS];

	for (long k = 0; k < NTHREADS; k++)
		if (pthread_create(&t[k], NULL, worker, (void *)(intptr_t)k) != 0)
			return 1;
	for (int k = 0; k < NTHREADS; k++)
		if (pthread_join(t[k], NULL) != 0)
			return 1;
	printf("fetch-and-add: %ld (expected %d)\n", atomic_load(&hits), NTHREADS * ADDS);
	printf("compare-and-swap max: %ld (expected %d)\n", atomic_load(&best), NTHREADS * ADDS - 1);
	printf("test-and-set spin lock: %ld (expected %d)\n", plain, NTHREADS * ADDS);
	return 0;
}
