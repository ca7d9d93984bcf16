/*
 * test_timeline.c - unit tests of the timeline drawings: the text drawing
 * (grader/lib/ct_timeline.c) and the saved JSON drawn again by the harness
 * as text and SVG (grader/harness/timeline.c).
 */
#include <criterion/criterion.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ct_clock.h"
#include "ct_timeline.h"
#include "timeline.h"
#include "util.h"

/* The text drawing of groups, as a string. */
static char *draw(const struct ct_timeline_group *g, int n, bool own_origin)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	cr_assert_not_null(f);
	ct_timeline_draw(f, "title", g, n, 10, own_origin);
	fclose(f);
	return text;
}

Test(timeline, draws_a_staircase_and_a_block)
{
	struct ct_interval serial[] = {{0 + 1, 5 * CT_MS + 1}, {5 * CT_MS + 1, 10 * CT_MS + 1}};
	struct ct_interval par[] = {{100, 10 * CT_MS + 100}, {100, 10 * CT_MS + 100}};
	struct ct_timeline_group g[] = {{"par", par, NULL, 2, 2}, {"serial", serial, NULL, 2, 2}};
	char *text = draw(g, 2, true);

	cr_assert(strstr(text, "par        0 |##########|"), "got:\n%s", text);
	cr_assert(strstr(text, "           1 |##########|"), "got:\n%s", text);
	cr_assert(strstr(text, "serial     0 |#####     |"), "got:\n%s", text);
	cr_assert(strstr(text, "           1 |     #####|"), "got:\n%s", text);
	free(text);
}

Test(timeline, puts_several_intervals_on_one_row)
{
	struct ct_interval segs[] = {{1, 2 * CT_MS + 1}, {6 * CT_MS + 1, 8 * CT_MS + 1}, {2 * CT_MS + 1, 10 * CT_MS + 1}};
	int rows[] = {0, 0, 1};
	struct ct_timeline_group g[] = {{"gil", segs, rows, 3, 2}};
	char *text = draw(g, 1, false);

	cr_assert(strstr(text, "gil        0 |##    ##  |"), "got:\n%s", text);
	cr_assert(strstr(text, "           1 |  ########|"), "got:\n%s", text);
	free(text);
}

/*
 * In a fresh directory (the current one from now on): saves a timeline for
 * test `name` (none if n is 0).  Returns the directory to go back to.
 */
static char *save_in_fresh_dir(const char *name, const char *title, const struct ct_timeline_group *g, int n)
{
	static char dir[64];
	char *cwd = getcwd(NULL, 0);

	strcpy(dir, "/tmp/concur-timeline-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	cr_assert_eq(chdir(dir), 0);
	if (n)
		ct_timeline_save(name, title, g, n, true);
	return cwd;
}

static void leave(char *cwd)
{
	char *dir = getcwd(NULL, 0);

	cr_assert_eq(chdir(cwd), 0);
	remove_tree(dir);
	free(dir);
	free(cwd);
}

Test(timeline, is_saved_and_drawn_again_as_text_and_svg)
{
	struct ct_interval iv[] = {{1 * CT_MS, 3 * CT_MS}, {2 * CT_MS, 4 * CT_MS}};
	struct ct_timeline_group g[] = {{"yours", iv, NULL, 2, 2}};
	char *cwd = save_in_fresh_dir("timing_example", "Example & <title>", g, 1);
	char *text = timeline_render_file("timeline-timing_example.json", "timeline-timing_example.svg");
	cr_assert_not_null(text, "a saved timeline must be drawn");
	cr_assert(strstr(text, "Example & <title>") && strstr(text, "yours"), "got:\n%s", text);
	cr_assert(strstr(text, "timeline-timing_example.svg"), "the drawing must name its SVG file; got:\n%s", text);
	xmlDocPtr doc = xmlReadFile("timeline-timing_example.svg", NULL, XML_PARSE_NONET);
	cr_assert_not_null(doc, "the SVG is not well-formed XML");
	xmlFreeDoc(doc);
	free(text);
	leave(cwd);
}

Test(timeline, that_cannot_be_read_is_not_drawn)
{
	char *cwd = save_in_fresh_dir("timing_none", "none", NULL, 0);

	cr_assert_null(timeline_render_file("timeline-missing.json", "timeline-missing.svg"));
	cr_assert_eq(write_file("timeline-bad.json", "{\"groups\": [ "), 0);
	cr_assert_null(timeline_render_file("timeline-bad.json", "timeline-bad.svg"));
	leave(cwd);
}

/* ---- hostile timeline files ------------------------------------------------
 * The test program writes its timelines inside the sandbox, so the student's
 * code can replace them with anything.  Whatever it writes, the harness must
 * return, not crash, and draw nothing from a file it cannot trust.  The
 * timeout catches a reader that blocks, or draws a million rows.
 */
TestSuite(timeline_hostile, .timeout = 10);

#define GOOD                                                                                                           \
	"{\"title\": \"t\", \"groups\": [{\"name\": \"g\", \"rows\": 2, \"segments_ms\": [[0, 1.0, 2.0], [1, 0.5, "    \
	"3]]}]}"

/* One group "g" of `rows` rows with the given segments; the rest as GOOD. */
static char *with_segments(const char *rows, const char *segments)
{
	return xasprintf("{\"title\": \"t\", \"groups\": [{\"name\": \"g\", \"rows\": %s, \"segments_ms\": [%s]}]}",
			 rows, segments);
}

/* A fresh directory, the current one from now on; returns the one to go back to. */
static char *fresh_dir(void)
{
	static char dir[64];
	char *cwd = getcwd(NULL, 0);

	strcpy(dir, "/tmp/concur-timeline-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	cr_assert_eq(chdir(dir), 0);
	return cwd;
}

/* timeline_render_file on a timeline file that holds `json`. */
static char *render_file(const char *json)
{
	char *cwd = fresh_dir();

	cr_assert_eq(write_file("timeline-timing_x.json", json), 0);
	char *text = timeline_render_file("timeline-timing_x.json", "timeline-timing_x.svg");
	bool svg = file_exists("timeline-timing_x.svg");
	leave(cwd);
	cr_assert_eq(text != NULL, svg, "a drawing is shown exactly when its SVG is written");
	return text;
}

static void assert_dropped(char *json)
{
	char *text = render_file(json);

	cr_assert_null(text, "a hostile timeline file was drawn:\n%s\nfrom:\n%.300s", text, json);
	free(json);
}

Test(timeline_hostile, a_good_file_is_drawn_the_baseline_of_what_follows)
{
	char *text = render_file(GOOD);

	cr_assert_not_null(text);
	cr_assert(strstr(text, "g") && strstr(text, "|"), "got:\n%s", text);
	free(text);
}

Test(timeline_hostile, negative_times_are_dropped)
{
	assert_dropped(with_segments("2", "[0, -1.0, 2.0]"));
	assert_dropped(with_segments("2", "[0, 1.0, -0.000001]"));
}

Test(timeline_hostile, huge_times_are_dropped)
{
	assert_dropped(with_segments("2", "[0, 0, 1e300]"));
	assert_dropped(with_segments("2", "[0, 0, 18446744073709551616]")); /* 2^64: past uint64_t even as ms */
	assert_dropped(with_segments("2", "[0, 0, 1e14]"));		    /* 3000 years */
}

Test(timeline_hostile, nan_and_infinity_are_dropped)
{
	assert_dropped(with_segments("2", "[0, NaN, 2]")); /* not JSON at all */
	assert_dropped(with_segments("2", "[0, 1, Infinity]"));
	assert_dropped(with_segments("2", "[0, 1e999, 2]")); /* overflows to infinity */
	assert_dropped(with_segments("2", "[0, \"NaN\", 2]"));
}

Test(timeline_hostile, an_interval_that_ends_before_it_starts_is_dropped)
{
	assert_dropped(with_segments("2", "[0, 5, 4]"));
}

Test(timeline_hostile, times_of_the_wrong_type_are_dropped)
{
	assert_dropped(with_segments("2", "[0, null, 2]"));
	assert_dropped(with_segments("2", "[0, 1, [2]]"));
	assert_dropped(with_segments("2", "[0, 1]"));
	assert_dropped(with_segments("2", "[0, 1, 2, 3]"));
	assert_dropped(with_segments("2", "{\"row\": 0}"));
}

Test(timeline_hostile, too_many_or_negative_rows_are_dropped)
{
	assert_dropped(with_segments("1000000", "[0, 1, 2]"));
	assert_dropped(with_segments("4294967298", "[0, 1, 2]")); /* 2^32 + 2: 2 once cut to an int */
	assert_dropped(with_segments("-1", ""));
	assert_dropped(with_segments("2.0", "[0, 1, 2]"));
	assert_dropped(with_segments("\"2\"", "[0, 1, 2]"));
}

Test(timeline_hostile, a_row_outside_the_group_is_dropped)
{
	assert_dropped(with_segments("2", "[2, 1, 2]"));
	assert_dropped(with_segments("2", "[-1, 1, 2]"));
	assert_dropped(with_segments("2", "[4294967296, 1, 2]")); /* 2^32: 0 once cut to an int */
	assert_dropped(with_segments("2", "[0.5, 1, 2]"));
	assert_dropped(with_segments("0", "[0, 1, 2]"));
}

Test(timeline_hostile, too_many_intervals_are_dropped)
{
	size_t n = 5000, len = 0;
	char *segs = xcalloc(n * 12 + 1, 1);

	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(segs + len, "%s[0, 1, 2]", i ? "," : "");
	assert_dropped(with_segments("2", segs));
	free(segs);
}

Test(timeline_hostile, too_many_groups_or_none_are_dropped)
{
	char *many = xstrdup("{\"title\": \"t\", \"groups\": [");

	for (int g = 0; g < 20; g++) {
		char *next = xasprintf("%s%s{\"name\": \"g%d\", \"rows\": 1, \"segments_ms\": [[0, 1, 2]]}", many,
				       g ? "," : "", g);
		free(many);
		many = next;
	}
	char *closed = xasprintf("%s]}", many);
	free(many);
	assert_dropped(closed);
	assert_dropped(xstrdup("{\"title\": \"t\", \"groups\": []}"));
	assert_dropped(xstrdup("{\"title\": \"t\", \"groups\": {}}"));
	assert_dropped(xstrdup("{\"title\": \"t\", \"groups\": [1]}"));
	assert_dropped(xstrdup("[]"));
}

Test(timeline_hostile, a_file_too_large_is_dropped_not_cut)
{
	size_t pad = 300 << 10;
	char *json = xcalloc(pad + sizeof GOOD, 1);

	memset(json, ' ', pad); /* valid JSON: leading white space */
	memcpy(json + pad, GOOD, sizeof GOOD);
	assert_dropped(json);
}

Test(timeline_hostile, text_with_control_characters_or_too_long_is_dropped)
{
	/* An escape sequence in a title would reach the student's terminal: clear it, move the cursor... */
	assert_dropped(xstrdup("{\"title\": \"\\u001b[2J\", \"groups\": [{\"name\": \"g\", \"rows\": 1, "
			       "\"segments_ms\": []}]}"));
	assert_dropped(xstrdup("{\"title\": \"t\", \"groups\": [{\"name\": \"a\\nb\", \"rows\": 1, "
			       "\"segments_ms\": []}]}"));
	assert_dropped(xstrdup("{\"title\": \"\\u009b2J\", \"groups\": [{\"name\": \"g\", \"rows\": 1, "
			       "\"segments_ms\": []}]}")); /* C1 CSI */
	char *long_name = xcalloc(1001, 1);
	memset(long_name, 'n', 1000);
	assert_dropped(xasprintf("{\"title\": \"t\", \"groups\": [{\"name\": \"%s\", \"rows\": 1, "
				 "\"segments_ms\": []}]}",
				 long_name));
	free(long_name);
	assert_dropped(xstrdup("{\"title\": 7, \"groups\": [{\"name\": \"g\", \"rows\": 1, \"segments_ms\": []}]}"));
	assert_dropped(xstrdup("{\"title\": \"t\", \"groups\": [{\"rows\": 1, \"segments_ms\": []}]}"));
}

Test(timeline_hostile, a_fifo_or_a_symbolic_link_is_not_read)
{
	char *cwd = fresh_dir();

	cr_assert_eq(mkfifo("timeline-timing_x.json", 0600), 0); /* opening it to read would block forever */
	cr_assert_null(timeline_render_file("timeline-timing_x.json", "x.svg"));
	cr_assert_eq(unlink("timeline-timing_x.json"), 0);
	cr_assert_eq(write_file("elsewhere.json", GOOD), 0);
	cr_assert_eq(symlink("elsewhere.json", "timeline-timing_x.json"), 0);
	cr_assert_null(timeline_render_file("timeline-timing_x.json", "x.svg"), "a timeline that is a link was followed");
	leave(cwd);
}
