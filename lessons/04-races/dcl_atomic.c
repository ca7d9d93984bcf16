/* dcl_atomic.c - double-checked locking done right, with C11 atomics. */
#include <pthread.h>
#include <stdatomic.h>

#include "table.h" /* build_table(), ask_twice() */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic(int *) table; /* NULL until built; stored once, under lock */

static int *get_table(void)
{
	int *t = atomic_load_explicit(&table, memory_order_acquire); /* sees the filled table, or NULL */

	if (t == NULL) {
		pthread_mutex_lock(&lock);
		t = atomic_load_explicit(&table, memory_order_relaxed); /* the lock orders this one */
		if (t == NULL) {
			t = build_table();
			atomic_store_explicit(&table, t, memory_order_release); /* after the fills */
		}
		pthread_mutex_unlock(&lock);
	}
	return t;
}

int main(void)
{
	return ask_twice(get_table);
}
