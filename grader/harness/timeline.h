/*
 * timeline.h - draw the timelines that a test program saved (ct_timeline.h)
 * in the terminal and as SVG files.
 */
#ifndef TIMELINE_H
#define TIMELINE_H

#include <stdbool.h>

/*
 * Draws the timeline saved in json_path (ct_timeline.h): writes its SVG
 * drawing to svg_path and returns the text drawing (ending with a line
 * that names the SVG file), or NULL if the file cannot be read.
 */
char *timeline_render_file(const char *json_path, const char *svg_path);

#endif
