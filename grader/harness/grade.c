/*
 * grade.c - build, run and judge one lesson's exercises (see grade.h).
 *
 * DESIGN: grading is a state machine over the stages of one exercise,
 *
 *     COMPILE -> SCREEN -> LINK -> SUITE -> RACE -> EXPLAIN -> DONE
 *
 * driven by the table `stages` below.  Each stage has a start handler that
 * gives the jobs an exercise needs in it (possibly none) and a finish
 * handler that reads their results and says which stage comes next: any
 * stage may jump to DONE (a file that does not compile is not linked; code
 * that never ends is not given to Helgrind; a clean Helgrind run needs no
 * explaining).  All exercises pass through the stages together, so they
 * are graded in parallel, while each stage still sees the results of the
 * one before.  The suites run one at a time, before Helgrind, so that their
 * timing checks have the CPUs to themselves.
 *
 * The programs run in a fresh directory under $TMPDIR (jobs.h), each in a
 * directory of its own that only its sandbox may write, holding copies of
 * them.  What a run leaves is read by collect.c into the exercise's
 * outcome (kept as outcome.json beside its build); the verdicts are
 * judge.c's business, from the outcome alone.
 */
#define _GNU_SOURCE
#include "grade.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "build.h"
#include "collect.h"
#include "coverage.h"
#include "ct_protocol.h"
#include "jobs.h"
#include "judge.h"
#include "outcome.h"
#include "util.h"

enum stage { STAGE_COMPILE, STAGE_SCREEN, STAGE_LINK, STAGE_SUITE, STAGE_RACE, STAGE_EXPLAIN, STAGE_DONE };

#define SLOT_JOBS 5 /* the most jobs of one stage: the compiles of RACE=tsan with hidden tests */

/* One exercise being graded. */
struct slot {
	struct build b;
	struct exercise_result *r;
	struct exercise_outcome o;
	enum stage stage;
	struct job jobs[SLOT_JOBS]; /* the current stage's */
	int njobs;
	char *run_dir[SLOT_JOBS];   /* the directories of the current stage's sandboxed programs */
};

/* The state all stages share. */
struct grading {
	const struct grade_options *opt;
	struct judge_options judging;
	char *tmp;        /* this lesson's run directory */
	double deadline;  /* the lesson's wall budget ends */
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char **argv_of(int n, ...)
{
	va_list ap;
	char **argv = xcalloc((size_t)n + 1, sizeof *argv);

	va_start(ap, n);
	for (int i = 0; i < n; i++)
		argv[i] = xstrdup(va_arg(ap, const char *));
	va_end(ap);
	return argv;
}

static void free_job(struct job *j)
{
	for (char **a = j->argv; a && *a; a++)
		free(*a);
	free(j->argv);
	free((char *)j->out_path);
	free((char *)j->err_path);
	for (char **e = j->sandbox_env; e && *e; e++)
		free(*e);
	free(j->sandbox_env);
	*j = (struct job){0};
}

/* Frees the slot's jobs (each owns its argv and paths) and run directories of the stage that ended. */
static void end_stage(struct slot *s)
{
	for (int i = 0; i < s->njobs; i++)
		free_job(&s->jobs[i]);
	for (int i = 0; i < SLOT_JOBS; i++) {
		free(s->run_dir[i]);
		s->run_dir[i] = NULL;
	}
	s->njobs = 0;
}

/*
 * Prepares the slot's sandboxed job k to run program `bin` (copied into a
 * fresh directory g->tmp/EXERCISE-what that only the job may write) with
 * the given argv and limits.
 */
static void sandboxed(struct grading *g, struct slot *s, int k, const char *what, const char *bin, char **argv,
		      unsigned long as_mib, unsigned nproc, double timeout_s)
{
	struct job *j = &s->jobs[k];
	char *dir = xasprintf("%s/%s-%s", g->tmp, s->r->ex->name, what);
	char *copy = xasprintf("%s/%s", dir, strrchr(bin, '/') ? strrchr(bin, '/') + 1 : bin);

	/* Confined: it sees its own directory and the system, not the kit, the solutions or other runs. */
	*j = (struct job){.untrusted = true, .as_mib = as_mib, .nproc = nproc, .argv = argv, .cwd = NULL, .confine = true};
	if (mkdir(dir, 0755) == -1 || jobs_prepare_dir(dir, j) == -1 || copy_file(bin, copy) == -1) {
		fprintf(stderr, "concur: cannot prepare %s: %s\n", dir, strerror(errno));
		exit(2);
	}
	j->cwd = dir;
	j->rw_paths[0] = dir;
	j->out_path = xasprintf("%s/%s", dir, CT_STDOUT_FILE);
	j->err_path = xasprintf("%s/%s", dir, CT_STDERR_FILE);
	double left = g->deadline - now_s();
	j->timeout_s = timeout_s < left ? timeout_s : left > 1 ? left : 1;
	s->run_dir[k] = dir;
	free(copy);
}

/* ---- the stages ------------------------------------------------------ */

static int start_compile(struct grading *g, struct slot *s)
{
	return build_prepare(&s->b, g->opt->root, s->jobs);
}

static enum stage finish_compile(struct grading *g, struct slot *s)
{
	(void)g;
	build_after_compile(&s->b, s->jobs);
	return s->b.problem ? STAGE_DONE : STAGE_SCREEN;
}

static int start_screen(struct grading *g, struct slot *s)
{
	(void)g;
	return build_screen_jobs(&s->b, s->jobs);
}

static enum stage finish_screen(struct grading *g, struct slot *s)
{
	(void)g;
	build_after_screen(&s->b, s->jobs, s->njobs);
	return s->b.problem ? STAGE_DONE : STAGE_LINK;
}

static int start_link(struct grading *g, struct slot *s)
{
	(void)g;
	return build_link_jobs(&s->b, s->jobs);
}

static enum stage finish_link(struct grading *g, struct slot *s)
{
	(void)g;
	build_after_link(&s->b, s->jobs, s->njobs);
	return s->b.problem ? STAGE_DONE : STAGE_SUITE;
}

/* The argv of a suite program: -j1, so that its timing tests do not compete for the CPUs. */
static char **suite_argv(struct grading *g, struct slot *s, const char *program)
{
	if (!g->opt->timing_only)
		return argv_of(2, program, "-j1");
	char *filter = xasprintf("%s/timing_*", s->r->ex->name);
	char **argv = argv_of(4, program, "-j1", "--filter", filter);
	free(filter);
	return argv;
}

static int start_suite(struct grading *g, struct slot *s)
{
	sandboxed(g, s, 0, "test", s->b.test_bin, suite_argv(g, s, "./test"), 2048, CT_RUNNER_NPROC, CT_SUITE_TIMEOUT_S);
	if (g->opt->coverage) /* the counts are written in the run's directory */
		s->jobs[0].sandbox_env = coverage_env(s->b.cov_abs, s->run_dir[0]);
	if (!s->b.hidden_src)
		return 1;
	sandboxed(g, s, 1, "hidden", s->b.hidden_bin, suite_argv(g, s, "./hidden"), 2048, CT_RUNNER_NPROC,
		  CT_SUITE_TIMEOUT_S);
	return 2;
}

static enum stage finish_suite(struct grading *g, struct slot *s)
{
	collect_suite(&s->jobs[0], s->run_dir[0], s->r->ex->name, s->b.test_bin, s->b.dir, &s->o.suite);
	if (g->opt->coverage)
		coverage_collect(s->run_dir[0], s->b.cov_dir);
	if (s->b.hidden_src) {
		/* Kept apart: its timelines and side files are the instructor's. */
		char *keep = xasprintf("%s/hidden-run", s->b.dir);
		if (make_dirs(keep) == -1)
			fprintf(stderr, "concur: cannot create %s\n", keep);
		collect_suite(&s->jobs[1], s->run_dir[1], s->r->ex->name, s->b.hidden_bin, keep, &s->o.hidden);
		s->o.has_hidden = true;
		for (int i = 0; i < s->o.hidden.ntests; i++) {
			s->o.hidden.tests[i].hidden = true;
			free(s->o.hidden.tests[i].timeline);
			s->o.hidden.tests[i].timeline = NULL;
		}
		free(keep);
	}
	/* Coverage is of the tests: no Helgrind. */
	s->o.race.tool = g->opt->race;
	return !g->opt->coverage && g->opt->race != RACE_OFF && judge_wants_race(s->r->ex, &s->o, &g->judging)
		       ? STAGE_RACE
		       : STAGE_DONE;
}

/*
 * --child-silent-after-fork: children forked by the driver would otherwise
 * write into the same XML file and break it; races inside those children
 * are therefore not reported (no lesson runs threads in children).
 * --free-is-write=yes: a free() that races a use in another thread is a
 * race too.
 */
static int start_race(struct grading *g, struct slot *s)
{
	switch (g->opt->race) {
	case RACE_DRD:
		sandboxed(g, s, 0, "race", s->b.driver_bin,
			  argv_of(10, "/usr/bin/valgrind", "--tool=drd", "--xml=yes", "--xml-file=" CT_RACE_XML,
				  "--read-var-info=yes", "--check-stack-var=yes", "--free-is-write=yes", "--vgdb=no",
				  "--child-silent-after-fork=yes", "./race"),
			  8192, CT_DRIVER_NPROC, CT_RACE_TIMEOUT_S);
		break;
	case RACE_TSAN:
		/* ThreadSanitizer maps terabytes of shadow memory: no address-space limit (the cgroup's budget holds). */
		sandboxed(g, s, 0, "race", s->b.driver_bin, argv_of(1, "./race"), 0, CT_DRIVER_NPROC, CT_RACE_TIMEOUT_S);
		s->jobs[0].sandbox_env = xcalloc(2, sizeof *s->jobs[0].sandbox_env);
		s->jobs[0].sandbox_env[0] = xstrdup("TSAN_OPTIONS=halt_on_error=0:second_deadlock_stack=1");
		break;
	default:
		sandboxed(g, s, 0, "race", s->b.driver_bin,
			  argv_of(8, "/usr/bin/valgrind", "--tool=helgrind", "--xml=yes", "--xml-file=" CT_RACE_XML,
				  "--free-is-write=yes", "--vgdb=no", "--child-silent-after-fork=yes", "./race"),
			  8192, CT_DRIVER_NPROC, CT_RACE_TIMEOUT_S);
	}
	return 1;
}

static enum stage finish_race(struct grading *g, struct slot *s)
{
	(void)g;
	collect_race(&s->jobs[0], s->run_dir[0], s->b.dir, g->opt->race, &s->o.race);
	/* DRD names its variables in its one run, and ThreadSanitizer does too: only Helgrind explains again. */
	return g->opt->race == RACE_HELGRIND && judge_wants_explaining(&s->o) ? STAGE_EXPLAIN : STAGE_DONE;
}

/*
 * Helgrind once more, with --read-var-info=yes, writing its text log: the
 * log alone has the "Locks held" lines and names each lock's variable, and
 * read with the race run's XML it also names the variables (an XML run
 * with --read-var-info=yes would cost as much again: Valgrind 3.19 cannot
 * write both an XML file and a log in one run).
 */
static int start_explain(struct grading *g, struct slot *s)
{
	sandboxed(g, s, 0, "explain", s->b.driver_bin,
		  argv_of(8, "/usr/bin/valgrind", "--tool=helgrind", "--log-file=" CT_RACE_LOG, "--read-var-info=yes",
			  "--free-is-write=yes", "--vgdb=no", "--child-silent-after-fork=yes", "./race"),
		  8192, CT_DRIVER_NPROC, CT_EXPLAIN_TIMEOUT_S);
	return 1;
}

static enum stage finish_explain(struct grading *g, struct slot *s)
{
	(void)g;
	/* The race run's XML was kept in the build directory by collect_race(). */
	collect_explanation(&s->jobs[0], s->b.dir, s->run_dir[0], s->b.dir, &s->o.race);
	return STAGE_DONE;
}

/* How many of a stage's jobs may run at once. */
enum parallelism {
	PAR_CPUS,    /* trusted work: as many as there are CPUs */
	PAR_ONE,     /* one at a time: timing tests */
	PAR_SANDBOX, /* sandboxed: as many as the sandbox can tell apart (jobs_parallel_limit) */
};

static const struct stage_ops {
	enum stage stage;
	enum parallelism parallel;
	int (*start)(struct grading *g, struct slot *s);          /* fills s->jobs; returns how many */
	enum stage (*finish)(struct grading *g, struct slot *s);  /* after them: the next stage */
} stages[] = {
	{STAGE_COMPILE, PAR_CPUS, start_compile, finish_compile},
	{STAGE_SCREEN, PAR_SANDBOX, start_screen, finish_screen},
	{STAGE_LINK, PAR_CPUS, start_link, finish_link},
	{STAGE_SUITE, PAR_ONE, start_suite, finish_suite},
	{STAGE_RACE, PAR_SANDBOX, start_race, finish_race},
	{STAGE_EXPLAIN, PAR_SANDBOX, start_explain, finish_explain},
};

/* Runs one stage for every slot in it. */
static void run_stage(struct grading *g, const struct stage_ops *op, struct slot *slots, int n)
{
	struct job **list = xcalloc((size_t)n * SLOT_JOBS + 1, sizeof *list);
	int nl = 0, parallel = g->opt->parallel;

	for (int i = 0; i < n; i++) {
		if (slots[i].stage != op->stage)
			continue;
		slots[i].njobs = op->start(g, &slots[i]);
		for (int k = 0; k < slots[i].njobs; k++)
			list[nl++] = &slots[i].jobs[k];
	}
	if (op->parallel == PAR_ONE)
		parallel = 1;
	else if (op->parallel == PAR_SANDBOX)
		parallel = jobs_parallel_limit(parallel);
	if (nl)
		jobs_run(list, nl, parallel);
	free(list);
	for (int i = 0; i < n && !jobs_interrupted(); i++) {
		if (slots[i].stage != op->stage)
			continue;
		enum stage next = op->finish(g, &slots[i]);
		slots[i].stage = next > op->stage ? next : STAGE_DONE;
		end_stage(&slots[i]);
	}
}

/* Keeps the outcome beside the build, for the curious and for bug reports (best effort). */
static void save_outcome(const struct slot *s)
{
	char *path = xasprintf("%s/outcome.json", s->b.dir);
	json_t *j = outcome_to_json(&s->o);

	if (!j || json_dump_file(j, path, JSON_INDENT(2)) == -1)
		fprintf(stderr, "concur: could not write %s\n", path);
	json_decref(j);
	free(path);
}

void grade_lesson(const struct grade_options *o, const struct lesson *l, const char *only, struct lesson_result *out)
{
	double t0 = now_s();
	struct grading g = {.opt = o, .deadline = t0 + l->budget_s,
			    .judging = {.verbose = o->verbose, .timing_only = o->timing_only}};
	struct slot *s = xcalloc((size_t)l->nexercises, sizeof *s);
	int n = 0;

	*out = (struct lesson_result){.lesson = l};
	out->results = xcalloc((size_t)l->nexercises, sizeof *out->results);
	for (int i = 0; i < l->nexercises; i++) {
		const struct exercise *e = &l->exercises[i];
		if (only && strcmp(only, e->name) != 0)
			continue;
		struct exercise_result *r = &out->results[n];
		r->ex = e;
		char *path = o->source ? xstrdup(o->source) : xasprintf("%s/%s/%s.c", o->src_root, l->slug, e->name);
		r->source = o->short_paths ? xasprintf("%s/%s.c", l->slug, e->name) : xstrdup(path);
		s[n].r = r;
		s[n].b = (struct build){.lesson = l, .ex = e, .source = r->source, .path = path, .coverage = o->coverage,
					.tsan = o->race == RACE_TSAN,
					.dir = o->build_dir		? xasprintf("%s/%s/%s", o->build_dir, l->slug, e->name)
					       : strcmp(o->root, ".") == 0 ? xasprintf("build/%s/%s/%s", o->build_tag, l->slug, e->name)
									 : xasprintf("%s/build/%s/%s/%s", o->root, o->build_tag,
										     l->slug, e->name)};
		s[n].stage = STAGE_COMPILE;
		if (o->hidden_root) {
			char *hidden = xasprintf("%s/%s/test_%s.c", o->hidden_root, l->slug, e->name);
			if (file_exists(hidden))
				s[n].b.hidden_src = hidden;
			else
				free(hidden);
		}
		n++;
	}
	out->nresults = n;
	/* As root, the compiler and the programs run as other users, who must be able to reach the build. */
	for (int i = 0; i < n; i++) {
		char *parent = xstrdup(s[i].b.dir);
		if (make_dirs(parent) == 0 && !jobs_reachable_by_sandbox(parent)) {
			fprintf(stderr, "concur: the sandbox's users cannot reach %s (a directory above it lacks o+x, as "
					"/root does): put the kit somewhere they can, or give those directories o+x\n",
				parent);
			exit(2);
		}
		free(parent);
	}
	g.tmp = jobs_make_run_dir();
	for (size_t k = 0; k < sizeof stages / sizeof stages[0] && !jobs_interrupted(); k++)
		run_stage(&g, &stages[k], s, n);
	if (jobs_interrupted())
		jobs_exit_interrupted();
	if (getenv("CONCUR_KEEP_RUN_DIR"))
		fprintf(stderr, "concur: the run directory %s is kept (CONCUR_KEEP_RUN_DIR)\n", g.tmp);
	else
		jobs_remove_run_dir(g.tmp);
	for (int i = 0; i < n; i++) {
		struct slot *sl = &s[i];
		if (sl->b.problem)
			sl->o.build_problem = xstrdup(sl->b.problem);
		sl->r->build_log = sl->b.log;
		judge_exercise(sl->r->ex, &sl->o, &g.judging, sl->r);
		save_outcome(sl);
		outcome_free(&sl->o);
		for (int c = 0; c < NCHECKS; c++) {
			out->points += sl->r->checks[c].points;
			out->max += sl->r->checks[c].max;
		}
	}
	out->wall_s = now_s() - t0;
	free(s);
}
