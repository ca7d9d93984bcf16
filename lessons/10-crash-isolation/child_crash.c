/* child_crash.c - the same crash in a child process: the parent and the siblings run on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void work(int id)
{
	for (int beat = 1; beat <= 5; beat++) {
		printf("child %d: beat %d\n", id, beat);
		fflush(stdout);
		usleep(50 * 1000);
		if (id == 2 && beat == 2) {
			volatile int *volatile nowhere = NULL;
			*nowhere = 42; /* ends this process only */
		}
		if (id == 3 && beat == 4)
			abort(); /* SIGABRT */
	}
}

int main(void)
{
	pid_t pid[4];

	for (int id = 1; id <= 4; id++) {
		fflush(stdout); /* nothing buffered is copied into the child */
		pid[id - 1] = fork();
		if (pid[id - 1] == -1) {
			perror("fork");
			return 1;
		}
		if (pid[id - 1] == 0) {
			work(id);
			_exit(id == 4 ? 7 : 0); /* child 4 "fails" with status 7 */
		}
	}
	for (int i = 0; i < 4; i++) {
		int status;
		if (waitpid(pid[i], &status, 0) == -1) {
			perror("waitpid");
			return 1;
		}
		if (WIFEXITED(status))
			printf("parent: child %d exited with status %d\n", i + 1, WEXITSTATUS(status));
		else if (WIFSIGNALED(status))
			printf("parent: child %d was killed by signal %d (%s)%s\n", i + 1, WTERMSIG(status),
			       strsignal(WTERMSIG(status)), WCOREDUMP(status) ? ", core dumped" : "");
	}
	printf("parent: still here\n");
	return 0;
}
