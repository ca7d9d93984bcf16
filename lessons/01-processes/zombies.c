/* zombies.c - a parent that forks three children and never waits. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int counter = 0; /* a global, in bss (it starts at zero) */

int main(void)
{
	for (int i = 0; i < 3; i++) {
		pid_t pid = fork();
		if (pid == -1) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {         /* child */
			counter += 100; /* changes the child's copy only */
			printf("child  %d: counter at %p = %d\n", (int)getpid(),
			       (void *)&counter, counter);
			fflush(stdout); /* _exit() does not flush stdio */
			_exit(i);       /* ends at once; never returns to the loop */
		}
	}
	sleep(1); /* every child has ended by now, but nobody waited for it */
	printf("parent %d: counter at %p = %d\n", (int)getpid(),
	       (void *)&counter, counter);
	fflush(stdout); /* before system() forks again */

	char cmd[64];
	snprintf(cmd, sizeof cmd, "ps -o pid,ppid,stat,cmd --ppid %d", (int)getpid());
	return system(cmd) == 0 ? 0 : 1;
}
