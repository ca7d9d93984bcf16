/*
 * timeline.h - draw the timelines that a test program saved (ct_timeline.h)
 * in the terminal and as SVG files.
 */
#ifndef TIMELINE_H
#define TIMELINE_H

#include <stdbool.h>

/*
 * For every timeline-TEST.json in test_dir: writes svg_dir/timeline-TEST.svg
 * and, if the test did not pass according to the report json_path (or if
 * all is true), appends its text drawing to the returned string.  Returns
 * NULL when there is nothing to show.
 */
char *timelines_render(const char *test_dir, const char *json_path, const char *svg_dir, bool all);

#endif
