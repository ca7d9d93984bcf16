/* A race on a static variable inside a function: GCC names it big.0. */
#include <pthread.h>

static void *work(void *arg)
{
	static long big[4];
	big[1] += (long)arg;
	return NULL;
}
int main(void)
{
	pthread_t a, b;
	pthread_create(&a, NULL, work, (void *)1);
	pthread_create(&b, NULL, work, (void *)2);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	return 0;
}
