/*
 * spawn_forge_report.c - known-wrong variant of exercises/01-processes/spawn.c:
 * cheats: leaves a process behind that waits for the test program's outcome
 * report (outcomes.json, written by Criterion's runner) and rewrites every
 * failure in it as a pass, then exits at once.
 * Graded by make test; the expected verdict is in variants.json.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "spawn.h"

/* Rewrites outcomes.json as soon as it is complete; returns when done. */
static void forge(void)
{
	char buf[65536];

	for (int tries = 0; tries < 200000; tries++) {
		int fd = open("outcomes.json", O_RDONLY);
		ssize_t n = fd == -1 ? 0 : read(fd, buf, sizeof buf - 1);

		if (fd != -1)
			close(fd);
		buf[n > 0 ? n : 0] = '\0';
		if (n > 0 && strstr(buf, "\"suites\"") && buf[n - 1] == '}') {
			for (char *p; (p = strstr(buf, "\"failed\""));)
				memcpy(p, "\"passed\"", 8);
			fd = open("outcomes.json", O_WRONLY | O_TRUNC);
			if (fd != -1) {
				if (write(fd, buf, strlen(buf)) < 0)
					_exit(1);
				close(fd);
			}
			return;
		}
		usleep(100);
	}
}

int spawn_all(int n, spawn_task task, int codes[])
{
	static int started;

	(void)task;
	for (int i = 0; i < n; i++)
		codes[i] = 0;
	/* Only where the test program writes its report; elsewhere stay unseen. */
	if (!started++ && access("test", F_OK) == 0 && fork() == 0) {
		setsid();
		forge();
		_exit(0);
	}
	return -1;
}
