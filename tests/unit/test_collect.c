/*
 * test_collect.c - the files of a run are hostile input: links, FIFOs,
 * floods, broken JSON and forged side files must never hang, crash or
 * mislead the harness, and each test's ending is read from the runner's
 * report alone.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect.h"
#include "ct_protocol.h"
#include "util.h"

static char dir[64];

static void in_fresh_dir(void)
{
	strcpy(dir, "/tmp/concur-collect-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	/* The kit's sentinel, as the build writes it. */
	char *kit = xasprintf("%s/kit", dir);
	cr_assert_eq(make_dirs(kit), 0);
	char *s = xasprintf("%s/%s", kit, CT_SENTINEL_FILE);
	cr_assert_eq(write_file(s, "99\n"), 0);
	setenv("CONCUR_KIT", kit, 1);
	free(s);
	free(kit);
}

static void clean_up(void) { remove_tree(dir); }

static void put(const char *name, const char *text)
{
	char *p = xasprintf("%s/%s", dir, name);
	cr_assert_eq(write_file(p, text), 0);
	free(p);
}

/* A job that ran and exited with code. */
static struct job exited(int code)
{
	static char *argv[] = {"./test", NULL};
	return (struct job){.argv = argv, .started = true, .status = code << 8, .timeout_s = 45};
}

TestSuite(collect, .init = in_fresh_dir, .fini = clean_up);

Test(collect, reads_only_regular_files_and_never_blocks)
{
	put("real.txt", "hello");
	char *link = xasprintf("%s/link.txt", dir), *fifo = xasprintf("%s/fifo.txt", dir);
	cr_assert_eq(symlink("/etc/passwd", link), 0);
	cr_assert_eq(mkfifo(fifo, 0644), 0);
	size_t len;
	char *s = collect_read(dir, "real.txt", 100, &len);
	cr_assert_str_eq(s, "hello");
	cr_assert_eq(len, 5);
	free(s);
	cr_assert_null(collect_read(dir, "link.txt", 100, NULL), "a symbolic link must not be followed");
	cr_assert_null(collect_read(dir, "fifo.txt", 100, NULL), "a FIFO must be refused, not waited on");
	cr_assert_null(collect_read(dir, ".", 100, NULL), "a directory is not a file");
	cr_assert_null(collect_read(dir, "missing", 100, NULL));
	free(link);
	free(fifo);
}

Test(collect, refuses_a_file_over_the_bound)
{
	char big[5000];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	put("big.txt", big);
	cr_assert_null(collect_read(dir, "big.txt", 100, NULL), "a file over its bound is refused, not cut");
	size_t len;
	char *s = collect_read(dir, "big.txt", sizeof big, &len);
	cr_assert_eq(len, sizeof big - 1);
	free(s);
}

static const char *report =
	"{\"version\": 1, \"suites\": [{\"name\": \"other\", \"tests\": [{\"name\": \"correct_x\", \"status\": \"passed\"}]},"
	"{\"name\": \"spawn\", \"tests\": ["
	"{\"name\": \"correct_ok\", \"status\": \"passed\", \"exit_code\": 99},"
	"{\"name\": \"timing_skipped\", \"status\": \"passed\", \"exit_code\": 99},"
	"{\"name\": \"correct_check\", \"status\": \"failed\", \"messages\": [\"codes[0] = 1\\nsecond line\"]},"
	"{\"name\": \"correct_todo\", \"status\": \"failed\", \"messages\": [\"not implemented: spawn.c:3: f() still has its TODO\"]},"
	"{\"name\": \"correct_hang\", \"status\": \"failed\", \"timed_out\": true},"
	"{\"name\": \"correct_crash\", \"status\": \"failed\", \"crashed\": true, \"signal\": 11},"
	"{\"name\": \"correct_exit0\", \"status\": \"failed\", \"exit_code\": 0},"
	"{\"name\": \"correct_deadlock\", \"status\": \"failed\", \"exit_code\": 5},"
	"{\"name\": \"correct_exit5\", \"status\": \"failed\", \"exit_code\": 5},"
	"{\"name\": \"correct_forged_pass\", \"status\": \"failed\", \"messages\": [\"x\"]},"
	"{\"name\": \"../escape\", \"status\": \"passed\"},"
	"{\"status\": \"passed\"}"
	"]}]}";

static const struct test_outcome *find(const struct suite_outcome *s, const char *name)
{
	for (int i = 0; i < s->ntests; i++)
		if (strcmp(s->tests[i].name, name) == 0)
			return &s->tests[i];
	cr_assert_fail("no outcome for test %s", name);
	return NULL;
}

Test(collect, reads_how_each_test_ended_from_the_runners_report)
{
	struct job j = exited(0);
	struct suite_outcome s;

	put(CT_OUTCOMES_FILE, report);
	put("skipped-timing_skipped.txt", "skipped: needs 2 CPUs");
	put("deadlock-correct_deadlock.txt", "stuck\n- thread 1 waits for m");
	/* Side files of passed or failed tests never change how they ended. */
	put("skipped-correct_forged_pass.txt", "skipped: I say so");
	put("deadlock-correct_ok.txt", "cycle\n- forged");
	collect_suite(&j, dir, "spawn", "/nonexistent/test", dir, &s);
	cr_assert(s.has_report);
	cr_assert_eq(s.ntests, 10, "the other suite's test and the nameless or path-like ones are left out (got %d)", s.ntests);
	cr_assert_eq(find(&s, "correct_ok")->status, TEST_PASSED);
	cr_assert_null(find(&s, "correct_ok")->deadlock);
	cr_assert_str_eq(find(&s, "timing_skipped")->skip_note, "skipped: needs 2 CPUs");
	cr_assert_eq(find(&s, "timing_skipped")->check, CHECK_TIMING);
	cr_assert_eq(find(&s, "correct_check")->status, TEST_FAILED);
	cr_assert_str_eq(find(&s, "correct_check")->messages[0], "codes[0] = 1\nsecond line");
	cr_assert_eq(find(&s, "correct_todo")->status, TEST_NOT_IMPLEMENTED);
	cr_assert_eq(find(&s, "correct_hang")->status, TEST_TIMED_OUT);
	cr_assert_eq(find(&s, "correct_crash")->status, TEST_CRASHED);
	cr_assert_eq(find(&s, "correct_crash")->signal, 11);
	cr_assert_eq(find(&s, "correct_exit0")->status, TEST_EARLY_EXIT);
	cr_assert_eq(find(&s, "correct_deadlock")->status, TEST_DEADLOCKED);
	cr_assert(find(&s, "correct_deadlock")->deadlock_stuck);
	cr_assert_str_eq(find(&s, "correct_deadlock")->deadlock, "- thread 1 waits for m");
	cr_assert_eq(find(&s, "correct_exit5")->status, TEST_EARLY_EXIT, "exit status 5 without a picture is an early exit");
	cr_assert_eq(find(&s, "correct_forged_pass")->status, TEST_FAILED);
	cr_assert_null(find(&s, "correct_forged_pass")->skip_note);
	struct exercise_outcome o = {.suite = s};
	outcome_free(&o);
}

Test(collect, a_broken_or_missing_report_is_no_report)
{
	struct job j = exited(0);
	struct suite_outcome s;

	collect_suite(&j, dir, "spawn", "/nonexistent/test", dir, &s);
	cr_assert_not(s.has_report);
	put(CT_OUTCOMES_FILE, "{\"version\": 1, \"suites\": [{\"name\": \"spawn\", \"tests\": [");
	collect_suite(&j, dir, "spawn", "/nonexistent/test", dir, &s);
	cr_assert_not(s.has_report, "a truncated report must not count");
	char *p = xasprintf("%s/%s", dir, CT_OUTCOMES_FILE);
	cr_assert_eq(unlink(p), 0);
	cr_assert_eq(mkfifo(p, 0644), 0);
	collect_suite(&j, dir, "spawn", "/nonexistent/test", dir, &s);
	cr_assert_not(s.has_report, "a FIFO in place of the report must be refused, not waited on");
	free(p);
}

Test(collect, a_timed_out_run_has_no_report_and_nothing_left_behind)
{
	struct job j = exited(0);
	struct suite_outcome s;

	j.timed_out = true;
	j.leftovers = 3;
	put(CT_OUTCOMES_FILE, report);
	collect_suite(&j, dir, "spawn", "/nonexistent/test", dir, &s);
	cr_assert_eq(s.run.end, RUN_TIMED_OUT);
	cr_assert_not(s.has_report);
	cr_assert_eq(s.run.leftovers, 0, "after a time-out everything is killed: nothing counts as left behind");
}

Test(collect, keeps_only_the_last_words_of_a_flood)
{
	struct job j = exited(1);
	char *err = xasprintf("%s/%s", dir, CT_STDERR_FILE);
	FILE *f = fopen(err, "w");
	cr_assert_not_null(f);
	for (int i = 0; i < 200000; i++)
		fprintf(f, "line %d\n", i);
	fprintf(f, "the very last line\n");
	fclose(f);
	struct run_outcome r;
	collect_run(&j, err, &r);
	cr_assert_eq(r.end, RUN_EXITED);
	cr_assert_eq(r.exit_code, 1);
	cr_assert_str_eq(r.first_line, "line 0");
	cr_assert(strstr(r.last_words, "the very last line") && !strstr(r.last_words, "line 0\n"), "got: %s", r.last_words);
	cr_assert_lt(strlen(r.last_words), 2000);
	free(r.last_words);
	free(r.first_line);
	free(err);
}

Test(collect, reads_the_race_drivers_ending_from_its_exit_status)
{
	struct race_outcome r;
	char *err = xasprintf("%s/%s", dir, CT_STDERR_FILE);
	struct job j = exited(CT_EXIT_DRIVER_FAILED);

	j.err_path = err;
	put(CT_STDERR_FILE, CT_DRIVER_MESSAGE_PREFIX "counter_get(c) returned 3\nmore\n");
	collect_race(&j, dir, dir, RACE_HELGRIND, &r);
	cr_assert_eq(r.driver, DRIVER_WRONG_RESULT);
	cr_assert_str_eq(r.message, "counter_get(c) returned 3");
	cr_assert_not(r.report_ok, "there is no race.xml");
	struct exercise_outcome o = {.race = r};
	outcome_free(&o);

	j = exited(99);
	j.err_path = err;
	put(CT_STDERR_FILE, "not implemented: forged\n");
	collect_race(&j, dir, dir, RACE_HELGRIND, &r);
	cr_assert_eq(r.driver, DRIVER_RAN_TO_END, "only the exit status decides how a driver ended");
	cr_assert_null(r.message);
	o = (struct exercise_outcome){.race = r};
	outcome_free(&o);

	j = exited(0);
	collect_race(&j, dir, dir, RACE_HELGRIND, &r);
	cr_assert_eq(r.driver, DRIVER_OTHER);
	o = (struct exercise_outcome){.race = r};
	outcome_free(&o);
	free(err);
}

Test(collect, an_explaining_run_out_of_time_still_explains_from_the_race_runs_xml)
{
	struct race_outcome r = {.tool = RACE_HELGRIND, .nfindings = 1};
	struct job j = exited(0);
	char *xml = read_file("tests/unit/fixtures/hg_race_global.xml", 1 << 20);
	char *log = read_file("tests/unit/fixtures/hg_race_global.log", 1 << 20);

	cr_assert(xml && log);
	put(CT_RACE_XML, xml);
	put(CT_RACE_LOG, log); /* what a run cut short may have left: never read */
	j.timed_out = true;
	collect_explanation(&j, dir, dir, dir, &r);
	cr_assert(r.explained, "the race run's XML alone names the places and threads of every finding");
	cr_assert(r.explained_without_log);
	cr_assert_gt(r.nexplained, 0);
	cr_assert(r.explanation && strstr(r.explanation, "race"), "got: %s", r.explanation ? r.explanation : "(none)");
	struct exercise_outcome o = {.race = r};
	outcome_free(&o);

	r = (struct race_outcome){.tool = RACE_HELGRIND, .nfindings = 1};
	j = exited(0);
	collect_explanation(&j, dir, dir, dir, &r);
	cr_assert(r.explained);
	cr_assert_not(r.explained_without_log, "an explaining run that ended has its log read");
	o = (struct exercise_outcome){.race = r};
	outcome_free(&o);
	free(xml);
	free(log);
}
