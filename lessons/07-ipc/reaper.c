/* reaper.c - SIGCHLD reaps children; a self-pipe tells the poll loop. */
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct ended {
	pid_t pid;
	int status;
};
static int self_pipe[2]; /* [1]: written by the handler; [0]: watched by poll */

static void on_chld(int sig)
{
	int saved = errno; /* waitpid and write may change errno under the interrupted code */
	struct ended e;

	(void)sig;
	while ((e.pid = waitpid(-1, &e.status, WNOHANG)) > 0) /* every child that has ended */
		if (write(self_pipe[1], &e, sizeof e) == -1)    /* async-signal-safe */
			break;
	errno = saved;
}

int main(void)
{
	struct sigaction act = {.sa_handler = on_chld, .sa_flags = SA_RESTART | SA_NOCLDSTOP};

	sigemptyset(&act.sa_mask);
	if (pipe2(self_pipe, O_NONBLOCK | O_CLOEXEC) == -1 || sigaction(SIGCHLD, &act, NULL) == -1)
		return 1;
	for (int i = 1; i <= 3; i++)
		if (fork() == 0) { /* child i lives i x 250 ms, then exits with i */
			struct timespec t = {0, i * 250 * 1000 * 1000L};
			nanosleep(&t, NULL);
			_exit(i);
		}
	for (int left = 3; left > 0;) {
		struct pollfd p = {.fd = self_pipe[0], .events = POLLIN};
		int n = poll(&p, 1, 200); /* a real loop would watch its other descriptors too */
		if (n == -1 && errno != EINTR)
			return 1;
		if (n <= 0) { /* a timeout, or EINTR: poll is never restarted */
			puts(n == 0 ? "  200 ms and no news: other work" : "  poll: EINTR");
			continue;
		}
		struct ended e;
		while (read(self_pipe[0], &e, sizeof e) == sizeof e) { /* until EAGAIN: drained */
			printf("  child %d exited with %d\n", (int)e.pid, WEXITSTATUS(e.status));
			left--;
		}
	}
	return 0;
}
