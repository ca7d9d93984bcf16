/* redirect.c - what a shell does to run  ls -l /usr > listing.txt */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	char *argv[] = {"ls", "-l", "/usr", NULL};
	pid_t pid = fork();

	if (pid == -1) {
		perror("fork");
		return 1;
	}
	if (pid == 0) { /* the child: still this program, until the exec */
		int fd = open("listing.txt", O_WRONLY | O_CREAT | O_TRUNC, 0666);
		if (fd == -1) {
			perror("listing.txt");
			_exit(127);
		}
		if (fd != STDOUT_FILENO) { /* make the file descriptor 1 */
			if (dup2(fd, STDOUT_FILENO) == -1) {
				perror("dup2");
				_exit(127);
			}
			close(fd); /* a spare copy the program does not need */
		}
		execvp(argv[0], argv); /* searches PATH; returns only on failure */
		perror("execvp");
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) == -1) /* the parent's stdout is untouched */
		if (errno != EINTR) {
			perror("waitpid");
			return 1;
		}
	if (WIFEXITED(status))
		printf("child %d exited with %d\n", (int)pid, WEXITSTATUS(status));
	else
		printf("child %d was killed by signal %d\n", (int)pid, WTERMSIG(status));
	return 0;
}
