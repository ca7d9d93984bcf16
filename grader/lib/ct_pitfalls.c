/*
 * ct_pitfalls.c - see ct_pitfalls.h.
 *
 * The shared record is written by children and read by the caller with
 * atomics only (no lock: a child may be forked while the caller is
 * anywhere, and may be ended at any point).
 */
#include "ct_pitfalls.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ct_api.h"
#include "ct_clock.h"
#include "ct_protocol.h"

struct record {
	atomic_int returned_pid;  /* first child of the student's that came back into the test, or 0 */
	char returned_where[160]; /* "the test's own check at test_spawn.c:54", written before returned_ready */
	atomic_bool returned_ready;
	atomic_int exits;         /* exit() calls in children of the student's */
	atomic_int first_exit_pid;
};

static struct record *rec;
static pid_t caller; /* the process whose checks are the test's */

void ct_pitfalls_reset(void)
{
	if (!rec) {
		void *p = ct_real_mmap(NULL, sizeof *rec, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			perror("ct_pitfalls: mmap");
			return;
		}
		rec = p;
	}
	memset(rec, 0, sizeof *rec);
	caller = getpid();
}

void ct_pitfalls_adopt(void) { caller = getpid(); }

/* In a child of the student's: records where it came back (the first one only) and ends it. */
static void child_came_back(const char *where)
{
	int none = 0;

	if (atomic_compare_exchange_strong(&rec->returned_pid, &none, (int)getpid())) {
		snprintf(rec->returned_where, sizeof rec->returned_where, "%s", where);
		atomic_store(&rec->returned_ready, true);
	}
	ct_exit_now(CT_EXIT_CHILD_RETURNED);
}

static bool in_students_child(void)
{
	return rec && getpid() != caller && ct_in_forked_child();
}

const char *ct_pitfalls_checkpoint(const char *file, int line)
{
	static char message[512];

	if (!rec)
		return NULL;
	if (in_students_child()) {
		char where[160];
		const char *base = strrchr(file, '/');
		snprintf(where, sizeof where, "the test's own check at %s:%d", base ? base + 1 : file, line);
		child_came_back(where);
	}
	if (getpid() != caller || !atomic_load(&rec->returned_ready))
		return NULL;
	snprintf(message, sizeof message,
		 "a child process (pid %d) returned from the function under test and went on running its caller's "
		 "code: it reached %s. A child must end with _exit() once its work is done "
		 "(in a real program it would run everything after the call a second time)",
		 atomic_load(&rec->returned_pid), rec->returned_where);
	return message;
}

void ct_pitfalls_returned_from(const char *function)
{
	char where[160];

	if (!in_students_child())
		return;
	snprintf(where, sizeof where, "the grader's code right after %s() returned", function);
	child_came_back(where);
}

void ct_pitfall_note_exit(int status)
{
	(void)status;
	if (!rec || getpid() == caller || !ct_in_forked_child())
		return;
	int none = 0;
	atomic_compare_exchange_strong(&rec->first_exit_pid, &none, (int)getpid());
	atomic_fetch_add(&rec->exits, 1);
}

int ct_pitfall_exits(pid_t *first)
{
	if (!rec)
		return 0;
	if (first)
		*first = (pid_t)atomic_load(&rec->first_exit_pid);
	return atomic_load(&rec->exits);
}
