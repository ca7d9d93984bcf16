/*
 * reorder.c - the store-buffer test: each thread stores 1 into its own
 * variable, then loads the other's.  If nothing were reordered, at least one
 * load would see 1.  ./reorder relaxed | seq_cst
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#define ROUNDS 100000

static atomic_int x, y;            /* the two variables of the test */
static int r1[ROUNDS], r2[ROUNDS]; /* each written by one thread, read after the joins */
static atomic_int reached[2];      /* the last start line each thread reached */
static memory_order order;         /* set by main before the threads start */

/* Waits, spinning, until the other thread has reached start line `line` too. */
static void start_line(int self, int line)
{
	atomic_store(&reached[self], line);
	while (atomic_load(&reached[1 - self]) < line)
		; /* spin: both threads leave at nearly the same moment */
}

static void *left(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		start_line(0, 3 * i + 1);
		atomic_store_explicit(&x, 1, order);
		r1[i] = atomic_load_explicit(&y, order);
		start_line(0, 3 * i + 2); /* both have loaded before either resets */
		atomic_store_explicit(&x, 0, memory_order_relaxed);
		start_line(0, 3 * i + 3); /* both have reset before the next round */
	}
	return NULL;
}

static void *right(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		start_line(1, 3 * i + 1);
		atomic_store_explicit(&y, 1, order);
		r2[i] = atomic_load_explicit(&x, order);
		start_line(1, 3 * i + 2);
		atomic_store_explicit(&y, 0, memory_order_relaxed);
		start_line(1, 3 * i + 3);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t a, b;
	long both_zero = 0;

	order = argc > 1 && strcmp(argv[1], "seq_cst") == 0 ? memory_order_seq_cst : memory_order_relaxed;
	if (pthread_create(&a, NULL, left, NULL) != 0 || pthread_create(&b, NULL, right, NULL) != 0)
		return 1;
	if (pthread_join(a, NULL) != 0 || pthread_join(b, NULL) != 0)
		return 1;
	for (int i = 0; i < ROUNDS; i++)
		both_zero += r1[i] == 0 && r2[i] == 0;
	printf("%s: both loads saw 0 in %ld of %d rounds\n", order == memory_order_seq_cst ? "seq_cst" : "relaxed",
	       both_zero, ROUNDS);
	return 0;
}
