/* twostage.c - `produce | count_lines`, with two functions instead of two programs. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static void produce(void) /* writes standard output, knowing nothing of pipes */
{
	for (int i = 1; i <= 1000; i++)
		printf("item %d\n", i);
}

static void count_lines(void) /* reads standard input to end of file, like wc -l */
{
	long lines = 0;

	for (int c; (c = getchar()) != EOF;)
		lines += c == '\n';
	fprintf(stderr, "count_lines: %ld lines\n", lines);
}

/* Forks a child whose descriptor `target` is the pipe end fds[end], and runs stage there. */
static pid_t start(void (*stage)(void), int fds[2], int end, int target)
{
	pid_t pid = fork();

	if (pid == 0) {
		close(fds[1 - end]);      /* the other end first: it may be `target` itself */
		if (fds[end] != target) { /* pipe() may have returned `target` already */
			if (dup2(fds[end], target) == -1) /* target now refers to the pipe end */
				_exit(127);
			close(fds[end]); /* the stage uses only `target` */
		}
		stage();
		fflush(stdout); /* _exit() does not flush stdio buffers */
		_exit(0);
	}
	return pid; /* -1 if fork failed */
}

int main(void)
{
	int fds[2];

	if (pipe(fds) == -1) {
		perror("pipe");
		return 1;
	}
	pid_t producer = start(produce, fds, 1, STDOUT_FILENO);
	pid_t consumer = start(count_lines, fds, 0, STDIN_FILENO);
	close(fds[0]); /* the parent uses neither end */
	close(fds[1]);
	if (producer == -1 || consumer == -1)
		perror("fork");
	if (producer > 0 && waitpid(producer, NULL, 0) == -1)
		perror("waitpid");
	if (consumer > 0 && waitpid(consumer, NULL, 0) == -1)
		perror("waitpid");
	return 0;
}
