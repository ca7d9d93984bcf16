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
#include "report_asserts.h"

/* The fixtures' programs were built in this directory. */
#define SRC_DIR "/tmp/hgfix"

/* Loads a fixture (log may be NULL) with paths shown relative to SRC_DIR; asserts success. */
static void load(struct hg_report *r, const char *xml, const char *log)
{
	int rc = hg_report_load_ex(xml, log, SRC_DIR, r);

	cr_assert_eq(rc, 0, "loading %s returned %d", xml, rc);
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
	assert_has(out, "(reported 2 times, involving threads #2 and #3)");
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
	/* the log's "Observed (incorrect) order" stack: where b was taken first */
	assert_str(f->held_at.fn, "ba");
	cr_assert_eq(f->held_at.line, 22);
	cr_assert_eq(f->ncycle, 2);
	assert_has(f->explanation, "Lock-order cycle through 2 locks (a possible deadlock): `a` -> `b` -> `a`.\n");
	assert_has(f->explanation, "\n  a thread took `a` in ab() at lock_order.c:11, then `b` at lock_order.c:12 "
				   "while still holding `a`;\n");
	assert_has(f->explanation, "\n  thread #3 took `b` in ba() at lock_order.c:22, then `a` at lock_order.c:23 "
				   "while still holding `b`.\n");
	assert_has(f->explanation, "each can take its first lock and then wait forever for the other's: a deadlock");
	assert_has(f->explanation, "for example `a` before `b`. The step that goes against it takes `a` while "
				   "holding `b` (thread #3, in ba() at lock_order.c:23): take `a` first there.");
	hg_report_free(&r);

	/* Without the log, the locks are known only by their addresses, and b's first place is unknown. */
	load(&r, FIX "hg_lock_order.xml", NULL);
	f = &r.findings[0];
	assert_str(f->lock_first, "0x10C060");
	assert_str(f->lock_second, "0x10C0A0");
	assert_has(f->explanation, "a thread took the lock at 0x10C060 in ab() at lock_order.c:11, then the lock "
				   "at 0x10C0A0 at lock_order.c:12 while still holding the lock at 0x10C060;");
	assert_has(f->explanation, "thread #3 took the lock at 0x10C060 in ba() at lock_order.c:23 while holding "
				   "the lock at 0x10C0A0.");
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
	assert_has(f->explanation, "A call to pthread_mutex_destroy() failed: thread #1 in main() at others.c:29.");
	assert_has(f->explanation, "EBUSY: it is still locked");
	assert_has(f->explanation, "pthread functions return an error code (0 on success, never -1)");

	assert_has(r.findings[4].explanation, "Unlocking something that is not a valid mutex");

	/* "Exiting thread still holds 1 lock": only libc frames */
	f = &r.findings[6];
	cr_assert_null(f->now.fn);
	assert_str(f->now.top_fn, "_Exit");
	assert_has(f->explanation, "A thread ended while still holding 1 lock: the program's main thread (thread #1).");
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
	assert_has(r.findings[0].explanation, "thread #3 took `b` in ba() at lock_order.c:22, then `a`");
	hg_report_free(&r);
}

/*
 * ---- round two: fixtures made from tests/unit/helgrind_programs/ --------
 *
 * Made by `make helgrind-fixtures` (tests/unit/helgrind_programs/regenerate.sh):
 * hgp_NAME.xml is the race run (no --read-var-info), hgp_NAME_varinfo.xml the
 * explaining XML run, hgp_NAME.log the explaining text run (with
 * --read-var-info=yes); all with --free-is-write=yes.  Their paths show as
 * tests/unit/helgrind_programs/NAME.c (a #line copy built in HGP_BUILD), so
 * the lines that name locks and thread functions are read from the programs
 * in this repository: regenerate the fixtures when a program changes.
 */
#define HGP_BUILD "/tmp/concur-hgp/build"
#define HGP_SRC   "tests/unit/helgrind_programs/"

/* Loads hgp_NAME (XML variant "" or "_varinfo", with or without its log); asserts success. */
static void load_hgp(struct hg_report *r, const char *name, const char *variant, int with_log)
{
	char xml[256], log[256];
	int rc;

	snprintf(xml, sizeof xml, FIX "hgp_%s%s.xml", name, variant);
	snprintf(log, sizeof log, FIX "hgp_%s.log", name);
	rc = hg_report_load_ex(xml, with_log ? log : NULL, HGP_BUILD, r);
	cr_assert_eq(rc, 0, "loading %s returned %d", xml, rc);
	cr_assert_eq(r->ok, 1, "%s is incomplete", xml);
}

Test(helgrind_report, threads_exiting_with_locks_are_kept_apart_and_named)
{
	struct hg_report r;
	char *out;

	load_hgp(&r, "exit_holding", "", 1);
	cr_assert_eq(r.nerrors, 3);
	cr_assert_eq(r.nfindings, 3, "three threads, three different locks: not one finding");
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(r.counts[i], 1);
		cr_assert_eq(r.findings[i].nthreads, 1);
		cr_assert_eq(r.findings[i].threads[0], i + 2);
	}
	cr_assert_eq(r.findings[0].nexit_locks, 1);
	assert_str(r.findings[0].exit_locks, "`accounts[0].lock`");
	assert_str(r.findings[1].exit_locks, "`accounts[1].lock`");
	cr_assert_eq(r.findings[2].nexit_locks, 2);
	assert_str(r.findings[2].exit_locks, "`accounts[2].lock` and `log_lock`");
	/* the start function from the pthread_create() line, the creation site from Helgrind */
	assert_str(hg_thread_of(&r, 2)->start_fn, "withdraw");
	assert_str(hg_thread_of(&r, 4)->start_fn, "log_line");
	assert_has(r.findings[0].explanation,
		   "A thread ended while still holding 1 lock: thread #2 (which runs withdraw(), created in main() at "
		   HGP_SRC "exit_holding.c:57).\n  It still holds `accounts[0].lock`.\n");
	assert_has(r.findings[0].explanation, "every thread that asks for it later waits forever. Look in withdraw() "
					      "(and the functions it calls) for a way out between a lock and its "
					      "unlock (a return, a break, a goto, an error path)");
	assert_has(r.findings[2].explanation, "A thread ended while still holding 2 locks: thread #4 (which runs "
					      "log_line(), created in main() at " HGP_SRC "exit_holding.c:63).\n"
					      "  It still holds `accounts[2].lock` and `log_lock`.\n");
	assert_lacks(r.findings[0].explanation, "start_thread");
	out = printed(&r, -1);
	assert_has(out, "Helgrind found 3 problems.\nHelgrind saw the threads API misused in this run");
	assert_lacks(out, "*possible*");
	assert_has(out, "thread #2 was created by main() at " HGP_SRC "exit_holding.c:57 to run withdraw()");
	free(out);
	hg_report_free(&r);
}

Test(helgrind_report, threads_exiting_alike_merge_and_say_how_many)
{
	struct hg_report r;
	char *out;

	/* Without the log, the locks are unknown: the two withdraw() threads are the same problem. */
	load_hgp(&r, "exit_holding", "", 0);
	cr_assert_eq(r.nfindings, 2);
	cr_assert_eq(r.counts[0], 2);
	cr_assert_eq(r.findings[0].nthreads, 2);
	cr_assert_null(r.findings[0].exit_locks);
	assert_has(r.findings[0].explanation,
		   "Threads #2 and #3 each ended while still holding 1 lock (they run withdraw(), created in main() at " HGP_SRC
		   "exit_holding.c:57).\n  Helgrind does not say which lock, nor where it was taken.\n");
	assert_has(r.findings[1].explanation, "thread #4 (which runs log_line()");
	out = printed(&r, -1);
	assert_has(out, "(reported 2 times, involving threads #2 and #3)");
	free(out);
	hg_report_free(&r);
}

Test(helgrind_report, dining_philosophers_show_the_whole_cycle_of_five)
{
	struct hg_report r;
	const struct hg_finding *f;
	char *out;

	load_hgp(&r, "philosophers", "", 1);
	cr_assert_eq(r.nerrors, 6);
	cr_assert_eq(r.nfindings, 1, "six reports of one cycle are one finding");
	f = &r.findings[0];
	cr_assert_eq(f->ncycle, 5);
	for (int k = 0; k < 5; k++) {
		char held[16], taken[16];

		snprintf(held, sizeof held, "chop[%d]", k);
		snprintf(taken, sizeof taken, "chop[%d]", (k + 1) % 5);
		assert_str(f->cycle[k].held, held);
		assert_str(f->cycle[k].taken, taken);
		cr_assert_eq(f->cycle[k].held_at.line, 27);
		cr_assert_eq(f->cycle[k].taken_at.line, 28);
	}
	cr_assert_eq(f->cycle[0].thread, 7);
	cr_assert_eq(f->cycle[4].thread, 6);
	cr_assert_eq(f->nthreads, 6);
	assert_has(f->explanation, "Lock-order cycle through 5 locks (a possible deadlock): `chop[0]` -> `chop[1]` -> "
				   "`chop[2]` -> `chop[3]` -> `chop[4]` -> `chop[0]`.\n");
	assert_has(f->explanation, "\n  thread #7 took `chop[0]` in philosopher() at " HGP_SRC
				   "philosophers.c:27, then `chop[1]` at " HGP_SRC
				   "philosophers.c:28 while still holding `chop[0]`;\n");
	assert_has(f->explanation, "\n  thread #6 took `chop[4]` in philosopher() at " HGP_SRC
				   "philosophers.c:27, then `chop[0]` at " HGP_SRC
				   "philosophers.c:28 while still holding `chop[4]`.\n");
	assert_has(f->explanation, "If 5 threads do these steps at the same time, each can hold its first lock and wait "
				   "forever for the next one");
	assert_has(f->explanation, "for example `chop[0]` before `chop[1]` before `chop[2]` before `chop[3]` before "
				   "`chop[4]`. The step that goes against it takes `chop[0]` while holding `chop[4]` "
				   "(thread #6, in philosopher() at " HGP_SRC
				   "philosophers.c:28): take `chop[0]` first there.");
	assert_has(f->explanation, "let at most 4 of these threads try at once (a semaphore with 4 seats)");
	assert_has(f->explanation, "pthread_mutex_trylock()");
	out = printed(&r, -1);
	assert_has(out, "Helgrind reports *possible* deadlocks");
	assert_lacks(out, "finds a race");
	assert_has(out, "(reported 6 times, involving threads #6, #7, #8, #9, #10 and #11)");
	free(out);
	hg_report_free(&r);

	/* The XML alone has the same steps, by address, without where each first lock was taken. */
	load_hgp(&r, "philosophers", "_varinfo", 0);
	cr_assert_eq(r.nfindings, 1);
	f = &r.findings[0];
	cr_assert_eq(f->ncycle, 5);
	assert_has(f->explanation, "Lock-order cycle through 5 locks");
	assert_has(f->explanation, " at " HGP_SRC "philosophers.c:28 while holding the lock at 0x");
	hg_report_free(&r);
}

Test(helgrind_report, a_cycle_inferred_through_other_locks_says_so)
{
	struct hg_report r;
	const struct hg_finding *f;

	/* Round 1 only: one report, whose earlier order Helgrind inferred through chop[1..3]. */
	load_hgp(&r, "philosophers_1round", "", 1);
	cr_assert_eq(r.nfindings, 1);
	f = &r.findings[0];
	cr_assert_eq(f->ncycle, 0);
	assert_str(f->lock_first, "chop[0]");
	assert_str(f->lock_second, "chop[4]");
	assert_has(f->explanation,
		   "Lock-order cycle through `chop[4]`, `chop[0]` and at least one other lock (a possible deadlock).\n");
	assert_has(f->explanation, "thread #6 took `chop[4]` in philosopher() at " HGP_SRC
				   "philosophers.c:27, then `chop[0]` at " HGP_SRC "philosophers.c:28");
	assert_has(f->explanation, "earlier steps put `chop[0]` before `chop[4]` through at least one other lock");
	assert_has(f->explanation, "Helgrind shows no place for that order");
	assert_has(f->explanation, "take `chop[0]` before `chop[4]` in philosopher() at " HGP_SRC "philosophers.c:28.");
	assert_lacks(f->explanation, "then `chop[4]`"); /* no line takes chop[0] then chop[4] */
	hg_report_free(&r);
}

Test(helgrind_report, two_lock_cycle_names_both_functions)
{
	struct hg_report r;
	const struct hg_finding *f;

	load_hgp(&r, "lock_order_ab", "", 1);
	f = &r.findings[0];
	cr_assert_eq(f->ncycle, 2);
	assert_has(f->explanation, "`from_lock` -> `to_lock` -> `from_lock`.\n  a thread took `from_lock` in "
				   "transfer_ab() at " HGP_SRC "lock_order_ab.c:16, then `to_lock` at " HGP_SRC
				   "lock_order_ab.c:17 while still holding `from_lock`;\n  thread #3 took `to_lock` in "
				   "refund_ba() at " HGP_SRC "lock_order_ab.c:28, then `from_lock` at " HGP_SRC
				   "lock_order_ab.c:29 while still holding `to_lock`.\n");
	assert_has(f->explanation, "(thread #3, in refund_ba() at " HGP_SRC
				   "lock_order_ab.c:29): take `from_lock` first there.");
	assert_lacks(f->explanation, "semaphore"); /* the N-1 seats advice is for longer cycles */
	hg_report_free(&r);
}

Test(helgrind_report, heap_races_at_different_offsets_list_every_offset)
{
	struct hg_report r;
	const struct hg_finding *f;

	load_hgp(&r, "heap_offsets", "", 1);
	cr_assert_eq(r.nerrors, 3);
	cr_assert_eq(r.nfindings, 1);
	f = &r.findings[0];
	cr_assert_eq(f->noffsets, 3);
	cr_assert_eq(f->offsets[0], 0);
	cr_assert_eq(f->offsets[1], 1);
	cr_assert_eq(f->offsets[2], 97);
	assert_has(f->explanation, "Data race on a heap block allocated in main() at " HGP_SRC
				   "heap_offsets.c:44 (at bytes 0, 1 and 97 of the 100-byte block).");
	assert_lacks(f->explanation, "at byte 0 of");
	hg_report_free(&r);
}

Test(helgrind_report, race_with_free_says_join_first_not_a_mutex)
{
	struct hg_report r;
	const struct hg_finding *f;

	load_hgp(&r, "free_race", "", 1);
	cr_assert_eq(r.nfindings, 1);
	f = &r.findings[0];
	cr_assert_eq(f->free_race, 1);
	cr_assert_eq(f->block_freed, 1);
	assert_str(f->now.top_fn, "free");
	assert_has(f->explanation, "Data race with free() on a 16-byte heap block (at byte 0).\n"
				   "  thread #1 freed it in main() at " HGP_SRC "free_race.c:42, holding no lock;\n"
				   "  thread #2 read it in worker() at " HGP_SRC "free_race.c:22, holding no lock.\n");
	assert_has(f->explanation, "A mutex does not fix this: free the block only after every thread that uses it "
				   "has finished with it: pthread_join() those threads first, or count the block's users");
	assert_lacks(f->explanation, "Nothing orders");
	assert_lacks(f->explanation, "same mutex");
	hg_report_free(&r);
}

Test(helgrind_report, local_lock_is_named_and_a_vanished_lock_counted)
{
	struct hg_report r;
	const struct hg_finding *f;

	/* the race run's XML has no variable names: the log gives them */
	load_hgp(&r, "local_lock", "", 1);
	cr_assert_eq(r.nfindings, 1);
	f = &r.findings[0];
	assert_str(f->variable, "tally.count");
	assert_str(f->variable_decl, HGP_SRC "local_lock.c:50");
	cr_assert_eq(f->var_kind, HG_VAR_LOCAL);
	cr_assert_eq(f->before.nlocks, 2);
	cr_assert_eq(f->before.nlocks_hidden, 1);
	assert_str(f->before.locks_named, "tally.lock");
	assert_has(f->explanation, "Data race on `tally.count` (local variable, declared at " HGP_SRC
				   "local_lock.c:50, on thread #1's stack).");
	assert_has(f->explanation, "thread #2 wrote it in add_locked() at " HGP_SRC "local_lock.c:31, holding 2 locks "
				   "(tally.lock, and 1 that no longer existed when Helgrind reported: destroyed or freed "
				   "since).");
	hg_report_free(&r);

	/* the explaining XML names the variable itself: the same words */
	load_hgp(&r, "local_lock", "_varinfo", 1);
	assert_str(r.findings[0].variable, "tally.count");
	assert_has(r.findings[0].explanation, "holding 2 locks (tally.lock, and 1 that no longer existed");
	hg_report_free(&r);
}

Test(helgrind_report, one_explaining_log_completes_the_race_runs_xml)
{
	struct hg_report r;

	load_hgp(&r, "many_threads", "", 0);
	assert_str(r.findings[0].variable, "hits"); /* 'inside data symbol "hits"' */
	cr_assert_null(r.findings[0].variable_decl);
	hg_report_free(&r);
	load_hgp(&r, "many_threads", "", 1);
	assert_str(r.findings[0].variable, "hits");
	assert_str(r.findings[0].variable_decl, HGP_SRC "many_threads.c:12");
	assert_str(r.findings[0].now.locks_held, "none");
	assert_has(r.findings[0].explanation, "Data race on `hits` (global variable, declared at " HGP_SRC
					      "many_threads.c:12).");
	hg_report_free(&r);
}

Test(helgrind_report, thread_list_names_only_the_threads_of_the_findings_shown)
{
	struct hg_report r;
	char *out;

	load_hgp(&r, "many_threads", "", 1);
	cr_assert_geq(r.nthreads, 2);
	/* the full list still has every announced thread */
	assert_has(r.thread_info, "thread #14 was created by main()");
	out = printed(&r, -1);
	assert_has(out, "Threads: thread #14 was created by main() at " HGP_SRC
			"many_threads.c:38 to run hit(); thread #15 was created by main() at " HGP_SRC
			"many_threads.c:38 to run hit().\n");
	assert_lacks(out, "thread #2 ");
	assert_lacks(out, "worker()");
	free(out);
	out = printed(&r, 0);
	assert_lacks(out, "Threads:");
	free(out);
	hg_report_free(&r);
}

Test(helgrind_report, mutex_misuse_names_the_mutex_and_where_it_was_taken)
{
	struct hg_report r;
	const struct hg_finding *f;
	char *out;

	load_hgp(&r, "unlock_errors", "", 1);
	cr_assert_eq(r.nfindings, 5);
	/* from the unlock line: Helgrind never saw queue_lock before, so it names no variable */
	f = &r.findings[0];
	assert_str(f->kind, "UnlockBogus");
	assert_str(f->object, "queue_lock");
	assert_has(f->explanation, "Unlocking something that is not a valid mutex: thread #1 in release_queue() at " HGP_SRC
				   "unlock_errors.c:17.\n");
	assert_has(f->explanation, "\n  The mutex is `queue_lock`.\n");
	/* from the log's "Lock at .. was first observed" */
	f = &r.findings[1];
	assert_str(f->object, "stats_lock");
	assert_has(f->explanation, "Unlocking a mutex that another thread holds: thread #2 in foreign_unlock() at " HGP_SRC
				   "unlock_errors.c:22.\n");
	assert_has(f->explanation, "\n  The mutex is `stats_lock`.\n  Thread #1 holds it.\n");
	/* the re-lock: Helgrind's "Lock was previously acquired" stack */
	f = &r.findings[2];
	assert_str(f->object, "config_lock");
	cr_assert_eq(f->lock_prev.line, 28);
	assert_has(f->explanation, "Locking a mutex that this thread already holds: thread #1 in reload_config() at " HGP_SRC
				   "unlock_errors.c:29.\n");
	assert_has(f->explanation, "\n  The thread took it before in reload_config() at " HGP_SRC
				   "unlock_errors.c:28 and has not unlocked it since.\n");
	assert_has(f->explanation, "a self-deadlock");
	f = &r.findings[3];
	assert_has(f->explanation, "A call to pthread_mutex_lock() failed: thread #1 in reload_config()");
	assert_has(f->explanation, "EDEADLK: this thread already holds this (error-checking) mutex.");
	/* no race, no lock order: no race header */
	out = printed(&r, -1);
	assert_lacks(out, "finds a race");
	assert_has(out, "Helgrind saw the threads API misused in this run");
	free(out);
	hg_report_free(&r);
}

Test(helgrind_report, condition_variable_misuse_in_plain_words)
{
	struct hg_report r;
	const struct hg_finding *f;

	load_hgp(&r, "condvar_errors", "", 1);
	cr_assert_eq(r.nerrors, 5);
	cr_assert_eq(r.nfindings, 5, "five different messages at five places: five findings");

	f = &r.findings[0];
	assert_has(f->explanation, "Waiting on a condition variable without holding its mutex: thread #1 in "
				   "wait_unlocked() at " HGP_SRC "condvar_errors.c:53.\n");
	assert_has(f->explanation, "\n  The condition variable is `ready`, waited on with `ready_lock`.\n");
	assert_has(f->explanation, "it unlocks the mutex and sleeps in one step");
	assert_has(f->explanation, "check the condition in a while loop around the wait");

	f = &r.findings[2];
	assert_has(f->explanation, "One condition variable used with two different mutexes: thread #1 in two_mutexes() "
				   "at " HGP_SRC "condvar_errors.c:62.\n");
	assert_has(f->explanation, "\n  The condition variable is `ready`, waited on with `other_lock`.\n"
				   "  Elsewhere, `ready` is waited on with `ready_lock` (at " HGP_SRC
				   "condvar_errors.c:43).\n");
	assert_has(f->explanation, "A condition variable belongs to one mutex");

	f = &r.findings[3];
	assert_has(f->explanation, "Signalling a condition variable while no thread holds its mutex: thread #1 in "
				   "signal_unlocked() at " HGP_SRC "condvar_errors.c:68.\n");
	assert_has(f->explanation, "\n  The condition variable is `ready`.\n  Its waiters wait with `ready_lock` (at " HGP_SRC
				   "condvar_errors.c:43).\n");
	assert_has(f->explanation, "(a lost wake-up)");

	f = &r.findings[4];
	assert_has(f->explanation, "Destroying a condition variable that a thread is waiting on: thread #1 in "
				   "destroy_waited() at " HGP_SRC "condvar_errors.c:89.\n");
	assert_has(f->explanation, "The condition variable is `gone`.\n  Its waiters wait with `other_lock`");
	assert_has(f->explanation, "pthread_cond_broadcast()), pthread_join() them, and only then destroy it.");
	for (int i = 0; i < r.nfindings; i++)
		assert_lacks(r.findings[i].explanation, "Check how the pthread function");
	hg_report_free(&r);
}

Test(helgrind_report, semaphore_misuse_is_not_called_a_pthread_call)
{
	struct hg_report r;
	const struct hg_finding *f;

	load_hgp(&r, "semaphore_errors", "", 1);
	cr_assert_eq(r.nfindings, 3);
	f = &r.findings[0];
	assert_str(f->kind, "PthAPIerror");
	assert_has(f->explanation, "A call to sem_init() failed: thread #1 in main() at " HGP_SRC
				   "semaphore_errors.c:33.\n");
	assert_has(f->explanation, "\n  Its argument: `huge`.\n");
	assert_has(f->explanation, "EINVAL: the initial value is larger than SEM_VALUE_MAX.");
	assert_has(f->explanation, "sem_*() functions return -1 and set errno when they fail");
	assert_lacks(f->explanation, "pthread");
	assert_has(r.findings[1].explanation, "A semaphore initialised with more than 10000: thread #1 in main()");
	assert_has(r.findings[1].explanation, "The semaphore is `many`.");
	f = &r.findings[2];
	assert_has(f->explanation, "Waiting on a semaphore that, as far as Helgrind saw, was never initialised nor "
				   "posted: thread #1 in consume() at " HGP_SRC "semaphore_errors.c:25.\n");
	assert_has(f->explanation, "The semaphore is `q.items`.");
	assert_has(f->explanation, "a copy of a semaphore (a struct holding one, passed or assigned by value) is a "
				   "different semaphore");
	hg_report_free(&r);
}

Test(helgrind_report, barrier_misuse_gets_barrier_advice)
{
	struct hg_report r;

	load_hgp(&r, "barrier_errors", "", 1);
	cr_assert_eq(r.nfindings, 3);
	assert_has(r.findings[0].explanation, "A barrier initialised with a count of 0: thread #1 in main() at " HGP_SRC
					      "barrier_errors.c:13.\n");
	assert_has(r.findings[0].explanation, "The barrier is `start_line`.");
	assert_has(r.findings[0].explanation, "it must be at least 1");
	assert_has(r.findings[1].explanation, "A call to pthread_barrier_init() failed");
	assert_has(r.findings[1].explanation, "EINVAL: the count is 0.");
	assert_has(r.findings[2].explanation, "Initialising a barrier that is already initialised: thread #1 in main() "
					      "at " HGP_SRC "barrier_errors.c:16.\n");
	assert_has(r.findings[2].explanation, "The barrier is `finish_line`.");
	assert_has(r.findings[2].explanation, "A barrier resets itself after each round");
	hg_report_free(&r);
}

Test(helgrind_report, rwlock_misuse_is_not_called_a_mutex_error)
{
	struct hg_report r;

	load_hgp(&r, "rwlock_errors", "", 1);
	cr_assert_eq(r.nfindings, 2);
	assert_has(r.findings[0].explanation, "Unlocking a read-write lock that is not locked or not valid: thread #1 in "
					      "main() at " HGP_SRC "rwlock_errors.c:12.\n");
	assert_has(r.findings[0].explanation, "The read-write lock is `table_lock`.");
	assert_has(r.findings[0].explanation, "pthread_rwlock_unlock() must match an earlier");
	assert_has(r.findings[1].explanation, "Destroying a read-write lock that is locked: thread #1 in main() at " HGP_SRC
					      "rwlock_errors.c:14.\n");
	for (int i = 0; i < 2; i++)
		assert_lacks(r.findings[i].explanation, "valid mutex");
	hg_report_free(&r);
}
