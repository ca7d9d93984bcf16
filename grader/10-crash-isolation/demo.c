/*
 * demo.c - `make demo LESSON=10`: what a crash takes down.
 *
 * 1. A crash in a thread.  A child process (so that the demo survives)
 *    runs three threads that each print a heartbeat every 20 ms into a
 *    pipe; after 100 ms thread 2 writes through a NULL pointer.  The
 *    parent reads the heartbeats and then waits for the child: every
 *    thread stopped at the same moment, and the wait status says the whole
 *    process was killed by SIGSEGV.
 * 2. A crash in a process.  Three sibling child processes beat the same
 *    way; after 100 ms child 2 writes through a NULL pointer.  Children 1
 *    and 3 beat on to the end and exit 0; the parent (this demo) reads
 *    every status and carries on.
 * 3. A supervisor.  supervise() (solutions/10-crash-isolation) runs jobs
 *    that succeed, exit 3, segfault, abort, hang, and fail once then
 *    succeed, with one restart and a deadline of 200 ms, and prints each
 *    fate.
 *
 * DESIGN: every system call's result is checked (ct_demo.h).  The
 * crashing processes set their core-file limit to 0 first, so no core
 * file is written.  Every child is waited for.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ct_clock.h"
#include "ct_demo.h"
#include "supervisor.h"

#define BEAT_MS	 20
#define CRASH_MS 100
#define RUN_MS	 300

static int beat_fd; /* write end of the heartbeat pipe, in the children */

static void no_core_file(void)
{
	struct rlimit none = {0, 0};

	if (setrlimit(RLIMIT_CORE, &none) == -1)
		demo_die("setrlimit(RLIMIT_CORE)");
}

static void crash_now(void)
{
	volatile int *volatile nowhere = NULL;

	*nowhere = 1; /* SIGSEGV: its default action ends the whole process */
}

/* Beats every BEAT_MS as `who` until RUN_MS have passed; crashes at CRASH_MS if told to. */
static void beat(int who, int crash)
{
	uint64_t t0 = ct_now_ns();

	for (int n = 1;; n++) {
		uint64_t ms = (ct_now_ns() - t0) / CT_MS;
		if (ms >= RUN_MS)
			return;
		if (crash && ms >= CRASH_MS)
			crash_now();
		char line[64];
		int len = snprintf(line, sizeof line, "%d %d %llu\n", who, n, (unsigned long long)ms);
		if (write(beat_fd, line, (size_t)len) != len) /* one short write: atomic on a pipe */
			_exit(1);
		ct_sleep_ns(BEAT_MS * CT_MS);
	}
}

static void *thread_main(void *arg)
{
	int who = (int)(intptr_t)arg;

	beat(who, who == 2);
	return NULL;
}

/* Reads the heartbeats until every writer is gone; prints, per beater, how many and the last one's time. */
static void read_beats(int fd, const char *kind)
{
	char buf[4096], *p;
	size_t used = 0;
	int count[4] = {0};
	unsigned long long last[4] = {0};

	for (ssize_t r; (r = demo_read(fd, buf + used, sizeof buf - 1 - used)) > 0;) {
		used += (size_t)r;
		buf[used] = '\0';
		while ((p = strchr(buf, '\n'))) {
			int who, n;
			unsigned long long ms;
			if (sscanf(buf, "%d %d %llu", &who, &n, &ms) == 3 && who >= 1 && who <= 3) {
				count[who] = n;
				last[who] = ms;
			}
			used -= (size_t)(p + 1 - buf);
			memmove(buf, p + 1, used + 1);
		}
	}
	for (int who = 1; who <= 3; who++)
		printf("     %s %d: %2d heartbeats, the last at %3llu ms%s\n", kind, who, count[who], last[who],
		       who == 2 ? "   (this one crashes at 100 ms)" : "");
}

static void describe_status(const char *who, int status)
{
	if (WIFEXITED(status))
		printf("     %s: exited with status %d\n", who, WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		printf("     %s: killed by signal %d (%s)\n", who, WTERMSIG(status), strsignal(WTERMSIG(status)));
}

static void part_threads(void)
{
	int fds[2];

	printf("1. Three threads in one process; thread 2 writes through a NULL pointer at %d ms\n", CRASH_MS);
	demo_pipe(fds);
	pid_t pid = demo_fork();
	if (pid == 0) {
		pthread_t t[3];
		demo_close(fds[0]);
		beat_fd = fds[1];
		no_core_file();
		for (int i = 0; i < 3; i++)
			demo_pthread_create(&t[i], NULL, thread_main, (void *)(intptr_t)(i + 1));
		for (int i = 0; i < 3; i++)
			demo_pthread_join(t[i], NULL);
		_exit(0); /* never reached: thread 2 took the process down */
	}
	demo_close(fds[1]);
	read_beats(fds[0], "thread");
	demo_close(fds[0]);
	describe_status("the process", demo_wait(pid));
	printf("   Threads 1 and 3 did nothing wrong, yet stopped with thread 2: a signal's default\n"
	       "   action (here: end the process) acts on the whole process, every thread with it.\n\n");
}

static void part_processes(void)
{
	int fds[2];
	pid_t pids[3];

	printf("2. Three sibling processes; child 2 writes through a NULL pointer at %d ms\n", CRASH_MS);
	demo_pipe(fds);
	for (int i = 0; i < 3; i++) {
		pids[i] = demo_fork();
		if (pids[i] == 0) {
			demo_close(fds[0]);
			beat_fd = fds[1];
			no_core_file();
			beat(i + 1, i == 1);
			_exit(0);
		}
	}
	demo_close(fds[1]);
	read_beats(fds[0], "child");
	demo_close(fds[0]);
	for (int i = 0; i < 3; i++) {
		char who[32];
		snprintf(who, sizeof who, "child %d (pid %d)", i + 1, (int)pids[i]);
		describe_status(who, demo_wait(pids[i]));
	}
	printf("   The parent (this demo) and children 1 and 3 ran on: each process has its own\n"
	       "   memory and its own fate; the parent only learns, from waitpid, how child 2 ended.\n\n");
}

static int job_ok(void *arg) { return (void)arg, 0; }
static int job_exit3(void *arg) { return (void)arg, 3; }
static int job_segv(void *arg)
{
	(void)arg;
	no_core_file();
	crash_now();
	return 0;
}
static int job_abort(void *arg)
{
	(void)arg;
	no_core_file();
	abort();
}
static _Noreturn int job_hang(void *arg)
{
	(void)arg;
	for (;;)
		pause();
}
/* Fails on its first attempt, succeeds on the next: memory is not shared between attempts, so a file remembers. */
static int job_flaky(void *arg)
{
	const char *path = arg;

	if (access(path, F_OK) == 0)
		return 0;
	FILE *f = fopen(path, "w");
	if (f)
		fclose(f);
	return 1;
}

static void part_supervisor(void)
{
	static const char *const fates[] = {"JOB_OK", "JOB_EXITED", "JOB_KILLED", "JOB_TIMED_OUT", "JOB_NOT_STARTED"};
	char flag[] = "/tmp/concur-demo10-XXXXXX";
	int fd = mkstemp(flag);

	if (fd == -1)
		demo_die("mkstemp");
	demo_close(fd);
	if (unlink(flag) == -1) /* the name is free again: the first attempt creates it */
		demo_die("unlink");
	const struct job jobs[] = {{job_ok, NULL},    {job_exit3, NULL}, {job_segv, NULL},
				   {job_abort, NULL}, {job_hang, NULL},  {job_flaky, flag}};
	const char *const what[] = {"returns 0", "returns 3", "segfaults", "calls abort()", "never ends",
				    "fails once, then succeeds"};
	struct job_result r[6];
	uint64_t t0 = ct_now_ns();

	printf("3. supervise(jobs, 6, 1, 200, results): one restart each, a deadline of 200 ms per attempt\n");
	if (supervise(jobs, 6, 1, 200, r) == -1)
		demo_die("supervise");
	for (int i = 0; i < 6; i++) {
		char code[48] = "";
		if (r[i].fate == JOB_KILLED)
			snprintf(code, sizeof code, ", signal %d (%s)", r[i].code, strsignal(r[i].code));
		else if (r[i].fate == JOB_EXITED)
			snprintf(code, sizeof code, ", status %d", r[i].code);
		printf("     job %d (%-25s) %-14s after %d attempt%s%s\n", i, what[i], fates[r[i].fate], r[i].attempts,
		       r[i].attempts == 1 ? "" : "s", code);
	}
	unlink(flag);
	errno = 0;
	pid_t left = waitpid(-1, NULL, WNOHANG);
	printf("   %.0f ms in all: the hanging job's two attempts of 200 ms ran beside the others.\n"
	       "   Children left to reap: %s.\n\n",
	       (double)(ct_now_ns() - t0) / 1e6, left == -1 && errno == ECHILD ? "none" : "SOME");
}

int main(void)
{
	printf("concur lesson 10 demo: what a crash takes down.\n\n");
	part_threads();
	part_processes();
	part_supervisor();
	printf("What to look for: in part 1 every thread's heartbeats end at about 100 ms, and the\n"
	       "process is reported killed by SIGSEGV; in part 2 only child 2's do, the others beat\n"
	       "to 300 ms and exit 0. Isolation is the price of a process, and what buys it.\n");
	return 0;
}
