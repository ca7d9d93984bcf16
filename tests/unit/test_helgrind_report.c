/*
 * test_helgrind_report.c - unit tests of grader/harness/helgrind_report.c on
 * real Helgrind 3.19 output.
 *
 * Run with the repository root as the current directory: fixtures are read
 * from tests/unit/fixtures/.  They were made by compiling small programs in
 * /tmp/hgfix (gcc -std=gnu11 -O0 -g -gdwarf-4 -pthread) and running
 *     valgrind --tool=helgrind --xml=yes --xml-file=X.xml [--read-var-info=yes] ./prog
 *     valgrind --tool=helgrind --log-file=X.log ./prog
 *   hg_race_global*       two threads doing `total += i` on a global, no lock (global_race.c:10)
 *   hg_race_kit*          the same, compiled in /tmp/hgfix/build from a copy starting with
 *                         #line 1 "exercises/02-threads/sum.c", as the kit does
 *   hg_race_heap*         a malloc'd struct's field, one thread locks its mutex, the other not
 *   hg_race_stack*        pthread_create(.., &i) in a loop: the loop's i is raced
 *   hg_race_two*          `hits` under two different mutexes, and memset(buf) vs buf[3]
 *   hg_race_fields*       s.count of a struct on main()'s stack and g.sum of a global struct,
 *                         both through a pointer given to two threads
 *   hg_lock_order*        ab() takes a then b, later ba() takes b then a
 *   hg_unlock_unlocked*   release() unlocks a mutex that is not locked
 *   hg_misc_errors.xml    foreign unlock, cond_wait with a bad mutex, destroy of a locked
 *                         mutex, unlock of a bogus lock, exit while holding a lock
 *   hg_clean.xml          a correctly locked counter: no error
 * Hand-made: hg_truncated.xml (hg_race_two_varinfo.xml cut inside its second
 * error), hg_truncated_early.xml (hg_clean.xml cut after 700 bytes), hg_empty.xml,
 * hg_not_xml.xml, hg_race_two_reordered.log (hg_race_two.log with its two race
 * blocks swapped) and hg_race_global_ambiguous.log (a heap race block, then
 * the first race of hg_race_global.log twice, the second copy claiming a lock
 * for the first access).
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helgrind_report.h"

#define FIX "tests/unit/fixtures/"
/* The fixtures' programs were built in this directory. */
#define SRC_DIR "/tmp/hgfix"

#define assert_str(actual, expected)                                                      \
	do {                                                                              \
		const char *a_ = (actual);                                                \
		cr_assert_not_null(a_, "%s is NULL, expected \"%s\"", #actual, (expected)); \
		cr_assert_str_eq(a_, (expected), "%s is \"%s\", expected \"%s\"", #actual, a_, \
				 (expected));                                             \
	} while (0)

#define assert_has(hay, needle)                                                           \
	do {                                                                              \
		const char *h_ = (hay);                                                   \
		cr_assert_not_null(h_, "%s is NULL", #hay);                               \
		cr_assert(strstr(h_, (needle)) != NULL, "%s lacks \"%s\":\n%s", #hay,      \
			  (needle), h_);                                                  \
	} while (0)

#define assert_lacks(hay, needle)                                                         \
	do {                                                                              \
		const char *h_ = (hay);                                                   \
		cr_assert(!h_ || strstr(h_, (needle)) == NULL, "%s has \"%s\":\n%s", #hay, \
			  (needle), h_);                                                  \
	} while (0)

/* Loads a fixture (log may be NULL) with paths shown relative to SRC_DIR; asserts success. */
static void load(struct hg_report *r, const char *xml, const char *log)
{
	int rc = hg_report_load_ex(xml, log, SRC_DIR, r);

	cr_assert_eq(rc, 0, "loading %s returned %d", xml, rc);
}

/* What hg_report_print() writes, malloc'd. */
static char *printed(const struct hg_report *r, int max)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert_not_null(f);
	hg_report_print(r, f, max);
	cr_assert_eq(fclose(f), 0);
	return buf;
}

Test(helgrind_report, global_race_with_log)
{
	struct hg_report r;
	struct hg_finding *f;
	char *out;

	load(&r, FIX "hg_race_global.xml", FIX "hg_race_global.log");
	cr_assert_eq(r.ok, 1);
	cr_assert_eq(r.nerrors, 2);
	cr_assert_eq(r.nfindings, 1, "the read/write and write/write races at line 10 merge");
	cr_assert_eq(r.counts[0], 2);
	f = &r.findings[0];
	assert_str(f->kind, "Race");
	assert_str(f->what, "Possible data race during read of size 8 at 0x10C030 by thread #3");
	assert_str(f->variable, "total"); /* from 'inside data symbol "total"' */
	cr_assert_eq(f->var_kind, HG_VAR_GLOBAL);
	cr_assert_null(f->variable_decl);
	cr_assert_null(f->block_info);

	cr_assert_eq(f->now.thread, 3);
	assert_str(f->now.fn, "sum_share");
	assert_str(f->now.file, "global_race.c");
	cr_assert_eq(f->now.line, 10);
	cr_assert_eq(f->now.is_write, 0);
	cr_assert_eq(f->now.size, 8);
	assert_str(f->now.locks_held, "none");
	cr_assert_eq(f->now.nlocks, 0);

	cr_assert_eq(f->before.thread, 2);
	assert_str(f->before.fn, "sum_share");
	cr_assert_eq(f->before.line, 10);
	cr_assert_eq(f->before.is_write, 1);
	assert_str(f->before.locks_held, "none");

	assert_has(f->explanation, "Data race on `total` (global variable).");
	assert_has(f->explanation,
		   "thread #3 read it in sum_share() at global_race.c:10, holding no lock;");
	assert_has(f->explanation,
		   "thread #2 wrote it in sum_share() at global_race.c:10, holding no lock.");
	assert_has(f->explanation, "Nothing orders these two accesses");
	assert_has(f->explanation, "Protect every access to `total` with the same mutex");
	assert_has(f->explanation, "combine the results after pthread_join()");

	assert_has(r.thread_info, "thread #2 was created by main() at global_race.c:18");
	assert_has(r.thread_info, "thread #3 was created by main() at global_race.c:18");

	out = printed(&r, -1);
	assert_has(out, "Helgrind found 1 problem.");
	assert_has(out, "*possible*");
	assert_has(out, "did not happen in this run");
	assert_has(out, "\n1. Data race on `total`");
	assert_has(out, "(reported 2 times)");
	free(out);
	hg_report_free(&r);
}

Test(helgrind_report, global_race_read_var_info_without_log)
{
	struct hg_report r;
	struct hg_finding *f;

	load(&r, FIX "hg_race_global_varinfo.xml", NULL);
	cr_assert_eq(r.nfindings, 1);
	f = &r.findings[0];
	assert_str(f->variable, "total"); /* from 'inside global var "total"' */
	assert_str(f->variable_decl, "global_race.c:4");
	cr_assert_eq(f->var_kind, HG_VAR_GLOBAL);
	cr_assert_null(f->now.locks_held);
	cr_assert_eq(f->now.nlocks, -1);
	cr_assert_null(f->before.locks_held);
	assert_has(f->explanation,
		   "Data race on `total` (global variable, declared at global_race.c:4).");
	assert_lacks(f->explanation, "holding");
	hg_report_free(&r);
}

Test(helgrind_report, paths_without_build_dir_are_absolute_here)
{
	struct hg_report r;

	cr_assert_eq(hg_report_load(FIX "hg_race_global.xml", NULL, &r), 0);
	/* /tmp/hgfix is not below the repository, the current directory */
	assert_str(r.findings[0].now.file, SRC_DIR "/global_race.c");
	hg_report_free(&r);
}

Test(helgrind_report, kit_copy_with_line_directive)
{
	struct hg_report r;
	struct hg_finding *f;

	/*
	 * valgrind splits the #line name "exercises/02-threads/sum.c" into
	 * <dir>BUILD/exercises/02-threads</dir> <file>sum.c</file>
	 */
	cr_assert_eq(hg_report_load_ex(FIX "hg_race_kit_varinfo.xml", FIX "hg_race_kit.log",
				       SRC_DIR "/build", &r), 0);
	cr_assert_eq(r.nfindings, 1);
	f = &r.findings[0];
	assert_str(f->now.file, "exercises/02-threads/sum.c");
	assert_str(f->before.file, "exercises/02-threads/sum.c");
	assert_str(f->variable_decl, "exercises/02-threads/sum.c:4");
	assert_str(f->now.locks_held, "none");
	assert_has(f->explanation, "in sum_share() at exercises/02-threads/sum.c:10");
	assert_has(r.thread_info, "created by main() at exercises/02-threads/sum.c:18");
	hg_report_free(&r);
}

Test(helgrind_report, heap_race_one_side_locked)
{
	struct hg_report r;
	struct hg_finding *f;

	load(&r, FIX "hg_race_heap.xml", FIX "hg_race_heap.log");
	cr_assert_eq(r.nfindings, 1);
	cr_assert_eq(r.counts[0], 2);
	f = &r.findings[0];
	cr_assert_null(f->variable);
	cr_assert_eq(f->var_kind, HG_VAR_HEAP);
	cr_assert_eq(f->var_offset, 40);
	cr_assert_eq(f->block_size, 48);
	assert_str(f->block_info,
		   "a block of size 48 alloc'd by thread #1 in main() at heap_race.c:28");
	assert_str(f->alloc.fn, "main");
	cr_assert_eq(f->alloc.line, 28);

	cr_assert_eq(f->now.thread, 3);
	assert_str(f->now.fn, "unlocked_deposit");
	cr_assert_eq(f->now.line, 22);
	assert_str(f->now.locks_held, "none");
	cr_assert_eq(f->before.thread, 2);
	assert_str(f->before.fn, "locked_deposit");
	cr_assert_eq(f->before.line, 14);
	assert_str(f->before.locks_held, "1, at address 0x4A4B040");
	cr_assert_eq(f->before.nlocks, 1);

	assert_has(f->explanation,
		   "Data race on a heap block allocated in main() at heap_race.c:28");
	assert_has(f->explanation, "at byte 40 of the 48-byte block");
	assert_has(f->explanation,
		   "thread #3 read it in unlocked_deposit() at heap_race.c:22, holding no lock;");
	assert_has(f->explanation,
		   "thread #2 wrote it in locked_deposit() at heap_race.c:14, holding a lock");
	assert_has(f->explanation, "One access is protected and the other is not: "
				   "take the same mutex at both places.");
	assert_has(r.thread_info, "thread #1 is the program's main thread");
	hg_report_free(&r);
}

Test(helgrind_report, stack_race_without_var_info)
{
	struct hg_report r;
	struct hg_finding *f;

	load(&r, FIX "hg_race_stack.xml", FIX "hg_race_stack.log");
	cr_assert_eq(r.nfindings, 1);
	f = &r.findings[0];
	cr_assert_null(f->variable);
	cr_assert_eq(f->var_kind, HG_VAR_LOCAL);
	assert_str(f->stack_info, "thread #1's stack, in the frame of main()");
	cr_assert_eq(f->now.thread, 1);
	assert_str(f->now.fn, "main");
	cr_assert_eq(f->now.line, 16);
	cr_assert_eq(f->now.is_write, 1);
	cr_assert_eq(f->now.size, 4);
	cr_assert_eq(f->before.thread, 2);
	assert_str(f->before.fn, "worker");
	cr_assert_eq(f->before.line, 7);
	cr_assert_eq(f->before.is_write, 0);
	assert_str(f->before.locks_held, "none");
	assert_has(f->explanation, "Data race on a local variable on thread #1's stack");
	assert_has(f->explanation,
		   "thread #1 wrote it in main() at stack_race.c:16, holding no lock;");
	assert_has(f->explanation, "&i of the loop");
	assert_has(f->explanation, "stack frame after that function returned");
	assert_lacks(f->explanation, "combine the results");
	hg_report_free(&r);
}

Test(helgrind_report, stack_race_with_var_info)
{
	struct hg_report r;
	struct hg_finding *f;

	load(&r, FIX "hg_race_stack_varinfo.xml", NULL);
	f = &r.findings[0];
	assert_str(f->variable, "i");
	assert_str(f->variable_decl, "stack_race.c:15");
	cr_assert_eq(f->var_kind, HG_VAR_LOCAL);
	assert_str(f->stack_info, "thread #1's stack");
	assert_has(f->explanation, "Data race on `i` (local variable, declared at stack_race.c:15");
	assert_has(f->explanation, "Protect every access to `i` with the same mutex");
	assert_has(f->explanation, "\n`i` is a local variable, on a thread's stack");
	hg_report_free(&r);
}

Test(helgrind_report, struct_fields_with_var_info)
{
	struct hg_report r;
	struct hg_finding *f;

	load(&r, FIX "hg_race_fields_varinfo.xml", NULL);
	cr_assert_eq(r.nfindings, 2);
	cr_assert_eq(r.counts[0], 2);
	cr_assert_eq(r.counts[1], 2);
	/* 'inside s.count,' + 'declared at fields.c:17, in frame #5 of thread 1' */
	f = &r.findings[0];
	assert_str(f->variable, "s.count");
	assert_str(f->variable_decl, "fields.c:17");
	cr_assert_eq(f->var_kind, HG_VAR_LOCAL);
	assert_str(f->stack_info, "thread #1's stack");
	assert_str(f->now.fn, "bump");
	cr_assert_eq(f->now.line, 10);
	assert_has(f->explanation, "Data race on `s.count` (local variable, "
				   "declared at fields.c:17, on thread #1's stack).");
	/* 'inside g.sum,' + 'a global variable declared at fields.c:5' */
	f = &r.findings[1];
	assert_str(f->variable, "g.sum");
	assert_str(f->variable_decl, "fields.c:5");
	cr_assert_eq(f->var_kind, HG_VAR_GLOBAL);
	cr_assert_null(f->stack_info);
	cr_assert_eq(f->now.line, 11);
	assert_has(f->explanation,
		   "Data race on `g.sum` (global variable, declared at fields.c:5).");
	assert_lacks(f->explanation, "stack");
	hg_report_free(&r);
}

Test(helgrind_report, different_locks_and_library_frame)
{
	struct hg_report r;
	struct hg_finding *f;

	load(&r, FIX "hg_race_two_varinfo.xml", FIX "hg_race_two.log");
	cr_assert_eq(r.nfindings, 2);
	cr_assert_eq(r.counts[0], 1);
	cr_assert_eq(r.counts[1], 1);

	f = &r.findings[0];
	assert_str(f->variable, "hits");
	assert_str(f->variable_decl, "two_races.c:7");
	assert_str(f->now.locks_held, "1, at address 0x10C0A0");
	assert_str(f->before.locks_held, "1, at address 0x10C060");
	assert_has(f->explanation, "They hold different locks");
	assert_has(f->explanation, "a variable must always be protected by the same mutex");

	/* 'inside buf[3],' + 'a global variable declared at two_races.c:8' */
	f = &r.findings[1];
	assert_str(f->variable, "buf[3]");
	cr_assert_eq(f->var_kind, HG_VAR_GLOBAL);
	assert_str(f->variable_decl, "two_races.c:8");
	assert_str(f->now.fn, "reader");
	cr_assert_eq(f->now.line, 26);
	cr_assert_eq(f->now.size, 1);
	/* memset's stack has no frame of the program: only Valgrind's preload and libc */
	cr_assert_null(f->before.fn);
	cr_assert_null(f->before.file);
	assert_str(f->before.top_fn, "memset");
	cr_assert_eq(f->before.size, 8);
	assert_str(f->before.locks_held, "none");
	assert_has(f->explanation, "thread #2 wrote it inside memset()");
	hg_report_free(&r);
}

Test(helgrind_report, log_blocks_matched_by_location_not_order)
{
	struct hg_report r;

	load(&r, FIX "hg_race_two_varinfo.xml", FIX "hg_race_two_reordered.log");
	cr_assert_eq(r.nfindings, 2);
	assert_str(r.findings[0].now.locks_held, "1, at address 0x10C0A0");
	assert_str(r.findings[0].before.locks_held, "1, at address 0x10C060");
	assert_str(r.findings[1].now.locks_held, "none");
	assert_str(r.findings[1].before.locks_held, "none");
	hg_report_free(&r);
}

Test(helgrind_report, ambiguous_log_gives_unknown)
{
	struct hg_report r;

	load(&r, FIX "hg_race_global.xml", FIX "hg_race_global_ambiguous.log");
	/* two equally good blocks disagree about the first access, agree about the second */
	cr_assert_null(r.findings[0].now.locks_held);
	cr_assert_eq(r.findings[0].now.nlocks, -1);
	assert_str(r.findings[0].before.locks_held, "none");
	hg_report_free(&r);
}

Test(helgrind_report, unrelated_or_missing_log_gives_unknown)
{
	struct hg_report r;

	load(&r, FIX "hg_race_global.xml", FIX "hg_race_heap.log");
	cr_assert_eq(r.nfindings, 1);
	cr_assert_null(r.findings[0].now.locks_held);
	cr_assert_null(r.findings[0].before.locks_held);
	assert_lacks(r.findings[0].explanation, "holding");
	hg_report_free(&r);

	load(&r, FIX "hg_race_global.xml", FIX "no_such_file.log");
	cr_assert_eq(r.ok, 1);
	cr_assert_null(r.findings[0].now.locks_held);
	hg_report_free(&r);
}

Test(helgrind_report, lock_order)
{
	struct hg_report r;
	struct hg_finding *f;

	load(&r, FIX "hg_lock_order.xml", FIX "hg_lock_order.log");
	cr_assert_eq(r.nfindings, 1);
	f = &r.findings[0];
	assert_str(f->kind, "LockOrder");
	assert_str(f->what, "Thread #3: lock order \"0x10C060 before 0x10C0A0\" violated");
	/* The text log names the two locks' variables. */
	assert_str(f->lock_first, "a");
	assert_str(f->lock_second, "b");
	cr_assert_eq(f->now.thread, 3);
	assert_str(f->now.fn, "ba");
	cr_assert_eq(f->now.line, 23);
	assert_str(f->before.fn, "ab");
	cr_assert_eq(f->before.line, 11);
	assert_str(f->before2.fn, "ab");
	cr_assert_eq(f->before2.line, 12);
	cr_assert_null(f->variable);
	cr_assert_null(f->now.locks_held);
	assert_has(f->explanation, "Lock order violated");
	assert_has(f->explanation, "thread #3 acquired lock `b` and then lock `a`");
	assert_has(f->explanation, "in ba() at lock_order.c:23");
	assert_has(f->explanation, "earlier lock `a` then `b` was observed");
	assert_has(f->explanation, "`a` in ab() at lock_order.c:11, then `b` in ab() at lock_order.c:12");
	assert_has(f->explanation, "can deadlock");
	hg_report_free(&r);

	/* Without the log, the locks are known only by their addresses. */
	load(&r, FIX "hg_lock_order.xml", NULL);
	f = &r.findings[0];
	assert_str(f->lock_first, "0x10C060");
	assert_str(f->lock_second, "0x10C0A0");
	assert_has(f->explanation, "thread #3 acquired lock 0x10C0A0 and then lock 0x10C060");
	assert_has(f->explanation,
		   "0x10C060 in ab() at lock_order.c:11, then 0x10C0A0 in ab() at lock_order.c:12");
	hg_report_free(&r);
}

Test(helgrind_report, unlock_unlocked)
{
	struct hg_report r;
	struct hg_finding *f;

	load(&r, FIX "hg_unlock_unlocked.xml", FIX "hg_unlock_unlocked.log");
	cr_assert_eq(r.nfindings, 1);
	f = &r.findings[0];
	assert_str(f->kind, "UnlockUnlocked");
	assert_str(f->what, "Thread #1 unlocked a not-locked lock at 0x10C060");
	cr_assert_eq(f->now.thread, 1);
	assert_str(f->now.fn, "release"); /* not Valgrind's preload frame above it */
	assert_str(f->now.file, "unlock_unlocked.c");
	cr_assert_eq(f->now.line, 8);
	assert_str(f->lock_seen.fn, "main");
	cr_assert_eq(f->lock_seen.line, 13);
	assert_has(f->explanation, "Unlocking a mutex that is not locked: "
				   "thread #1 in release() at unlock_unlocked.c:8.");
	assert_has(f->explanation,
		   "Helgrind says: \"Thread #1 unlocked a not-locked lock at 0x10C060\"");
	assert_has(f->explanation, "first used in main() at unlock_unlocked.c:13");
	hg_report_free(&r);
}

Test(helgrind_report, other_kinds)
{
	static const char *const kinds[] = { "UnlockForeign", "Misc", "Misc", "PthAPIerror",
					     "UnlockBogus", "PthAPIerror", "Misc" };
	struct hg_report r;
	struct hg_finding *f;

	load(&r, FIX "hg_misc_errors.xml", NULL);
	cr_assert_eq(r.nfindings, 7);
	for (int i = 0; i < 7; i++)
		assert_str(r.findings[i].kind, kinds[i]);

	f = &r.findings[0];
	cr_assert_eq(f->now.thread, 2);
	cr_assert_eq(f->other_thread, 1);
	assert_str(f->now.fn, "foreign_unlock");
	assert_has(f->explanation, "Unlocking a mutex that another thread holds");

	assert_has(r.findings[1].explanation,
		   "pthread_cond_wait() must be called with its mutex locked");
	assert_has(r.findings[2].explanation, "Unlock a mutex before destroying it");

	f = &r.findings[3];
	assert_str(f->what, "Thread #1's call to pthread_mutex_destroy failed with error code 16 "
			    "(EBUSY: Device or resource busy)");
	cr_assert_eq(f->now.line, 29);
	assert_has(f->explanation, "A pthread call failed: thread #1 in main() at others.c:29.");

	assert_has(r.findings[4].explanation, "Unlocking something that is not a valid mutex");

	/* "Exiting thread still holds 1 lock": only libc frames */
	f = &r.findings[6];
	cr_assert_null(f->now.fn);
	assert_str(f->now.top_fn, "_Exit");
	assert_has(f->explanation, "still holding a lock");
	hg_report_free(&r);
}

Test(helgrind_report, print_limit)
{
	struct hg_report r;
	char *out;

	load(&r, FIX "hg_misc_errors.xml", NULL);
	out = printed(&r, 3);
	assert_has(out, "Helgrind found 7 problems.");
	assert_has(out, "\n1. Unlocking a mutex that another thread holds");
	assert_has(out, "\n3. ");
	assert_lacks(out, "\n4. ");
	assert_has(out, "\n... and 4 more.\n");
	free(out);

	out = printed(&r, 0);
	assert_lacks(out, "\n1. ");
	assert_has(out, "... and 7 more.");
	free(out);
	hg_report_free(&r);
}

Test(helgrind_report, clean_run)
{
	struct hg_report r;
	char *out;

	load(&r, FIX "hg_clean.xml", NULL);
	cr_assert_eq(r.ok, 1);
	cr_assert_eq(r.nfindings, 0);
	cr_assert_eq(r.nerrors, 0);
	cr_assert_null(r.thread_info);
	out = printed(&r, 10);
	assert_str(out, "Helgrind found no problems.\n");
	free(out);
	hg_report_free(&r);
}

Test(helgrind_report, truncated_keeps_complete_errors)
{
	struct hg_report r;
	char *out;

	load(&r, FIX "hg_truncated.xml", FIX "hg_race_two.log");
	cr_assert_eq(r.ok, 0);
	cr_assert_eq(r.nfindings, 1, "only the error complete before the cut");
	assert_str(r.findings[0].variable, "hits");
	assert_str(r.findings[0].now.locks_held, "1, at address 0x10C0A0");
	out = printed(&r, -1);
	assert_has(out, "there may be more");
	free(out);
	hg_report_free(&r);

	load(&r, FIX "hg_truncated_early.xml", NULL);
	cr_assert_eq(r.ok, 0);
	cr_assert_eq(r.nfindings, 0);
	out = printed(&r, -1);
	assert_lacks(out, "no problems");
	assert_has(out, "incomplete");
	free(out);
	hg_report_free(&r);
}

Test(helgrind_report, unreadable_files)
{
	static const char *const bad[] = { FIX "hg_empty.xml", FIX "hg_not_xml.xml",
					   FIX "no_such_file.xml", FIX "hg_race_global.log" };
	struct hg_report r;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&r, 0xff, sizeof(r));
		cr_assert_eq(hg_report_load(bad[i], NULL, &r), -1, "%s", bad[i]);
		cr_assert_eq(r.ok, 0);
		cr_assert_eq(r.nfindings, 0);
		cr_assert_null(r.findings);
		cr_assert_null(r.counts);
		hg_report_free(&r);
		hg_report_free(&r);
	}
	cr_assert_eq(hg_report_load(NULL, NULL, &r), -1);
	cr_assert_eq(hg_report_load(FIX "hg_clean.xml", NULL, NULL), -1);
	hg_report_free(NULL);
}

Test(helgrind_report, display_path)
{
	char *cwd = getcwd(NULL, 0), *dir, *p;

	cr_assert_not_null(cwd);
	/* a #line path relative to the build directory: as is */
	p = hg_display_path("/somewhere/build", "exercises/02-threads/sum.c", NULL);
	assert_str(p, "exercises/02-threads/sum.c");
	free(p);
	/* below the build directory */
	p = hg_display_path("/b/exercises/02-threads", "sum.c", "/b/");
	assert_str(p, "exercises/02-threads/sum.c");
	free(p);
	/* below the current directory */
	dir = malloc(strlen(cwd) + sizeof("/grader/harness"));
	cr_assert_not_null(dir);
	sprintf(dir, "%s/grader/harness", cwd);
	p = hg_display_path(dir, "x.c", NULL);
	assert_str(p, "grader/harness/x.c");
	free(p);
	p = hg_display_path(cwd, "x.c", "/not/it");
	assert_str(p, "x.c");
	free(p);
	/* elsewhere, or a directory that only shares a prefix */
	p = hg_display_path("/elsewhere", "x.c", NULL);
	assert_str(p, "/elsewhere/x.c");
	free(p);
	p = hg_display_path("/b2/src", "x.c", "/b");
	assert_str(p, "/b2/src/x.c");
	free(p);
	p = hg_display_path(NULL, "x.c", NULL);
	assert_str(p, "x.c");
	free(p);
	p = hg_display_path("/d", "/abs/x.c", "/abs");
	assert_str(p, "x.c");
	free(p);
	cr_assert_null(hg_display_path("/d", NULL, NULL));
	free(dir);
	free(cwd);
}

/*
 * With --read-var-info=yes the text log announces each lock with its
 * variable ("Lock at 0x.. was first observed ... Location 0x.. is 0 bytes
 * inside shared.lock"), so the held lock is named, and so is the advice.
 */
Test(helgrind_report, race_names_the_lock_held)
{
	struct hg_report r;
	struct hg_finding *f;

	load(&r, FIX "hg_race_named_lock.xml", FIX "hg_race_named_lock.log");
	cr_assert_eq(r.nfindings, 1);
	f = &r.findings[0];
	assert_str(f->variable, "shared.value");
	const struct hg_access *locked = f->now.nlocks == 1 ? &f->now : &f->before;
	const struct hg_access *bare = f->now.nlocks == 1 ? &f->before : &f->now;
	cr_assert_eq(locked->nlocks, 1);
	cr_assert_eq(bare->nlocks, 0);
	assert_str(locked->locks_named, "shared.lock");
	cr_assert_null(bare->locks_named);
	assert_has(f->explanation, "holding a lock (shared.lock)");
	assert_has(f->explanation, "these two accesses need the same mutex, so take `shared.lock` at both places");
	hg_report_free(&r);
}

/* With --read-var-info=yes, a plain global lock is announced as 'inside global var "a"'. */
Test(helgrind_report, lock_order_names_global_vars)
{
	struct hg_report r;

	load(&r, FIX "hg_lock_order.xml", FIX "hg_lock_order_varinfo.log");
	cr_assert_eq(r.nfindings, 1);
	assert_str(r.findings[0].lock_first, "a");
	assert_str(r.findings[0].lock_second, "b");
	assert_has(r.findings[0].explanation, "thread #3 acquired lock `b` and then lock `a`");
	hg_report_free(&r);
}
