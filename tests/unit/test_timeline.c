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
