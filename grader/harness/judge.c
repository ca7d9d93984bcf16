/*
 * judge.c - verdicts from outcomes (judge.h).
 *
 * DESIGN: each check is judged on its own, in order: the build, then the
 * suite's tests (correctness and timing, by the prefix of each test's
 * name), then the Helgrind run (races), and last the processes left
 * behind, which fail every check.  A skeleton's "not implemented" is the
 * whole story of a check, whichever test said it first.
 */
#define _GNU_SOURCE
#include "judge.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ct_protocol.h"
#include "util.h"

/* Sets check c (points follow the verdict); takes ownership of the strings. */
static void set_check(struct check_result *c, enum verdict v, char *summary, char *details)
{
	if (c->max == 0 && v != VERDICT_SKIP)
		v = VERDICT_NONE;
	c->verdict = v;
	c->points = v == VERDICT_PASS ? c->max : 0;
	free(c->summary);
	free(c->details);
	c->summary = summary;
	c->details = details;
}

static void fail_all(struct exercise_result *r, const char *summary, const char *details)
{
	for (int c = 0; c < NCHECKS; c++)
		set_check(&r->checks[c], VERDICT_FAIL, xstrdup(summary), details ? xstrdup(details) : NULL);
}

/*
 * Processes left running fail every check: a check that passed now fails
 * for that reason; one that failed already keeps its reason, plus a note.
 */
static void fail_leftovers(struct exercise_result *r)
{
	static const char why[] = "processes started during the tests outlived the process that started them (the "
				  "grader killed those still running): wait for every child you create, and never "
				  "leave one behind on purpose";

	for (int c = 0; c < NCHECKS; c++) {
		struct check_result *cr = &r->checks[c];
		if (cr->verdict == VERDICT_PASS || cr->verdict == VERDICT_SKIP)
			set_check(cr, VERDICT_FAIL, xstrdup(why), NULL);
		else if (cr->verdict == VERDICT_FAIL && !strstr(cr->summary ? cr->summary : "", CT_TODO_MARKER)) {
			char *d = xasprintf("%s%s(also: %s)", cr->details ? cr->details : "", cr->details ? "\n" : "", why);
			free(cr->details);
			cr->details = d;
		}
		cr->points = 0; /* no partial credit either */
	}
}

char *readable_test_name(const char *name)
{
	const char *u = strchr(name, '_');
	char *s = xstrdup(u ? u + 1 : name);

	for (char *p = s; *p; p++)
		if (*p == '_')
			*p = ' ';
	return s;
}

/* s with each line after the first indented by `indent` spaces. */
static char *indented(const char *s, int indent)
{
	size_t extra = 0;

	for (const char *p = s; *p; p++)
		extra += *p == '\n' ? (size_t)indent : 0;
	char *out = xcalloc(strlen(s) + extra + 1, 1), *w = out;
	for (const char *p = s; *p; p++) {
		*w++ = *p;
		if (*p == '\n')
			for (int i = 0; i < indent; i++)
				*w++ = ' ';
	}
	return out;
}

/* What a crash by this signal usually means in these exercises. */
static const char *signal_meaning(int sig)
{
	switch (sig) {
	case SIGSEGV:
	case SIGBUS:
		return "a bad pointer: one into a stack frame that has returned, to freed memory, or never set";
	case SIGABRT:
		return "abort(): a failed assert(), or the C library found the heap corrupted (a double free, a "
		       "write past the end of a block)";
	case SIGPIPE:
		return "a write to a pipe or socket whose every read end was closed: the reader had gone";
	case SIGFPE:
		return "an arithmetic error, such as an integer division by zero";
	case SIGKILL:
		return "a kill(..., SIGKILL) that reached the test process itself (did code meant for a child process "
		       "run in it?), or the system ending it for using too much memory";
	case SIGXCPU:
		return "the CPU time limit ran out: a loop that spins without end";
	case SIGXFSZ:
		return "a file grew past the size limit: something writes without end";
	default:
		return "a signal that reached the test process itself and was not handled: did code meant for a child "
		       "process run in it, or did a kill() hit the wrong process?";
	}
}

/*
 * Whether test t fails: it did not pass or, for a correctness test, a
 * signal handler it saw installed may call what a handler must not.
 */
static bool unsafe_handler(const struct test_outcome *t)
{
	return t->handler_unsafe && t->check == CHECK_CORRECTNESS;
}

static bool test_fails(const struct test_outcome *t)
{
	return (t->status != TEST_PASSED && t->status != TEST_NOT_RUN) || unsafe_handler(t);
}

static char *explain_ending(const struct test_outcome *t);

/* What a test that did not pass means, in words. */
static char *explain_test(const struct test_outcome *t)
{
	if (!unsafe_handler(t))
		return explain_ending(t);
	char *unsafe = xasprintf("%s, which %s not async-signal-safe: the signal may arrive while the program is inside "
				 "that very function (holding its lock, or halfway through its data), and the handler "
				 "would then deadlock or corrupt it. A handler may call only async-signal-safe functions "
				 "(man 7 signal-safety): set a volatile sig_atomic_t flag there, and act on it outside",
				 t->handler_unsafe, strchr(t->handler_unsafe, ',') ? "are" : "is");
	if (t->status == TEST_PASSED)
		return unsafe;
	char *ending = explain_ending(t), *both = xasprintf("%s\n    (also: %s)", ending, unsafe);
	free(ending);
	free(unsafe);
	return both;
}

/* How the test ended, in words. */
static char *explain_ending(const struct test_outcome *t)
{
	switch (t->status) {
	case TEST_TIMED_OUT:
		if (t->cut_short)
			return xasprintf("did not finish within %.0f s, the limit of each test once an earlier test has "
					 "run out of its %d s: fix the code that never ends first",
					 CT_CUT_LIMIT_MS / 1000.0, CT_TEST_TIMEOUT_S);
		return xasprintf("did not finish within its time limit of %d s: something waits forever (a child or "
				 "thread never ends, a missing wake-up) or loops without end",
				 CT_TEST_TIMEOUT_S);
	case TEST_CRASHED:
		return xasprintf("the test process crashed: it was killed by signal %d (SIG%s, %s). Here that "
				 "usually means %s",
				 t->signal, sigabbrev_np(t->signal) ? sigabbrev_np(t->signal) : "?", strsignal(t->signal),
				 signal_meaning(t->signal));
	case TEST_EARLY_EXIT:
		return xasprintf("the test did not reach its last line: the code under test ended the process early "
				 "with status %d (did it call exit() or _exit() in the calling process?)",
				 t->exit_code);
	case TEST_DEADLOCKED: {
		char *pic = indented(t->deadlock, 4);
		char *s = xasprintf("deadlock: these threads are blocked for good (the grader stopped the test):\n    %s",
				    pic);
		free(pic);
		return s;
	}
	case TEST_NOT_RUN:
		return xstrdup("the test did not run (a fault in the kit: please report it)");
	case TEST_FAILED:
	case TEST_NOT_IMPLEMENTED:
	case TEST_PASSED:
		break;
	}
	char *out = xstrdup("");
	for (int i = 0; i < t->nmessages; i++) {
		char *line = indented(t->messages[i], 4);
		char *more = xasprintf("%s%s%s", out, i ? "\n" : "", line);
		free(out);
		free(line);
		out = more;
	}
	if (!*out) {
		free(out);
		out = xstrdup("the test failed without saying why (a fault in the kit: please report it)");
	}
	return out;
}

/*
 * s with the numbers that differ from one run of a program to the next
 * (those after "pid ", "fd ", "pipe:[" and "socket:[") replaced by '#'.
 */
static char *digits_blurred(const char *s)
{
	static const char *const before[] = {"pid ", "fd ", "pipe:[", "socket:["};
	char *out = xstrdup(s), *w = out;

	for (const char *p = s; *p;) {
		size_t k = 0;
		for (; k < sizeof before / sizeof before[0]; k++)
			if (strncmp(p, before[k], strlen(before[k])) == 0)
				break;
		if (k == sizeof before / sizeof before[0]) {
			*w++ = *p++;
			continue;
		}
		for (size_t i = 0; i < strlen(before[k]); i++)
			*w++ = *p++;
		if (*p >= '0' && *p <= '9')
			*w++ = '#';
		while (*p >= '0' && *p <= '9')
			p++;
	}
	*w = '\0';
	return out;
}

/* Appends line to *text, separated by a line break. */
static void add_line(char **text, char *line)
{
	char *more = xasprintf("%s%s%s", *text ? *text : "", *text ? "\n" : "", line);

	free(*text);
	free(line);
	*text = more;
}

/* What the tests of one check said, gathered over the suite. */
struct tally {
	int total, failed, skipped;
	int hidden_total, hidden_failed; /* the instructor's hidden tests: counted, never named */
	int weight, weight_passed; /* partial credit: the tests' weights, all and of those that passed */
	char *details, *skip_notes;
	char *first_failure;  /* the reason to summarise with */
	char *shapes;         /* reasons given so far, digits blurred, each ended by \x1e */
};

static void tally_test(struct tally *y, const struct test_outcome *t, int weight)
{
	y->total++;
	y->hidden_total += t->hidden;
	y->weight += weight;
	if (!test_fails(t))
		y->weight_passed += weight; /* a skipped measurement is no fault of the code */
	if (t->status == TEST_PASSED && !test_fails(t)) {
		if (t->skip_note) {
			y->skipped++;
			char *label = readable_test_name(t->name);
			add_line(&y->skip_notes, xasprintf("- %s: %s", label, t->skip_note));
			free(label);
		}
		return;
	}
	if (t->status == TEST_NOT_RUN && !test_fails(t)) {
		y->skipped++;
		return;
	}
	y->failed++;
	if (t->hidden) {
		y->hidden_failed++;
		return;
	}
	char *why = explain_test(t);
	char *label = readable_test_name(t->name);
	/* A long reason already given word for word (but for pids and descriptors) is not repeated. */
	char *shape = digits_blurred(why);
	bool repeated = strlen(why) > 200 && y->shapes && strstr(y->shapes, shape);
	add_line(&y->details, xasprintf("- %s: %s", label, repeated ? "the same reason as above" : why));
	if (!repeated) {
		char *more = xasprintf("%s%s\x1e", y->shapes ? y->shapes : "", shape);
		free(y->shapes);
		y->shapes = more;
	}
	/* An unimplemented skeleton is the whole story, whichever test said so first. */
	if (!y->first_failure || (!strstr(y->first_failure, CT_TODO_MARKER) && t->status == TEST_NOT_IMPLEMENTED)) {
		free(y->first_failure);
		y->first_failure = xstrdup(why);
	}
	free(shape);
	free(label);
	free(why);
}

static void judge_tally(struct check_result *cr, struct tally *y)
{
	if (y->total == 0) {
		if (cr->max)
			set_check(cr, VERDICT_FAIL,
				  xstrdup("no result: the test report lists no test of this check (a fault in the kit: "
					  "please report it)"),
				  NULL);
	} else if (y->failed) {
		if (y->hidden_failed)
			add_line(&y->details, xasprintf("- hidden tests: %d of %d passed (the instructor's: their names and "
							"messages are not shown)",
							y->hidden_total - y->hidden_failed, y->hidden_total));
		const char *todo = y->first_failure ? strstr(y->first_failure, CT_TODO_MARKER) : NULL;
		if (todo) {
			set_check(cr, VERDICT_FAIL, xstrdup(todo), NULL);
		} else {
			/* Partial credit, rounded down: all of a check's points need all of its tests. */
			int partial = y->weight ? (int)((long)cr->max * y->weight_passed / y->weight) : 0;
			set_check(cr, VERDICT_FAIL,
				  partial ? xasprintf("%d of %d tests failed (%d of %d points for those that passed)", y->failed,
						      y->total, partial, cr->max)
					  : xasprintf("%d of %d tests failed", y->failed, y->total),
				  y->details);
			y->details = NULL;
			cr->points = partial;
		}
	} else if (y->skipped == y->total) {
		set_check(cr, VERDICT_SKIP, xasprintf("all %d tests skipped", y->skipped), y->skip_notes);
		y->skip_notes = NULL;
	} else if (y->skipped) {
		int ran = y->total - y->skipped;
		set_check(cr, VERDICT_PASS, xasprintf("%d test%s passed, %d skipped", ran, ran == 1 ? "" : "s", y->skipped),
			  y->skip_notes);
		y->skip_notes = NULL;
	} else {
		set_check(cr, VERDICT_PASS, xasprintf("%d test%s passed", y->total, y->total == 1 ? "" : "s"), NULL);
	}
	free(y->details);
	free(y->skip_notes);
	free(y->first_failure);
	free(y->shapes);
}

/* Whether the tests found code that never ends (the Helgrind driver would hang too). */
static bool suite_hung(const struct suite_outcome *s)
{
	if (s->run.end == RUN_TIMED_OUT)
		return true;
	for (int i = 0; i < s->ntests; i++)
		if (s->tests[i].status == TEST_TIMED_OUT || (s->tests[i].status == TEST_DEADLOCKED && s->tests[i].deadlock_stuck))
			return true;
	return false;
}

static void judge_suite(const struct exercise *e, const struct suite_outcome *s, const struct suite_outcome *hidden,
			struct exercise_result *r)
{
	char how[160];

	if (s->run.end != RUN_EXITED && s->run.end != RUN_SIGNALED) {
		for (int c = CHECK_CORRECTNESS; c <= CHECK_TIMING; c++)
			set_check(&r->checks[c], VERDICT_FAIL,
				  xasprintf("the test program %s; no results (something in your code never ends, even "
					    "after each test's own time limit)",
					    run_describe(&s->run, how, sizeof how)),
				  NULL);
		return;
	}
	if (!s->has_report) {
		char *why = xasprintf("the test program %s without writing its report, so nothing passed: did your "
				      "code end the process, or start so many processes or threads that the test "
				      "program could not run its own?",
				      run_describe(&s->run, how, sizeof how));
		for (int c = CHECK_CORRECTNESS; c <= CHECK_TIMING; c++)
			set_check(&r->checks[c], VERDICT_FAIL, xstrdup(why),
				  s->run.last_words ? xasprintf("its last words on stderr:\n%s", s->run.last_words) : NULL);
		free(why);
		return;
	}
	struct tally y[NCHECKS] = {0};
	for (int i = 0; i < s->ntests; i++)
		tally_test(&y[s->tests[i].check], &s->tests[i], exercise_test_weight(e, s->tests[i].name));
	for (int i = 0; hidden && i < hidden->ntests; i++)
		tally_test(&y[hidden->tests[i].check], &hidden->tests[i], exercise_test_weight(e, hidden->tests[i].name));
	/* Hidden tests that could not run all fail, unnamed, in the correctness check. */
	if (hidden && (!hidden->has_report || (hidden->run.end != RUN_EXITED && hidden->run.end != RUN_SIGNALED))) {
		struct test_outcome lost = {.name = "hidden", .check = CHECK_CORRECTNESS, .status = TEST_FAILED, .hidden = true};
		tally_test(&y[CHECK_CORRECTNESS], &lost, 1);
	}
	for (int c = CHECK_CORRECTNESS; c <= CHECK_TIMING; c++)
		judge_tally(&r->checks[c], &y[c]);
}

static void judge_race(const struct race_outcome *o, struct check_result *c)
{
	char how[160];
	const char *tool = race_tool_title(o->tool);

	if (o->tool == RACE_OFF) {
		set_check(c, VERDICT_SKIP,
			  xstrdup("not checked (RACE=off): run make check without RACE= to check for races"), NULL);
		return;
	}
	if (o->run.end == RUN_NOT_RUN) {
		set_check(c, VERDICT_FAIL, xstrdup("not checked (a fault in the kit: please report it)"), NULL);
		return;
	}
	if (o->tool_error) {
		set_check(c, VERDICT_FAIL,
			  xasprintf("%s could not run the race check: %s", tool, o->tool_error),
			  o->tool == RACE_HELGRIND ? NULL
						   : xstrdup("run make check without RACE= to check with Helgrind"));
		return;
	}
	if (o->run.end != RUN_EXITED && o->run.end != RUN_SIGNALED) {
		set_check(c, VERDICT_FAIL,
			  xasprintf("the race check %s: under %s code runs %s slower, but this "
				    "workload is tiny, so something never ends (a thread or child that is never "
				    "finished, or a deadlock)",
				    run_describe(&o->run, how, sizeof how), tool,
				    o->tool == RACE_TSAN ? "5-15 times" : "20-300 times"),
			  NULL);
		return;
	}
	if (o->driver == DRIVER_TODO) {
		set_check(c, VERDICT_FAIL, xstrdup(o->message ? o->message : CT_TODO_MARKER), NULL);
		return;
	}
	/* The tool's findings usually explain a bad ending too, so they come first. */
	if (o->nfindings) {
		int n = o->explained ? o->nexplained : o->nfindings;
		char *text = o->explained ? o->explanation : NULL;
		/* The explanation's first line repeats the summary ("Helgrind found ..."). */
		size_t toollen = strlen(tool);
		if (text && strncmp(text, tool, toollen) == 0 && strncmp(text + toollen, " found", 6) == 0 &&
		    strchr(text, '\n'))
			text = strchr(text, '\n') + 1;
		char *details = NULL;
		if (!o->explained)
			details = xasprintf("(the plain-words explanation is missing: %s's explaining run %s; run make "
					    "check again, and if it says the same, report it)",
					    tool, run_describe(&o->explain_run, how, sizeof how));
		else if (o->explained_without_log)
			details = xasprintf("%s(the variables' names and the locks each thread held are missing: %s's "
					    "explaining run %s; run make check again to see them)",
					    text ? text : "", tool, run_describe(&o->explain_run, how, sizeof how));
		else if (text)
			details = xstrdup(text);
		set_check(c, VERDICT_FAIL, xasprintf("%s found %d problem%s", tool, n, n == 1 ? "" : "s"), details);
		return;
	}
	/* A wrong result is the correctness check's business; no race was seen, but not all was run either. */
	if (o->driver == DRIVER_WRONG_RESULT) {
		set_check(c, VERDICT_FAIL,
			  xasprintf("not checked: under %s the race check's workload went wrong (%s), so it "
				    "could not run to its end; fix what the correctness check says first",
				    tool, o->message ? o->message : "a wrong result"),
			  NULL);
		return;
	}
	if (o->driver != DRIVER_RAN_TO_END) {
		set_check(c, VERDICT_FAIL,
			  xasprintf("the race check's program %s before its end: did your code end the process "
				    "(exit(), _exit()) or crash?",
				    run_describe(&o->run, how, sizeof how)),
			  NULL);
		return;
	}
	if (!o->report_ok)
		set_check(c, VERDICT_FAIL,
			  xasprintf("%s's report is missing or incomplete: if make check says the same again, look "
				    "for a crash or an exit() in your code",
				    tool),
			  NULL);
	else if (o->tool == RACE_HELGRIND)
		set_check(c, VERDICT_PASS, xstrdup("Helgrind found no data race or misuse of a lock"), NULL);
	else
		set_check(c, VERDICT_PASS,
			  xasprintf("%s found no data race or misuse of a lock (a quick look: grades count on "
				    "Helgrind, so run make check without RACE= before you hand in)",
				    tool),
			  NULL);
}

/* The drawings to show: of the tests that did not pass, or of every test when verbose. */
static char *timelines_to_show(const struct suite_outcome *s, bool all)
{
	char *text = NULL;

	for (int i = 0; i < s->ntests; i++) {
		const struct test_outcome *t = &s->tests[i];
		if (!t->timeline || (!all && !test_fails(t)))
			continue;
		char *more = xasprintf("%s\n%s", text ? text : "", t->timeline);
		free(text);
		text = more;
	}
	return text;
}

bool judge_wants_race(const struct exercise *e, const struct exercise_outcome *o, const struct judge_options *opt)
{
	return !opt->timing_only && e->points[CHECK_RACES] > 0 && !o->build_problem && !suite_hung(&o->suite);
}

bool judge_wants_explaining(const struct exercise_outcome *o)
{
	return o->race.driver != DRIVER_TODO && o->race.nfindings > 0 && o->race.run.end != RUN_TIMED_OUT;
}

void judge_free_result(struct exercise_result *r)
{
	for (int c = 0; c < NCHECKS; c++) {
		free(r->checks[c].summary);
		free(r->checks[c].details);
		r->checks[c].summary = r->checks[c].details = NULL;
	}
	for (int i = 0; i < r->ntests; i++) {
		free(r->tests[i].name);
		free(r->tests[i].reason);
	}
	free(r->tests);
	r->tests = NULL;
	r->ntests = 0;
	free(r->timelines);
	r->timelines = NULL;
}

/* Every test of suite s with its own reason, for the reports, after those listed already. */
static void list_tests(const struct suite_outcome *s, struct exercise_result *r)
{
	r->tests = xrealloc(r->tests, (size_t)(r->ntests + s->ntests + 1) * sizeof *r->tests);
	for (int i = 0; i < s->ntests; i++) {
		const struct test_outcome *t = &s->tests[i];
		r->tests[r->ntests++] = (struct test_result){
			.name = xstrdup(t->name), .check = t->check, .hidden = t->hidden,
			.status = test_fails(t) && t->status == TEST_PASSED ? TEST_FAILED : t->status,
			.reason = !test_fails(t) ? (t->skip_note ? xstrdup(t->skip_note) : NULL) : explain_test(t)};
	}
}

void judge_exercise(const struct exercise *e, const struct exercise_outcome *o, const struct judge_options *opt,
		    struct exercise_result *r)
{
	judge_free_result(r);
	for (int c = 0; c < NCHECKS; c++)
		r->checks[c] = (struct check_result){.max = e->points[c], .verdict = e->points[c] ? VERDICT_FAIL : VERDICT_NONE};
	r->hung = suite_hung(&o->suite);
	r->test_s = o->suite.run.wall_s;
	r->race_s = o->race.run.wall_s;
	if (o->build_problem) {
		fail_all(r, o->build_problem, NULL);
		return;
	}
	judge_suite(e, &o->suite, o->has_hidden ? &o->hidden : NULL, r);
	list_tests(&o->suite, r);
	if (o->has_hidden)
		list_tests(&o->hidden, r);
	r->timelines = timelines_to_show(&o->suite, opt->verbose);
	if (opt->timing_only) {
		const enum check_kind ignored[] = {CHECK_CORRECTNESS, CHECK_RACES};
		for (int i = 0; i < 2; i++) {
			r->checks[ignored[i]].max = 0;
			set_check(&r->checks[ignored[i]], VERDICT_NONE, NULL, NULL);
		}
	} else if (r->checks[CHECK_RACES].max == 0) {
		/* no Helgrind check for this exercise */
	} else if (r->hung) {
		set_check(&r->checks[CHECK_RACES], VERDICT_FAIL,
			  xstrdup("not checked: the tests found code that never ends; fix that first"), NULL);
	} else {
		judge_race(&o->race, &r->checks[CHECK_RACES]);
	}
	int leftovers = o->suite.run.leftovers + o->race.run.leftovers;
	r->leftovers = leftovers;
	if (leftovers)
		fail_leftovers(r);
}
