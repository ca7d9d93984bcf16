/*
 * free_race.c - main() frees a job that the worker thread has read, without
 * waiting for the worker to be done (it joins the worker only afterwards).
 * Helgrind reports this only with --free-is-write=yes, and only when the
 * free() comes after the other thread's access (later accesses to freed
 * memory are not followed), as here.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct job {
	int id;
	long result;
};

static void *worker(void *arg)
{
	struct job *job = arg;

	return (void *)(long)job->id;
}

int main(void)
{
	struct job *job = calloc(1, sizeof(*job));
	pthread_t t;
	int rc;

	if (!job) {
		perror("calloc");
		return 1;
	}
	job->id = 7;
	rc = pthread_create(&t, NULL, worker, job);
	if (rc != 0) {
		fprintf(stderr, "pthread_create: error %d\n", rc);
		return 1;
	}
	usleep(200 * 1000); /* after the worker's read: so that the free() is the reported access */
	free(job);          /* BUG: nothing says the worker is done with it */
	pthread_join(t, NULL);
	return 0;
}
