/*
 * sandbox_uids.h - which uids a harness run gives its sandboxed jobs (as
 * root), so that the harness (jobs.c) and the kit's own tests, which look
 * for processes a run left behind, agree on them.
 *
 * A run owns the SANDBOX_UIDS_PER_RUN uids that start at
 * sandbox_first_uid(its pid); they depend only on getpid() % SANDBOX_RUNS,
 * so two runs whose pids agree modulo SANDBOX_RUNS share a range.
 */
#ifndef SANDBOX_UIDS_H
#define SANDBOX_UIDS_H

#include <stdbool.h>
#include <sys/types.h>

#define SANDBOX_UID_BASE     2000000u
#define SANDBOX_UIDS_PER_RUN 64u
#define SANDBOX_RUNS	     30000u

/* The first uid of the range of the harness run whose pid is pid. */
static inline uid_t sandbox_first_uid(pid_t pid)
{
	return SANDBOX_UID_BASE + (uid_t)pid % SANDBOX_RUNS * SANDBOX_UIDS_PER_RUN;
}

/* True if uid is a sandbox uid; then *run is the index (pid % SANDBOX_RUNS) of the runs that use it. */
static inline bool sandbox_uid_run(uid_t uid, unsigned *run)
{
	if (uid < SANDBOX_UID_BASE || uid - SANDBOX_UID_BASE >= SANDBOX_RUNS * SANDBOX_UIDS_PER_RUN)
		return false;
	*run = (uid - SANDBOX_UID_BASE) / SANDBOX_UIDS_PER_RUN;
	return true;
}

#endif
