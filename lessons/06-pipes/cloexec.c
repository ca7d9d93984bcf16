/* cloexec.c - which pipe descriptors survive exec: those of pipe(), not those of pipe2(O_CLOEXEC). */
#define _GNU_SOURCE /* pipe2 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int plain[2], closing[2];

	if (argc > 2 && strcmp(argv[1], "after-exec") == 0) { /* the new program, in the child */
		for (int i = 2; i < argc; i++) {
			int fd = (int)strtol(argv[i], NULL, 10);
			printf("  after exec, descriptor %d is %s\n", fd, fcntl(fd, F_GETFD) == -1 ? "closed" : "open");
		}
		return 0;
	}
	if (pipe(plain) == -1 || pipe2(closing, O_CLOEXEC) == -1) { /* O_CLOEXEC: closed by exec */
		perror("pipe");
		return 1;
	}
	printf("pipe() gave %d and %d, pipe2(O_CLOEXEC) gave %d and %d\n", plain[0], plain[1], closing[0],
	       closing[1]);
	fflush(stdout); /* before fork */
	pid_t pid = fork();
	if (pid == -1) {
		perror("fork");
		return 1;
	}
	if (pid == 0) { /* run this program again, as a shell would run another one */
		char fd[4][12];
		for (int i = 0; i < 2; i++) {
			snprintf(fd[i], sizeof fd[i], "%d", plain[i]);
			snprintf(fd[2 + i], sizeof fd[2 + i], "%d", closing[i]);
		}
		execl("/proc/self/exe", argv[0], "after-exec", fd[0], fd[1], fd[2], fd[3], (char *)NULL);
		_exit(127); /* only if exec failed */
	}
	if (waitpid(pid, NULL, 0) == -1)
		perror("waitpid");
	return 0;
}
