/*
 * jobs.h - run commands in parallel, each with a wall-clock timeout; run
 * untrusted ones (the student's code) in a sandbox.
 *
 * A sandboxed ("untrusted") job gets:
 *   - its own process group, and PR_SET_PDEATHSIG (set after it changed its
 *     user id, which would clear it) so it dies with us;
 *   - rlimits: CPU seconds, address space, file size, open files, core
 *     size 0, and a process limit;
 *   - a clean environment (no CRITERION_* or other variables of ours);
 *   - stdin from /dev/null, stdout and stderr into files, no other fds;
 *   - when asked (job.confine) and bubblewrap works here, a file system of
 *     its own that shows only the system and the paths it needs, and no
 *     network;
 *   - when we are root: a user id of its own, unused by anything else, so
 *     that RLIMIT_NPROC really limits it (the limit is ignored for root) and
 *     so that kill(-1, SIGKILL) sent as that user removes every process it
 *     left behind, even ones that left its process group with setsid();
 *   - when we are not root: RLIMIT_NPROC set to the user's current number
 *     of processes plus a margin, and leftovers are found as our children
 *     (we are a child subreaper, so orphans are re-parented to us).  That
 *     cannot tell which job an orphan came from, so callers then run one
 *     sandboxed job at a time (jobs_parallel_limit()).
 * After a job ends or times out, everything it started is killed and
 * reaped; the number killed is reported so a verdict can mention it.
 * Only process groups that the run created are ever killed as groups.
 *
 * Interruption: after jobs_init(), SIGINT, SIGTERM and SIGHUP only set a
 * flag (SIGPIPE is ignored: a closed output shows as EPIPE).  jobs_run()
 * then kills every job still running, with everything it started, marks
 * the rest interrupted and returns; the caller removes its run directories
 * (jobs_make_run_dir) and ends with jobs_exit_interrupted().
 *
 * jobs_run() blocks until every job has ended.
 */
#ifndef JOBS_H
#define JOBS_H

#include <stdbool.h>
#include <sys/types.h>

#define JOB_MAX_SANDBOX_ENV 8

struct job {
	/* Filled in by the caller. */
	char **argv;            /* argv[0] is a path; NULL-terminated */
	const char *cwd;        /* working directory, NULL: ours */
	const char *out_path;   /* stdout file, NULL: /dev/null */
	const char *err_path;   /* stderr file, NULL: same file as stdout */
	double timeout_s;       /* wall-clock limit */
	bool untrusted;         /* sandbox it (see above) */
	unsigned long as_mib;   /* address-space limit when untrusted (MiB) */
	unsigned nproc;         /* process limit when untrusted */
	/*
	 * Confined (untrusted jobs only, where the machine allows it: see
	 * jobs_confinement()): the job's file system holds only the system
	 * (/usr, read-only), a private /tmp, /dev and /proc, and these paths,
	 * each at its own place; no network.  NULL-terminated lists.
	 */
	bool confine;
	const char *ro_paths[4];
	const char *rw_paths[3];
	/* Called as soon as the job has ended and been cleaned up after, if not NULL (ctx: the caller's). */
	void (*on_end)(struct job *j, void *ctx);
	void *ctx;
	char **env;             /* extra environment entries of a trusted job ("NAME=value"), NULL-terminated */
	/*
	 * Extra entries of an untrusted job's clean environment, set by the
	 * harness alone (the coverage build's GCOV_PREFIX), NULL-terminated;
	 * at most JOB_MAX_SANDBOX_ENV are used.
	 */
	char **sandbox_env;
	const char *cgroups[2]; /* cgroup.procs files the job joins before it runs (a batch's budget), or NULL */
	/* Filled in by jobs_run. */
	uid_t uid;              /* the uid it ran as */
	int status;             /* raw wait status of the job's main process */
	bool started, timed_out;
	bool interrupted;       /* grading was interrupted before or while it ran */
	bool confined;          /* it ran confined; argv is bubblewrap's, bare_argv the job's own */
	char **bare_argv;
	double wall_s;
	int leftovers;          /* processes killed after the main one ended */
	int start_errno;        /* why it could not start, 0 if it did */
};

/*
 * Must be called once, before any thread or child exists: blocks SIGCHLD,
 * makes this process a child subreaper and installs the interruption
 * handlers.  Returns 0 or -1 with errno.
 */
int jobs_init(void);

/* The signal that interrupted grading, or 0. */
int jobs_interrupted(void);
/* Removes the run directories still registered, then ends the process as that signal would. */
_Noreturn void jobs_exit_interrupted(void);

/*
 * A fresh directory for this run's programs under $TMPDIR (or /tmp), that
 * the sandbox's user ids may enter.  Exits with a message when it cannot
 * be made or programs could not run there (noexec, not searchable).  It is
 * removed by jobs_remove_run_dir(), or on interruption.
 */
char *jobs_make_run_dir(void);
/* Whether the sandbox's user ids may enter path (as root, every directory above it has o+x). */
bool jobs_reachable_by_sandbox(const char *path);
void jobs_remove_run_dir(char *dir);

/*
 * Whether confined jobs really are confined here: bubblewrap is installed
 * and may make a user namespace (probed once; CONCUR_CONFINE=0 turns it
 * off).  When it is not, confined jobs run with the rest of the sandbox only.
 */
bool jobs_confinement(void);

/* When true, every command is printed to stderr before it runs (make V=1). */
extern bool jobs_echo;

/* How many sandboxed jobs may run at once: `wanted` as root, else 1. */
int jobs_parallel_limit(int wanted);

/* Runs *jobs[0..n), at most `parallel` at a time, until all have ended; results land in each job. */
void jobs_run(struct job *const *jobs, int n, int parallel);

/* Makes dir writable for the sandbox's uid (chown when root).  0 or -1. */
int jobs_prepare_dir(const char *dir, struct job *j);

/* "exited with status 3", "killed by signal 9 (Killed)", "timed out after 5 s". */
const char *job_describe(const struct job *j, char *buf, size_t len);

/* True if the job ran and exited with status code. */
bool job_exited_with(const struct job *j, int code);

#endif
