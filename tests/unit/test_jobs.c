/*
 * test_jobs.c - unit tests of the harness's job runner and sandbox
 * (grader/harness/jobs.h): exit statuses, timeouts, leftovers, the process
 * limit, the clean environment and the rlimits.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jobs.h"
#include "util.h"

static char dir[] = "/tmp/concur-unit-XXXXXX";

static void setup(void)
{
	cr_assert_eq(jobs_init(), 0);
	cr_assert_not_null(mkdtemp(dir));
	chmod(dir, 0777);
}

static void teardown(void) { remove_tree(dir); }

TestSuite(jobs, .init = setup, .fini = teardown, .timeout = 30);

/* Runs `sh -c script` sandboxed in dir; returns the job. */
static struct job sh(const char *script, double timeout_s, const char *out)
{
	char **argv = xcalloc(4, sizeof *argv);
	argv[0] = "/bin/sh";
	argv[1] = "-c";
	argv[2] = (char *)script;
	struct job j = {.argv = argv, .cwd = dir, .out_path = out, .timeout_s = timeout_s, .untrusted = true,
			.as_mib = 1024, .nproc = 16};
	struct job *list[] = {&j};

	jobs_prepare_dir(dir, &j);
	jobs_run(list, 1, 1);
	return j;
}

Test(jobs, reports_the_exit_status)
{
	struct job j = sh("exit 7", 10, NULL);

	cr_assert(job_exited_with(&j, 7));
	cr_assert_not(j.timed_out);
	cr_assert_eq(j.leftovers, 0);
}

Test(jobs, stops_a_job_at_its_timeout)
{
	struct job j = sh("while :; do :; done", 0.5, NULL);

	cr_assert(j.timed_out);
	cr_assert_lt(j.wall_s, 3.0);
}

Test(jobs, kills_and_counts_what_a_job_leaves_behind)
{
	struct job j = sh("(setsid sleep 30 &) ; sleep 30 & exit 0", 10, NULL);

	cr_assert(job_exited_with(&j, 0));
	cr_assert_geq(j.leftovers, 1, "leftovers: %d", j.leftovers);
}

Test(jobs, survives_a_fork_bomb)
{
	struct job j = sh("b() { b | b & }; b", 3, NULL);

	cr_assert(j.timed_out || j.started);
	cr_assert_lt(j.wall_s, 10.0);
}

Test(jobs, gives_a_clean_environment)
{
	char *out = xasprintf("%s/env.txt", dir);

	setenv("CRITERION_ALWAYS_SUCCEED", "1", 1);
	struct job j = sh("env", 10, out);
	char *text = read_file(out, 1 << 16);
	cr_assert(job_exited_with(&j, 0));
	cr_assert_not_null(text);
	cr_assert_null(strstr(text, "CRITERION"), "the job saw: %s", text);
	free(text);
	free(out);
}

Test(jobs, limits_file_size_and_disables_core_dumps)
{
	char *out = xasprintf("%s/limits.txt", dir);
	struct job j = sh("ulimit -c; ulimit -f; ulimit -n", 10, out);
	char *text = read_file(out, 4096);

	cr_assert(job_exited_with(&j, 0));
	cr_assert_not_null(text);
	int core = -1, nofile = -1;
	long fsize = -1;
	cr_assert_eq(sscanf(text, "%d %ld %d", &core, &fsize, &nofile), 3, "got: %s", text);
	cr_assert_eq(core, 0);
	cr_assert_gt(fsize, 0);
	cr_assert_eq(nofile, 256);
	free(text);
	free(out);
}

Test(jobs, runs_as_another_user_when_root)
{
	char *out = xasprintf("%s/id.txt", dir);
	struct job j = sh("id -u", 10, out);
	char *text = read_file(out, 64);

	cr_assert(job_exited_with(&j, 0));
	if (geteuid() == 0)
		cr_assert_neq(atoi(text), 0, "the job ran as root");
	free(text);
	free(out);
}

/* Whether a process with this pid is alive (not a zombie) and runs `sleep`. */
static bool sleeper_alive(pid_t pid)
{
	char *path = xasprintf("/proc/%d/stat", (int)pid);
	char *stat = read_file(path, 4096);
	bool alive = stat && strstr(stat, "(sleep)") && !strstr(stat, ") Z ");

	free(stat);
	free(path);
	return alive;
}

Test(jobs, a_sandboxed_job_dies_with_the_harness)
{
	char *pidfile = xasprintf("%s/pid", dir);
	int fds[2];

	cr_assert_eq(pipe(fds), 0);
	pid_t harness = fork();
	cr_assert_neq(harness, -1);
	if (harness == 0) {
		/* A harness of its own, running one job that writes its pid and sleeps. */
		char *script = xasprintf("echo $$ > %s; exec sleep 30", pidfile);
		close(fds[0]);
		if (write(fds[1], "x", 1) != 1)
			_exit(1);
		sh(script, 60, NULL);
		_exit(0);
	}
	close(fds[1]);
	char c;
	cr_assert_eq(read(fds[0], &c, 1), 1);
	close(fds[0]);
	char *text = NULL;
	for (int i = 0; i < 200 && !(text = read_file(pidfile, 32)); i++)
		usleep(10000);
	for (int i = 0; i < 200 && text && !strchr(text, '\n'); i++) {
		free(text);
		usleep(10000);
		text = read_file(pidfile, 32);
	}
	cr_assert_not_null(text, "the job did not start");
	pid_t job = (pid_t)atoi(text);
	/* The shell wrote its pid, then execs sleep: wait for the exec (a busy machine may delay it). */
	for (int i = 0; i < 300 && !sleeper_alive(job); i++)
		usleep(10000);
	cr_assert(sleeper_alive(job), "the job never became `sleep`");
	kill(harness, SIGKILL);
	waitpid(harness, NULL, 0);
	bool gone = false;
	for (int i = 0; i < 100 && !(gone = !sleeper_alive(job)); i++)
		usleep(10000);
	if (!gone)
		kill(job, SIGKILL);
	cr_assert(gone, "the job outlived the harness that started it (its parent-death signal was lost)");
	free(text);
	free(pidfile);
}

Test(jobs, a_confined_job_sees_only_its_own_paths)
{
	if (!jobs_confinement())
		cr_skip_test("bubblewrap cannot make a user namespace here");
	char *out = xasprintf("%s/seen.txt", dir), *mine = xasprintf("%s/mine.txt", dir);
	cr_assert_eq(write_file(mine, "mine\n"), 0);
	char *script = xasprintf("cat %s; cat /etc/hostname || echo no-etc; ls /root 2>/dev/null || echo no-root; "
				 "echo hi > /tmp/x && cat /tmp/x",
				 mine);
	char **argv = xcalloc(4, sizeof *argv);
	argv[0] = "/bin/sh";
	argv[1] = "-c";
	argv[2] = script;
	struct job j = {.argv = argv, .cwd = dir, .out_path = out, .timeout_s = 10, .untrusted = true, .as_mib = 1024,
			.nproc = 16, .confine = true, .rw_paths = {dir}};
	struct job *list[] = {&j};
	jobs_prepare_dir(dir, &j);
	jobs_run(list, 1, 1);
	char *text = read_file(out, 4096);
	cr_assert(job_exited_with(&j, 0), "the confined job did not run");
	cr_assert(text && strstr(text, "mine") && strstr(text, "no-etc") && strstr(text, "no-root") && strstr(text, "hi"),
		  "a confined job must see its own directory and a /tmp of its own, and no /etc or /root; it saw:\n%s", text);
	free(text);
	free(script);
	free(mine);
	free(out);
}
