/* shmrace.c - two processes add to one counter.  ./shmrace private|race|sem */
#include <errno.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

struct shared {
	sem_t lock; /* process-shared, starts at 1: protects count */
	long count;
};

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "race";
	int flags = strcmp(mode, "private") == 0 ? MAP_PRIVATE : MAP_SHARED, locked = strcmp(mode, "sem") == 0;
	struct shared *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, flags | MAP_ANONYMOUS, -1, 0);

	if (sh == MAP_FAILED || sem_init(&sh->lock, 1, 1) == -1) { /* 1: shared between processes */
		perror("mmap or sem_init");
		return 1;
	}
	for (int i = 0; i < 2; i++) {
		pid_t pid = fork();
		if (pid == -1)
			perror("fork");
		if (pid == 0) {
			for (long k = 0; k < 5000000; k++) {
				while (locked && sem_wait(&sh->lock) == -1 && errno == EINTR)
					;
				sh->count++; /* load, add, store */
				if (locked)
					sem_post(&sh->lock);
			}
			_exit(0);
		}
	}
	while (wait(NULL) > 0) /* until it fails with ECHILD: every child reaped */
		;
	printf("%-7s count = %ld (expected 10000000)\n", mode, sh->count);
	return 0;
}
