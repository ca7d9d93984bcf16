/* fork_buffer.c - a stdio buffer is copied by fork, and written twice. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static void run(int flush_first)
{
	printf("hello from pid %d ", (int)getpid()); /* no newline: it waits in stdout's buffer */
	if (flush_first)
		fflush(stdout);
	pid_t pid = fork();
	if (pid == -1) {
		perror("fork");
		return;
	}
	if (pid == 0) {
		printf("(child)\n");
		fflush(stdout); /* writes the child's copy of the buffer */
		_exit(0);	/* _exit: flushes nothing more */
	}
	waitpid(pid, NULL, 0);
	printf("(parent)\n");
	fflush(stdout);
}

int main(void)
{
	run(0); /* "hello" appears twice */
	run(1); /* once */
	return 0;
}
