/*
 * test_race_modes.c - unit tests of the other race modes' readers,
 * grader/harness/drd_report.c and tsan_report.c, on real DRD (Valgrind
 * 3.19) and ThreadSanitizer (gcc 12) output: each tool's findings must come
 * out in the same plain words as Helgrind's.
 *
 * Run with the repository root as the current directory.  The fixtures
 * tests/unit/fixtures/drd_NAME.xml and tsan_NAME.log were made by
 * tests/unit/helgrind_programs/regenerate_race_modes.sh from
 * tests/unit/helgrind_programs/NAME.c (a #line copy built in RM_BUILD), the
 * programs behind Helgrind's hgp_NAME fixtures, so both can be compared.
 * Hand-made, from real runs of global_race built with -fsanitize=thread:
 *   tsan_fatal_rlimit_as.log  run under prlimit --as=16TiB (a hard limit)
 *   tsan_fatal_shadow.log     run under prlimit --data=8GiB
 * The hostile and truncated logs are written by the tests themselves.
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drd_report.h"
#include "helgrind_internal.h" /* struct sb */
#include "helgrind_report.h"
#include "report_asserts.h"
#include "tsan_report.h"
#include "util.h"

/* Where regenerate_race_modes.sh built the programs (and regenerate.sh, for Helgrind's). */
#define RM_BUILD  "/tmp/concur-rm/build"
#define HGP_BUILD "/tmp/concur-hgp/build"
#define SRC	  "tests/unit/helgrind_programs/"
/* How a ThreadSanitizer report begins (tsan_report.c) and ends. */
#define TS_TITLE_FOR_TESTS "WARNING: ThreadSanitizer: "
#define TS_RULE_LINE	   "\n==================\n"

static void load_drd(struct hg_report *r, const char *name)
{
	char path[256];
	int rc;

	snprintf(path, sizeof path, FIX "drd_%s.xml", name);
	rc = drd_report_load(path, RM_BUILD, r);
	cr_assert_eq(rc, 0, "loading %s returned %d", path, rc);
	cr_assert_eq(r->ok, 1, "%s is incomplete", path);
	assert_str(r->tool, "DRD");
}

static void load_tsan(struct hg_report *r, const char *name)
{
	char path[256];
	int rc;

	snprintf(path, sizeof path, FIX "tsan_%s.log", name);
	rc = tsan_report_load(path, RM_BUILD, r);
	cr_assert_eq(rc, 0, "loading %s returned %d", path, rc);
	cr_assert_eq(r->ok, 1, "%s is incomplete", path);
	assert_str(r->tool, "ThreadSanitizer");
}

/* Helgrind's report on the same program (the race XML and the explaining log). */
static void load_helgrind(struct hg_report *r, const char *name)
{
	char xml[256], log[256];

	snprintf(xml, sizeof xml, FIX "hgp_%s.xml", name);
	snprintf(log, sizeof log, FIX "hgp_%s.log", name);
	cr_assert_eq(hg_report_load_ex(xml, log, HGP_BUILD, r), 0);
	cr_assert_eq(r->ok, 1);
}

/* The line of s that contains needle, malloc'd (asserts there is one). */
static char *line_with(const char *s, const char *needle)
{
	const char *p = s ? strstr(s, needle) : NULL, *start, *end;

	cr_assert_not_null(p, "no line has \"%s\" in:\n%s", needle, s ? s : "(null)");
	for (start = p; start > s && start[-1] != '\n'; start--)
		;
	end = strchr(p, '\n');
	return xstrndup(start, end ? (size_t)(end - start) : strlen(start));
}

/* Writes text (len bytes) to a fresh temporary file; returns its path (malloc'd). */
static char *temp_file(const char *text, size_t len)
{
	char *path = xstrdup("/tmp/concur-race-modes-XXXXXX");
	int fd = mkstemp(path);

	cr_assert_neq(fd, -1, "mkstemp: %s", strerror(errno));
	cr_assert_eq(write(fd, text, len), (ssize_t)len);
	cr_assert_eq(close(fd), 0);
	return path;
}

/* ---- the same words as Helgrind's ------------------------------------------ */

Test(race_modes, tsan_simple_race_reads_as_helgrinds)
{
	struct hg_report t, h;
	const struct hg_finding *f;
	char *out;

	load_tsan(&t, "global_race");
	load_helgrind(&h, "global_race");
	cr_assert_eq(t.nfindings, 1);
	f = &t.findings[0];
	assert_str(f->kind, "Race");
	assert_str(f->variable, "balance");
	cr_assert_eq(f->var_kind, HG_VAR_GLOBAL);
	cr_assert_eq(f->now.thread, 3);
	assert_str(f->now.fn, "audit");
	assert_str(f->now.file, SRC "global_race.c");
	cr_assert_eq(f->now.line, 28);
	cr_assert_eq(f->now.is_write, 0);
	cr_assert_eq(f->now.size, 8);
	cr_assert_eq(f->now.nlocks, 0);
	cr_assert_eq(f->before.thread, 2);
	assert_str(f->before.fn, "deposit");
	cr_assert_eq(f->before.line, 17);
	cr_assert_eq(f->before.is_write, 1);
	/* word for word Helgrind's, but for the declaration ThreadSanitizer does not give */
	assert_has(f->explanation, "Data race on `balance` (global variable).\n");
	assert_has(h.findings[0].explanation,
		   "Data race on `balance` (global variable, declared at " SRC "global_race.c:10).\n");
	for (int i = 0; i < 3; i++) {
		static const char *const parts[] = {"thread #3 read it", "thread #2 wrote it", "Nothing orders"};
		char *a = line_with(f->explanation, parts[i]), *b = line_with(h.findings[0].explanation, parts[i]);

		assert_str(a, b);
		free(a);
		free(b);
	}
	assert_has(f->explanation, "  thread #3 read it in audit() at " SRC "global_race.c:28, holding no lock;\n");
	assert_has(f->explanation, "  thread #2 wrote it in deposit() at " SRC "global_race.c:17, holding no lock.\n");
	assert_str(t.thread_info, h.thread_info);
	assert_has(t.thread_info, "thread #2 was created by main() at " SRC "global_race.c:42 to run deposit()");
	out = printed(&t, -1);
	assert_has(out, "ThreadSanitizer found 1 problem.\nThreadSanitizer reports *possible* problems");
	assert_lacks(out, "Helgrind");
	free(out);
	hg_report_free(&t);
	hg_report_free(&h);
}

Test(race_modes, tsan_heap_race_reads_as_helgrinds)
{
	struct hg_report t, h;
	char *a, *b;

	load_tsan(&t, "heap_offsets");
	load_helgrind(&h, "heap_offsets");
	cr_assert_eq(t.nfindings, 1, "three offsets, the same lines: one finding");
	cr_assert_eq(t.counts[0], 3);
	cr_assert_eq(t.findings[0].var_kind, HG_VAR_HEAP);
	cr_assert_eq(t.findings[0].block_size, 100);
	cr_assert_eq(t.findings[0].noffsets, 3);
	cr_assert_eq(t.findings[0].alloc.line, 44);
	a = line_with(t.findings[0].explanation, "Data race on");
	b = line_with(h.findings[0].explanation, "Data race on");
	assert_str(a, "Data race on a heap block allocated in main() at " SRC
		      "heap_offsets.c:44 (at bytes 0, 1 and 97 of the 100-byte block).");
	assert_str(a, b);
	assert_has(t.findings[0].explanation,
		   "thread #3 wrote it in write_byte() at " SRC "heap_offsets.c:23, holding no lock;");
	assert_has(t.findings[0].explanation,
		   "thread #2 read it in read_byte() at " SRC "heap_offsets.c:22, holding no lock.");
	free(a);
	free(b);
	hg_report_free(&t);
	hg_report_free(&h);
}

Test(race_modes, tsan_lock_order_of_two_reads_as_helgrinds)
{
	struct hg_report t, h;
	const struct hg_finding *f;
	char *a, *b;

	load_tsan(&t, "lock_order_ab");
	load_helgrind(&h, "lock_order_ab");
	cr_assert_eq(t.nfindings, 1);
	f = &t.findings[0];
	assert_str(f->kind, "LockOrder");
	cr_assert_eq(f->ncycle, 2);
	assert_str(f->cycle[0].held, "from_lock"); /* the names, from the calls in the source */
	assert_str(f->cycle[0].taken, "to_lock");
	cr_assert_eq(f->cycle[0].thread, 2);
	cr_assert_eq(f->cycle[0].held_at.line, 16);
	cr_assert_eq(f->cycle[0].taken_at.line, 17);
	cr_assert_eq(f->cycle[1].thread, 3);
	a = line_with(f->explanation, "Lock-order cycle");
	b = line_with(h.findings[0].explanation, "Lock-order cycle");
	assert_str(a,
		   "Lock-order cycle through 2 locks (a possible deadlock): `from_lock` -> `to_lock` -> `from_lock`.");
	assert_str(a, b);
	free(a);
	free(b);
	/* ThreadSanitizer names the first thread too, where Helgrind cannot */
	assert_has(f->explanation,
		   "  thread #2 took `from_lock` in transfer_ab() at " SRC "lock_order_ab.c:16, then `to_lock` at " SRC
		   "lock_order_ab.c:17 while still holding `from_lock`;\n");
	a = line_with(f->explanation, "thread #3 took");
	b = line_with(h.findings[0].explanation, "thread #3 took");
	assert_str(a, b);
	free(a);
	free(b);
	assert_has(f->explanation, "take `from_lock` first there.");
	assert_has(t.thread_info, "thread #3 was created by main() at " SRC "lock_order_ab.c:43 to run refund_ba()");
	hg_report_free(&t);
	hg_report_free(&h);
}

Test(race_modes, tsan_five_philosophers_cycle)
{
	struct hg_report t;
	const struct hg_finding *f;
	char *out;

	load_tsan(&t, "philosophers");
	cr_assert_eq(t.nfindings, 1);
	f = &t.findings[0];
	cr_assert_eq(f->ncycle, 5, "the whole cycle, from one report");
	/* pthread_mutex_lock(&chop[left]) names every chopstick alike: ThreadSanitizer's numbers stay */
	for (int k = 0; k < 5; k++) {
		char held[32], taken[32];

		snprintf(held, sizeof held, "mutex M%d", k);
		snprintf(taken, sizeof taken, "mutex M%d", (k + 1) % 5);
		assert_str(f->cycle[k].held, held);
		assert_str(f->cycle[k].taken, taken);
		cr_assert_eq(f->cycle[k].thread, k + 2);
		cr_assert_eq(f->cycle[k].held_at.line, 27);
		cr_assert_eq(f->cycle[k].taken_at.line, 28);
	}
	assert_has(f->explanation,
		   "Lock-order cycle through 5 locks (a possible deadlock): mutex M0 -> mutex M1 -> mutex M2 -> "
		   "mutex M3 -> mutex M4 -> mutex M0.\n");
	assert_has(f->explanation,
		   "  thread #6 took mutex M4 in philosopher() at " SRC "philosophers.c:27, then mutex M0 at " SRC
		   "philosophers.c:28 while still holding mutex M4.\n");
	assert_has(f->explanation, "as the dining philosophers");
	assert_has(f->explanation, "The step that goes against it takes mutex M0 while holding mutex M4 (thread #6");
	assert_has(f->explanation, "a semaphore with 4 seats");
	out = printed(&t, -1);
	assert_has(out, "ThreadSanitizer reports *possible* deadlocks");
	assert_has(out, "thread #6 was created by main() at " SRC "philosophers.c:45 to run philosopher()");
	free(out);
	hg_report_free(&t);
}

Test(race_modes, tsan_race_with_the_locks_each_side_held)
{
	struct hg_report t;
	const struct hg_finding *f;

	load_tsan(&t, "local_lock");
	f = &t.findings[0];
	cr_assert_eq(f->var_kind, HG_VAR_LOCAL);
	assert_str(f->stack_info, "thread #1's stack");
	cr_assert_eq(f->now.nlocks, 0);
	cr_assert_eq(f->before.nlocks, 2);
	cr_assert_eq(f->before.nlocks_hidden, 1, "the batch mutex was destroyed since");
	assert_str(f->before.locks_named,
		   "tally.lock"); /* "Mutex M0 created at" pthread_mutex_init(&tally.lock, NULL) */
	assert_has(f->explanation, "Data race on a local variable on thread #1's stack.\n");
	assert_has(f->explanation, "thread #2 wrote it in add_locked() at " SRC
				   "local_lock.c:31, holding 2 locks (tally.lock, and 1 that "
				   "no longer existed when ThreadSanitizer reported: destroyed or freed since).");
	assert_has(f->explanation, "One access is protected and the other is not");
	hg_report_free(&t);
}

Test(race_modes, tsan_race_with_free)
{
	struct hg_report t;
	const struct hg_finding *f;

	load_tsan(&t, "free_race");
	f = &t.findings[0];
	cr_assert_eq(f->free_race, 1);
	cr_assert_eq(f->var_kind, HG_VAR_HEAP);
	assert_has(f->explanation, "Data race with free() on a heap block, freed since.\n");
	assert_has(f->explanation, "  thread #1 freed it in main() at " SRC "free_race.c:42, holding no lock;\n");
	assert_has(f->explanation, "  thread #2 read it in worker() at " SRC "free_race.c:22, holding no lock.\n");
	assert_has(f->explanation, "free the block only after every thread that uses it has finished with it");
	hg_report_free(&t);
}

Test(race_modes, tsan_unlock_of_a_mutex_not_held)
{
	struct hg_report t;
	char *out;

	load_tsan(&t, "unlock_errors");
	cr_assert_eq(t.nfindings, 2, "the foreign unlock and the unlock of an unlocked mutex; not the re-lock");
	assert_str(t.findings[0].object, "queue_lock"); /* "Location is global 'queue_lock' of size 40" */
	assert_has(t.findings[0].explanation,
		   "Unlocking a mutex that this thread does not hold: thread #1 in release_queue() at " SRC
		   "unlock_errors.c:17.\n");
	assert_has(t.findings[0].explanation,
		   "  ThreadSanitizer says: \"unlock of an unlocked mutex (or by a wrong thread)\".\n");
	assert_has(t.findings[0].explanation, "  The mutex is `queue_lock`.\n");
	/* a thread's own stack says not which thread it is */
	assert_has(t.findings[1].explanation,
		   "Unlocking a mutex that this thread does not hold: a thread in foreign_unlock() at " SRC
		   "unlock_errors.c:22.\n");
	assert_has(t.findings[1].explanation, "  The mutex is `stats_lock`.\n");
	assert_has(t.findings[1].explanation, "Only the thread that locked a mutex may unlock it.");
	out = printed(&t, -1);
	assert_has(out, "ThreadSanitizer found 2 problems.\nThreadSanitizer saw the threads API misused");
	free(out);
	hg_report_free(&t);
}

Test(race_modes, tsan_condition_variable_misuse)
{
	struct hg_report t;
	const struct hg_finding *f;

	load_tsan(&t, "condvar_errors");
	cr_assert_eq(t.nfindings, 2, "the wait without the mutex and the destroy; not the two mutexes nor the signal");
	f = &t.findings[0];
	assert_str(f->kind, "Misc");
	assert_str(f->misuse, "called with un-held mutex");
	assert_str(f->object, "ready");
	assert_str(f->cond_mutex, "ready_lock");
	assert_has(f->explanation,
		   "Waiting on a condition variable without holding its mutex: thread #1 in wait_unlocked() at " SRC
		   "condvar_errors.c:53.\n");
	assert_has(f->explanation, "  The condition variable is `ready`, waited on with `ready_lock`.\n");
	/* a race between pthread_cond_destroy() and the wait is the destroy of a waited-on condition variable */
	f = &t.findings[1];
	assert_str(f->object, "gone");
	assert_has(f->explanation,
		   "Destroying a condition variable that a thread is waiting on: thread #1 in destroy_waited() at " SRC
		   "condvar_errors.c:89.\n");
	assert_has(f->explanation, "  ThreadSanitizer says: \"data race\".\n");
	cr_assert_eq(f->nthreads, 2);
	cr_assert_eq(f->threads[1], 3);
	assert_has(t.thread_info,
		   "thread #3 was created by destroy_waited() at " SRC "condvar_errors.c:86 to run gone_waiter()");
	hg_report_free(&t);
}

Test(race_modes, tsan_destroy_of_a_locked_mutex)
{
	struct hg_report t;

	load_tsan(&t, "destroy_locked");
	cr_assert_eq(t.nfindings, 1);
	assert_has(t.findings[0].explanation,
		   "Destroying a mutex that is locked: thread #1 in main() at " SRC "destroy_locked.c:25.\n");
	assert_has(t.findings[0].explanation, "  The mutex is `cache_lock`.\n");
	assert_has(t.findings[0].explanation,
		   "  The thread took it before in flush_cache() at " SRC "destroy_locked.c:15 and");
	hg_report_free(&t);
}

Test(race_modes, tsan_is_silent_on_what_it_does_not_check)
{
	/* measured: no report for these (the logs are empty) */
	static const char *const silent[] = {"exit_holding", "barrier_errors", "rwlock_errors", "semaphore_errors"};

	for (size_t i = 0; i < sizeof silent / sizeof silent[0]; i++) {
		struct hg_report t;
		char *out;

		load_tsan(&t, silent[i]);
		cr_assert_eq(t.nfindings, 0, "%s", silent[i]);
		out = printed(&t, -1);
		assert_str(out, "ThreadSanitizer found no problems.\n");
		free(out);
		hg_report_free(&t);
	}
}

Test(race_modes, tsan_fatal_errors_are_not_a_clean_run)
{
	static const char *const logs[][2] = {
	    {FIX "tsan_fatal_rlimit_as.log", "ERROR: ThreadSanitizer setrlimit() failed 22"},
	    {FIX "tsan_fatal_shadow.log", "ERROR: ThreadSanitizer failed to allocate 0x1f0000000000"},
	};

	for (size_t i = 0; i < sizeof logs / sizeof logs[0]; i++) {
		struct hg_report t;
		char *out;

		cr_assert_eq(tsan_report_load(logs[i][0], NULL, &t), 0);
		cr_assert_eq(t.ok, 0);
		cr_assert_eq(t.nfindings, 0);
		assert_has(t.fatal, logs[i][1]);
		out = printed(&t, -1);
		assert_has(out,
			   "ThreadSanitizer stopped with an error of its own, so it could not check the whole run: \"");
		assert_lacks(out, "found no problems");
		free(out);
		hg_report_free(&t);
	}
}

/* ---- DRD ------------------------------------------------------------------- */

Test(race_modes, drd_simple_race)
{
	struct hg_report d;
	const struct hg_finding *f;
	char *out;

	load_drd(&d, "global_race");
	cr_assert_eq(d.nfindings, 2, "audit()'s loads at two lines");
	f = &d.findings[0];
	assert_str(f->kind, "Race");
	assert_str(f->variable, "balance");
	assert_str(f->variable_decl, SRC "global_race.c:10");
	cr_assert_eq(f->now.thread, 3);
	cr_assert_eq(f->now.line, 28);
	cr_assert_eq(f->now.is_write, 0);
	cr_assert_eq(f->now.nlocks, -1, "DRD does not say");
	/* DRD records no place for the other access: only the other thread's segment */
	cr_assert_eq(f->before.thread, 0);
	cr_assert_null(f->before.file);
	cr_assert_null(f->seg_start.file);
	assert_str(f->seg_end.fn, "deposit");
	cr_assert_eq(f->seg_end.line, 18);
	assert_has(f->explanation, "Data race on `balance` (global variable, declared at " SRC "global_race.c:10).\n");
	assert_has(f->explanation, "  thread #3 read it in audit() at " SRC "global_race.c:28;\n");
	assert_has(f->explanation,
		   "  another thread (running deposit()) accessed it somewhere between its start and deposit() at " SRC
		   "global_race.c:18 (DRD records the stretch");
	assert_has(f->explanation, "Protect every access to `balance` with the same mutex");
	out = printed(&d, -1);
	assert_has(out, "DRD found 2 problems.\nDRD reports *possible* problems");
	assert_has(out, "Threads: thread #3 runs audit().\n");
	assert_lacks(out, "Helgrind");
	free(out);
	hg_report_free(&d);
}

Test(race_modes, drd_race_without_var_info_has_no_name)
{
	struct hg_report d;

	cr_assert_eq(drd_report_load(FIX "drd_global_race_novarinfo.xml", RM_BUILD, &d), 0);
	cr_assert_null(d.findings[0].variable);
	assert_has(d.findings[0].explanation, "Data race on an unnamed location.\n");
	hg_report_free(&d);
}

Test(race_modes, drd_race_once_the_other_thread_finished)
{
	struct hg_report d;

	load_drd(&d, "many_threads");
	cr_assert_eq(d.nfindings, 1);
	assert_has(d.findings[0].explanation,
		   "Data race on `hits` (global variable, declared at " SRC "many_threads.c:12).\n");
	assert_has(d.findings[0].explanation, "  thread #15 read it in hit() at " SRC "many_threads.c:26;\n");
	assert_has(d.findings[0].explanation,
		   "  another thread accessed it too: DRD shows no place for that access (the thread had already "
		   "finished when DRD saw the conflict).\n");
	hg_report_free(&d);
}

Test(race_modes, drd_heap_and_stack_races)
{
	struct hg_report d;

	load_drd(&d, "heap_offsets");
	cr_assert_eq(d.nfindings, 1);
	cr_assert_eq(d.counts[0], 3);
	assert_has(d.findings[0].explanation, "Data race on a heap block allocated in main() at " SRC
					      "heap_offsets.c:44 (at bytes 0, 1 and 97).\n");
	assert_has(d.findings[0].explanation, "thread #3 wrote it in write_byte() at " SRC "heap_offsets.c:23;");
	hg_report_free(&d);

	load_drd(&d, "local_lock");
	assert_str(d.findings[0].variable, "tally.count");
	cr_assert_eq(d.findings[0].var_kind, HG_VAR_LOCAL);
	assert_has(d.findings[0].explanation, "Data race on `tally.count` (local variable, declared at " SRC
					      "local_lock.c:50, on thread #1's stack).\n");
	hg_report_free(&d);

	load_drd(&d, "free_race");
	cr_assert_eq(d.findings[0].free_race, 1);
	assert_has(d.findings[0].explanation,
		   "Data race with free() on a heap block allocated in main() at " SRC
		   "free_race.c:27 (at byte 0).\n  thread #1 freed it in main() at " SRC "free_race.c:42;\n");
	hg_report_free(&d);
}

Test(race_modes, drd_does_not_check_lock_order)
{
	static const char *const names[] = {"lock_order_ab", "philosophers"};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		struct hg_report d;
		char *out;

		load_drd(&d, names[i]);
		cr_assert_eq(d.nfindings, 0, "%s: measured, DRD has no lock-order check", names[i]);
		out = printed(&d, -1);
		assert_str(out, "DRD found no problems.\n");
		free(out);
		hg_report_free(&d);
	}
}

Test(race_modes, drd_mutex_misuse)
{
	struct hg_report d;

	load_drd(&d, "unlock_errors");
	cr_assert_eq(d.nfindings, 3);
	assert_has(d.findings[0].explanation,
		   "Unlocking a mutex that was never locked, or is not a valid mutex: thread #1 in "
		   "release_queue() at " SRC "unlock_errors.c:17.\n");
	assert_has(d.findings[0].explanation, "  DRD says: \"The object at address 0x10c080 is not a mutex\".\n");
	assert_has(d.findings[0].explanation, "  The mutex is `queue_lock`.\n");
	assert_str(d.findings[1].kind, "UnlockForeign");
	cr_assert_eq(d.findings[1].other_thread, 1);
	assert_has(d.findings[1].explanation,
		   "Unlocking a mutex that another thread holds: a thread in foreign_unlock() at " SRC
		   "unlock_errors.c:22.\n");
	assert_has(d.findings[1].explanation,
		   "  Thread #1 holds it.\n  The lock was first used in main() at " SRC "unlock_errors.c:46.\n");
	assert_has(d.findings[2].explanation,
		   "Locking a mutex that this thread already holds: thread #1 in reload_config() at " SRC
		   "unlock_errors.c:29.\n");
	assert_has(d.findings[2].explanation, "  The mutex is `config_lock`.\n");
	hg_report_free(&d);

	load_drd(&d, "destroy_locked");
	assert_has(d.findings[0].explanation,
		   "Destroying a mutex that is locked: thread #1 in main() at " SRC "destroy_locked.c:25.\n");
	assert_has(d.findings[0].explanation,
		   "The lock was first used in flush_cache() at " SRC "destroy_locked.c:15.\n");
	hg_report_free(&d);
}

Test(race_modes, drd_threads_that_exit_holding_locks)
{
	struct hg_report d;
	const struct hg_finding *f;
	char *out;

	load_drd(&d, "exit_holding");
	cr_assert_eq(d.nerrors, 3, "DRD's four errors, one per lock, are one raw finding per thread");
	cr_assert_eq(d.nfindings, 2);
	f = &d.findings[0];
	cr_assert_eq(f->nexit_locks, 1);
	assert_str(f->exit_locks, "`a->lock`");
	cr_assert_eq(f->nthreads, 2);
	assert_has(f->explanation, "Threads #2 and #3 each ended while still holding 1 lock (they run withdraw()).\n");
	assert_has(f->explanation,
		   "  Each still holds `a->lock`, first used in withdraw() at " SRC "exit_holding.c:34.\n");
	f = &d.findings[1];
	cr_assert_eq(f->nexit_locks, 2);
	assert_has(f->explanation, "A thread ended while still holding 2 locks: thread #4 (which runs log_line()).\n");
	assert_has(f->explanation, "  It still holds `accounts[2].lock` and `log_lock`.\n");
	assert_has(f->explanation, "Look in log_line() (and the functions it calls)");
	out = printed(&d, -1);
	assert_has(out, "Threads: thread #2 runs withdraw(); thread #3 runs withdraw(); thread #4 runs log_line().\n");
	free(out);
	hg_report_free(&d);
}

Test(race_modes, drd_condition_variable_misuse)
{
	struct hg_report d;

	load_drd(&d, "condvar_errors");
	cr_assert_eq(d.nfindings, 2, "measured: the wait without the mutex and the two mutexes");
	assert_has(d.findings[0].explanation,
		   "Waiting on a condition variable without holding its mutex: thread #1 in wait_unlocked() "
		   "at " SRC "condvar_errors.c:53.\n");
	assert_has(d.findings[0].explanation, "  The condition variable is `ready`, waited on with `ready_lock`.\n");
	assert_lacks(d.findings[0].explanation, "first used");
	assert_has(d.findings[1].explanation,
		   "One condition variable used with two different mutexes: thread #1 in two_mutexes() at " SRC
		   "condvar_errors.c:62.\n");
	assert_has(d.findings[1].explanation,
		   "  Elsewhere, `ready` is waited on with `ready_lock` (at " SRC "condvar_errors.c:43).\n");
	assert_has(d.findings[1].explanation,
		   "  The condition variable was first used in waiter() at " SRC "condvar_errors.c:43.\n");
	hg_report_free(&d);
}

Test(race_modes, drd_barrier_rwlock_and_semaphore_misuse)
{
	struct hg_report d;

	load_drd(&d, "barrier_errors");
	cr_assert_eq(d.nfindings, 2);
	assert_has(d.findings[0].explanation,
		   "A barrier initialised with a count of 0: thread #1 in main() at " SRC "barrier_errors.c:13.\n");
	assert_has(d.findings[0].explanation, "  The barrier is `start_line`.\n");
	assert_has(d.findings[1].explanation,
		   "Initialising a barrier that is already initialised: thread #1 in main() at " SRC
		   "barrier_errors.c:16.\n");
	assert_has(d.findings[1].explanation,
		   "  The barrier was first used in main() at " SRC "barrier_errors.c:14.\n");
	hg_report_free(&d);

	load_drd(&d, "rwlock_errors");
	cr_assert_eq(d.nfindings, 2);
	assert_has(d.findings[0].explanation,
		   "Using a read-write lock that is not initialised, or already destroyed: thread #1 in "
		   "main() at " SRC "rwlock_errors.c:12.\n");
	assert_has(d.findings[1].explanation,
		   "Destroying a read-write lock that is locked: thread #1 in main() at " SRC "rwlock_errors.c:14.\n");
	assert_has(d.findings[1].explanation, "  The read-write lock is `table_lock`.\n");
	hg_report_free(&d);

	load_drd(&d, "semaphore_errors");
	cr_assert_eq(d.nfindings, 1, "measured: not the two sem_init()s");
	assert_has(d.findings[0].explanation,
		   "Using a semaphore that was never initialised, or is already destroyed: thread #1 in "
		   "consume() at " SRC "semaphore_errors.c:25.\n");
	assert_has(d.findings[0].explanation, "  The semaphore is `q.items`.\n");
	assert_lacks(d.findings[0].explanation, "first used"); /* at the same line */
	hg_report_free(&d);
}

Test(race_modes, drd_bad_input)
{
	struct hg_report d;

	memset(&d, 0x55, sizeof d);
	cr_assert_eq(drd_report_load(FIX "no_such_file.xml", NULL, &d), -1);
	cr_assert_eq(d.nfindings, 0);
	cr_assert_null(d.findings);
	hg_report_free(&d);
	cr_assert_eq(drd_report_load(FIX "hg_not_xml.xml", NULL, &d), -1);
	cr_assert_eq(drd_report_load(FIX "hg_empty.xml", NULL, &d), -1);
	cr_assert_eq(drd_report_load(NULL, NULL, &d), -1);
	cr_assert_eq(drd_report_load(FIX "drd_global_race.xml", NULL, NULL), -1);
}

/* Every cut of a real document, as Valgrind killed by a timeout leaves it: never a crash. */
Test(race_modes, drd_truncated_anywhere)
{
	size_t len;
	char *text = read_file(FIX "drd_exit_holding.xml", 1 << 20);
	struct hg_report full;

	cr_assert_not_null(text);
	len = strlen(text);
	/* the document is whole once its closing tag is */
	const char *close = strstr(text, "</valgrindoutput>");

	cr_assert_not_null(close);
	len = (size_t)(close - text) + strlen("</valgrindoutput>") - 1;
	load_drd(&full, "exit_holding");
	for (size_t cut = 0; cut < len; cut += 7) {
		char *path = temp_file(text, cut);
		struct hg_report d;
		int rc = drd_report_load(path, RM_BUILD, &d);

		cr_assert(rc == 0 || rc == -1);
		cr_assert_eq(d.ok, 0, "cut at %zu of %zu is not complete", cut, len);
		cr_assert_leq(d.nerrors, full.nerrors);
		hg_report_free(&d);
		cr_assert_eq(unlink(path), 0);
		free(path);
	}
	hg_report_free(&full);
	free(text);
}

/* ---- hostile and truncated ThreadSanitizer logs ---------------------------- */

/* Every cut of a real log: never a crash; a report cut off is dropped and makes the log incomplete. */
static void tsan_cut_everywhere(const char *name)
{
	char path0[256];
	size_t len;
	char *text;
	struct hg_report full;

	snprintf(path0, sizeof path0, FIX "tsan_%s.log", name);
	text = read_file(path0, 1 << 20);
	cr_assert_not_null(text);
	len = strlen(text);
	load_tsan(&full, name);
	for (size_t cut = 0; cut < len; cut++) {
		char *path = temp_file(text, cut);
		struct hg_report t;
		/* inside a report: after a title began and before the rule that ends it */
		const char *title = NULL, *end = NULL;
		int inside;

		/* the reader sees a title once its whole prefix is there, the end once the whole rule is */
		for (const char *p = text;
		     (p = strstr(p, TS_TITLE_FOR_TESTS)) && (size_t)(p - text) + strlen(TS_TITLE_FOR_TESTS) <= cut; p++)
			title = p;
		if (title)
			end = strstr(title, TS_RULE_LINE);
		inside = title && (!end || cut < (size_t)(end - text) + strlen(TS_RULE_LINE) - 1);
		cr_assert_eq(tsan_report_load(path, RM_BUILD, &t), 0, "cut at %zu", cut);
		cr_assert_leq(t.nerrors, full.nerrors);
		if (inside)
			cr_assert_eq(t.ok, 0, "%s cut at %zu inside a report reads as complete", name, cut);
		else
			cr_assert_eq(t.ok, 1, "%s cut at %zu between reports reads as incomplete", name, cut);
		hg_report_free(&t);
		cr_assert_eq(unlink(path), 0);
		free(path);
	}
	hg_report_free(&full);
	free(text);
}

Test(race_modes, tsan_truncated_anywhere, .timeout = 120)
{
	tsan_cut_everywhere("lock_order_ab");
	tsan_cut_everywhere("unlock_errors");
	tsan_cut_everywhere("local_lock");
}

/* A log built to break the reader: huge lines and numbers, too many of everything, NUL bytes. */
Test(race_modes, tsan_hostile_log, .timeout = 60)
{
	struct sb b = {0};
	struct hg_report t;
	char *text, *path;
	size_t len;

	/* a report with an endless header line, absurd numbers, a frame of nothing */
	sb_printf(&b, "==================\nWARNING: ThreadSanitizer: data race (pid=1)\n  Read of size "
		      "99999999999999999999 at 0x");
	for (int i = 0; i < 200000; i++)
		sb_printf(&b, "f");
	sb_printf(&b, " by thread T99999999999999999999999 (mutexes: write M18446744073709551615999, write M");
	sb_printf(&b, "\n    #0\n    #1 (\n    #2 )\n    #3  (x+\n    #4 a b:c:d:e (\n    #5 f :1:2:3 (m+0x1)\n");
	sb_printf(
	    &b,
	    "    #6 g file.c:-5 (prog+0x1)\n    #7 <null> <null> (<unknown module>)\n    #8 0x7f00 (libc.so.6+0x1)\n");
	sb_printf(&b, "  Location is global '' of size -1 at 0x\n  Location is global 'x\n  Location is heap block of "
		      "size 0 at\n");
	sb_printf(&b, "  Mutex M (0x) created at:\n  Mutex M1 acquired here while holding mutex in thread T:\n");
	sb_printf(&b, "  Thread T1 'name' (tid=1, running) created by thread T0 at:\n    #0 pthread_create x "
		      "(libtsan.so.2+0x1)\n");
	sb_printf(&b, "==================\n");
	/* a section with far too many frames, a report with far too many sections */
	sb_printf(&b, "WARNING: ThreadSanitizer: unlock of an unlocked mutex (or by a wrong thread) (pid=1)\n");
	for (int i = 0; i < 5000; i++)
		sb_printf(&b, "    #%d f%d x.c:%d (prog+0x1)\n", i, i, i);
	for (int i = 0; i < 500; i++)
		sb_printf(&b, "  Mutex M%d (0x%x) created at:\n    #0 pthread_mutex_lock a.c:1 (prog+0x1)\n", i, i);
	sb_printf(&b, "==================\n");
	/* a lock-order report whose cycle does not close, and one of 300 steps */
	sb_printf(&b, "WARNING: ThreadSanitizer: lock-order-inversion (potential deadlock) (pid=1)\n"
		      "  Cycle in lock order graph: M0 (0x1) => M0\n"
		      "  Mutex M0 acquired here while holding mutex M0 in main thread:\n==================\n");
	sb_printf(&b, "WARNING: ThreadSanitizer: lock-order-inversion (potential deadlock) (pid=1)\n");
	for (int i = 0; i < 300; i++)
		sb_printf(&b,
			  "  Mutex M%d acquired here while holding mutex M%d in thread T%d:\n    #0 f a.c:%d (p+0x1)\n",
			  (i + 1) % 300, i, i, i);
	sb_printf(&b, "==================\n");
	/* more reports than are read */
	for (int i = 0; i < 3000; i++)
		sb_printf(
		    &b,
		    "WARNING: ThreadSanitizer: thread leak (pid=1)\n  Thread T%d (tid=1, finished) created by main "
		    "thread at:\n    #1 main m%d.c:%d (prog+0x1)\n==================\n",
		    i, i, i);
	/* ThreadSanitizer words without a report, and a report that never ends, with a NUL in it */
	sb_printf(&b, "SUMMARY: ThreadSanitizer: data race\n==================\nWARNING: ThreadSanitizer: data race "
		      "(pid=1)\n  Read");
	len = b.len;
	text = sb_take(&b);
	text[len - 2] = '\0';
	path = temp_file(text, len);
	cr_assert_eq(tsan_report_load(path, NULL, &t), 0);
	cr_assert_eq(t.ok, 0, "the last report never ends");
	cr_assert_eq(t.nerrors, 1000, "TS_MAX_REPORTS reports are read, no more");
	for (int i = 0; i < t.nfindings; i++)
		cr_assert_not_null(t.findings[i].explanation);
	hg_report_free(&t);
	cr_assert_eq(unlink(path), 0);
	free(path);
	free(text);
}

Test(race_modes, tsan_bad_input_never_blocks, .timeout = 10)
{
	struct hg_report t;
	char fifo[] = "/tmp/concur-race-modes-fifo-XXXXXX";
	char *empty = temp_file("", 0);

	cr_assert_not_null(mkdtemp(fifo));
	char *path = xasprintf("%s/log", fifo);

	cr_assert_eq(mkfifo(path, 0600), 0);
	memset(&t, 0x55, sizeof t);
	cr_assert_eq(tsan_report_load(path, NULL, &t), -1, "a FIFO is refused, without waiting for a writer");
	cr_assert_eq(t.nfindings, 0);
	cr_assert_null(t.fatal);
	cr_assert_eq(tsan_report_load(fifo, NULL, &t), -1, "a directory");
	cr_assert_eq(tsan_report_load(FIX "no_such_file.log", NULL, &t), -1);
	cr_assert_eq(tsan_report_load(NULL, NULL, &t), -1);
	cr_assert_eq(tsan_report_load(empty, NULL, NULL), -1);
	cr_assert_eq(tsan_report_load(empty, NULL, &t), 0, "an empty log: ThreadSanitizer had nothing to say");
	cr_assert_eq(t.ok, 1);
	cr_assert_eq(t.nfindings, 0);
	hg_report_free(&t);
	cr_assert_eq(unlink(path), 0);
	cr_assert_eq(rmdir(fifo), 0);
	cr_assert_eq(unlink(empty), 0);
	free(path);
	free(empty);
}

/* ---- the path shown ------------------------------------------------------------ */

Test(race_modes, display_path_without_leading_dot)
{
	/* -fdebug-prefix-map=SRC=. gives <dir>./exercises/04-races</dir> <file>counter.c</file> */
	char *p = hg_display_path("./exercises/04-races", "counter.c", NULL);

	assert_str(p, "exercises/04-races/counter.c");
	free(p);
	p = hg_display_path(".", "counter.c", NULL);
	assert_str(p, "counter.c");
	free(p);
}
