/*
 * exit_holding.c - threads that return while still holding a lock.
 *
 * Two withdraw() threads each lock their own account and return early on
 * "insufficient funds" without unlocking; a log_line() thread returns
 * holding the global log lock and an account's lock (two locks).  Helgrind:
 * "Exiting thread still holds 1 lock" twice, "... holds 2 locks" once.
 *
 * Helgrind does not say which locks an exiting thread holds; main() ends
 * as the kit's race drivers do (ct_driver_pass()), asking Helgrind to list
 * the locks still held ("info locks"), so that the report can name them.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <valgrind/valgrind.h>

struct account {
	pthread_mutex_t lock; /* protects balance */
	long balance;
};

static struct account accounts[3] = {
	{ PTHREAD_MUTEX_INITIALIZER, 10 },
	{ PTHREAD_MUTEX_INITIALIZER, 20 },
	{ PTHREAD_MUTEX_INITIALIZER, 30 },
};
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static void *withdraw(void *arg)
{
	struct account *a = arg;

	pthread_mutex_lock(&a->lock);
	if (a->balance < 100)
		return NULL; /* BUG: returns with a->lock held */
	a->balance -= 100;
	pthread_mutex_unlock(&a->lock);
	return NULL;
}

static void *log_line(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&log_lock);
	pthread_mutex_lock(&accounts[2].lock);
	printf("balance %ld\n", accounts[2].balance);
	return NULL; /* BUG: both locks still held */
}

int main(void)
{
	pthread_t t[3];
	int rc;

	for (int i = 0; i < 2; i++) {
		rc = pthread_create(&t[i], NULL, withdraw, &accounts[i]);
		if (rc != 0) {
			fprintf(stderr, "pthread_create: error %d\n", rc);
			return 1;
		}
	}
	rc = pthread_create(&t[2], NULL, log_line, NULL);
	if (rc != 0) {
		fprintf(stderr, "pthread_create: error %d\n", rc);
		return 1;
	}
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	if (RUNNING_ON_VALGRIND)
		VALGRIND_MONITOR_COMMAND("info locks");
	return 0;
}
