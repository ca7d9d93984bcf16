/*
 * test_pipeline.c - grader suite for lesson 06, exercise "pipeline" (pipeline.h).
 *
 * The grader's stages run in the student's children and report through
 * memory shared with them (ct_shared_alloc): which process they ran in,
 * whether their descriptor was a pipe, which descriptors of that pipe their
 * process held, and what the consumer read.  In the tests that ask for it,
 * both stages first meet at a rendezvous, so stages that do not run at the
 * same time are seen.  run_pipeline runs under ct_run_within(): if it does
 * not return, the test shows where every process is blocked, and on which
 * pipe, instead of waiting for its time limit.
 *
 * The error paths are taken by fault injection (ct_fault.h), armed just
 * around the call: pipe() failing with EMFILE, either fork() with EAGAIN, a
 * waitpid() interrupted (EINTR) or failing.  Stages can end with statuses of
 * their own, in a chosen order (ct_order.h), so that a status stored in the
 * wrong slot, or decoded, is seen; and the caller can have a child of its own,
 * or no standard input or output, before the call.
 */
#define _GNU_SOURCE /* sigabbrev_np */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ct_ipc.h"
#include "ct_order.h"
#include "ct_pitfalls.h"
#include "ct_test.h"
#include "pipeline.h"

CT_SUITE(pipeline);

#define DEADLINE_MS 2000
#define MAX_ENDS 8

/* The descriptors of the pipeline's pipe that one stage's process held while the stage ran. */
struct ends {
	int n;
	int fd[MAX_ENDS];
	bool write[MAX_ENDS];
};

/* Written by the stages in the children, read by the test after run_pipeline. */
struct report {
	bool meet_on; /* both stages wait for each other at their start */
	struct ct_rendezvous meet;
	pid_t producer_pid, consumer_pid;
	bool producer_on_pipe, consumer_on_pipe;
	struct ends producer_ends, consumer_ends;
	size_t sent, received;
	unsigned long sent_sum, received_sum;
	bool consumer_done;
	size_t consumer_stops_after; /* the consumer returns after reading this much (0: at end of file) */
	int exit_code[2];            /* the stage ends its process with _exit(code) (-1: returns) ... */
	uint64_t end_delay_ns[2];    /* ... after waiting this long, once its I/O is done */
};

static struct report *rep;
static size_t payload; /* bytes the producer writes */
static pid_t test_pid;

static bool is_pipe(int fd)
{
	struct stat st;
	return fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode);
}

/* Which descriptors of the process refer to the same pipe as fd (none if fd is no pipe). */
static void note_ends(int fd, struct ends *out)
{
	struct stat mine, st;

	out->n = 0;
	if (fstat(fd, &mine) != 0 || !S_ISFIFO(mine.st_mode))
		return;
	for (int d = 0; d < 1024 && out->n < MAX_ENDS; d++) {
		if (fstat(d, &st) != 0 || st.st_ino != mine.st_ino || st.st_dev != mine.st_dev)
			continue;
		out->fd[out->n] = d;
		out->write[out->n++] = (fcntl(d, F_GETFL) & O_ACCMODE) == O_WRONLY;
	}
}

static unsigned char byte_at(size_t i) { return (unsigned char)(i * 7 + i / 251); }

/* What a stage does once its I/O is done: return, or end its process as the test asked. */
static void finish_stage(int k)
{
	if (rep->exit_code[k] < 0)
		return;
	if (rep->end_delay_ns[k])
		ct_sleep_ns(rep->end_delay_ns[k]);
	_exit(rep->exit_code[k]);
}

static void producer(void)
{
	unsigned char chunk[4096];

	rep->producer_pid = getpid();
	rep->producer_on_pipe = is_pipe(STDOUT_FILENO);
	note_ends(STDOUT_FILENO, &rep->producer_ends);
	if (rep->meet_on)
		ct_rendezvous_arrive(&rep->meet);
	for (size_t done = 0; done < payload;) {
		size_t len = payload - done < sizeof chunk ? payload - done : sizeof chunk;
		for (size_t i = 0; i < len; i++)
			chunk[i] = byte_at(done + i);
		ssize_t w = write(STDOUT_FILENO, chunk, len);
		if (w <= 0)
			return;
		for (ssize_t i = 0; i < w; i++)
			rep->sent_sum += chunk[i] * (done + (size_t)i + 1);
		done += (size_t)w;
		rep->sent = done;
	}
	if (rep->exit_code[0] >= 0)
		close(STDOUT_FILENO); /* the consumer sees end of file now, before this process ends */
	finish_stage(0);
}

static void consumer(void)
{
	unsigned char chunk[4096];
	ssize_t r;

	rep->consumer_pid = getpid();
	rep->consumer_on_pipe = is_pipe(STDIN_FILENO);
	note_ends(STDIN_FILENO, &rep->consumer_ends);
	if (rep->meet_on)
		ct_rendezvous_arrive(&rep->meet);
	while ((r = read(STDIN_FILENO, chunk, sizeof chunk)) > 0) {
		for (ssize_t i = 0; i < r; i++)
			rep->received_sum += chunk[i] * (rep->received + (size_t)i + 1);
		rep->received += (size_t)r;
		if (rep->consumer_stops_after && rep->received >= rep->consumer_stops_after)
			return;
	}
	rep->consumer_done = r == 0;
	finish_stage(1);
}

static const char *const names[] = {"the producer (child 1)", "the consumer (child 2)"};
static int status[2], ret, ret_errno;
static struct ct_fdset fds_before;

/* A fault armed just around the student's call (none when call is CT_NCALLS). */
static struct {
	enum ct_call call, also; /* also: a second call armed the same way (CT_NCALLS: none) */
	int nth, err;
} fault = {CT_NCALLS, CT_NCALLS, 0, 0};

static void call(void *unused)
{
	(void)unused;
	if (fault.call != CT_NCALLS)
		ct_fail_call(fault.call, fault.nth, fault.err);
	if (fault.also != CT_NCALLS)
		ct_fail_call(fault.also, fault.nth, fault.err);
	errno = 0;
	ret = run_pipeline(producer, consumer, status);
	ret_errno = errno;
	ct_faults_reset();
}

/* A fresh report: stages that return, a rendezvous only if meet. */
static void prepare(size_t bytes, bool meet)
{
	test_pid = getpid();
	payload = bytes;
	rep = ct_shared_alloc(sizeof *rep);
	rep->meet_on = meet;
	ct_rendezvous_init(&rep->meet, 2, 500 * CT_MS);
	rep->exit_code[0] = rep->exit_code[1] = -1;
	status[0] = status[1] = -1;
}

/* Runs the pipeline as prepared; fails the test with the picture if it does not return. */
static void run_prepared(const char *setting)
{
	char why[4096];

	ct_api_reset();
	ct_fds_snapshot(&fds_before);
	bool returned = ct_run_within(call, NULL, DEADLINE_MS * CT_MS, "run_pipeline", names, 2, why, sizeof why);
	CT_CHECK(returned,
		 "run_pipeline(producer, consumer, status) did not return within %d s, with the producer writing %zu "
		 "bytes%s. Where everything was blocked:\n%sThe consumer sees end of file only once every write end "
		 "of the pipe is closed, in every process, and the producer's writes fail (SIGPIPE) only once every "
		 "read end is: after fork and dup2, close the descriptors each process does not use (the caller "
		 "keeps neither end), and start both children before waiting for either",
		 DEADLINE_MS / 1000, payload, setting, why);
}

/* Runs the pipeline with `bytes` to send, the stages meeting at their start; it must return 0. */
static void run(size_t bytes)
{
	prepare(bytes, true);
	run_prepared("");
	CT_CHECK(ret == 0, "run_pipeline(producer, consumer, status) returned %d (errno %d); expected 0", ret,
		 ret_errno);
}

/* "exited with status 3", "was killed by signal 13 (SIGPIPE)", or the raw value. */
static const char *describe_status(int s, char *buf, size_t len)
{
	if (s == -1)
		snprintf(buf, len, "-1, as the grader had left it (never stored)");
	else if (WIFEXITED(s))
		snprintf(buf, len, "0x%x: exited with status %d", (unsigned)s, WEXITSTATUS(s));
	else if (WIFSIGNALED(s))
		snprintf(buf, len, "0x%x: killed by signal %d (SIG%s)", (unsigned)s, WTERMSIG(s),
			 sigabbrev_np(WTERMSIG(s)) ? sigabbrev_np(WTERMSIG(s)) : "?");
	else
		snprintf(buf, len, "0x%x, which is no status of a child that has ended", (unsigned)s);
	return buf;
}

static void check_statuses(void)
{
	char said[96];

	for (int k = 0; k < 2; k++)
		CT_CHECK(WIFEXITED(status[k]) && WEXITSTATUS(status[k]) == 0,
			 "status[%d] (the %s) is %s; expected a child that exited with status 0 (each child ends with "
			 "_exit(0) after its stage returns; status[0] is the producer's, status[1] the consumer's)",
			 k, k == 0 ? "producer" : "consumer", describe_status(status[k], said, sizeof said));
	pid_t first;
	int exits = ct_pitfall_exits(&first);
	CT_CHECK(exits == 0,
		 "%d child%s of run_pipeline (pid %d first) ended with exit() instead of _exit(): exit() runs the "
		 "caller's atexit handlers and writes out its stdio buffers a second time, in the child. End each "
		 "child with _exit(0) once its stage returns",
		 exits, exits == 1 ? "" : "ren", (int)first);
}

/* Every byte the producer had to write reached the consumer, in order. */
static void check_delivery(const char *setting)
{
	char said[96];

	CT_CHECK(rep->sent == payload && rep->received == rep->sent && rep->received_sum == rep->sent_sum,
		 "run_pipeline(producer, consumer, status)%s: the producer wrote %zu of its %zu bytes to its standard "
		 "output (status[0]: %s), and the consumer read %zu bytes%s from its standard input. The producer's "
		 "stdout and the consumer's stdin must be the two ends of one pipe, the producer's child holding the "
		 "write end as fd 1 and the consumer's the read end as fd 0",
		 setting, rep->sent, payload, describe_status(status[0], said, sizeof said), rep->received,
		 rep->received == rep->sent && rep->sent ? ", but not the same ones," : "");
}

/* Describes a stage's ends into buf: "fd 1 (write end), fd 4 (read end)". */
static const char *describe_ends(const struct ends *e, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < e->n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%sfd %d (%s end)", i ? ", " : "", e->fd[i],
					 e->write[i] ? "write" : "read");
	return buf;
}

/* The stage's process must hold exactly one end of the pipe: its own, on target. */
static void check_ends(const char *stage, const struct ends *e, int target, bool write_end)
{
	char held[200];
	bool other_end = false, extra_copy = false;

	for (int i = 0; i < e->n; i++) {
		other_end |= e->write[i] != write_end;
		extra_copy |= e->write[i] == write_end && e->fd[i] != target;
	}
	CT_CHECK(e->n == 1 && e->fd[0] == target && e->write[0] == write_end,
		 "while %s() ran, its process held %d descriptor%s of the pipe: %s. It needs only the %s end, as fd "
		 "%d%s%s. Close the pipe descriptors each process does not use, in the child too",
		 stage, e->n, e->n == 1 ? "" : "s", describe_ends(e, held, sizeof held), write_end ? "write" : "read",
		 target,
		 !other_end ? ""
		 : write_end ? ": a read end left in the producer's process keeps its writes from failing once the "
			       "consumer has gone, so it blocks for ever on a full pipe"
			     : ": a write end left in the consumer's process keeps it from ever seeing end of file",
		 extra_copy ? "; after dup2, the original descriptor is a second copy of the same end: close it" : "");
}

CT_TEST(pipeline, correct_a_small_message_goes_through)
{
	run(1000);
	check_delivery(", with 1000 bytes to send,");
	check_statuses();
	ct_pass();
}

CT_TEST(pipeline, correct_a_large_stream_reaches_end_of_file)
{
	run(256 * 1024);
	check_delivery(", with 256 KiB to send (more than a pipe holds),");
	CT_CHECK(rep->consumer_done, "the consumer's read() failed instead of reaching end of file");
	check_statuses();
	ct_pass();
}

CT_TEST(pipeline, correct_stages_run_in_two_children_joined_by_the_pipe)
{
	run(1000);
	CT_CHECK(ct_count(CT_CALL_fork) == 2, "run_pipeline called fork() %d times; expected 2 (one child per stage)",
		 ct_count(CT_CALL_fork));
	CT_CHECK(ct_count(CT_CALL_pipe) == 1,
		 "run_pipeline called pipe() %d times; expected once: both children must share one pipe, the "
		 "producer writing into it and the consumer reading from it",
		 ct_count(CT_CALL_pipe));
	CT_CHECK(rep->producer_pid != test_pid && rep->consumer_pid != test_pid &&
			 rep->producer_pid != rep->consumer_pid,
		 "the producer ran in process %d and the consumer in process %d, while the caller is %d: each stage "
		 "must run in a child process of its own", (int)rep->producer_pid, (int)rep->consumer_pid,
		 (int)test_pid);
	CT_CHECK(rep->producer_on_pipe, "in the producer's child, standard output (fd 1) is not a pipe: dup2 the "
		 "pipe's write end onto STDOUT_FILENO before calling producer()");
	CT_CHECK(rep->consumer_on_pipe, "in the consumer's child, standard input (fd 0) is not a pipe: dup2 the "
		 "pipe's read end onto STDIN_FILENO before calling consumer()");
	ct_pass();
}

CT_TEST(pipeline, correct_each_child_keeps_only_the_end_it_uses)
{
	run(1000);
	CT_CHECK(rep->producer_on_pipe && rep->consumer_on_pipe,
		 "the producer's standard output or the consumer's standard input is not a pipe: dup2 the pipe's ends "
		 "onto them");
	check_ends("producer", &rep->producer_ends, STDOUT_FILENO, true);
	check_ends("consumer", &rep->consumer_ends, STDIN_FILENO, false);
	ct_pass();
}

CT_TEST(pipeline, correct_a_consumer_that_stops_early_ends_the_producer)
{
	char said[96];

	prepare(256 * 1024, false);
	rep->consumer_stops_after = 100;
	run_prepared(", more than a pipe holds, and the consumer returning after reading 100 bytes");
	CT_CHECK(ret == 0, "run_pipeline(producer, consumer, status), with a consumer that stops early, returned %d "
		 "(errno %d); expected 0", ret, ret_errno);
	CT_CHECK((WIFSIGNALED(status[0]) && WTERMSIG(status[0]) == SIGPIPE) ||
			 (WIFEXITED(status[0]) && WEXITSTATUS(status[0]) == 0),
		 "the consumer returned after reading 100 of the %zu bytes, and the producer's status[0] is %s; "
		 "expected it killed by SIGPIPE (its next write found no reader left) or, if it ignored SIGPIPE, "
		 "exited with status 0", payload, describe_status(status[0], said, sizeof said));
	CT_CHECK(WIFEXITED(status[1]) && WEXITSTATUS(status[1]) == 0,
		 "the consumer returned after reading 100 bytes; its status[1] is %s; expected exited with status 0%s",
		 describe_status(status[1], said, sizeof said),
		 WIFSIGNALED(status[1]) && WTERMSIG(status[1]) == SIGPIPE && WIFEXITED(status[0])
			 ? " (that looks like the producer's status, and status[0] like the consumer's: store each "
			   "child's status in its own slot, status[0] the producer's)"
			 : "");
	ct_pass();
}

/* Runs the pipeline with stages that end with codes 3 and 5, finishing in the order of kind. */
static void check_slots(enum ct_order_kind kind)
{
	struct ct_order o;
	char order[120], said[2][96];

	ct_order_make(&o, kind, 0, 2);
	ct_order_describe(&o, order, sizeof order);
	prepare(1000, false);
	for (int k = 0; k < 2; k++) {
		rep->exit_code[k] = k == 0 ? 3 : 5;
		rep->end_delay_ns[k] = ct_order_delay(&o, k, 20 * CT_MS);
	}
	const char *setting = ", the producer ending with _exit(3) and the consumer with _exit(5)";
	run_prepared(setting);
	CT_CHECK(ret == 0, "run_pipeline(producer, consumer, status)%s returned %d (errno %d); expected 0", setting,
		 ret, ret_errno);
	check_delivery(setting);
	bool swapped = WIFEXITED(status[0]) && WEXITSTATUS(status[0]) == 5 && WIFEXITED(status[1]) &&
		       WEXITSTATUS(status[1]) == 3;
	bool decoded = status[0] == 3 || status[1] == 5 || status[0] == 5 || status[1] == 3;
	CT_CHECK(WIFEXITED(status[0]) && WEXITSTATUS(status[0]) == 3 && WIFEXITED(status[1]) &&
			 WEXITSTATUS(status[1]) == 5,
		 "the producer ended with _exit(3) and the consumer with _exit(5), the two finishing %s (producer "
		 "first: %s); status[0] is %s and status[1] is %s. Expected status[0] to be the producer's wait "
		 "status (exited with 3) and status[1] the consumer's (exited with 5)%s",
		 order, o.rank[0] == 0 ? "yes" : "no", describe_status(status[0], said[0], sizeof said[0]),
		 describe_status(status[1], said[1], sizeof said[1]),
		 decoded	? ". Store the wait status itself, as waitpid gives it (the caller decodes it with "
			  "WIFEXITED and WEXITSTATUS), not the exit code"
		 : swapped ? ": the two are swapped. Wait for each child by its own pid (waitpid(pid, &status[k], "
			     "0)), whichever ends first, and store its status in its own slot"
			   : ", each as waitpid gave it for that child's pid");
}

CT_TEST(pipeline, correct_statuses_go_to_their_own_slots_whichever_child_ends_first)
{
	check_slots(CT_ORDER_REVERSED); /* the consumer first: left alone, the producer tends to end first */
	ct_pass();
}

CT_TEST(pipeline, correct_leaves_the_callers_own_children_alone)
{
	pid_t mine = ct_fork_ended_child(42);

	CT_CHECK(mine > 0, "grader error: fork failed");
	prepare(1000, true);
	run_prepared(", the caller having a child of its own that has ended");
	int st = 0;
	pid_t got = ct_real_waitpid(mine, &st, WNOHANG);
	char zombies[1024];
	int nz = ct_settle_children(names, 2, zombies, sizeof zombies);
	CT_CHECK(ret == 0, "run_pipeline(producer, consumer, status) returned %d (errno %d); expected 0", ret,
		 ret_errno);
	CT_CHECK(got == mine && WIFEXITED(st) && WEXITSTATUS(st) == 42,
		 "the caller had a child of its own (pid %d, ended with status 42) before it called run_pipeline, "
		 "and run_pipeline waited for it: wait for your two children by their pids (waitpid(pid, ...)), "
		 "never for any child (wait(), waitpid(-1, ...)), which may be someone else's",
		 (int)mine);
	CT_CHECK(nz == 0, "after run_pipeline returned: %s. Wait for both children (waitpid) before returning", zombies);
	check_statuses();
	ct_pass();
}

CT_TEST(pipeline, correct_no_descriptor_left_open_and_no_zombie)
{
	struct ct_fdset after;
	char leaked[1024], zombies[1024];

	run(1000);
	ct_fds_snapshot(&after);
	int nl = ct_fds_leaked(&fds_before, &after, leaked, sizeof leaked);
	CT_CHECK(nl == 0, "after run_pipeline returned, the caller still had %d descriptor%s it did not have before: "
		 "%s. %s", nl, nl == 1 ? "" : "s", leaked,
		 strstr(leaked, "pipe:[") ? "Close both ends of the pipe in the caller once the children are started"
					  : "Close every descriptor run_pipeline opens or duplicates before it returns");
	int nz = ct_unreaped_children(names, 2, zombies, sizeof zombies);
	CT_CHECK(nz == 0, "after run_pipeline returned: %s. Wait for both children (waitpid) before returning", zombies);
	check_statuses();
	ct_pass();
}

/* ---- error paths ----------------------------------------------------------- */

/* Runs with fault armed: call's nth use fails with err.  The stages do not meet (one may never start). */
static void run_failing(enum ct_call c, int nth, int err, const char *what)
{
	fault.call = c;
	fault.also = c == CT_CALL_waitpid ? CT_CALL_wait : CT_NCALLS;
	fault.nth = nth;
	fault.err = err;
	prepare(1000, false);
	run_prepared(what);
	fault.call = fault.also = CT_NCALLS;
}

/* After a failed call: -1 with errno err, no descriptor left, `left` children not waited for. */
static void check_failure(const char *what, int err, const char *errname, int want_left)
{
	struct ct_fdset after;
	char leaked[1024], zombies[1024];
	int nz = ct_settle_children(names, 2, zombies, sizeof zombies);

	CT_CHECK(ret == -1 && ret_errno == err,
		 "run_pipeline(producer, consumer, status), whose %s, returned %d with errno %d; expected -1 with errno "
		 "%s (%d): report the failure, and keep its errno safe from the calls made while cleaning up",
		 what, ret, ret_errno, errname, err);
	ct_fds_snapshot(&after);
	int nl = ct_fds_leaked(&fds_before, &after, leaked, sizeof leaked);
	CT_CHECK(nl == 0, "run_pipeline(producer, consumer, status), whose %s, returned leaving the caller %d "
		 "descriptor%s it did not have before: %s. Close the pipe on every path out", what, nl,
		 nl == 1 ? "" : "s", leaked);
	CT_CHECK(nz == want_left,
		 "run_pipeline(producer, consumer, status), whose %s, returned; then: %s. The children already started "
		 "must still be waited for before returning -1", what, nz ? zombies : "(none)");
}

CT_TEST(pipeline, correct_a_failed_pipe_or_fork_is_reported_and_nothing_is_left_behind)
{
	run_failing(CT_CALL_pipe, 1, EMFILE, " and pipe() failing with EMFILE");
	check_failure("pipe() failed with EMFILE", EMFILE, "EMFILE", 0);
	CT_CHECK(ct_count(CT_CALL_fork) == 0, "run_pipeline called fork() %d times after pipe() had failed: with no "
		 "pipe there is nothing to join the stages with; return -1 at once", ct_count(CT_CALL_fork));
	run_failing(CT_CALL_fork, 1, EAGAIN, " and the first fork() failing with EAGAIN");
	check_failure("first fork() failed with EAGAIN", EAGAIN, "EAGAIN", 0);
	run_failing(CT_CALL_fork, 2, EAGAIN, " and the second fork() failing with EAGAIN");
	check_failure("second fork() failed with EAGAIN (the producer had started)", EAGAIN, "EAGAIN", 0);
	CT_CHECK(ct_count(CT_CALL_fork) == 1, "run_pipeline, whose second fork() failed, started %d children",
		 ct_count(CT_CALL_fork));
	ct_pass();
}

CT_TEST(pipeline, correct_an_interrupted_wait_is_retried_and_a_failed_one_reported)
{
	char zombies[1024];

	run_failing(CT_CALL_waitpid, 1, EINTR, " and its first wait interrupted by a signal (EINTR)");
	int nz = ct_settle_children(names, 2, zombies, sizeof zombies);
	CT_CHECK(ret == 0,
		 "run_pipeline(producer, consumer, status), whose first waitpid() was interrupted by a signal (EINTR), "
		 "returned %d (errno %d); expected 0: an interrupted waitpid has waited for nothing yet, so call it "
		 "again",
		 ret, ret_errno);
	CT_CHECK(nz == 0, "after run_pipeline returned (its first wait had been interrupted): %s. Call waitpid again "
		 "after EINTR", zombies);
	check_statuses();

	/* The child whose wait failed is left (nothing reaped it); the other must have been waited for. */
	run_failing(CT_CALL_waitpid, 1, ECHILD, " and its first wait failing with ECHILD");
	check_failure("first waitpid() failed with ECHILD", ECHILD, "ECHILD", 1);
	ct_pass();
}

/* ---- a caller without standard input or output --------------------------------- */

/* Runs with the caller's descriptors `closed` (0, 1 or both) closed, so pipe() returns them. */
static void run_without(const int *closed, int nclosed, const char *setting)
{
	int saved[2];

	for (int i = 0; i < nclosed; i++) {
		saved[i] = fcntl(closed[i], F_DUPFD_CLOEXEC, 10);
		CT_CHECK(saved[i] >= 0, "grader error: cannot save fd %d", closed[i]);
		close(closed[i]);
	}
	prepare(1000, false);
	run_prepared(setting);
	for (int i = 0; i < nclosed; i++) {
		dup2(saved[i], closed[i]);
		close(saved[i]);
	}
	CT_CHECK(ret == 0, "run_pipeline(producer, consumer, status)%s returned %d (errno %d); expected 0", setting, ret,
		 ret_errno);
	CT_CHECK(rep->producer_on_pipe && rep->consumer_on_pipe && rep->sent == payload &&
			 rep->received == rep->sent && rep->received_sum == rep->sent_sum,
		 "run_pipeline(producer, consumer, status)%s: the producer's stdout %s a pipe, the consumer's stdin "
		 "%s a pipe, and the consumer read %zu of the %zu bytes written. Then pipe() returns the free "
		 "descriptors 0 or 1 themselves: a dup2(fd, fd) does nothing, and closing the original closes the "
		 "very descriptor the stage needs. Close an original only if it is not the target (if (fds[k] != "
		 "target) close(fds[k]))",
		 setting, rep->producer_on_pipe ? "was" : "was not", rep->consumer_on_pipe ? "was" : "was not",
		 rep->received, rep->sent);
	check_ends("producer", &rep->producer_ends, STDOUT_FILENO, true);
	check_ends("consumer", &rep->consumer_ends, STDIN_FILENO, false);
}

CT_TEST(pipeline, correct_works_when_the_caller_has_no_stdin_or_stdout)
{
	run_without((const int[]){STDIN_FILENO}, 1, ", called with standard input (fd 0) closed,");
	run_without((const int[]){STDOUT_FILENO}, 1, ", called with standard output (fd 1) closed,");
	run_without((const int[]){STDIN_FILENO, STDOUT_FILENO}, 2, ", called with fds 0 and 1 closed,");
	ct_pass();
}

CT_TEST(pipeline, timing_stages_run_at_the_same_time)
{
	run(1000);
	CT_CHECK(rep->producer_pid && rep->consumer_pid,
		 "run_pipeline(producer, consumer, status) returned without running the %s: both stages must run, "
		 "each in its own child", !rep->producer_pid ? "producer" : "consumer");
	CT_CHECK(ct_rendezvous_met(&rep->meet),
		 "the producer and the consumer were never alive at the same time (both wait up to 0.5 s for the "
		 "other at their start): fork both children first, then wait for them");
	ct_pass();
}
