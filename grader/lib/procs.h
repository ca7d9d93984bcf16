/*
 * procs.h - a look at every process on the machine, through /proc: what the
 * sandbox needs to count a user's processes and to find what a job left
 * behind, and what a test needs to set its own process limit.
 */
#ifndef PROCS_H
#define PROCS_H

#include <stdbool.h>
#include <sys/types.h>

struct proc_info {
	pid_t pid, ppid, pgrp;
	char state; /* 'R', 'S', 'D', 'Z' (zombie: it has ended), ... */
	uid_t uid;  /* the process's effective uid (also once it has ended) */
};

/* Reads one process (alive or zombie); false if it is gone. */
bool procs_read(pid_t pid, struct proc_info *p);

/*
 * Calls fn(info, ctx) for every process that can be read and returns how
 * many calls returned true.  Processes that end meanwhile are skipped.
 */
int procs_count(bool (*fn)(const struct proc_info *p, void *ctx), void *ctx);

/* Number of processes (not threads) whose owner is uid. */
int procs_of_user(uid_t uid);

#endif
