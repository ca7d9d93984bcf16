/* abba.c - BROKEN: two threads take two locks in opposite orders.  ./abba [1] */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static const struct timespec gap = {0, 10 * 1000 * 1000}; /* 10 ms between a thread's two locks */

static void *a_then_b(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&a);
	nanosleep(&gap, NULL);
	pthread_mutex_lock(&b);
	puts("thread 1 holds a and b");
	pthread_mutex_unlock(&b);
	pthread_mutex_unlock(&a);
	return NULL;
}

static void *b_then_a(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&b);
	nanosleep(&gap, NULL);
	pthread_mutex_lock(&a);
	puts("thread 2 holds b and a");
	pthread_mutex_unlock(&a);
	pthread_mutex_unlock(&b);
	return NULL;
}

int main(int argc, char **argv)
{
	int one_at_a_time = argc > 1; /* any argument: thread 2 starts after thread 1 has ended */
	pthread_t t1, t2;

	(void)argv;
	if (pthread_create(&t1, NULL, a_then_b, NULL) != 0)
		return 1;
	if (one_at_a_time && pthread_join(t1, NULL) != 0)
		return 1;
	if (pthread_create(&t2, NULL, b_then_a, NULL) != 0)
		return 1;
	if ((!one_at_a_time && pthread_join(t1, NULL) != 0) || pthread_join(t2, NULL) != 0)
		return 1;
	return 0;
}
