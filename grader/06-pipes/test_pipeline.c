/*
 * test_pipeline.c - grader suite for lesson 06, exercise "pipeline" (pipeline.h).
 *
 * The grader's stages run in the student's children and report through
 * memory shared with them (ct_shared_alloc): which process they ran in,
 * whether their descriptor was a pipe, and what the consumer read.  Both
 * stages first meet at a rendezvous, so stages that do not run at the
 * same time are seen.  run_pipeline runs under ct_run_within(): if it does
 * not return, the test shows where every process is blocked, and on
 * which pipe, instead of waiting for its time limit.
 */
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ct_ipc.h"
#include "ct_test.h"
#include "pipeline.h"

CT_SUITE(pipeline);

#define DEADLINE_MS 2000

/* Written by the stages in the children, read by the test after run_pipeline. */
struct report {
	struct ct_rendezvous meet;
	pid_t producer_pid, consumer_pid;
	bool producer_on_pipe, consumer_on_pipe;
	size_t sent, received;
	unsigned long sent_sum, received_sum;
	bool consumer_done;
};

static struct report *rep;
static size_t payload; /* bytes the producer writes */
static pid_t test_pid;

static bool is_pipe(int fd)
{
	struct stat st;
	return fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode);
}

static unsigned char byte_at(size_t i) { return (unsigned char)(i * 7 + i / 251); }

static void producer(void)
{
	unsigned char chunk[4096];

	rep->producer_pid = getpid();
	rep->producer_on_pipe = is_pipe(STDOUT_FILENO);
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
}

static void consumer(void)
{
	unsigned char chunk[4096];
	ssize_t r;

	rep->consumer_pid = getpid();
	rep->consumer_on_pipe = is_pipe(STDIN_FILENO);
	ct_rendezvous_arrive(&rep->meet);
	while ((r = read(STDIN_FILENO, chunk, sizeof chunk)) > 0) {
		for (ssize_t i = 0; i < r; i++)
			rep->received_sum += chunk[i] * (rep->received + (size_t)i + 1);
		rep->received += (size_t)r;
	}
	rep->consumer_done = r == 0;
}

static const char *const names[] = {"the producer (child 1)", "the consumer (child 2)"};
static int status[2], ret;
static struct ct_fdset fds_before;

static void call(void *unused)
{
	(void)unused;
	ret = run_pipeline(producer, consumer, status);
}

/* Runs the pipeline with `bytes` to send; fails the test with the picture if it does not return. */
static void run(size_t bytes)
{
	char why[4096];

	test_pid = getpid();
	payload = bytes;
	rep = ct_shared_alloc(sizeof *rep);
	ct_rendezvous_init(&rep->meet, 2, 500 * CT_MS);
	ct_fds_snapshot(&fds_before);
	bool returned = ct_run_within(call, NULL, DEADLINE_MS * CT_MS, "run_pipeline", names, 2, why, sizeof why);
	CT_CHECK(returned,
		 "run_pipeline(producer, consumer, status) did not return within %d s, with the producer writing %zu "
		 "bytes. Where everything was blocked:\n%sThe consumer sees end of file only once every write end of "
		 "the pipe is closed, in every process: after fork and dup2, close the descriptors each process does "
		 "not use (the caller keeps neither end), and start both children before waiting for either",
		 DEADLINE_MS / 1000, bytes, why);
	CT_CHECK(ret == 0, "run_pipeline(producer, consumer, status) returned %d; expected 0", ret);
}

static void check_statuses(void)
{
	for (int k = 0; k < 2; k++)
		CT_CHECK(WIFEXITED(status[k]) && WEXITSTATUS(status[k]) == 0,
			 "status[%d] (the %s) is 0x%x; expected a child that exited with status 0 (each child ends with "
			 "_exit(0) after its stage returns; status[0] is the producer's, status[1] the consumer's)",
			 k, k == 0 ? "producer" : "consumer", (unsigned)status[k]);
}

CT_TEST(pipeline, correct_a_small_message_goes_through)
{
	run(1000);
	CT_CHECK(rep->received == rep->sent && rep->received_sum == rep->sent_sum,
		 "the producer wrote %zu bytes to its standard output; the consumer read %zu bytes%s from its "
		 "standard input: the producer's stdout and the consumer's stdin must be the two ends of one pipe",
		 rep->sent, rep->received, rep->received == rep->sent ? ", but not the same ones," : "");
	check_statuses();
	ct_pass();
}

CT_TEST(pipeline, correct_a_large_stream_reaches_end_of_file)
{
	run(256 * 1024);
	CT_CHECK(rep->consumer_done, "the consumer's read() failed instead of reaching end of file");
	CT_CHECK(rep->received == 256 * 1024 && rep->received_sum == rep->sent_sum,
		 "the producer wrote %zu bytes, more than a pipe holds; the consumer read %zu%s", rep->sent,
		 rep->received, rep->received == rep->sent ? ", but not the same bytes" : "");
	check_statuses();
	ct_pass();
}

CT_TEST(pipeline, correct_stages_run_in_two_children_joined_by_the_pipe)
{
	run(1000);
	CT_CHECK(ct_count(CT_CALL_fork) == 2, "run_pipeline called fork() %d times; expected 2 (one child per stage)",
		 ct_count(CT_CALL_fork));
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

CT_TEST(pipeline, correct_no_descriptor_left_open_and_no_zombie)
{
	struct ct_fdset after;
	char leaked[1024], zombies[1024];

	run(1000);
	ct_fds_snapshot(&after);
	int nl = ct_fds_leaked(&fds_before, &after, leaked, sizeof leaked);
	CT_CHECK(nl == 0, "after run_pipeline returned, the caller still had %d descriptor%s it did not have before: "
		 "%s. Close both ends of the pipe in the caller once the children are started", nl,
		 nl == 1 ? "" : "s", leaked);
	int nz = ct_unreaped_children(names, 2, zombies, sizeof zombies);
	CT_CHECK(nz == 0, "after run_pipeline returned: %s. Wait for both children (waitpid) before returning", zombies);
	check_statuses();
	ct_pass();
}

CT_TEST(pipeline, timing_stages_run_at_the_same_time)
{
	run(1000);
	CT_CHECK(ct_rendezvous_met(&rep->meet),
		 "the producer and the consumer were never alive at the same time (both wait up to 0.5 s for the "
		 "other at their start): fork both children first, then wait for them");
	ct_pass();
}
