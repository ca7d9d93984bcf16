/* thread_crash.c - one thread writes through a NULL pointer; the whole process dies. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void *worker(void *arg)
{
	long id = (long)arg;

	for (int beat = 1; beat <= 5; beat++) {
		printf("thread %ld: beat %d\n", id, beat);
		fflush(stdout);
		usleep(50 * 1000);
		if (id == 2 && beat == 2) {
			volatile int *volatile nowhere = NULL;
			*nowhere = 42; /* SIGSEGV, sent to this thread; its default action ends the process */
		}
	}
	return NULL;
}

int main(void)
{
	pthread_t t[3];

	for (long i = 0; i < 3; i++) {
		int err = pthread_create(&t[i], NULL, worker, (void *)(i + 1));
		if (err) {
			fprintf(stderr, "pthread_create: error %d\n", err);
			return 1;
		}
	}
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	printf("main: every thread finished\n"); /* never printed */
	return 0;
}
