/* racy.c - BROKEN: two threads add to one counter with no synchronisation. */
#include "adders.h" /* run_adders(): starts two threads running add_many, joins them, prints */

static long hits; /* shared by both threads, protected by nothing */

static void *add_many(void *arg)
{
	long n = *(const long *)arg;

	for (long i = 0; i < n; i++)
		hits++; /* load, add 1, store: three steps */
	return NULL;
}

int main(int argc, char **argv)
{
	return run_adders(add_many, &hits, argc, argv);
}
