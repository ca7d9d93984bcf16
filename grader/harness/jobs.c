/*
 * jobs.c - parallel, time-limited, sandboxed commands (see jobs.h).
 *
 * DESIGN: SIGCHLD stays blocked in the harness; the wait loop reaps with
 * waitpid(-1, WNOHANG), which also collects orphans re-parented to us, and
 * sleeps in sigtimedwait() until the next child event or the next 20 ms
 * tick, at which timeouts are checked.  A job's leftovers are killed as
 * soon as its main process has been reaped.  The process groups this run
 * created (one per job) are remembered in `our_groups`: only those, and
 * groups led by a stray process of ours, are ever killed as a group.
 */
#define _GNU_SOURCE
#include "jobs.h"
#include "procs.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ct_protocol.h"

static uid_t first_uid, next_uid; /* this run's range: ct_protocol.h */
bool jobs_echo;

/* The signal that interrupted grading (set by the handler), or 0. */
static volatile sig_atomic_t stop_signal;

/* Process groups created by this run (each job's main process leads one). */
static pid_t *our_groups;
static int nour_groups;

/* Run directories to remove if grading is interrupted. */
#define MAX_RUN_DIRS 16
static char *run_dirs[MAX_RUN_DIRS];

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_stop_signal(int sig) { stop_signal = sig; }

int jobs_init(void)
{
	static const int stops[] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction sa = {.sa_handler = on_stop_signal};
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1)
		return -1;
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1)
		return -1;
	/* No SA_RESTART: a signal ends the wait in jobs_run() at once. */
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof stops / sizeof stops[0]; i++)
		if (sigaction(stops[i], &sa, NULL) == -1)
			return -1;
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		return -1;
	/*
	 * A batch grading gives each harness it starts a slot of its own
	 * (CONCUR_UID_SLOT): a harness in a PID namespace of its own cannot
	 * tell its pid from another's.
	 */
	const char *slot = getenv("CONCUR_UID_SLOT");
	long k = slot ? strtol(slot, NULL, 10) : -1;
	first_uid = next_uid = ct_sandbox_first_uid(k >= 0 && k < (long)CT_SANDBOX_RUNS ? (pid_t)k : getpid());
	return 0;
}

int jobs_interrupted(void) { return stop_signal; }

void jobs_exit_interrupted(void)
{
	int sig = stop_signal ? stop_signal : SIGTERM;

	for (int i = 0; i < MAX_RUN_DIRS; i++)
		if (run_dirs[i])
			remove_tree(run_dirs[i]);
	fprintf(stderr, "\nconcur: interrupted (%s); every program it started was stopped and its files removed\n",
		strsignal(sig));
	signal(sig, SIG_DFL);
	raise(sig);
	_exit(128 + sig);
}

/* Whether every directory above path may be searched by other users (the sandbox's uids). */
static bool searchable_by_others(const char *path)
{
	char *p = xstrdup(path);
	bool ok = true;

	for (char *slash = strrchr(p, '/'); ok && slash; slash = strrchr(p, '/')) {
		struct stat st;
		*slash = '\0';
		ok = stat(*p ? p : "/", &st) == 0 && (st.st_mode & S_IXOTH);
		if (!*p)
			break;
	}
	free(p);
	return ok;
}

bool jobs_reachable_by_sandbox(const char *path)
{
	char *real = realpath(path, NULL);
	bool ok = geteuid() != 0 || (real && searchable_by_others(real));

	free(real);
	return ok;
}

char *jobs_make_run_dir(void)
{
	const char *base = getenv("TMPDIR");
	struct statvfs vfs;

	if (!base || base[0] != '/')
		base = "/tmp";
	char *dir = xasprintf("%s/concur-XXXXXX", base);
	if (!mkdtemp(dir) || chmod(dir, 0711) == -1) {
		fprintf(stderr, "concur: cannot create a directory in %s (TMPDIR): %s\n", base, strerror(errno));
		exit(2);
	}
	const char *problem = NULL;
	if (statvfs(dir, &vfs) == 0 && (vfs.f_flag & ST_NOEXEC))
		problem = "its file system does not allow programs to run (noexec)";
	else if (geteuid() == 0 && !searchable_by_others(dir))
		problem = "the sandbox's user ids may not enter it (a directory above it lacks o+x)";
	if (problem) {
		fprintf(stderr, "concur: cannot run the tests in %s: %s. Set TMPDIR to a directory where they can, "
				"e.g.  make check TMPDIR=/var/tmp\n",
			base, problem);
		rmdir(dir);
		exit(2);
	}
	for (int i = 0; i < MAX_RUN_DIRS; i++)
		if (!run_dirs[i]) {
			run_dirs[i] = dir;
			break;
		}
	return dir;
}

void jobs_remove_run_dir(char *dir)
{
	for (int i = 0; i < MAX_RUN_DIRS; i++)
		if (run_dirs[i] == dir)
			run_dirs[i] = NULL;
	remove_tree(dir);
	free(dir);
}

static void remember_group(pid_t pgid)
{
	our_groups = xrealloc(our_groups, (size_t)(nour_groups + 1) * sizeof *our_groups);
	our_groups[nour_groups++] = pgid;
}

static bool is_our_group(pid_t pgid)
{
	for (int i = 0; i < nour_groups; i++)
		if (our_groups[i] == pgid)
			return true;
	return false;
}

int jobs_parallel_limit(int wanted) { return geteuid() == 0 ? wanted : 1; }

/*
 * Each job a uid of its own, from this run's range; after the last comes
 * the first again (whose job has long ended, and been killed, by then).
 */
static void assign_uid(struct job *j)
{
	if (j->uid == 0 && geteuid() == 0) {
		j->uid = next_uid++;
		if (next_uid == first_uid + CT_SANDBOX_UIDS_PER_RUN)
			next_uid = first_uid;
	}
}

int jobs_prepare_dir(const char *dir, struct job *j)
{
	assign_uid(j);
	if (j->untrusted && geteuid() == 0 && chown(dir, j->uid, j->uid) == -1)
		return -1;
	return 0;
}

static void set_limit(int resource, rlim_t value)
{
	struct rlimit rl = {value, value};

	if (setrlimit(resource, &rl) == -1) {
		perror("sandbox: setrlimit");
		_exit(126);
	}
}

static int open_output(const char *path)
{
	return open(path ? path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
}

/* In the child: become the sandboxed job, then exec.  Never returns. */
static void exec_job(struct job *j, unsigned nproc_limit, pid_t harness)
{
	static char *const clean_env[] = {
		"PATH=/usr/bin:/bin", "LANG=C", "LC_ALL=C", "HOME=.", "TMPDIR=.", CT_RUN_ENV "=1", NULL,
	};
	int in = open("/dev/null", O_RDONLY);
	int out = open_output(j->out_path);
	int err = j->err_path ? open_output(j->err_path) : out;

	if (in == -1 || out == -1 || err == -1 || dup2(in, 0) == -1 || dup2(out, 1) == -1 || dup2(err, 2) == -1)
		_exit(126);
	if (j->cwd && chdir(j->cwd) == -1) {
		perror("sandbox: chdir");
		_exit(126);
	}
	/* Every job leads a process group of its own, so that all it started can be killed. */
	if (setpgid(0, 0) == -1) {
		perror("sandbox: setpgid");
		_exit(126);
	}
	if (j->untrusted) {
		/* When memory runs out, the student's processes are the first the kernel ends (best effort). */
		int adj = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
		if (adj != -1) {
			if (write(adj, "1000\n", 5) != 5)
				perror("sandbox: oom_score_adj");
			close(adj);
		}
		set_limit(RLIMIT_CORE, 0);
		set_limit(RLIMIT_CPU, (rlim_t)(j->timeout_s + 2));
		set_limit(RLIMIT_FSIZE, 64ul << 20);
		set_limit(RLIMIT_NOFILE, 256);
		if (j->as_mib)
			set_limit(RLIMIT_AS, (rlim_t)j->as_mib << 20);
		set_limit(RLIMIT_NPROC, nproc_limit);
		if (geteuid() == 0) {
			if (setgroups(0, NULL) == -1 || setgid(j->uid) == -1 || setuid(j->uid) == -1) {
				perror("sandbox: dropping privileges");
				_exit(126);
			}
		}
		/* After setuid(), which clears it; and the harness may have died meanwhile. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 || getppid() != harness) {
			perror("sandbox: PR_SET_PDEATHSIG");
			_exit(126);
		}
		umask(022);
	}
	/* Only 0, 1 and 2 survive into the job. */
	if (syscall(SYS_close_range, 3u, ~0u, 0u) == -1)
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
	for (char **e = j->env; !j->untrusted && e && *e; e++)
		if (putenv(*e) != 0)
			_exit(126);
	/* Into the cgroups of its budget: everything it starts is counted there too. */
	for (int i = 0; i < 2 && j->cgroups[i]; i++) {
		int fd = open(j->cgroups[i], O_WRONLY | O_CLOEXEC);
		if (fd == -1 || write(fd, "0\n", 2) != 2) {
			perror("sandbox: joining a cgroup");
			_exit(126);
		}
		close(fd);
	}
	/* The clean environment, and what the harness adds to it (on the stack: no malloc after fork). */
	char *env[sizeof clean_env / sizeof *clean_env + JOB_MAX_SANDBOX_ENV];
	size_t ne = 0;
	for (; clean_env[ne]; ne++)
		env[ne] = clean_env[ne];
	for (int i = 0; j->sandbox_env && j->sandbox_env[i] && i < JOB_MAX_SANDBOX_ENV; i++)
		env[ne++] = j->sandbox_env[i];
	env[ne] = NULL;
	execvpe(j->argv[0], j->argv, j->untrusted ? env : environ);
	fprintf(stderr, "cannot run %s: %s\n", j->argv[0], strerror(errno));
	_exit(127);
}

#define BWRAP "/usr/bin/bwrap"

/* The options that give bubblewrap's child only the system, a private /tmp, /dev and /proc. */
static const char *const bwrap_base[] = {
	BWRAP, "--unshare-user", "--unshare-ipc", "--unshare-net", "--unshare-uts", "--die-with-parent",
	"--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib",
	"--symlink", "usr/lib64", "/lib64", "--symlink", "usr/sbin", "/sbin", "--ro-bind-try", "/etc/ld.so.cache",
	"/etc/ld.so.cache", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", NULL,
};

/* Runs argv (no confinement) as the next sandbox uid, or as ourselves; its exit status, or -1. */
static int run_probe(char *const argv[])
{
	pid_t pid = fork();
	int status;

	if (pid == -1)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		if (null == -1 || dup2(null, 0) == -1 || dup2(null, 1) == -1 || dup2(null, 2) == -1)
			_exit(126);
		if (geteuid() == 0 && (setgroups(0, NULL) == -1 || setgid(first_uid) == -1 || setuid(first_uid) == -1))
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool jobs_confinement(void)
{
	static int works = -1;

	if (works == -1) {
		const char *env = getenv("CONCUR_CONFINE");
		char *argv[sizeof bwrap_base / sizeof bwrap_base[0] + 2];
		int n = 0;
		for (; bwrap_base[n]; n++)
			argv[n] = (char *)bwrap_base[n];
		argv[n++] = "/usr/bin/true";
		argv[n] = NULL;
		works = !(env && strcmp(env, "0") == 0) && access(BWRAP, X_OK) == 0 && run_probe(argv) == 0;
	}
	return works;
}

/* argv of job j, confined by bubblewrap (see bwrap_base) with j's paths bound where they are. */
static char **confined_argv(const struct job *j)
{
	size_t n = 0, cap = 64;
	char **out = xcalloc(cap, sizeof *out);

	for (int i = 0; bwrap_base[i]; i++)
		out[n++] = xstrdup(bwrap_base[i]);
	for (int rw = 0; rw < 2; rw++) {
		const char *const *paths = rw ? j->rw_paths : j->ro_paths;
		size_t max = rw ? sizeof j->rw_paths / sizeof *j->rw_paths : sizeof j->ro_paths / sizeof *j->ro_paths;
		for (size_t i = 0; i < max && paths[i]; i++) {
			char *real = realpath(paths[i], NULL);
			if (!real)
				continue; /* nothing there: nothing to see */
			out[n++] = xstrdup(rw ? "--bind" : "--ro-bind");
			out[n++] = xstrdup(real);
			out[n++] = real;
		}
	}
	if (j->cwd) {
		char *real = realpath(j->cwd, NULL);
		out[n++] = xstrdup("--chdir");
		out[n++] = real ? real : xstrdup(j->cwd);
	}
	out[n++] = xstrdup("--");
	for (char **a = j->argv; *a; a++) {
		if (n + 2 >= cap)
			out = xrealloc(out, (cap *= 2) * sizeof *out);
		out[n++] = xstrdup(*a);
	}
	out[n] = NULL;
	return out;
}

static int start_job(struct job *j)
{
	unsigned nproc_limit = j->nproc ? j->nproc : 64;
	pid_t pid, harness = getpid();

	assign_uid(j);
	if (j->untrusted && j->confine && jobs_confinement() && !j->confined) {
		char **argv = confined_argv(j);
		j->confined = true;
		j->bare_argv = j->argv;
		j->argv = argv;
	}
	if (jobs_echo) {
		fprintf(stderr, "  [%s%s%s]", j->untrusted ? "sandboxed" : "run", j->cwd ? " in " : "", j->cwd ? j->cwd : "");
		for (char **a = j->argv; *a; a++)
			fprintf(stderr, " %s", *a);
		fputc('\n', stderr);
	}
	if (j->untrusted && geteuid() != 0)
		nproc_limit += (unsigned)procs_of_user(getuid());
	fflush(NULL);
	pid = fork();
	if (pid == -1) {
		j->start_errno = errno;
		return -1;
	}
	if (pid == 0) {
		sigset_t set;

		/* The job starts with default signal handling, nothing blocked. */
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		sigemptyset(&set);
		if (sigprocmask(SIG_SETMASK, &set, NULL) == -1)
			_exit(126);
		exec_job(j, nproc_limit, harness);
	}
	/* Also in the child: whichever runs first.  EACCES: the child has exec'd already. */
	if (setpgid(pid, pid) == -1 && errno != EACCES)
		perror("concur: setpgid");
	remember_group(pid);
	j->started = true;
	return pid;
}

/* Kills every process of the sandbox uid, as that uid; returns how many rounds found some. */
static int kill_all_of_uid(uid_t uid)
{
	int found = 0;

	for (int round = 0; round < 100; round++) {
		pid_t killer = fork();
		int status;

		if (killer == -1)
			return found;
		if (killer == 0) {
			/* kill(-1) signals every process we may signal, except ourselves. */
			if (setgroups(0, NULL) == -1 || setgid(uid) == -1 || setuid(uid) == -1)
				_exit(2);
			_exit(kill(-1, SIGKILL) == 0 ? 1 : 0);
		}
		while (waitpid(killer, &status, 0) == -1 && errno == EINTR)
			;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 1)
			break;
		found++;
	}
	return found;
}

/* The jobs' main processes still running: our children that are not strays. */
struct strays {
	pid_t self;
	const pid_t *running;
	int n;
};

/*
 * A live child of ours that is no job's main process: kill it together with
 * its process group, so that a tree still forking (a fork bomb) dies at
 * once instead of one generation per round; count it.
 */
static bool kill_if_stray_child(const struct proc_info *p, void *ctx)
{
	const struct strays *s = ctx;

	if (p->ppid != s->self || p->state == 'Z')
		return false;
	for (int i = 0; i < s->n; i++)
		if (s->running[i] == p->pid)
			return false;
	/* Only a group this run made, or one the stray leads itself: never a group of someone else's. */
	if (p->pgrp > 1 && p->pgrp != getpgrp() && (is_our_group(p->pgrp) || p->pgrp == p->pid))
		kill(-p->pgrp, SIGKILL);
	return kill(p->pid, SIGKILL) == 0;
}

/* Kills our stray children until none is left; returns how many. */
static int kill_stray_children(const pid_t *running, int n)
{
	struct strays s = {getpid(), running, n};
	int total = 0;

	for (int round = 0; round < 100; round++) {
		int killed = procs_count(kill_if_stray_child, &s);

		if (!killed)
			break;
		total += killed;
		usleep(1000);
	}
	return total;
}

struct live_query {
	pid_t pgid;
	uid_t uid;
};

/*
 * Alive (not a zombie) and in process group q->pgid or, when q->uid is not
 * 0, owned by q->uid.  Zombies have ended; the orphans among them are ours
 * to reap.
 */
static bool live_in(const struct proc_info *p, void *query)
{
	const struct live_query *q = query;

	return p->state != 'Z' && (p->pgrp == q->pgid || (q->uid && p->uid == q->uid));
}

static int count_live(pid_t pgid, uid_t uid)
{
	struct live_query q = {pgid, uid};

	return procs_count(live_in, &q);
}

/*
 * Kills process group pgid until nothing in it is alive: one kill() can
 * miss the children of a process that was forking at that moment.
 */
static void kill_group(pid_t pgid)
{
	for (int round = 0; round < 1000 && count_live(pgid, 0) > 0; round++) {
		kill(-pgid, SIGKILL);
		usleep(1000);
	}
}

/*
 * After job j's main process (pid) ended: whatever of its process group or
 * its uid is still alive was left behind.  Count it, then kill it.  When we
 * are not root, processes that left the group (Criterion's workers start
 * sessions of their own) are found instead as our stray children: the
 * caller runs one sandboxed job at a time then (see jobs.h), so they are
 * this job's.
 */
static void clean_up_after(struct job *j, pid_t pid, const pid_t *running, int n)
{
	uid_t uid = geteuid() == 0 ? j->uid : 0;

	if (!j->untrusted)
		return;
	j->leftovers += count_live(pid, uid);
	kill_group(pid);
	if (uid)
		kill_all_of_uid(uid);
	else
		j->leftovers += kill_stray_children(running, n);
}

/*
 * A process that became our child without being a job's main process is an
 * orphan: it outlived the process that started it.  It counts against the
 * job it came from (same process group, or same sandbox uid); one that
 * escaped both (setsid() when we are not root) counts against every
 * sandboxed job still running.
 */
static void blame_orphan(pid_t pid, struct job *const *jobs, const pid_t *pgids, const pid_t *running, int n)
{
	struct proc_info p;
	bool blamed = false;

	if (!procs_read(pid, &p))
		return;
	for (int i = 0; i < n; i++) {
		if (!jobs[i]->untrusted || !pgids[i])
			continue;
		if (p.pgrp == pgids[i] || (geteuid() == 0 && p.uid == jobs[i]->uid)) {
			jobs[i]->leftovers++;
			return;
		}
	}
	for (int i = 0; i < n; i++)
		if (jobs[i]->untrusted && running[i] > 0) {
			jobs[i]->leftovers++;
			blamed = true;
		}
	if (!blamed)
		for (int i = 0; i < n; i++)
			if (jobs[i]->untrusted)
				jobs[i]->leftovers++;
}

void jobs_run(struct job *const *jobs, int n, int parallel)
{
	pid_t *pids = calloc((size_t)n, sizeof *pids);   /* main process while it runs, else 0 */
	pid_t *pgids = calloc((size_t)n, sizeof *pgids); /* main process, kept: its process group */
	double *started_at = calloc((size_t)n, sizeof *started_at);
	int next = 0, running = 0;
	const struct timespec tick = {0, 20 * 1000 * 1000};
	sigset_t chld;

	if (!pids || !pgids || !started_at) {
		perror("jobs_run: calloc");
		exit(2);
	}
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	if (parallel < 1)
		parallel = 1;
	while (next < n || running > 0) {
		/* Interrupted: nothing more starts, and what runs is stopped like a job out of time. */
		for (; stop_signal && next < n; next++)
			jobs[next]->interrupted = true;
		while (next < n && running < parallel) {
			struct job *j = jobs[next];

			pids[next] = start_job(j);
			pgids[next] = pids[next] > 0 ? pids[next] : 0;
			started_at[next] = now_s();
			if (pids[next] > 0)
				running++;
			next++;
		}
		/*
		 * Reap whatever ended: jobs, and orphans re-parented to us.  Each
		 * is looked at before it is reaped (WNOWAIT), while /proc still
		 * says where it came from.
		 */
		for (;;) {
			siginfo_t si;
			int status, job = -1;

			si.si_pid = 0;
			if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == -1 || si.si_pid == 0)
				break;
			for (int i = 0; i < next; i++)
				if (pids[i] == si.si_pid)
					job = i;
			if (job == -1)
				blame_orphan(si.si_pid, jobs, pgids, pids, next);
			if (waitpid(si.si_pid, &status, 0) != si.si_pid || job == -1)
				continue;
			/* bubblewrap ends with 128 + the signal that killed its child. */
			if (jobs[job]->confined && WIFEXITED(status) && WEXITSTATUS(status) > 128 &&
			    WEXITSTATUS(status) < 128 + 65)
				status = WEXITSTATUS(status) - 128;
			jobs[job]->status = status;
			jobs[job]->wall_s = now_s() - started_at[job];
			pids[job] = 0;
			clean_up_after(jobs[job], si.si_pid, pids, next);
			running--;
			if (jobs[job]->on_end)
				jobs[job]->on_end(jobs[job], jobs[job]->ctx);
		}
		/* Kill the jobs that ran out of time (or all, when interrupted); they are reaped above. */
		for (int i = 0; i < next; i++) {
			if (pids[i] <= 0 || jobs[i]->timed_out || jobs[i]->interrupted)
				continue;
			if (stop_signal)
				jobs[i]->interrupted = true;
			else if (now_s() - started_at[i] >= jobs[i]->timeout_s)
				jobs[i]->timed_out = true;
			else
				continue;
			kill(pids[i], SIGKILL);
			kill_group(pids[i]);
			if (jobs[i]->untrusted && geteuid() == 0)
				kill_all_of_uid(jobs[i]->uid);
		}
		/* EINTR: a stop signal arrived; EAGAIN: the tick. */
		if (running > 0 && sigtimedwait(&chld, NULL, &tick) == -1 && errno != EINTR && errno != EAGAIN) {
			perror("concur: sigtimedwait");
			exit(2);
		}
	}
	/* Whatever is left, from any job; already counted where it could be told. */
	for (int i = 0; i < n; i++)
		if (jobs[i]->untrusted && pgids[i] > 0)
			kill_group(pgids[i]);
	kill_stray_children(NULL, 0);
	for (int status; waitpid(-1, &status, WNOHANG) > 0;)
		;
	free(pgids);
	free(pids);
	free(started_at);
}

const char *job_describe(const struct job *j, char *buf, size_t len)
{
	if (j->interrupted)
		snprintf(buf, len, "was stopped because grading was interrupted");
	else if (!j->started)
		snprintf(buf, len, "could not start (%s)", strerror(j->start_errno));
	else if (j->timed_out)
		snprintf(buf, len, "was stopped after its time limit of %.0f s", j->timeout_s);
	else if (WIFEXITED(j->status))
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(j->status));
	else if (WIFSIGNALED(j->status))
		snprintf(buf, len, "was killed by signal %d (%s)", WTERMSIG(j->status), strsignal(WTERMSIG(j->status)));
	else
		snprintf(buf, len, "ended with wait status 0x%x", j->status);
	return buf;
}

bool job_exited_with(const struct job *j, int code)
{
	return j->started && !j->timed_out && WIFEXITED(j->status) && WEXITSTATUS(j->status) == code;
}
