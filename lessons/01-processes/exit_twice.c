/* exit_twice.c - BROKEN: a child that leaves with exit() repeats its parent's work. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void bye(void) { printf("[atexit handler in %d]\n", (int)getpid()); }

int main(void)
{
	atexit(bye);
	printf("hello from %d ", (int)getpid()); /* no '\n': stays in the buffer */
	if (fork() == 0)
		exit(0); /* wrong: flushes the copied buffer, runs bye() */
	wait(NULL);
	printf("\n");
	return 0;
}
