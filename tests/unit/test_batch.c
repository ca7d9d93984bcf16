/*
 * test_batch.c - what makes a class grading grade a student again, alone:
 * a check with points whose every test was skipped (a machine too busy to
 * measure), never a check that passed, failed or has no points.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "batch.h"
#include "util.h"

static char path[] = "/tmp/concur-batch-XXXXXX";

static void fresh_file(void)
{
	int fd = mkstemp(path);
	cr_assert_neq(fd, -1);
	close(fd);
}

static void clean_up(void) { unlink(path); }

static bool judged(const char *timing_verdict, int timing_max)
{
	char *text = xasprintf("{\"lessons\": [{\"exercises\": [{\"name\": \"runners\", \"checks\": {"
			       "\"correctness\": {\"verdict\": \"pass\", \"max\": 6, \"points\": 6},"
			       "\"timing\": {\"verdict\": \"%s\", \"max\": %d, \"points\": 0}}}]}]}",
			       timing_verdict, timing_max);
	cr_assert_eq(write_file(path, text), 0);
	free(text);
	return batch_result_has_skipped_check(path);
}

TestSuite(batch, .init = fresh_file, .fini = clean_up);

Test(batch, a_skipped_check_with_points_is_graded_again)
{
	cr_assert(judged("skip", 6));
}

Test(batch, passed_failed_or_pointless_checks_are_not)
{
	cr_assert_not(judged("pass", 6));
	cr_assert_not(judged("fail", 6));
	cr_assert_not(judged("skip", 0), "a check without points loses nothing");
}

Test(batch, a_missing_or_broken_report_is_not)
{
	cr_assert_eq(write_file(path, "{\"lessons\": [{\"exer"), 0);
	cr_assert_not(batch_result_has_skipped_check(path));
	cr_assert_not(batch_result_has_skipped_check("/nonexistent/result.json"));
}
