/*
 * watch.h - make watch: run the check again whenever the student saves an
 * exercise file of the lesson.
 *
 * Each check is a fresh harness (a child process running check_argv), so
 * nothing of one check can leak into the next.  Changes are seen with
 * inotify on the lesson's directory of exercises, debounced (a check starts
 * after WATCH_QUIET_MS without another change), and a change made while a
 * check runs starts one more check after it.  Where inotify is not
 * available (or CONCUR_WATCH_POLL=1), the files' modification times are
 * read every WATCH_POLL_MS instead, after a message that says so.
 *
 * Stopping: SIGINT (Ctrl-C), SIGTERM or SIGHUP is passed on to the check
 * that runs, which stops its programs and removes its run directory
 * (jobs.h); the watcher waits for it, then ends as that signal would.
 */
#ifndef WATCH_H
#define WATCH_H

#include <stdbool.h>

#include "lesson.h"

#define WATCH_QUIET_MS 300
#define WATCH_POLL_MS  500

struct watch_options {
	const char *dir;	  /* the lesson's exercises: "exercises/01-processes" */
	const char *const *files; /* the names in dir whose change starts a check ("spawn.c"), NULL-terminated */
	char *const *check_argv;  /* the check to run; argv[0] is a path */
	const char *what;	  /* for the header: "lesson 01, exercise spawn" */
};

/* Runs until a stop signal, then ends the process as that signal would; returns only on error (2). */
int watch_run(const struct watch_options *w);

/*
 * make watch LESSON=N [EXERCISE=x]: watch_run() on root/exercises/SLUG,
 * for exercise x's NAME.c or every exercise's, each check being this very
 * program (/proc/self/exe) run as make check would run it.
 */
int watch_lesson(const char *root, const struct lesson *l, const char *exercise, bool verbose);

#endif
