/* once.c - a table built on first use, exactly once, with pthread_once. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "table.h" /* build_table(), ask_twice() */

#define NTHREADS 4

static int *table; /* written only by init_table, read after pthread_once */
static int builds; /* written only by init_table */

static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void init_table(void) /* the type pthread_once wants: void (*)(void) */
{
	table = build_table();
	builds++;
}

static int *get_table(void)
{
	int err = pthread_once(&table_once, init_table); /* runs init_table exactly once;
							    latecomers wait until it has returned */
	return err == 0 ? table : NULL;
}

static void *use_table(void *arg)
{
	(void)arg;
	return get_table();
}

int main(void)
{
	pthread_t t[NTHREADS];
	void *got[NTHREADS];
	int same = 1;

	for (int i = 0; i < NTHREADS; i++)
		if (pthread_create(&t[i], NULL, use_table, NULL) != 0)
			return 1;
	for (int i = 0; i < NTHREADS; i++) {
		if (pthread_join(t[i], &got[i]) != 0)
			return 1;
		same = same && got[i] == got[0];
	}
	printf("built %d time(s); the threads got %s\n", builds, same ? "the same table" : "different tables");
	free(table);
	return 0;
}
