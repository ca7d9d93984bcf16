/*
 * batch.c - grading a whole class (batch.h).
 *
 * DESIGN: three passes.  First every submission is taken apart into its
 * workspace (students/ID/work), and its fingerprint (the kit, the hidden
 * suites, the student's files) is compared with the one of a finished
 * grading: an equal one is reused.  Then the others are graded, JOBS at a
 * time, each by a harness of its own run as a job (jobs.h: time limit,
 * process group, killed with everything it started), whose results are
 * renamed into place as soon as it ends.  Last, the class's outputs are
 * written from the students' results alone.
 */
#define _GNU_SOURCE
#include "batch.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ct_protocol.h"
#include "jobs.h"
#include "lesson.h"
#include "report_html.h"
#include "submission.h"
#include "util.h"

/* What a student's own harness may use, as root: bytes of its private /tmp (run directories). */
#define STUDENT_TMP_BYTES "1073741824"
/* And, where the kernel offers cgroups: memory (bytes) and processes, all it starts included. */
#define STUDENT_MEMORY "3221225472"
#define STUDENT_PROCESSES "800"

/*
 * A memory and process budget for one student's grading: a cgroup of its
 * own (v2, or v1's memory and pids controllers), whose limits a memory hog
 * or a fork bomb reaches without touching another student's grading.
 */
struct budget {
	char *dirs[2];
	char *procs[2]; /* the cgroup.procs files to join */
};

static bool write_knob(const char *dir, const char *knob, const char *value)
{
	char *path = xasprintf("%s/%s", dir, knob);
	bool ok = write_file(path, value) == 0;

	free(path);
	return ok;
}

static bool budget_make(struct budget *bu, const char *name)
{
	*bu = (struct budget){0};
	if (geteuid() != 0)
		return false;
	if (file_exists("/sys/fs/cgroup/cgroup.controllers")) {
		char *ctl = read_file("/sys/fs/cgroup/cgroup.subtree_control", 4096);
		bool have = ctl && strstr(ctl, "memory") && strstr(ctl, "pids");
		free(ctl);
		if (!have && write_file("/sys/fs/cgroup/cgroup.subtree_control", "+memory +pids") != 0)
			return false;
		bu->dirs[0] = xasprintf("/sys/fs/cgroup/concur-%s", name);
		if (mkdir(bu->dirs[0], 0755) == -1 || !write_knob(bu->dirs[0], "memory.max", STUDENT_MEMORY) ||
		    !write_knob(bu->dirs[0], "memory.swap.max", "0") || !write_knob(bu->dirs[0], "pids.max", STUDENT_PROCESSES))
			goto fail;
		bu->procs[0] = xasprintf("%s/cgroup.procs", bu->dirs[0]);
		return true;
	}
	if (!file_exists("/sys/fs/cgroup/memory/memory.limit_in_bytes") || !file_exists("/sys/fs/cgroup/pids/cgroup.procs"))
		return false;
	bu->dirs[0] = xasprintf("/sys/fs/cgroup/memory/concur-%s", name);
	bu->dirs[1] = xasprintf("/sys/fs/cgroup/pids/concur-%s", name);
	if (mkdir(bu->dirs[0], 0755) == -1 || mkdir(bu->dirs[1], 0755) == -1 ||
	    !write_knob(bu->dirs[0], "memory.limit_in_bytes", STUDENT_MEMORY) ||
	    !write_knob(bu->dirs[1], "pids.max", STUDENT_PROCESSES))
		goto fail;
	write_knob(bu->dirs[0], "memory.memsw.limit_in_bytes", STUDENT_MEMORY); /* no swap either, where it is counted */
	bu->procs[0] = xasprintf("%s/cgroup.procs", bu->dirs[0]);
	bu->procs[1] = xasprintf("%s/cgroup.procs", bu->dirs[1]);
	return true;
fail:
	for (int i = 0; i < 2; i++)
		if (bu->dirs[i])
			rmdir(bu->dirs[i]);
	return false;
}

/* Removes the budget's cgroups once everything in them has ended (they are killed with the PID namespace). */
static void budget_remove(struct budget *bu)
{
	for (int i = 0; i < 2; i++) {
		for (int tries = 0; bu->dirs[i] && rmdir(bu->dirs[i]) == -1 && errno == EBUSY && tries < 200; tries++)
			usleep(10000);
		free(bu->dirs[i]);
		free(bu->procs[i]);
	}
	*bu = (struct budget){0};
}

struct student {
	char *id, *path, *dir;
	struct submission sub;
	char *fingerprint;
	bool reused;          /* a finished grading with the same fingerprint was kept */
	bool regrade;         /* a check was skipped beside the others: graded again, alone */
	char *ended;          /* how the grading ended when it did not report: why; else NULL */
	struct job job;
	struct budget budget;
	double wall_s;
};

struct batch {
	const struct class_options *o;
	struct lesson *lessons, **chosen;
	int nlessons, nchosen;
	struct student *st;
	int n, done, to_grade;
	double t0, budget_s;
	bool tty;
	bool budgets; /* every student's grading had a memory and process budget (cgroups) */
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Writes text to path through path.part and a rename: never half a file in place.  0 or -1. */
static int write_atomically(const char *path, const char *text)
{
	char *part = xasprintf("%s.part", path);
	int rc = write_file(part, text) == 0 && rename(part, path) == 0 ? 0 : -1;

	if (rc == -1) {
		fprintf(stderr, "concur: cannot write %s: %s\n", path, strerror(errno));
		unlink(part);
	}
	free(part);
	return rc;
}

static int dump_atomically(const char *path, json_t *j)
{
	char *text = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
	int rc = text ? write_atomically(path, text) : -1;

	free(text);
	return rc;
}

/* ---- fingerprints ------------------------------------------------------ */

/* FNV-1a, 64 bits: a grading is redone when any input changes (not a defence against forgery). */
static void fnv(uint64_t *h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		*h ^= b[i];
		*h *= 1099511628211ull;
	}
}

static void fnv_str(uint64_t *h, const char *s) { fnv(h, s ? s : "", strlen(s ? s : "") + 1); }

static void fnv_mtime(uint64_t *h, const char *path)
{
	long long t = mtime_ns(path);

	fnv_str(h, path);
	fnv(h, &t, sizeof t);
}

/* Every file of dir (sorted), by name and modification time: the kit's build, the hidden suites. */
static void fnv_tree(uint64_t *h, const char *dir, int depth)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);

	for (int i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]->d_name);
		struct stat st;
		if (names[i]->d_name[0] != '.' && lstat(path, &st) == 0) {
			if (S_ISDIR(st.st_mode) && depth > 0)
				fnv_tree(h, path, depth - 1);
			else if (S_ISREG(st.st_mode))
				fnv_mtime(h, path);
		}
		free(path);
		free(names[i]);
	}
	if (n >= 0)
		free(names);
}

static char *fingerprint(const struct batch *b, const struct student *s)
{
	uint64_t h = 14695981039346656037ull;
	char *kit = xasprintf("%s/build/kit", b->o->root);

	fnv_mtime(&h, b->o->harness);
	fnv_tree(&h, kit, 3);
	if (b->o->hidden)
		fnv_tree(&h, b->o->hidden, 2);
	fnv_str(&h, b->o->lesson);
	for (int i = 0; i < s->sub.ntaken; i++) {
		fnv_str(&h, s->sub.taken[i]);
		/* "01-processes/spawn.c (from ...)": the file as written in the workspace. */
		char *rel = xstrndup(s->sub.taken[i], strcspn(s->sub.taken[i], " "));
		char *path = xasprintf("%s/work/%s", s->dir, rel);
		char *text = read_file(path, SUBMISSION_MAX_FILE);
		fnv_str(&h, text);
		free(text);
		free(path);
		free(rel);
	}
	free(kit);
	return xasprintf("%016llx", (unsigned long long)h);
}

/* ---- the students ----------------------------------------------------- */

static int cmp_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Takes every submission apart into its workspace; decides which need grading.  -1 on a fault of ours. */
static int prepare(struct batch *b)
{
	DIR *d = opendir(b->o->submissions);
	struct dirent *e;
	char **names = NULL;
	int n = 0;

	if (!d) {
		fprintf(stderr, "concur: cannot open the submissions %s: %s\n", b->o->submissions, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)))
		if (submission_is_entry(b->o->submissions, e->d_name)) {
			names = xrealloc(names, (size_t)(n + 1) * sizeof *names);
			names[n++] = xstrdup(e->d_name);
		}
	closedir(d);
	qsort(names, (size_t)n, sizeof *names, cmp_names);
	b->st = xcalloc((size_t)n + 1, sizeof *b->st);
	for (int i = 0; i < n; i++) {
		struct student *s = &b->st[b->n];
		s->path = xasprintf("%s/%s", b->o->submissions, names[i]);
		s->id = submission_id(names[i]);
		for (int k = 0; k < b->n; k++)
			if (strcmp(b->st[k].id, s->id) == 0) {
				char *other = xasprintf("%s-%d", s->id, i + 1); /* alice.zip beside alice/ */
				free(s->id);
				s->id = other;
			}
		s->dir = xasprintf("%s/students/%s", b->o->out, s->id);
		char *work = xasprintf("%s/work", s->dir);
		remove_tree(work); /* fresh: nothing of an earlier grading is reused unseen */
		if (make_dirs(work) == -1 || submission_extract(s->path, b->chosen, b->nchosen, work, &s->sub) == -1) {
			fprintf(stderr, "concur: cannot prepare the workspace %s\n", work);
			free(work);
			return -1;
		}
		free(work);
		s->fingerprint = fingerprint(b, s);
		char *meta = xasprintf("%s/meta.json", s->dir), *result = xasprintf("%s/result.json", s->dir);
		json_t *old = json_load_file(meta, 0, NULL);
		s->reused = old && strcmp(json_string_value(json_object_get(old, "fingerprint")) ?: "", s->fingerprint) == 0 &&
			    (file_exists(result) || json_string_value(json_object_get(old, "ended")));
		if (s->reused && json_string_value(json_object_get(old, "ended")))
			s->ended = xstrdup(json_string_value(json_object_get(old, "ended")));
		json_decref(old);
		free(meta);
		free(result);
		if (!s->reused)
			b->to_grade++;
		b->n++;
		free(names[i]);
	}
	free(names);
	return 0;
}

static void show_progress(struct batch *b, const struct student *s)
{
	double elapsed = now_s() - b->t0;
	int left = b->to_grade - b->done;
	double eta = b->done ? elapsed / b->done * left : 0;

	if (b->tty) {
		int width = 30, filled = b->to_grade ? width * b->done / b->to_grade : width;
		fprintf(stderr, "\r  [%.*s%.*s] %d/%d graded, ETA %dm%02ds  %-24.24s", filled,
			"##############################", width - filled, "..............................", b->done,
			b->to_grade, (int)eta / 60, (int)eta % 60, s->id);
		if (!left)
			fputc('\n', stderr);
	} else {
		fprintf(stderr, "graded %d/%d: %s (%.1f s)%s%s\n", b->done, b->to_grade, s->id, s->wall_s,
			s->ended ? ": " : "", s->ended ? s->ended : "");
	}
}

/* As soon as a student's harness has ended: its results into place, or the reason there are none. */
static void finish_student(struct job *j, void *ctx)
{
	struct batch *b = ctx;
	struct student *s = NULL;
	char how[160];

	for (int i = 0; i < b->n; i++)
		if (&b->st[i].job == j)
			s = &b->st[i];
	s->wall_s = j->wall_s;
	char *part = xasprintf("%s/result.json.part", s->dir), *result = xasprintf("%s/result.json", s->dir);
	char *fpart = xasprintf("%s/feedback.txt.part", s->dir), *feedback = xasprintf("%s/feedback.txt", s->dir);
	json_t *rep = json_load_file(part, 0, NULL);
	bool reported = rep && json_is_array(json_object_get(rep, "lessons")) && !j->timed_out && !j->interrupted &&
			WIFEXITED(j->status) && WEXITSTATUS(j->status) <= 1;
	json_decref(rep);
	free(s->ended);
	s->ended = reported ? NULL
			    : xasprintf("the grading of this submission %s without a report (it gets no points)",
					job_describe(j, how, sizeof how));
	if (reported && rename(part, result) == -1)
		fprintf(stderr, "concur: cannot write %s: %s\n", result, strerror(errno));
	if (!reported) {
		unlink(part);
		unlink(result);
		char *said = read_file(fpart, 64 << 10), *text = xasprintf("%s\n%s\n", said ? said : "", s->ended);
		write_file(fpart, text);
		free(said);
		free(text);
	}
	if (rename(fpart, feedback) == -1)
		fprintf(stderr, "concur: cannot write %s: %s\n", feedback, strerror(errno));
	json_t *meta = json_pack("{s:s, s:s, s:s?, s:f}", "fingerprint", s->fingerprint, "submission", s->path, "ended",
				 s->ended, "seconds", s->wall_s);
	char *mpath = xasprintf("%s/meta.json", s->dir);
	if (!j->interrupted)
		dump_atomically(mpath, meta); /* an interrupted grading is graded again */
	json_decref(meta);
	free(mpath);
	free(part);
	free(result);
	free(fpart);
	free(feedback);
	budget_remove(&s->budget);
	b->done++;
	show_progress(b, s);
}

/* The argv of student s's harness: confined to a PID namespace of its own when we are root. */
static char **harness_argv(const struct batch *b, const struct student *s)
{
	char **argv = xcalloc(40, sizeof *argv);
	int n = 0;

	if (geteuid() == 0 && jobs_confinement()) {
		static const char *const wrap[] = {"/usr/bin/bwrap", "--unshare-pid", "--unshare-net", "--die-with-parent",
						   "--dev-bind", "/", "/", "--proc", "/proc", "--size",
						   STUDENT_TMP_BYTES, "--tmpfs", "/tmp", NULL};
		for (int i = 0; wrap[i]; i++)
			argv[n++] = xstrdup(wrap[i]);
		/* What lies under /tmp and is needed is seen again through the private /tmp. */
		const char *keep[] = {b->o->root, b->o->out, b->o->hidden, b->o->submissions};
		for (int i = 0; i < 4; i++) {
			char *real = keep[i] ? realpath(keep[i], NULL) : NULL;
			if (real && strncmp(real, "/tmp/", 5) == 0) {
				argv[n++] = xstrdup("--bind");
				argv[n++] = xstrdup(real);
				argv[n++] = xstrdup(real);
			}
			free(real);
		}
		argv[n++] = xstrdup("--");
	}
	argv[n++] = xstrdup(b->o->harness);
	argv[n++] = xasprintf("--src=%s/work", s->dir);
	argv[n++] = xasprintf("--report-json=%s/result.json.part", s->dir);
	argv[n++] = xasprintf("--build-dir=%s/build", s->dir);
	argv[n++] = xstrdup("--jobs=1"); /* the class is graded in parallel: each harness on its own */
	argv[n++] = xstrdup("--short-paths"); /* "01-processes/spawn.c", as the student knows it */
	if (b->o->lesson)
		argv[n++] = xasprintf("--lesson=%s", b->o->lesson);
	if (b->o->hidden)
		argv[n++] = xasprintf("--hidden=%s", b->o->hidden);
	argv[n] = NULL;
	return argv;
}

/* Grades the students not reused (again: only those marked regrade), `parallel` at a time. */
static void grade_students(struct batch *b, bool again, int parallel)
{
	struct job **list = xcalloc((size_t)b->n + 1, sizeof *list);
	int nl = 0;

	for (int i = 0; i < b->n; i++) {
		struct student *s = &b->st[i];
		if (again ? !s->regrade : s->reused)
			continue;
		char **env = xcalloc(4, sizeof *env);
		/* Each harness its own sandbox uids: in a PID namespace its pid says nothing. */
		env[0] = xasprintf("CONCUR_UID_SLOT=%u", (unsigned)(getpid() + 1 + i) % CT_SANDBOX_RUNS);
		env[1] = xstrdup("NO_COLOR=1");
		env[2] = xstrdup("TMPDIR=/tmp"); /* as root, a /tmp of its own */
		s->job = (struct job){.argv = harness_argv(b, s), .cwd = b->o->root,
				      .out_path = xasprintf("%s/feedback.txt.part", s->dir), .timeout_s = b->budget_s,
				      .env = env, .on_end = finish_student, .ctx = b};
		char *name = xasprintf("%d-%d", (int)getpid(), i);
		if (budget_make(&s->budget, name)) {
			s->job.cgroups[0] = s->budget.procs[0];
			s->job.cgroups[1] = s->budget.procs[1];
		} else {
			b->budgets = false;
		}
		free(name);
		list[nl++] = &s->job;
	}
	b->t0 = now_s();
	b->done = 0;
	b->to_grade = nl;
	if (nl)
		jobs_run(list, nl, parallel);
	for (int i = 0; i < b->n; i++)
		budget_remove(&b->st[i].budget); /* those of students never started, if interrupted */
	free(list);
}

bool batch_result_has_skipped_check(const char *path)
{
	json_t *rep = json_load_file(path, 0, NULL), *l, *e, *c;
	size_t i, k;
	const char *name;
	bool skipped = false;

	json_array_foreach(json_object_get(rep, "lessons"), i, l)
		json_array_foreach(json_object_get(l, "exercises"), k, e)
			json_object_foreach(json_object_get(e, "checks"), name, c) {
				const char *v = json_string_value(json_object_get(c, "verdict"));
				skipped |= v && strcmp(v, "skip") == 0 && json_integer_value(json_object_get(c, "max")) > 0;
			}
	json_decref(rep);
	return skipped;
}

static bool has_skipped_check(const struct student *s)
{
	char *path = xasprintf("%s/result.json", s->dir);
	bool skipped = batch_result_has_skipped_check(path);

	free(path);
	return skipped;
}

/*
 * Students graded several at a time, a check of whom was skipped, are
 * graded again one at a time (on a machine busy with the others, a timing
 * check may skip a correct submission; alone, it measures).  Those still
 * skipped are said: grade them again on an idle machine.
 */
static void regrade_skipped_alone(struct batch *b)
{
	int n = 0;

	if (b->o->jobs <= 1)
		return; /* graded alone already: a skip would only skip again */
	for (int i = 0; i < b->n; i++) {
		struct student *s = &b->st[i];
		s->regrade = !s->reused && !s->ended && has_skipped_check(s);
		n += s->regrade;
	}
	if (!n)
		return;
	printf("%d submission%s had a check skipped while graded beside the others: graded again, one at a time\n", n,
	       n == 1 ? "" : "s");
	fflush(stdout);
	int graded = b->to_grade;
	grade_students(b, true, 1);
	b->done = b->to_grade = graded; /* the class's counts: each student once */
	if (jobs_interrupted())
		return;
	for (int i = 0; i < b->n; i++)
		if (b->st[i].regrade && !b->st[i].ended && has_skipped_check(&b->st[i]))
			printf("  %s: a check was skipped again (see its feedback): grade it again on an idle machine\n",
			       b->st[i].id);
}

/* ---- the class's outputs ------------------------------------------------ */

/* One student's line of the class: the harness's report, what was taken, and the totals. */
static json_t *student_json(const struct batch *b, const struct student *s)
{
	char *path = xasprintf("%s/result.json", s->dir), *fpath = xasprintf("%s/feedback.txt", s->dir);
	json_t *rep = s->ended ? NULL : json_load_file(path, 0, NULL), *taken = json_array(), *ignored = json_array();
	char *feedback = read_file(fpath, 256 << 10);

	for (int i = 0; i < s->sub.ntaken; i++)
		json_array_append_new(taken, json_string(s->sub.taken[i]));
	for (int i = 0; i < s->sub.nignored; i++)
		json_array_append_new(ignored, json_string(s->sub.ignored[i]));
	int max = 0;
	for (int i = 0; i < b->nchosen; i++)
		max += lesson_max_points(b->chosen[i]);
	json_t *j = json_pack("{s:s, s:s, s:I, s:i, s:o, s:o, s:s?, s:s?, s:s, s:o*}", "id", s->id, "submission", s->path,
			      "points", (json_int_t)json_integer_value(json_object_get(rep, "points")), "max", max, "taken", taken,
			      "ignored", ignored, "problem", s->sub.problem, "ended", s->ended, "feedback",
			      feedback ? feedback : "", "report", rep);
	free(feedback);
	free(path);
	free(fpath);
	return j;
}

/* The points of exercise `ex` of lesson `slug` in a harness report, or 0. */
static int exercise_points(json_t *rep, const char *slug, const char *ex)
{
	json_t *l, *e;
	size_t i, k;

	json_array_foreach(json_object_get(rep, "lessons"), i, l) {
		if (strcmp(json_string_value(json_object_get(l, "lesson")) ?: "", slug) != 0)
			continue;
		json_array_foreach(json_object_get(l, "exercises"), k, e)
			if (strcmp(json_string_value(json_object_get(e, "name")) ?: "", ex) == 0)
				return (int)json_integer_value(json_object_get(e, "points"));
	}
	return 0;
}

static void csv_field(FILE *f, const char *s, bool last)
{
	if (strpbrk(s, ",\"\r\n")) {
		fputc('"', f);
		for (; *s; s++)
			fputs(*s == '"' ? "\"\"" : (char[]){*s, '\0'}, f);
		fputc('"', f);
	} else {
		fputs(s, f);
	}
	fputs(last ? "\r\n" : ",", f);
}

static char *grades_csv(const struct batch *b, json_t *students)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	json_t *s;
	size_t i;

	if (!f)
		return NULL;
	csv_field(f, "student", false);
	for (int l = 0; l < b->nchosen; l++)
		for (int k = 0; k < b->chosen[l]->nexercises; k++) {
			char *col = xasprintf("%s/%s", b->chosen[l]->slug, b->chosen[l]->exercises[k].name);
			csv_field(f, col, false);
			free(col);
		}
	csv_field(f, "total", false);
	csv_field(f, "max", true);
	json_array_foreach(students, i, s) {
		json_t *rep = json_object_get(s, "report");
		csv_field(f, json_string_value(json_object_get(s, "id")), false);
		for (int l = 0; l < b->nchosen; l++)
			for (int k = 0; k < b->chosen[l]->nexercises; k++) {
				char num[16];
				snprintf(num, sizeof num, "%d",
					 exercise_points(rep, b->chosen[l]->slug, b->chosen[l]->exercises[k].name));
				csv_field(f, num, false);
			}
		char total[16], max[16];
		snprintf(total, sizeof total, "%d", (int)json_integer_value(json_object_get(s, "points")));
		snprintf(max, sizeof max, "%d", (int)json_integer_value(json_object_get(s, "max")));
		csv_field(f, total, false);
		csv_field(f, max, true);
	}
	fclose(f);
	return text;
}

static int write_outputs(const struct batch *b)
{
	json_t *students = json_array(), *lessons = json_array();
	int rc = 0;

	for (int i = 0; i < b->n; i++)
		json_array_append_new(students, student_json(b, &b->st[i]));
	for (int l = 0; l < b->nchosen; l++) {
		json_t *exs = json_array();
		for (int k = 0; k < b->chosen[l]->nexercises; k++) {
			const struct exercise *e = &b->chosen[l]->exercises[k];
			json_array_append_new(exs, json_pack("{s:s, s:s, s:i, s:i, s:i}", "name", e->name, "function", e->function,
							     "correctness", e->points[CHECK_CORRECTNESS], "timing",
							     e->points[CHECK_TIMING], "races", e->points[CHECK_RACES]));
		}
		json_array_append_new(lessons, json_pack("{s:s, s:s, s:o}", "lesson", b->chosen[l]->slug, "title",
							 b->chosen[l]->title, "exercises", exs));
	}
	json_t *all = json_pack("{s:o, s:o, s:b, s:b}", "lessons", lessons, "students", students, "hidden_tests",
				b->o->hidden != NULL, "memory_and_process_budgets", b->budgets && b->to_grade > 0);
	char *path = xasprintf("%s/grades.json", b->o->out), *csv = grades_csv(b, students);
	char *csv_path = xasprintf("%s/grades.csv", b->o->out), *html = xasprintf("%s/report.html", b->o->out);
	char *fdir = xasprintf("%s/feedback", b->o->out);
	rc |= dump_atomically(path, all);
	rc |= csv ? write_atomically(csv_path, csv) : -1;
	rc |= class_report_html(html, all);
	rc |= make_dirs(fdir);
	json_t *s;
	size_t i;
	json_array_foreach(students, i, s) {
		char *f = xasprintf("%s/%s.txt", fdir, json_string_value(json_object_get(s, "id")));
		rc |= write_atomically(f, json_string_value(json_object_get(s, "feedback")) ?: "");
		free(f);
	}
	printf("Graded %d submissions (%d now, %d unchanged since the last grading) into %s:\n"
	       "  grades.csv, grades.json, report.html, feedback/ID.txt\n",
	       b->n, b->to_grade, b->n - b->to_grade, b->o->out);
	json_decref(all);
	free(path);
	free(csv);
	free(csv_path);
	free(html);
	free(fdir);
	return rc ? 2 : 0;
}

int grade_class(const struct class_options *o)
{
	struct batch b = {.o = o, .tty = isatty(2) && !getenv("NO_COLOR"), .budgets = true};

	b.lessons = lessons_load(o->root, &b.nlessons);
	b.chosen = xcalloc((size_t)b.nlessons + 1, sizeof *b.chosen);
	for (int i = 0; i < b.nlessons; i++)
		if (!o->lesson || lesson_find(&b.lessons[i], 1, o->lesson))
			b.chosen[b.nchosen++] = &b.lessons[i];
	if (b.nchosen == 0) {
		fprintf(stderr, "concur: there is no lesson '%s'\n", o->lesson);
		return 2;
	}
	for (int i = 0; i < b.nchosen; i++)
		b.budget_s += b.chosen[i]->budget_s;
	b.budget_s += 30; /* building, and the harness's own start */
	if (make_dirs(o->out) == -1) {
		fprintf(stderr, "concur: cannot create %s: %s\n", o->out, strerror(errno));
		return 2;
	}
	if (prepare(&b) == -1)
		return 2;
	printf("Grading %d submission%s from %s (%d to grade, %d at a time)\n", b.n, b.n == 1 ? "" : "s",
	       o->submissions, b.to_grade, o->jobs);
	fflush(stdout);
	grade_students(&b, false, o->jobs);
	if (!jobs_interrupted())
		regrade_skipped_alone(&b);
	if (jobs_interrupted())
		jobs_exit_interrupted();
	return write_outputs(&b);
}
