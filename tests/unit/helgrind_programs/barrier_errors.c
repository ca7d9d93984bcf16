/*
 * barrier_errors.c - misuse of pthread barriers, no data race:
 * pthread_barrier_init() with a count of 0 (it fails, and nobody checks),
 * and initialising a barrier again while it is in use.
 */
#include <pthread.h>
#include <stdio.h>

static pthread_barrier_t start_line, finish_line;

int main(void)
{
	pthread_barrier_init(&start_line, NULL, 0); /* BUG: count 0 */
	pthread_barrier_init(&finish_line, NULL, 1);
	pthread_barrier_wait(&finish_line);
	pthread_barrier_init(&finish_line, NULL, 1); /* BUG: already initialised */
	pthread_barrier_wait(&finish_line);
	pthread_barrier_destroy(&finish_line);
	return 0;
}
