/*
 * rwlock_errors.c - misuse of a read-write lock, no data race: unlocking
 * `table_lock` that no thread holds, and destroying it while a reader holds it.
 */
#include <pthread.h>
#include <stdio.h>

static pthread_rwlock_t table_lock = PTHREAD_RWLOCK_INITIALIZER;

int main(void)
{
	pthread_rwlock_unlock(&table_lock); /* BUG: not locked */
	pthread_rwlock_rdlock(&table_lock);
	pthread_rwlock_destroy(&table_lock); /* BUG: still read-locked */
	return 0;
}
