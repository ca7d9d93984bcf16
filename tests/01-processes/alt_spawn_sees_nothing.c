/*
 * alt_spawn_sees_nothing.c - the reference solution of lessons 01's spawn,
 * with a look around first: it searches the file system for the kit's
 * solutions and tests (the directories above its own, the usual homes of a
 * checkout, and through /proc, the working directories of every process it
 * can see), and fails on purpose if it can open any of them.  Graded as a
 * correct alternative (tests/01-processes/variants.json): when the grader
 * runs as root it must see nothing, and so gets every point.
 */
#include "spawn.h"

#include <errno.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "concur_todo.h"

/* Whether dir/solutions/01-processes/spawn.c or dir/tests/kit_tests.c can be opened. */
static int opens_secret(const char *dir)
{
	static const char *const secrets[] = {"solutions/01-processes/spawn.c", "tests/kit_tests.c"};
	char path[PATH_MAX];

	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, secrets[i]);
		int fd = open(path, O_RDONLY);
		if (fd != -1) {
			close(fd);
			return 1;
		}
	}
	return 0;
}

/* Looks for the kit under dir, down to depth levels. */
static int search(const char *dir, int depth)
{
	if (opens_secret(dir))
		return 1;
	if (depth == 0)
		return 0;
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0;
	while (d && !found && (e = readdir(d))) {
		char sub[PATH_MAX];
		if (e->d_name[0] == '.' || strcmp(e->d_name, "proc") == 0 || strcmp(e->d_name, "sys") == 0 ||
		    strcmp(e->d_name, "usr") == 0)
			continue;
		snprintf(sub, sizeof sub, "%s/%s", strcmp(dir, "/") ? dir : "", e->d_name);
		found = search(sub, depth - 1);
	}
	if (d)
		closedir(d);
	return found;
}

/* Whether any of the places a cheat would look holds the kit, readable (looked at once). */
static int can_see_the_kit(void)
{
	static int seen = -1;
	char here[PATH_MAX] = ".";

	if (seen != -1)
		return seen;
	seen = 1;
	for (int up = 0; up < 8; up++) {
		if (opens_secret(here))
			return 1;
		strcat(here, "/..");
	}
	if (search("/", 3))
		return 1;
	seen = -1;
	DIR *p = opendir("/proc");
	struct dirent *e;
	int found = 0;
	while (p && !found && (e = readdir(p))) {
		char cwd[PATH_MAX];
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(cwd, sizeof cwd, "/proc/%s/cwd", e->d_name);
		found = opens_secret(cwd);
	}
	if (p)
		closedir(p);
	return seen = found;
}

/* Waits for one specific child, retrying when a signal interrupts the wait. */
static int wait_for(pid_t pid, int *status)
{
	pid_t got;

	do
		got = waitpid(pid, status, 0);
	while (got == -1 && errno == EINTR);
	return got == pid ? 0 : -1;
}

/* Turns a raw wait status into the shell's convention: code, or 128+signal. */
static int status_to_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return -1;
}

int spawn_all(int n, spawn_task task, int codes[])
{
	pid_t pids[64];
	int started = 0, fork_errno = 0;

	if (n < 1 || n > 64) {
		errno = EINVAL;
		return -1;
	}
	if (can_see_the_kit()) {
		errno = EACCES; /* what it should not see, it saw: fail on purpose */
		return -1;
	}
	/*
	 * Start every child before waiting for any: waiting inside this loop
	 * would run the children one after another instead of at once.
	 */
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == -1) {
			fork_errno = errno;
			break;
		}
		if (pid == 0) {
			/*
			 * The child has a copy of our memory, including stdio
			 * buffers and atexit handlers: _exit() ends it without
			 * running or flushing any of them a second time.
			 */
			_exit(task(i) & 0xff);
		}
		pids[started++] = pid;
	}
	/* Reap every child we started, even after a failed fork: no zombies. */
	int result = fork_errno ? -1 : 0;

	for (int i = 0; i < started; i++) {
		int status;

		if (wait_for(pids[i], &status) == -1) {
			result = -1;
			codes[i] = -1;
			continue;
		}
		codes[i] = status_to_code(status);
	}
	if (fork_errno)
		errno = fork_errno;
	return result;
}
