/* fixed.c - racy.c with the whole read-modify-write in one critical section. */
#include "adders.h" /* run_adders(): starts two threads running add_many, joins them, prints */

static pthread_mutex_t hits_lock = PTHREAD_MUTEX_INITIALIZER;
static long hits; /* protected by hits_lock */

static void *add_many(void *arg)
{
	long n = *(const long *)arg;

	for (long i = 0; i < n; i++) {
		pthread_mutex_lock(&hits_lock);   /* wait until no one else holds it */
		hits++;                           /* load, add, store: nobody between */
		pthread_mutex_unlock(&hits_lock); /* let the next thread in */
	}
	return NULL;
}

int main(int argc, char **argv)
{
	return run_adders(add_many, &hits, argc, argv);
}
