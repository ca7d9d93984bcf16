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

#include <jansson.h>

#include "jobs.h"

/*
 * Fills jobs[0] (nm -P), jobs[1] (readelf -SW) and jobs[2] (objdump -dr)
 * for object, writing their output into out_dir/symbols.txt, sections.txt
 * and code.txt.  Returns SCREEN_JOBS.
 */
#define SCREEN_JOBS 3
int screen_jobs(const char *object, const char *out_dir, struct job *jobs);

/*
 * The screen's verdict on the listings (the outputs of screen_jobs' two
 * programs): NULL when the object may be linked, else what is wrong, in
 * words for the student who wrote `source`.  function: the exercise's
 * function; header: the exercise's header ("spawn.h"); allowed: the calls
 * of screen_forbidden_calls this exercise may make (NULL-terminated, or
 * NULL for none), the exec family for an exercise about exec.
 */
char *screen_check(const char *symbols, const char *sections, const char *source, const char *function,
		   const char *header, const char *const *allowed);

/*
 * The screen of the source text, before anything compiles it: NULL, or
 * what is wrong, for the student who wrote `source`.  It refuses what
 * could read a file the grader did not give the compiler or hide code from
 * the other screens: an #include of anything but the exercise's own
 * headers ("name.h") and the system's (<name.h>, <sys/name.h>), by an
 * absolute path, with "..", or by a macro; #embed, #import, __has_include,
 * #pragma GCC dependency; inline assembly (asm, __asm__); and the ##
 * operator, which could paste either together.
 */
char *screen_source(const char *text, const char *source);

/* The calls the screen refuses, NULL-terminated (for the kit's tests). */
extern const char *const screen_forbidden_calls[];

/*
 * The object's call graph, from its disassembly (objdump -dr): for every
 * function it defines, the functions it calls, jumps to or refers to
 * (its own, or the C library's), as {"fn": ["callee", ...], ...}.
 */
json_t *screen_callgraph(const char *disassembly);

/*
 * What a signal handler fn of the object may call that is not
 * async-signal-safe (POSIX's list, signal-safety(7)), directly or through
 * other functions of the object: "printf() (through log_line())", joined
 * by ", "; NULL if nothing (or fn is not in the graph).
 */
char *screen_unsafe_in_handler(json_t *graph, const char *fn);

/* POSIX's async-signal-safe functions, NULL-terminated. */
extern const char *const screen_signal_safe[];

#endif
