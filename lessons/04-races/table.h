/*
 * table.h - what this lesson's lazy-table examples share: the slow build,
 * and a run in which a second thread asks for the table after the first has
 * built it.  Each example includes it, so `gcc ... -o dcl dcl.c` still
 * builds one program from one file.
 */
#ifndef TABLE_H
#define TABLE_H

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline int *build_table(void)
{
	struct timespec slow = {0, 10 * 1000 * 1000}; /* 10 ms: say, reading a file */
	int *t = malloc(256 * sizeof *t);

	nanosleep(&slow, NULL);
	for (int i = 0; t != NULL && i < 256; i++)
		t[i] = i * i;
	return t;
}

static int *(*table_getter)(void); /* set by main before any thread starts */

static inline void *ask_for_table(void *arg)
{
	(void)arg;
	return table_getter();
}

/*
 * Starts a thread that calls get(), then, 50 ms later (the build is over by
 * then), a second one; joins both and says whether they got the same table.
 * Returns 0, or 1 if a pthread call failed.
 */
static inline int ask_twice(int *(*get)(void))
{
	struct timespec later = {0, 50 * 1000 * 1000};
	pthread_t first, second;
	void *a, *b;

	table_getter = get;
	if (pthread_create(&first, NULL, ask_for_table, NULL) != 0)
		return 1;
	nanosleep(&later, NULL);
	if (pthread_create(&second, NULL, ask_for_table, NULL) != 0)
		return 1;
	if (pthread_join(first, &a) != 0 || pthread_join(second, &b) != 0)
		return 1;
	printf("both threads got %s\n", a == b ? "the same table" : "different tables");
	free(a);
	return 0;
}

#endif
