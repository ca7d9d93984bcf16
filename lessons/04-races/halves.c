/* halves.c - BROKEN: every access to hits holds the lock, yet updates are lost. */
#include "adders.h" /* run_adders(): starts two threads running add_many, joins them, prints */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long hits; /* every access is made with lock held */

static void *add_many(void *arg)
{
	long n = *(const long *)arg;

	for (long i = 0; i < n; i++) { /* racy.c's loop, with the lock taken around each half */
		pthread_mutex_lock(&lock);
		long v = hits; /* read under the lock ...        */
		pthread_mutex_unlock(&lock);
		pthread_mutex_lock(&lock);
		hits = v + 1; /* ... write under the lock, but the other thread
				 may have written in between */
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	return run_adders(add_many, &hits, argc, argv);
}
