/* rwlock.c - many readers at once, one writer alone: a read-write lock around a small table. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#define READERS 3
#define ROUNDS 100000

static pthread_rwlock_t table_lock = PTHREAD_RWLOCK_INITIALIZER;
static long table[2]; /* protected by table_lock; invariant: table[0] == table[1] */

static void *reader(void *arg)
{
	long broken = 0;

	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		pthread_rwlock_rdlock(&table_lock); /* shared: other readers may hold it too */
		broken += table[0] != table[1];
		pthread_rwlock_unlock(&table_lock);
	}
	return (void *)(intptr_t)broken;
}

static void *writer(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		pthread_rwlock_wrlock(&table_lock); /* exclusive: no reader, no other writer */
		table[0]++;
		table[1]++;
		pthread_rwlock_unlock(&table_lock);
	}
	return NULL;
}

int main(void)
{
	pthread_t r[READERS], w;
	long broken = 0;
	void *seen;

	if (pthread_create(&w, NULL, writer, NULL) != 0)
		return 1;
	for (int k = 0; k < READERS; k++)
		if (pthread_create(&r[k], NULL, reader, NULL) != 0)
			return 1;
	for (int k = 0; k < READERS; k++) {
		if (pthread_join(r[k], &seen) != 0)
			return 1;
		broken += (intptr_t)seen;
	}
	if (pthread_join(w, NULL) != 0)
		return 1;
	printf("readers saw a half-updated table %ld times; the table ends at %ld, %ld\n", broken, table[0], table[1]);
	return 0;
}
