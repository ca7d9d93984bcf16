/* lazy_racy.c - BROKEN: four threads check, then build, a table built on first use. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "table.h" /* build_table(), ask_twice() */

#define NTHREADS 4

static int *table; /* built on first use; NULL until then */

static void *use_table(void *arg)
{
	int *built = arg; /* this thread's own slot (lesson 02) */

	if (table == NULL) {           /* check ...                        */
		table = build_table(); /* ... act: others checked meanwhile */
		*built = 1;
	}
	return table;
}

int main(void)
{
	pthread_t t[NTHREADS];
	int built[NTHREADS] = {0}, builds = 0, same = 1;
	void *got[NTHREADS];

	for (int i = 0; i < NTHREADS; i++)
		if (pthread_create(&t[i], NULL, use_table, &built[i]) != 0)
			return 1;
	for (int i = 0; i < NTHREADS; i++) {
		if (pthread_join(t[i], &got[i]) != 0)
			return 1;
		builds += built[i];
		same = same && got[i] == got[0];
	}
	printf("built %d time(s); the threads got %s\n", builds, same ? "the same table" : "different tables");
	return 0;
}
