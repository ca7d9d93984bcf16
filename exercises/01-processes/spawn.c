/*
 * spawn.c - lesson 01, exercise "spawn".  Read lessons/01-processes.md first.
 *
 * Goal: run n tasks, each in its own child process, all alive at once, and
 * collect how each child ended.  The contract is in spawn.h.
 * Check your work with:  make check LESSON=1 EXERCISE=spawn
 */
#include "spawn.h"

#include <errno.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "concur_todo.h"

int spawn_all(int n, spawn_task task, int codes[])
{
	/*
	 * TODO: start n children, child i running task(i) and ending with its
	 * return value as exit status; only after all are started, wait for
	 * each and store how it ended in codes[i].
	 */
	(void)n;
	(void)task;
	(void)codes;
	return CONCUR_TODO(-1);
}
