/*
 * ct_timeline_lives.h - the workers the student's code started, as
 * timeline groups (ct_timeline.h): one row per child process or thread,
 * busy from its start to its end, as the wrappers recorded them (ct_api.h).
 * Pictures only: no verdict is read from them.
 */
#ifndef CT_TIMELINE_LIVES_H
#define CT_TIMELINE_LIVES_H

#include "ct_timeline.h"

/*
 * The children forked through fork() since the reset, in fork order: each
 * from the fork to its reaping (one nobody reaped is left out of the
 * drawing).  buf holds max intervals; the group points into it.
 */
struct ct_timeline_group ct_timeline_children(const char *name, struct ct_interval *buf, int max);

/*
 * The threads created through pthread_create since the reset, in creation
 * order: each around its start routine (one still running is left out).
 */
struct ct_timeline_group ct_timeline_threads(const char *name, struct ct_interval *buf, int max);

#endif
