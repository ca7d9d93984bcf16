/*
 * ct_timeline.h - the picture of what the workers did: one row per worker,
 * time to the right, each row showing the intervals in which that worker
 * was busy.
 *
 * A test saves a timeline with ct_timeline_save() as a small JSON file
 * (timeline-NAME.json in its working directory, NAME being the test's
 * name); the harness reads it and draws it in the terminal (when that test
 * failed, or with VERBOSE=1) and as SVG.  The file only illustrates: no
 * verdict is ever read from it.
 */
#ifndef CT_TIMELINE_H
#define CT_TIMELINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ct_timing.h"

/* One group of rows: a run of the student's code, or the baseline. */
struct ct_timeline_group {
	const char *name;               /* "run_threads (yours)" */
	const struct ct_interval *segs; /* busy intervals, on the ct_now_ns() clock */
	const int *row;                 /* row of each interval; NULL: interval i is row i */
	int nsegs, nrows;
};

/*
 * Draws the groups as text, `width` columns for the time axis.  With
 * own_origin, each group is shifted to start at 0 (runs made one after
 * another line up); otherwise all share the earliest start (one run seen
 * from several sides).
 */
void ct_timeline_draw(FILE *f, const char *title, const struct ct_timeline_group *groups, int ngroups, int width,
		      bool own_origin);

/* Writes timeline-NAME.json in the current directory; best effort. */
void ct_timeline_save(const char *name, const char *title, const struct ct_timeline_group *groups, int ngroups,
		      bool own_origin);

#endif
