/*
 * screen.h - what a student's object file may contain before the grader
 * links it into its own programs.
 *
 * The object is listed by nm (symbols) and readelf (sections), both run in
 * the sandbox on an argv (the object is hostile input for them too).  The
 * screen then refuses an object that
 *   - calls what would do work the grader cannot see, limit or count
 *     (running programs, creating processes or threads past the wrapped
 *     calls, raw system calls, loading code, changing its own limits);
 *   - uses or defines the grader's own symbols;
 *   - defines a function the C library already has (it would replace it
 *     for the grader too);
 *   - runs code before or after the tests (constructors, destructors) or
 *     has a section that is neither code, data nor debug information;
 *   - does not define the exercise's function.
 */
#ifndef SCREEN_H
#define SCREEN_H

#include "jobs.h"

/*
 * Fills jobs[0] (nm -P) and jobs[1] (readelf -SW) for object, writing
 * their output into out_dir/symbols.txt and out_dir/sections.txt.  Returns 2.
 */
int screen_jobs(const char *object, const char *out_dir, struct job *jobs);

/*
 * The screen's verdict on the listings (the outputs of screen_jobs' two
 * programs): NULL when the object may be linked, else what is wrong, in
 * words for the student who wrote `source`.  function: the exercise's
 * function; header: the exercise's header ("spawn.h").
 */
char *screen_check(const char *symbols, const char *sections, const char *source, const char *function,
		   const char *header);

/* The calls the screen refuses, NULL-terminated (for the kit's tests). */
extern const char *const screen_forbidden_calls[];

#endif
