/*
 * local_lock.c - locks that are local variables, and a lock Helgrind can no
 * longer show.
 *
 * main() has a local `struct tally` with its own mutex; add_locked() adds to
 * it holding that mutex (and a heap-allocated `batch` mutex, destroyed and
 * freed right after), add_unlocked() without any lock.  The race's earlier
 * access therefore held two locks, one of which no longer exists when
 * Helgrind reports: "Locks held: 2, ... (and 1 that can't be shown)".
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct tally {
	pthread_mutex_t lock; /* protects count */
	long count;
};

static void *add_locked(void *arg)
{
	struct tally *t = arg;
	pthread_mutex_t *batch = malloc(sizeof(*batch));

	if (!batch)
		return NULL;
	pthread_mutex_init(batch, NULL);
	pthread_mutex_lock(&t->lock);
	pthread_mutex_lock(batch);
	t->count++;
	pthread_mutex_unlock(batch);
	pthread_mutex_unlock(&t->lock);
	pthread_mutex_destroy(batch);
	free(batch);
	return NULL;
}

static void *add_unlocked(void *arg)
{
	struct tally *t = arg;

	usleep(200 * 1000); /* after add_locked(): this is the reported access */
	t->count++;         /* BUG: without t->lock */
	return NULL;
}

int main(void)
{
	struct tally tally = { .count = 0 };
	pthread_t a, b;
	int rc;

	pthread_mutex_init(&tally.lock, NULL);
	if ((rc = pthread_create(&a, NULL, add_locked, &tally)) != 0 ||
	    (rc = pthread_create(&b, NULL, add_unlocked, &tally)) != 0) {
		fprintf(stderr, "pthread_create: error %d\n", rc);
		return 1;
	}
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	printf("%ld\n", tally.count);
	return 0;
}
