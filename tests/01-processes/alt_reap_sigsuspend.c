/*
 * alt_reap_sigsuspend.c - a correct reap_all() written differently from
 * the reference: SIGCHLD is blocked, every child that has ended is
 * collected with WNOHANG, and when none has, the process sleeps in
 * sigsuspend() until the next SIGCHLD: no polling, no lost wake-up (the
 * signal stays pending while it is blocked).  The caller's signal mask and
 * SIGCHLD disposition are put back before returning.
 */
#include "reap.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/wait.h>

static void on_child(int sig)
{
	(void)sig;
}

int reap_all(struct child_end out[], int max)
{
	struct sigaction act = {.sa_handler = on_child}, old_act;
	sigset_t chld, old_mask;
	int count = 0, result;

	sigemptyset(&act.sa_mask);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &chld, &old_mask) == -1)
		return -1;
	if (sigaction(SIGCHLD, &act, &old_act) == -1) {
		int e = errno;
		sigprocmask(SIG_SETMASK, &old_mask, NULL);
		errno = e;
		return -1;
	}
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);

		if (pid > 0) {
			if (count < max) {
				out[count].pid = pid;
				out[count].exited = WIFEXITED(status) ? 1 : 0;
				out[count].code = WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status);
			}
			count++;
		} else if (pid == 0) {
			sigset_t wait_mask = old_mask;

			sigdelset(&wait_mask, SIGCHLD);
			sigsuspend(&wait_mask); /* returns once SIGCHLD's handler ran */
		} else if (errno != EINTR) {
			result = errno == ECHILD ? count : -1;
			break;
		}
	}
	int e = errno;
	sigaction(SIGCHLD, &old_act, NULL);
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	errno = e;
	return result;
}
