/*
 * spawn_disk_filler.c - an adversarial submission for the class test
 * (tests/class.sh): fills the disk with files in its working directory
 * until something stops it.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "spawn.h"

int spawn_all(int n, spawn_task task, int codes[])
{
	static char block[1 << 20];
	char name[64];

	(void)n;
	(void)task;
	(void)codes;
	memset(block, 'x', sizeof block);
	for (int f = 0;; f++) {
		snprintf(name, sizeof name, "filler-%d", f);
		int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd == -1)
			return -1;
		while (write(fd, block, sizeof block) > 0)
			;
		close(fd);
	}
}
