/* dcl.c - BROKEN: double-checked locking with a plain pointer (run it under Helgrind). */
#include <pthread.h>

#include "table.h" /* build_table(), ask_twice() */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int *table; /* NULL until built; written under lock, but read without it */

static int *get_table(void)
{
	if (table == NULL) { /* first check, no lock: the data race */
		pthread_mutex_lock(&lock);
		if (table == NULL)      /* second check, under the lock */
			table = build_table();
		pthread_mutex_unlock(&lock);
	}
	return table;
}

int main(void)
{
	return ask_twice(get_table);
}
