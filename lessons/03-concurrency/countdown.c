/* countdown.c - two CPU-bound countdowns, one after another, then in two threads. */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#define COUNT 1000000000UL /* 0.25 to 0.3 s of CPU per countdown here */

static double seconds(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *countdown(void *arg)
{
	volatile unsigned long n = COUNT; /* volatile: keeps the optimiser from deleting the loop */

	(void)arg;
	while (n > 0)
		n--;
	return NULL;
}

int main(void)
{
	pthread_t t[2];
	double w0 = seconds(CLOCK_MONOTONIC), c0 = seconds(CLOCK_PROCESS_CPUTIME_ID);

	countdown(NULL); /* serial: the second starts when the first has ended */
	countdown(NULL);
	double w1 = seconds(CLOCK_MONOTONIC), c1 = seconds(CLOCK_PROCESS_CPUTIME_ID);

	for (int i = 0; i < 2; i++) /* threads: start both, then join both */
		if (pthread_create(&t[i], NULL, countdown, NULL) != 0)
			return 1; /* returning from main also ends a thread already started */
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	double w2 = seconds(CLOCK_MONOTONIC), c2 = seconds(CLOCK_PROCESS_CPUTIME_ID);

	printf("serial     wall %.2f s   cpu %.2f s\n", w1 - w0, c1 - c0);
	printf("2 threads  wall %.2f s   cpu %.2f s   speedup %.2f\n", w2 - w1, c2 - c1,
	       (w1 - w0) / (w2 - w1));
	return 0;
}
