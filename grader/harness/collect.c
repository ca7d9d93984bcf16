/*
 * collect.c - the files of a run, read as hostile input (collect.h).
 */
#define _GNU_SOURCE
#include "collect.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ct_protocol.h"
#include "drd_report.h"
#include "helgrind_report.h"
#include "screen.h"
#include "symbolize.h"
#include "timeline.h"
#include "tsan_report.h"
#include "util.h"

#define LAST_WORDS_LINES 6
#define LINE_MAX_SHOWN 300

/* The status a program ends with when it ran to its end (CT_SENTINEL_FILE in the kit). */
static int sentinel_status(void)
{
	static int value = -1;

	if (value == -1) {
		const char *kit = getenv("CONCUR_KIT") ? getenv("CONCUR_KIT") : "build/kit";
		char *path = xasprintf("%s/%s", kit, CT_SENTINEL_FILE);
		char *text = read_file(path, 32);
		value = text ? atoi(text) : 0;
		if (value <= 0) {
			fprintf(stderr, "concur: %s is missing: run make, not the harness alone\n", path);
			exit(2);
		}
		free(text);
		free(path);
	}
	return value;
}

char *collect_read(const char *dir, const char *name, size_t max, size_t *len)
{
	char *path = xasprintf("%s/%s", dir, name);
	size_t n;
	char *s = read_untrusted_file(path, max, &n);

	free(path);
	if (s && len)
		*len = n;
	return s;
}

/* The text cut at its first NUL (binary junk) and to at most max bytes. */
static char *bounded_text(const char *s, size_t max)
{
	size_t n = strnlen(s, max);

	return xasprintf("%.*s%s", (int)n, s, s[n] ? " [...]" : "");
}

/* dir/name opened for reading if it is a regular file (never a link, FIFO or device), else -1. */
static int open_regular(const char *dir, const char *name, struct stat *st)
{
	char *path = xasprintf("%s/%s", dir, name);
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	free(path);
	if (fd != -1 && (fstat(fd, st) == -1 || !S_ISREG(st->st_mode))) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* At most max bytes of dir/name, its head or (tail) its tail, NUL-terminated; NULL if it is not a regular file. */
static char *read_part(const char *dir, const char *name, size_t max, bool tail)
{
	struct stat st;
	int fd = open_regular(dir, name, &st);

	if (fd == -1)
		return NULL;
	/* A flood of output is never read whole: only its head, or its tail. */
	off_t from = tail && st.st_size > (off_t)max ? st.st_size - (off_t)max : 0;
	char *s = xcalloc(max + 1, 1);
	ssize_t got = pread(fd, s, max, from);
	s[got > 0 ? got : 0] = '\0';
	close(fd);
	return s;
}

/* First line of dir/name, or NULL if empty or absent. */
static char *first_line_of(const char *dir, const char *name)
{
	char *s = read_part(dir, name, 4096, false);

	if (!s)
		return NULL;
	s[strcspn(s, "\n")] = '\0';
	char *line = *s ? bounded_text(s, LINE_MAX_SHOWN) : NULL;
	free(s);
	return line;
}

/* The last n lines of dir/name (of its last 64 KiB at most), or NULL if empty or absent. */
static char *last_lines_of(const char *dir, const char *name, int n)
{
	char *s = read_part(dir, name, 64 << 10, true);

	if (!s)
		return NULL;
	size_t len = strlen(s);
	while (len && s[len - 1] == '\n')
		s[--len] = '\0';
	char *p = s + len;
	for (int k = 0; p > s; p--)
		if (p[-1] == '\n' && ++k == n)
			break;
	char *out = *p ? bounded_text(p, LAST_WORDS_LINES * LINE_MAX_SHOWN) : NULL;
	free(s);
	return out;
}

/* Copies run_dir/name into keep_dir (bounded); the copy's path, or NULL. */
static char *keep_copy(const char *run_dir, const char *name, const char *keep_dir, size_t max)
{
	size_t len;
	char *s = collect_read(run_dir, name, max, &len);

	if (!s)
		return NULL;
	char *to = xasprintf("%s/%s", keep_dir, name);
	FILE *f = fopen(to, "w");
	bool ok = f && fwrite(s, 1, len, f) == len;
	if (f && fclose(f) != 0)
		ok = false;
	free(s);
	if (!ok) {
		fprintf(stderr, "concur: cannot write %s: %s\n", to, strerror(errno));
		free(to);
		return NULL;
	}
	return to;
}

void collect_run(const struct job *j, const char *err_path, struct run_outcome *out)
{
	/* After a time-out everything of the run is killed: nothing counts as left behind. */
	*out = (struct run_outcome){.timeout_s = j->timeout_s, .wall_s = j->wall_s,
				    .leftovers = j->timed_out ? 0 : j->leftovers};
	if (!j->argv) {
		out->end = RUN_NOT_RUN;
		return;
	}
	if (!j->started) {
		out->end = RUN_NO_START;
		out->start_errno = j->start_errno;
		return;
	}
	if (j->interrupted)
		out->end = RUN_INTERRUPTED;
	else if (j->timed_out)
		out->end = RUN_TIMED_OUT;
	else if (WIFEXITED(j->status))
		out->end = RUN_EXITED, out->exit_code = WEXITSTATUS(j->status);
	else if (WIFSIGNALED(j->status))
		out->end = RUN_SIGNALED, out->signal = WTERMSIG(j->status);
	else
		out->end = RUN_SIGNALED, out->signal = SIGKILL;
	if (err_path) {
		char *dir = xstrdup(err_path), *slash = strrchr(dir, '/');
		const char *name = slash ? slash + 1 : err_path;
		if (slash)
			*slash = '\0';
		out->last_words = last_lines_of(slash ? dir : ".", name, LAST_WORDS_LINES);
		out->first_line = first_line_of(slash ? dir : ".", name);
		free(dir);
	}
}

/* A side file of test `test` (format fmt), bounded; NULL if none. */
static char *side_file(const char *run_dir, const char *fmt, const char *test, size_t max)
{
	char *name = xasprintf(fmt, test);
	char *s = collect_read(run_dir, name, max, NULL);

	free(name);
	return s;
}

/* The watchdog's picture ("cycle" or "stuck" on its first line), symbolized. */
static void read_deadlock(const char *run_dir, const char *exe, struct test_outcome *t)
{
	char *note = side_file(run_dir, CT_DEADLOCK_FILE_FMT, t->name, CT_MAX_SIDE_FILE_BYTES);
	char *nl = note ? strchr(note, '\n') : NULL;

	if (nl) {
		t->deadlock_stuck = strncmp(note, "stuck", 5) == 0;
		t->deadlock = symbolize(exe, nl + 1);
		size_t len = strlen(t->deadlock);
		while (len && t->deadlock[len - 1] == '\n')
			t->deadlock[--len] = '\0';
	}
	free(note);
}

/* How a test ended, from the runner's account of it and, for a failure, the side files. */
static void classify(json_t *jt, const char *run_dir, const char *exe, struct test_outcome *t)
{
	const char *status = json_string_value(json_object_get(jt, "status")) ?: "";
	json_t *msgs = json_object_get(jt, "messages"), *m;
	size_t i;

	t->signal = (int)json_integer_value(json_object_get(jt, "signal"));
	t->exit_code = (int)json_integer_value(json_object_get(jt, "exit_code"));
	t->messages = xcalloc(json_array_size(msgs) + 1, sizeof *t->messages);
	json_array_foreach(msgs, i, m)
		if (json_is_string(m))
			t->messages[t->nmessages++] = bounded_text(json_string_value(m), 8192);
	if (strcmp(status, "passed") == 0) {
		t->status = TEST_PASSED;
		/* A note changes only how a passed test is shown, never a verdict. */
		char *note = side_file(run_dir, CT_SKIP_FILE_FMT, t->name, 512);
		if (note && *note)
			t->skip_note = bounded_text(note, 512);
		free(note);
	} else if (strcmp(status, "skipped") == 0) {
		t->status = TEST_NOT_RUN;
	} else if (json_is_true(json_object_get(jt, "timed_out"))) {
		t->status = TEST_TIMED_OUT;
	} else if (json_is_true(json_object_get(jt, "crashed")) || t->signal) {
		t->status = TEST_CRASHED;
	} else if (t->nmessages) {
		t->status = strstr(t->messages[0], CT_TODO_MARKER) ? TEST_NOT_IMPLEMENTED : TEST_FAILED;
		for (int k = 1; k < t->nmessages && t->status == TEST_FAILED; k++)
			if (strstr(t->messages[k], CT_TODO_MARKER))
				t->status = TEST_NOT_IMPLEMENTED;
	} else {
		t->status = TEST_EARLY_EXIT;
		if (t->exit_code == CT_EXIT_CUT_SHORT) {
			t->status = TEST_TIMED_OUT;
			t->cut_short = true;
		} else if (t->exit_code == CT_EXIT_DEADLOCK) {
			read_deadlock(run_dir, exe, t);
			if (t->deadlock)
				t->status = TEST_DEADLOCKED;
		}
	}
}

/*
 * The signal handlers test t installed (CT_HANDLERS_FILE_FMT: "SIG @0xOFFSET"
 * lines), resolved to functions of the test program, and what each may call
 * that is not async-signal-safe, following the calls in the student's
 * object (graph: callgraph.json of the screen).  Handlers of the grader's
 * own are not in the graph and say nothing.
 */
static void read_handlers(const char *run_dir, const char *exe, json_t *graph, struct test_outcome *t)
{
	char *text = side_file(run_dir, CT_HANDLERS_FILE_FMT, t->name, CT_MAX_SIDE_FILE_BYTES);
	char *save = NULL, *found = NULL;

	for (char *line = text ? strtok_r(text, "\n", &save) : NULL; line && graph; line = strtok_r(NULL, "\n", &save)) {
		int sig;
		char token[40];
		if (sscanf(line, "%d %39s", &sig, token) != 2 || sig <= 0 || sig >= 65)
			continue;
		char *place = symbolize(exe, token), *paren = strstr(place, "() at ");
		if (!paren)
			paren = strstr(place, "()");
		if (paren) {
			*paren = '\0';
			char *unsafe = screen_unsafe_in_handler(graph, place);
			const char *abbrev = sigabbrev_np(sig);
			char *fact = unsafe ? xasprintf("the SIG%s handler %s() may call %s", abbrev ? abbrev : "?", place, unsafe)
					    : NULL;
			if (fact && !(found && strstr(found, fact))) {
				char *more = xasprintf("%s%s%s", found ? found : "", found ? "; " : "", fact);
				free(found);
				found = more;
			}
			free(fact);
			free(unsafe);
		}
		free(place);
	}
	t->handler_unsafe = found;
	free(text);
}

void collect_suite(const struct job *j, const char *run_dir, const char *suite, const char *exe, const char *keep_dir,
		   struct suite_outcome *out)
{
	size_t len;
	char *text;
	json_t *root = NULL, *s, *jt;
	size_t i, k;

	*out = (struct suite_outcome){0};
	collect_run(j, j->err_path, &out->run);
	if (out->run.end != RUN_EXITED && out->run.end != RUN_SIGNALED)
		return;
	/* Kept beside the build for the curious; read from the copy. */
	char *kept = keep_copy(run_dir, CT_OUTCOMES_FILE, keep_dir, CT_MAX_OUTCOMES_BYTES);
	text = kept ? collect_read(keep_dir, CT_OUTCOMES_FILE, CT_MAX_OUTCOMES_BYTES, &len) : NULL;
	if (text)
		root = json_loadb(text, len, 0, NULL);
	free(text);
	free(kept);
	json_t *suites = json_object_get(root, "suites");
	if (!json_is_array(suites)) {
		json_decref(root);
		return;
	}
	out->has_report = true;
	char *graph_path = xasprintf("%s/callgraph.json", keep_dir);
	json_t *graph = json_load_file(graph_path, 0, NULL);
	free(graph_path);
	json_array_foreach(suites, i, s) {
		if (strcmp(json_string_value(json_object_get(s, "name")) ?: "", suite) != 0)
			continue;
		json_t *tests = json_object_get(s, "tests");
		out->tests = xcalloc(json_array_size(tests) + 1, sizeof *out->tests);
		json_array_foreach(tests, k, jt) {
			const char *name = json_string_value(json_object_get(jt, "name"));
			if (!name || !*name || strchr(name, '/'))
				continue;
			struct test_outcome *t = &out->tests[out->ntests++];
			t->name = xstrdup(name);
			t->check = outcome_check_of(name);
			classify(jt, run_dir, exe, t);
			read_handlers(run_dir, exe, graph, t);
			char *file = xasprintf(CT_TIMELINE_FILE_FMT, name);
			char *kept = keep_copy(run_dir, file, keep_dir, CT_MAX_TIMELINE_BYTES);
			if (kept) {
				char *svg = xasprintf("%s/timeline-%s.svg", keep_dir, name);
				t->timeline = timeline_render_file(kept, svg);
				free(svg);
			}
			free(kept);
			free(file);
		}
		break;
	}
	json_decref(graph);
	json_decref(root);
}

/*
 * DRD and ThreadSanitizer name what they found in their one run: the
 * explanation is made here (Helgrind's needs a second run: collect_explanation).
 */
static void explain_now(struct hg_report *rep, struct race_outcome *out)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return;
	hg_report_print(rep, f, 3);
	if (fclose(f) == 0) {
		out->explained = true;
		out->nexplained = rep->nfindings;
		out->explanation = text;
	} else {
		free(text);
	}
}

void collect_race(const struct job *j, const char *run_dir, const char *keep_dir, enum race_mode tool,
		  struct race_outcome *out)
{
	*out = (struct race_outcome){.tool = tool};
	collect_run(j, j->err_path, &out->run);
	if (out->run.end == RUN_NOT_RUN)
		return;
	out->driver = DRIVER_OTHER;
	if (out->run.end == RUN_EXITED) {
		int code = out->run.exit_code;
		if (code == sentinel_status()) {
			out->driver = DRIVER_RAN_TO_END;
		} else if (code == CT_EXIT_TODO || code == CT_EXIT_DRIVER_FAILED) {
			/*
			 * The driver's message is its first stderr line, in its own
			 * form; anything else there is the student's own output, which
			 * is never shown as a verdict.
			 */
			const char *line = out->run.first_line ? out->run.first_line : "";
			const char *prefix = code == CT_EXIT_TODO ? CT_TODO_MARKER : CT_DRIVER_MESSAGE_PREFIX;
			size_t plen = strlen(prefix);
			out->driver = code == CT_EXIT_TODO ? DRIVER_TODO : DRIVER_WRONG_RESULT;
			if (strncmp(line, prefix, plen) == 0)
				out->message = xstrdup(code == CT_EXIT_TODO ? line : line + plen);
		}
	}
	/* ThreadSanitizer writes into the program's stderr; the Valgrind tools into race.xml. */
	char *kept = keep_copy(run_dir, tool == RACE_TSAN ? CT_STDERR_FILE : CT_RACE_XML, keep_dir,
			       CT_MAX_RACE_XML_BYTES);
	struct hg_report rep;
	int loaded = !kept		   ? -1
		     : tool == RACE_DRD  ? drd_report_load(kept, keep_dir, &rep)
		     : tool == RACE_TSAN ? tsan_report_load(kept, keep_dir, &rep)
					 : hg_report_load(kept, NULL, &rep);
	if (loaded == 0) {
		out->report_ok = rep.ok;
		out->nfindings = rep.ok ? rep.nfindings : 0;
		if (rep.fatal)
			out->tool_error = xstrdup(rep.fatal);
		/* A report cut off still says what it found before the cut; Helgrind's wait for the explaining run. */
		if (tool != RACE_HELGRIND && rep.nfindings > 0) {
			out->nfindings = rep.nfindings;
			explain_now(&rep, out);
		}
		hg_report_free(&rep);
	}
	free(kept);
}

void collect_explanation(const struct job *j, const char *xml_dir, const char *log_dir, const char *keep_dir,
			 struct race_outcome *out)
{
	char *dir = xasprintf("%s/explain", keep_dir);
	struct hg_report rep;

	collect_run(j, NULL, &out->explain_run);
	out->run.leftovers += out->explain_run.leftovers;
	if (make_dirs(dir) == -1) {
		free(dir);
		return;
	}
	char *xml = keep_copy(xml_dir, CT_RACE_XML, dir, CT_MAX_RACE_XML_BYTES);
	char *log = keep_copy(log_dir, CT_RACE_LOG, dir, CT_MAX_RACE_XML_BYTES);
	/*
	 * Without a log that ran to its end (the explaining run ran out of time
	 * on a busy machine), the race run's XML alone still tells the places
	 * and threads of every finding: never a bare count.
	 */
	bool log_whole = log && out->explain_run.end == RUN_EXITED;
	if (xml && hg_report_load(xml, log_whole ? log : NULL, &rep) == 0) {
		if (rep.ok && rep.nfindings > 0) {
			explain_now(&rep, out);
			out->explained_without_log = out->explained && !log_whole;
		}
		hg_report_free(&rep);
	}
	free(xml);
	free(log);
	free(dir);
}
