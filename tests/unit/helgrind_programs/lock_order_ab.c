/*
 * lock_order_ab.c - a lock-order inversion through two locks: transfer_ab()
 * takes from_lock then to_lock, refund_ba() takes them the other way round.
 * They run one after the other, so the run never deadlocks.
 */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t from_lock = PTHREAD_MUTEX_INITIALIZER; /* protects from_balance */
static pthread_mutex_t to_lock = PTHREAD_MUTEX_INITIALIZER;   /* protects to_balance */
static long from_balance = 100, to_balance;

static void *transfer_ab(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&from_lock);
	pthread_mutex_lock(&to_lock);
	from_balance -= 10;
	to_balance += 10;
	pthread_mutex_unlock(&to_lock);
	pthread_mutex_unlock(&from_lock);
	return NULL;
}

static void *refund_ba(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&to_lock);
	pthread_mutex_lock(&from_lock);
	to_balance -= 10;
	from_balance += 10;
	pthread_mutex_unlock(&from_lock);
	pthread_mutex_unlock(&to_lock);
	return NULL;
}

int main(void)
{
	pthread_t t;
	void *(*steps[2])(void *) = { transfer_ab, refund_ba };

	for (int i = 0; i < 2; i++) {
		int rc = pthread_create(&t, NULL, steps[i], NULL);

		if (rc != 0) {
			fprintf(stderr, "pthread_create: error %d\n", rc);
			return 1;
		}
		pthread_join(t, NULL);
	}
	printf("%ld %ld\n", from_balance, to_balance);
	return 0;
}
