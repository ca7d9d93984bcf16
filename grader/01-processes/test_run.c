/*
 * test_run.c - grader suite for lesson 01, exercise "run" (run.h).
 *
 * The programs run_command() runs are small sh scripts (from /usr/bin,
 * found through a PATH the test sets) whose output tells what they got:
 * their arguments, which of their descriptors refer to the output file,
 * how they end.  Around each call the test takes a snapshot of its own
 * descriptors (ct_ipc.h), gives itself a child that has already ended (a
 * run_command that waits for any child takes it), makes a fork fail or a
 * wait be interrupted (ct_fault.h), and counts children that end with
 * exit() (ct_pitfalls.h).  Children the student's code left behind are
 * ended and reaped before the test reports, so that none outlives it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ct_ipc.h"
#include "ct_pitfalls.h"
#include "ct_test.h"
#include "run.h"

CT_SUITE(run);

/* A fresh directory for the test's files, and the path of its output file. */
static char dir[64], out_path[128];

static void prepare(void)
{
	snprintf(dir, sizeof dir, "/tmp/concur-run-XXXXXX");
	CT_CHECK(mkdtemp(dir) != NULL, "grader error: cannot make a directory in /tmp: %s", strerror(errno));
	snprintf(out_path, sizeof out_path, "%s/out.txt", dir);
	/* The programs are found through PATH: make it the system's, whatever the grader got. */
	setenv("PATH", "/usr/bin:/bin", 1);
}

/* The whole file at path (at most 4 KiB, NUL-terminated, static); "" if it cannot be read. */
static const char *contents(const char *path)
{
	static char buf[4096];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd == -1 ? 0 : ct_real_read(fd, buf, sizeof buf - 1);

	if (fd != -1)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/* How raw wait status st reads, in words (static). */
static const char *ended(int st)
{
	static char buf[96];

	if (WIFEXITED(st))
		snprintf(buf, sizeof buf, "exited with status %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, sizeof buf, "was killed by signal %d (SIG%s)", WTERMSIG(st), sigabbrev_np(WTERMSIG(st)));
	else
		snprintf(buf, sizeof buf, "has a status (%#x) that is neither an exit nor a death by signal", st);
	return buf;
}

/* Ends and reaps the children of the student's that nobody waited for; says how many there were. */
static int settle(char *buf, size_t len)
{
	return ct_settle_children(NULL, 0, buf, len);
}

/* The call of run_command with errno kept, and the children it left settled. */
struct call {
	int ret, err, status, left;
	char leftovers[512];
};

static struct call call(char *const argv[], const char *path)
{
	struct call c = {.status = -12345};

	errno = 0;
	c.ret = run_command(argv, path, &c.status);
	c.err = errno;
	c.left = settle(c.leftovers, sizeof c.leftovers);
	return c;
}

/* The checks every successful call must pass: it returned 0, waited for its child, and the child exited with want. */
static void check_exited(const struct call *c, const char *what, int want)
{
	CT_CHECK(c->ret == 0, "%s returned %d (errno %s); expected 0", what, c->ret,
		 c->ret == -1 ? strerrorname_np(c->err) : "not read");
	CT_CHECK(c->left == 0,
		 "%s returned, but its child was still not waited for: %s. Wait for the child you forked "
		 "(waitpid on its pid) before returning.",
		 what, c->leftovers);
	CT_CHECK(c->status == want << 8,
		 "%s stored %d in *status; expected %d, the raw status of a child that exited with %d (want << 8). "
		 "%s",
		 what, c->status, want << 8, want,
		 c->status == want ? "That is the decoded exit status: store the raw status waitpid gave you; the "
				     "caller decodes it."
		 : WIFEXITED(c->status) && WEXITSTATUS(c->status) == 127
		     ? "The child exited with 127: the open or the exec failed in it."
		     : "");
}

static void check_fds_kept(const struct ct_fdset *before, const char *what)
{
	struct ct_fdset after;
	char leaked[512];

	ct_fds_snapshot(&after);
	int n = ct_fds_leaked(before, &after, leaked, sizeof leaked);
	CT_CHECK(n == 0,
		 "after %s the caller has %d descriptor%s it did not have before: %s. The caller's descriptors "
		 "must be left as they were: open out_path in the child, after fork, where it is the only "
		 "process that holds it.",
		 what, n, n == 1 ? "" : "s", leaked);
}

CT_TEST(run, correct_output_goes_to_the_file)
{
	char *argv[] = {"sh", "-c", "printf '%s|' \"$0\" \"$@\"; echo", "first", "second word", NULL};
	const char *want = "first|second word|\n";
	struct ct_fdset before;

	prepare();
	int fd = open(out_path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	CT_CHECK(fd != -1 && ct_real_write(fd, "old contents, longer than the new ones\n", 39) == 39,
		 "grader error: cannot write %s", out_path);
	close(fd);
	ct_fds_snapshot(&before);
	struct call c = call(argv, out_path);
	const char *what = "run_command({\"sh\", \"-c\", \"printf '%s|' \\\"$0\\\" \\\"$@\\\"; echo\", \"first\", "
			   "\"second word\", NULL}, out_path, &status)";
	check_fds_kept(&before, what);
	CT_CHECK(!(c.ret == 0 && c.status == 127 << 8),
		 "%s: the child exited with 127, so the exec failed. argv[0] is \"sh\", with no '/': execvp "
		 "looks for it in PATH (here /usr/bin:/bin), execv only in the current directory. Use execvp(argv[0], "
		 "argv).",
		 what);
	check_exited(&c, what, 0);
	const char *got = contents(out_path);
	CT_CHECK(strcmp(got, want) == 0,
		 "%s: out_path holds \"%.200s\"; expected \"first|second word|\\n\" (the program's output and "
		 "nothing else). %s",
		 what, got,
		 got[0] == '\0' ? "The output did not go to the file: in the child, make out_path descriptor 1 "
				  "(dup2(fd, STDOUT_FILENO)) before the exec."
		 : strncmp(got, want, strlen(want)) == 0
		     ? "The end of the file's old contents is still there: open it with O_TRUNC, as the "
		       "shell's > does."
		     : "Pass argv itself as the program's argument list: execvp(argv[0], argv).");
	ct_pass();
}

CT_TEST(run, correct_only_descriptor_1_refers_to_the_file)
{
	/* Prints, for each descriptor of the shell itself, the descriptor and what it refers to. */
	char *argv[] = {"sh", "-c", "cd /proc/$$/fd && for f in *; do echo \"$f $(readlink \"$f\")\"; done", NULL};
	const char *what = "run_command({\"sh\", \"-c\", <a script listing its descriptors>, NULL}, out_path, "
			   "&status)";
	struct ct_fdset before;
	char line[256], fds[128] = "";
	int on_file = 0, one = 0, lines = 0;

	prepare();
	ct_fds_snapshot(&before);
	struct call c = call(argv, out_path);
	check_fds_kept(&before, what);
	check_exited(&c, what, 0);
	FILE *f = fopen(out_path, "r");
	CT_CHECK(f != NULL, "grader error: cannot read %s", out_path);
	while (fgets(line, sizeof line, f)) {
		int fd;
		lines++;
		char target[200];
		if (sscanf(line, "%d %199s", &fd, target) != 2 || strcmp(target, out_path) != 0)
			continue;
		on_file++;
		one += fd == 1;
		snprintf(fds + strlen(fds), sizeof fds - strlen(fds), "%s%d", on_file > 1 ? ", " : "", fd);
	}
	fclose(f);
	CT_CHECK(lines > 0,
		 "%s: out_path is empty, so the program's list of its descriptors went elsewhere: its descriptor 1 "
		 "is not the file. Make the file descriptor 1 with dup2(fd, STDOUT_FILENO) in the child, before the "
		 "exec.",
		 what);
	CT_CHECK(one == 1,
		 "%s: in the program, descriptor 1 does not refer to out_path (the descriptors on it: %s). Make "
		 "the file descriptor 1 with dup2(fd, STDOUT_FILENO) in the child, before the exec.",
		 what, on_file ? fds : "none");
	CT_CHECK(on_file == 1,
		 "%s: the program got out_path open on descriptors %s; expected on 1 alone. After dup2(fd, "
		 "STDOUT_FILENO), close fd in the child (unless it is 1 already): the exec keeps every "
		 "descriptor open, and the program would hold the file twice.",
		 what, fds);
	ct_pass();
}

CT_TEST(run, correct_raw_wait_status_is_returned)
{
	char *exits[] = {"sh", "-c", "exit 3", NULL};
	char *killed[] = {"sh", "-c", "kill -TERM $$", NULL};

	prepare();
	struct call c = call(exits, out_path);
	check_exited(&c, "run_command({\"sh\", \"-c\", \"exit 3\", NULL}, out_path, &status)", 3);
	c = call(killed, out_path);
	const char *what = "run_command({\"sh\", \"-c\", \"kill -TERM $$\", NULL}, out_path, &status)";
	CT_CHECK(c.ret == 0 && c.left == 0, "%s returned %d and left %d children not waited for; expected 0 and none",
		 what, c.ret, c.left);
	CT_CHECK(WIFSIGNALED(c.status) && WTERMSIG(c.status) == SIGTERM,
		 "%s stored %d in *status, a child that %s; expected the raw status of a child killed by signal "
		 "%d (SIGTERM): WIFSIGNALED true, WTERMSIG %d. Store the status waitpid gave you, undecoded.",
		 what, c.status, ended(c.status), SIGTERM, SIGTERM);
	ct_pass();
}

CT_TEST(run, correct_failed_exec_ends_the_child_with_127)
{
	char *argv[] = {"concur-no-such-program", "x", NULL};
	const char *what = "run_command({\"concur-no-such-program\", \"x\", NULL}, out_path, &status)";
	pid_t first = 0;

	prepare();
	struct call c = call(argv, out_path);
	int exits = ct_pitfall_exits(&first);
	CT_CHECK(exits == 0,
		 "%s: the child (pid %d), whose exec failed, ended with exit() instead of _exit(). The child is a "
		 "copy of the caller: exit() runs the caller's atexit handlers and writes its unflushed stdio "
		 "buffers a second time. End it with _exit(127).",
		 what, (int)first);
	check_exited(&c, what, 127);
	ct_pass();
}

CT_TEST(run, correct_failed_open_ends_the_child_with_127)
{
	char *argv[] = {"sh", "-c", "echo never", NULL};
	char missing[192];
	struct ct_fdset before;

	prepare();
	snprintf(missing, sizeof missing, "%s/no-such-dir/out.txt", dir);
	const char *what = "run_command({\"sh\", \"-c\", \"echo never\", NULL}, \"<a directory that does not "
			   "exist>/out.txt\", &status)";
	ct_fds_snapshot(&before);
	struct call c = call(argv, missing);
	check_fds_kept(&before, what);
	CT_CHECK(c.ret != -1 || c.err != ENOENT,
		 "%s returned -1 with errno ENOENT: the file was opened in the caller. Open it in the child, "
		 "after fork: when that open fails, the child ends with _exit(127) and run_command returns 0 with "
		 "that status, as a shell reports  cmd > /no/such/file  as the command's failure.",
		 what);
	check_exited(&c, what, 127);
	ct_pass();
}

CT_TEST(run, correct_waits_for_its_own_child_only)
{
	char *argv[] = {"sh", "-c", "sleep 0.05; exit 5", NULL};
	const char *what = "run_command({\"sh\", \"-c\", \"sleep 0.05; exit 5\", NULL}, out_path, &status), called "
			   "by a process with an ended child of its own (exit status 42) not yet waited for,";
	int st = 0;

	prepare();
	pid_t mine = ct_fork_ended_child(42);
	CT_CHECK(mine > 0, "grader error: cannot fork: %s", strerror(errno));
	struct call c = call(argv, out_path);
	pid_t got = ct_real_waitpid(mine, &st, WNOHANG);
	CT_CHECK(got == mine && WIFEXITED(st) && WEXITSTATUS(st) == 42,
		 "%s reaped the caller's own child (pid %d)%s. Wait for the child you forked, by its pid: "
		 "waitpid(pid, status, 0), not wait() or waitpid(-1, ...).",
		 what, (int)mine, c.status == 42 << 8 ? ", and returned its status as the program's" : "");
	check_exited(&c, what, 5);
	ct_pass();
}

CT_TEST(run, correct_interrupted_wait_is_retried)
{
	char *argv[] = {"sh", "-c", "sleep 0.05; exit 4", NULL};
	char what[256];

	prepare();
	ct_fail_waits(1, EINTR);
	struct call c = call(argv, out_path);
	snprintf(what, sizeof what,
		 "run_command({\"sh\", \"-c\", \"sleep 0.05; exit 4\", NULL}, out_path, &status), whose first %s the "
		 "grader made fail with EINTR (as a signal arriving during the wait does),",
		 ct_waits_failed());
	CT_CHECK(c.ret != -1 || c.err != EINTR,
		 "%s returned -1 with errno EINTR. EINTR means \"try again\": call waitpid again for the same pid.",
		 what);
	check_exited(&c, what, 4);
	ct_pass();
}

CT_TEST(run, correct_failures_return_minus_one_with_errno)
{
	char *argv[] = {"sh", "-c", "exit 0", NULL};

	prepare();
	ct_api_reset();
	ct_fail_call(CT_CALL_fork, 1, EAGAIN);
	struct call c = call(argv, out_path);
	ct_fault_clear(CT_CALL_fork);
	CT_CHECK(c.ret == -1 && c.err == EAGAIN,
		 "the grader made the fork of run_command({\"sh\", \"-c\", \"exit 0\", NULL}, out_path, &status) "
		 "fail with EAGAIN: it returned %d%s%s; expected -1 with errno EAGAIN, as fork left it (no child "
		 "was started, so there is nothing to wait for).",
		 c.ret, c.ret == -1 ? " with errno " : "", c.ret == -1 ? strerrorname_np(c.err) : "");

	ct_fail_waits(1, EINVAL);
	c = call(argv, out_path);
	const char *which = ct_waits_failed();
	CT_CHECK(c.ret == -1 && c.err == EINVAL,
		 "the grader made the first %s of run_command({\"sh\", \"-c\", \"exit 0\", NULL}, out_path, &status) "
		 "fail with EINVAL, a failure other than EINTR: it returned %d%s%s; expected -1 with errno EINVAL, "
		 "as the wait left it.",
		 which, c.ret, c.ret == -1 ? " with errno " : "", c.ret == -1 ? strerrorname_np(c.err) : "");
	ct_pass();
}
