/*
 * run.c - lesson 01, exercise "run".  Read lessons/01-processes.md first.
 *
 * Goal: run a program in a child process with its standard output sent to
 * a file, the way a shell runs  cmd > file, and wait for it.  The contract
 * is in run.h.
 * Check your work with:  make check LESSON=1 EXERCISE=run
 */
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "concur_todo.h"

int run_command(char *const argv[], const char *out_path, int *status)
{
	pid_t pid = fork();

	if (pid == -1)
		return -1;
	if (pid == 0) {
		/*
		 * Between fork and exec the child is still this program: it can
		 * rearrange its own descriptors without touching the caller's,
		 * and the program it becomes inherits them.
		 */
		int fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0666);

		if (fd == -1)
			_exit(127);
		if (fd != STDOUT_FILENO) {
			if (dup2(fd, STDOUT_FILENO) == -1)
				_exit(127);
			close(fd);
		}
		execvp(argv[0], argv);
		/* Only reached if the exec failed: _exit, not exit, so that the
		 * caller's atexit handlers and stdio buffers are not run twice. */
		_exit(127);
	}
	/* waitpid on this pid: another child of the caller's is not ours to reap. */
	for (;;) {
		if (waitpid(pid, status, 0) == pid)
			return 0;
		if (errno != EINTR)
			return -1;
	}
}
