/*
 * outcome.h - what happened when one exercise was graded, as facts: how
 * each sandboxed program ended, how each test ended and what it said, what
 * Helgrind found.  collect.c fills it from the files a run leaves behind
 * (all of them hostile, size-bounded input); judge.c turns it into
 * verdicts without any I/O.  An outcome can be saved as JSON and loaded
 * back (outcome_to_json, outcome_from_json): the harness keeps one beside
 * each exercise's build for the curious, and the judge's unit tests are
 * scenarios written in that form.
 */
#ifndef OUTCOME_H
#define OUTCOME_H

#include <jansson.h>
#include <stdbool.h>

#include "lesson.h"

/* How a sandboxed program ended, as the harness saw it (never as it said). */
enum run_end {
	RUN_NOT_RUN,    /* not started: not needed, or an earlier phase failed */
	RUN_NO_START,   /* fork or exec failed (start_errno) */
	RUN_EXITED,     /* exit_code */
	RUN_SIGNALED,   /* signal */
	RUN_TIMED_OUT,  /* killed after timeout_s */
	RUN_INTERRUPTED /* the harness was stopped (Ctrl-C) while it ran */
};

struct run_outcome {
	enum run_end end;
	int exit_code, signal, start_errno;
	double wall_s, timeout_s;
	int leftovers;      /* processes it left behind (killed by the harness) */
	char *last_words;   /* the last lines of its stderr (capped), or NULL */
	char *first_line;   /* the first line of its stderr (capped), or NULL */
};

/* How one test ended: Criterion's runner's account, in outcomes.json. */
enum test_status {
	TEST_PASSED,          /* reached ct_pass(): the sentinel status */
	TEST_FAILED,          /* a CT_CHECK failed: messages */
	TEST_NOT_IMPLEMENTED, /* a skeleton's TODO ran: messages[0] has CT_TODO_MARKER */
	TEST_TIMED_OUT,       /* ran out of its own time limit */
	TEST_CRASHED,         /* killed by signal */
	TEST_EARLY_EXIT,      /* ended with exit_code before its last line, saying nothing */
	TEST_DEADLOCKED,      /* the lock watchdog ended it: deadlock holds the picture */
	TEST_NOT_RUN,         /* Criterion skipped it */
};

struct test_outcome {
	char *name;               /* "correct_exit_codes" */
	enum check_kind check;    /* timing_* -> CHECK_TIMING, else CHECK_CORRECTNESS */
	enum test_status status;
	int signal, exit_code;
	char **messages;          /* the failed checks' messages, in order */
	int nmessages;
	char *skip_note;          /* PASSED, but its measurement was skipped: why; else NULL */
	char *deadlock;           /* DEADLOCKED: the picture, symbolized; else NULL */
	bool deadlock_stuck;      /* the picture is of a lock that will never be released */
	bool cut_short;           /* TEST_TIMED_OUT under CT_CUT_LIMIT_MS: an earlier test had run out of its time */
	char *timeline;           /* text drawing of the workers, or NULL */
	/* Signal handlers the student installed that may call what is not async-signal-safe: which, what; or NULL. */
	char *handler_unsafe;
	bool hidden;              /* one of the instructor's hidden tests: never named to the student */
};

struct suite_outcome {
	struct run_outcome run;
	bool has_report;          /* outcomes.json was there and well formed */
	struct test_outcome *tests;
	int ntests;
};

/* How the Helgrind driver ended: the exit status decides, per ct_protocol.h. */
enum driver_end { DRIVER_NOT_RUN, DRIVER_RAN_TO_END, DRIVER_TODO, DRIVER_WRONG_RESULT, DRIVER_OTHER };

/*
 * Which tool looked for races (RACE=...): Helgrind is the default and the
 * only one a grade counts on; DRD, ThreadSanitizer (compiled in, many times
 * faster) and none at all are for a student's quick loop.  Every tool's
 * findings are told in the same words (helgrind_report.h).
 */
enum race_mode { RACE_HELGRIND, RACE_DRD, RACE_TSAN, RACE_OFF };

struct race_outcome {
	enum race_mode tool;      /* which tool ran (RACE_OFF: none was asked for; the run is RUN_NOT_RUN) */
	struct run_outcome run;
	enum driver_end driver;
	char *message;            /* DRIVER_TODO or DRIVER_WRONG_RESULT: what it said */
	bool report_ok;           /* the tool's report was complete */
	char *tool_error;         /* the tool stopped on an error of its own (ThreadSanitizer's "FATAL: ..."), or NULL */
	int nfindings;
	struct run_outcome explain_run; /* the explaining run, if one was needed */
	bool explained;           /* the findings were explained (Helgrind's explaining run ran and was read; DRD and
				     ThreadSanitizer explain in their one run) */
	bool explained_without_log; /* ... from the race run's XML alone: the explaining run did not end (no variable
				       names, no locks held) */
	int nexplained;           /* findings explained */
	char *explanation;        /* their plain words, or NULL */
};

struct exercise_outcome {
	char *build_problem;      /* the exercise could not be built: why; else NULL */
	struct suite_outcome suite;
	bool has_hidden;          /* an instructor's hidden suite ran too */
	struct suite_outcome hidden;
	struct race_outcome race;
};

void outcome_free(struct exercise_outcome *o);

/* What a test's name says it checks. */
enum check_kind outcome_check_of(const char *test_name);

/* JSON form (the names of the enums as strings). */
json_t *outcome_to_json(const struct exercise_outcome *o);
/* 0, or -1 with *why set to a static string; *o is then freed and zeroed. */
int outcome_from_json(json_t *j, struct exercise_outcome *o, const char **why);

const char *run_end_name(enum run_end e);
const char *test_status_name(enum test_status s);
const char *driver_end_name(enum driver_end d);
const char *race_mode_name(enum race_mode m); /* "helgrind", "drd", "tsan", "off" */
/* RACE_* of a name race_mode_name() gives, or -1. */
int race_mode_of(const char *name);
/* How the reports name the tool: "Helgrind", "DRD", "ThreadSanitizer" ("no tool" for RACE_OFF). */
const char *race_tool_title(enum race_mode m);

/* "exited with status 3", "was killed by signal 9 (Killed)", "was stopped after its time limit of 5 s". */
const char *run_describe(const struct run_outcome *r, char *buf, size_t len);

#endif
