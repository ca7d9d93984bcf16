/* pshared.c - a pthread mutex in shared memory, made process-shared, used by a parent and its child. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define ADDS 1000000

struct shared {
	pthread_mutex_t lock; /* process-shared: protects count */
	long count;
};

/* Makes *m a mutex that threads of several processes may share. 0, or an error number. */
static int init_shared_mutex(pthread_mutex_t *m)
{
	pthread_mutexattr_t attr;
	int err = pthread_mutexattr_init(&attr);

	if (err != 0)
		return err;
	err = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
	if (err == 0)
		err = pthread_mutex_init(m, &attr); /* m must already lie in the shared mapping */
	pthread_mutexattr_destroy(&attr);        /* the mutex keeps what it was given */
	return err;
}

static void add_many(struct shared *sh)
{
	for (long k = 0; k < ADDS; k++) {
		pthread_mutex_lock(&sh->lock);
		sh->count++;
		pthread_mutex_unlock(&sh->lock);
	}
}

int main(void)
{
	struct shared *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int err;

	if (sh == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	if ((err = init_shared_mutex(&sh->lock)) != 0) { /* before the fork: both use this one */
		fprintf(stderr, "init_shared_mutex: %s\n", strerror(err));
		return 1;
	}
	pid_t pid = fork();
	if (pid == -1) {
		perror("fork");
		return 1;
	}
	add_many(sh); /* parent and child, at the same time */
	if (pid == 0)
		_exit(0);
	if (waitpid(pid, NULL, 0) == -1)
		perror("waitpid");
	printf("count = %ld (expected %d)\n", sh->count, 2 * ADDS);
	pthread_mutex_destroy(&sh->lock);
	return munmap(sh, sizeof *sh) == 0 ? 0 : 1;
}
