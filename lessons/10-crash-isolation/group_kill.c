/* group_kill.c - kill(pid) ends the child only; killpg ends the child and what it forked. */
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

/* Whether pid runs (a zombie has ended: it only waits to be reaped), from /proc/PID/stat. */
static int running(pid_t pid)
{
	char path[64], state = 'Z';
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%*d (%*[^)]) %c", &state) != 1)
		state = 'Z';
	fclose(f);
	return state != 'Z';
}

/* Starts a child in a process group of its own; the child forks a grandchild, and both sleep. */
static pid_t start(int *pipe_rd)
{
	int fds[2];

	if (pipe(fds) == -1)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0); /* a new group, led by this child */
		pid_t grandchild = fork();
		if (grandchild == 0)
			for (;;)
				pause();
		if (write(fds[1], &grandchild, sizeof grandchild) != sizeof grandchild) /* tell the parent who it is */
			_exit(1);
		for (;;)
			pause();
	}
	if (pid > 0)
		setpgid(pid, pid); /* the same call in the parent: the group exists, whoever runs first */
	close(fds[1]);
	*pipe_rd = fds[0];
	return pid;
}

static void try(int whole_group)
{
	int rd;
	pid_t grandchild, child = start(&rd);

	if (child == -1 || read(rd, &grandchild, sizeof grandchild) != sizeof grandchild) {
		perror("start");
		return;
	}
	close(rd);
	if (whole_group)
		killpg(child, SIGKILL);
	else
		kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	usleep(100 * 1000); /* SIGKILL is quick: give it time to land */
	int alive = running(grandchild);
	printf("%-22s the child is gone; its own child (pid %d) is %s\n",
	       whole_group ? "killpg(child, SIGKILL):" : "kill(child, SIGKILL):", (int)grandchild,
	       alive ? "STILL RUNNING (an orphan now)" : "gone too");
	if (alive)
		kill(grandchild, SIGKILL); /* clean up after the demonstration */
}

int main(void)
{
	try(0);
	try(1);
	return 0;
}
