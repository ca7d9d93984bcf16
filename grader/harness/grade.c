/*
 * grade.c - build, run and judge one lesson's exercises (see grade.h).
 *
 * DESIGN: the work of all exercises goes through jobs_run() in phases
 * (compile, link, suites, Helgrind, explain), so exercises are graded in
 * parallel while each phase still sees the results of the one before.  The
 * suites run one at a time, before Helgrind, so that their timing checks
 * have the CPUs to themselves.  The programs run in a fresh directory under /tmp that the
 * sandbox's user may write, holding copies of them.  The verdicts
 * themselves are judge.c's business.
 */
#define _GNU_SOURCE
#include "grade.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "build.h"
#include "jobs.h"
#include "judge.h"
#include "timeline.h"
#include "util.h"

#define TEST_TIMEOUT_S 45.0   /* the whole suite (run with -j1); each test has its own, shorter one */
#define RACE_TIMEOUT_S 20.0   /* Helgrind is 20-300x slower than native code */
#define CT_TEST_TIMEOUT_S 5   /* each test's own limit: CT_SUITE in grader/lib/ct_test.h */
#define RUNNER_NPROC 400      /* CT_RUNNER_NPROC in grader/lib/ct_test.h: above each test's own limit */

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

/* Per exercise: where it runs and the jobs that run it. */
struct slot {
	struct build b;
	struct exercise_result *r;
	char *test_dir, *race_dir, *explain_dir, *log_dir;
	struct job compile, links[2], test, race, explain[2];
	int nlinks;
	bool compiling, running, racing, explaining;
};

/* Keeps a report in the build directory for a curious student (best effort). */
static void copy_back(const char *dir, const char *name, const char *to_dir)
{
	char *from = xasprintf("%s/%s", dir, name), *to = xasprintf("%s/%s", to_dir, name);

	copy_file(from, to);
	free(from);
	free(to);
}

/* A fresh directory under tmp that job j (and only it) may write. */
static char *job_dir(const char *tmp, const char *ex, const char *what, struct job *j)
{
	char *d = xasprintf("%s/%s-%s", tmp, ex, what);

	if (mkdir(d, 0755) == -1 || jobs_prepare_dir(d, j) == -1) {
		fprintf(stderr, "concur: cannot prepare %s: %s\n", d, strerror(errno));
		exit(2);
	}
	return d;
}

static void remaining_budget(double deadline, double *timeout)
{
	double left = deadline - now_s();

	if (left < 1)
		left = 1;
	if (*timeout > left)
		*timeout = left;
}

void grade_lesson(const struct grade_options *o, const struct lesson *l, const char *only, struct lesson_result *out)
{
	double t0 = now_s(), deadline = t0 + l->budget_s;
	struct slot *s = xcalloc((size_t)l->nexercises, sizeof *s);
	int n = 0;

	*out = (struct lesson_result){.lesson = l};
	out->results = xcalloc((size_t)l->nexercises, sizeof *out->results);
	for (int i = 0; i < l->nexercises; i++) {
		const struct exercise *e = &l->exercises[i];
		struct exercise_result *r;

		if (only && strcmp(only, e->name) != 0)
			continue;
		r = &out->results[n];
		r->ex = e;
		r->source = o->source ? xstrdup(o->source) : xasprintf("%s/%s/%s.c", o->src_root, l->slug, e->name);
		for (int c = 0; c < NCHECKS; c++) {
			r->checks[c].max = e->points[c];
			r->checks[c].verdict = e->points[c] ? VERDICT_FAIL : VERDICT_NONE;
		}
		s[n].r = r;
		s[n].b = (struct build){.lesson = l, .ex = e, .source = r->source,
					.dir = strcmp(o->root, ".") == 0
						       ? xasprintf("build/%s/%s/%s", o->build_tag, l->slug, e->name)
						       : xasprintf("%s/build/%s/%s/%s", o->root, o->build_tag, l->slug, e->name)};
		n++;
	}
	out->nresults = n;

	/* Phase 1: compile what changed. */
	struct job **list = xcalloc((size_t)n * 2 + 1, sizeof *list);
	int nl = 0;
	for (int i = 0; i < n; i++) {
		s[i].compiling = build_prepare(&s[i].b, o->root, &s[i].compile);
		if (s[i].compiling)
			list[nl++] = &s[i].compile;
	}
	jobs_run(list, nl, o->parallel);
	/* Phase 2: screen and link. */
	nl = 0;
	for (int i = 0; i < n; i++) {
		if (s[i].b.problem)
			continue;
		s[i].nlinks = build_after_compile(&s[i].b, s[i].compiling ? &s[i].compile : NULL, s[i].links);
		for (int k = 0; k < s[i].nlinks; k++)
			list[nl++] = &s[i].links[k];
	}
	jobs_run(list, nl, o->parallel);
	for (int i = 0; i < n; i++)
		if (!s[i].b.problem)
			build_after_link(&s[i].b, s[i].links, s[i].nlinks);
	for (int i = 0; i < n; i++) {
		s[i].r->build_log = s[i].b.log;
		if (s[i].b.problem)
			fail_all(s[i].r, s[i].b.problem, NULL);
	}

	/* Phase 3: run the suite and the Helgrind driver, sandboxed. */
	char tmp[] = "/tmp/concur-XXXXXX";
	if (!mkdtemp(tmp) || chmod(tmp, 0711) == -1) {
		perror("concur: cannot create a directory under /tmp");
		exit(2);
	}
	struct job **suites = xcalloc((size_t)n + 1, sizeof *suites), **races = xcalloc((size_t)n + 1, sizeof *races);
	int ns = 0, nr = 0;
	for (int i = 0; i < n; i++) {
		struct slot *sl = &s[i];
		if (!sl->b.ok)
			continue;
		sl->running = true;
		sl->test = (struct job){.untrusted = true, .as_mib = 2048, .nproc = RUNNER_NPROC, .timeout_s = TEST_TIMEOUT_S};
		sl->race = (struct job){.untrusted = true, .as_mib = 8192, .nproc = 200, .timeout_s = RACE_TIMEOUT_S};
		sl->test_dir = job_dir(tmp, sl->r->ex->name, "test", &sl->test);
		sl->race_dir = job_dir(tmp, sl->r->ex->name, "race", &sl->race);
		char *tbin = xasprintf("%s/test", sl->test_dir), *rbin = xasprintf("%s/race", sl->race_dir);
		bool has_driver = sl->r->ex->points[CHECK_RACES] > 0;
		if (copy_file(sl->b.test_bin, tbin) == -1 || (has_driver && copy_file(sl->b.driver_bin, rbin) == -1)) {
			perror("concur: copying the programs to run");
			exit(2);
		}
		/* -j1: a suite's timing tests must not compete with each other for the CPUs. */
		if (o->timing_only) {
			char *filter = xasprintf("%s/timing_*", sl->r->ex->name);
			sl->test.argv = argv_of(5, "./test", "--json=results.json", "-j1", "--filter", filter);
			free(filter);
		} else {
			sl->test.argv = argv_of(3, "./test", "--json=results.json", "-j1");
		}
		sl->test.cwd = sl->test_dir;
		sl->test.out_path = xasprintf("%s/stdout.txt", sl->test_dir);
		sl->test.err_path = xasprintf("%s/stderr.txt", sl->test_dir);
		/*
		 * --child-silent-after-fork: children forked by the driver would
		 * otherwise write into the same XML file and break it; races inside
		 * those children are therefore not reported (lessons 01-03 run no
		 * threads in children).
		 */
		sl->race.argv = argv_of(7, "/usr/bin/valgrind", "--tool=helgrind", "--xml=yes", "--xml-file=race.xml",
					"--vgdb=no", "--child-silent-after-fork=yes", "./race");
		sl->race.cwd = sl->race_dir;
		sl->race.out_path = xasprintf("%s/stdout.txt", sl->race_dir);
		sl->race.err_path = xasprintf("%s/stderr.txt", sl->race_dir);
		suites[ns++] = &sl->test;
		free(tbin);
		free(rbin);
	}
	/*
	 * The suites first, one at a time, then Helgrind: the suites' timing
	 * checks measure speedup on the CPUs, which another suite or Helgrind's
	 * heavy use of them would disturb.
	 */
	for (int i = 0; i < ns; i++)
		remaining_budget(deadline, &suites[i]->timeout_s);
	jobs_run(suites, ns, 1);
	/* Judge the suites now: code that never ends is not also given to Helgrind. */
	nr = 0;
	for (int i = 0; i < n; i++) {
		struct slot *sl = &s[i];
		struct exercise_result *r = sl->r;
		if (!sl->running)
			continue;
		char *json = xasprintf("%s/results.json", sl->test_dir);
		char how[160];
		r->test_s = sl->test.wall_s;
		if (sl->test.started && !sl->test.timed_out) {
			judge_suite(r, &sl->test, json, CT_TEST_TIMEOUT_S);
			r->timelines = timelines_render(sl->test_dir, json, sl->b.dir, o->verbose);
		} else {
			for (int c = CHECK_CORRECTNESS; c <= CHECK_TIMING; c++)
				set_check(&r->checks[c], VERDICT_FAIL,
					  xasprintf("the test program %s; no results (something in your code never "
						    "ends, even after each test's own time limit)",
						    job_describe(&sl->test, how, sizeof how)),
					  NULL);
		}
		copy_back(sl->test_dir, "results.json", sl->b.dir);
		if (o->timing_only) {
			r->checks[CHECK_CORRECTNESS].verdict = r->checks[CHECK_RACES].verdict = VERDICT_NONE;
			r->checks[CHECK_CORRECTNESS].max = r->checks[CHECK_RACES].max = 0;
		} else if (r->checks[CHECK_RACES].max == 0) {
			/* no Helgrind check for this exercise */
		} else if (sl->test.timed_out || r->hung) {
			set_check(&r->checks[CHECK_RACES], VERDICT_FAIL,
				  xstrdup("not checked: the tests found code that never ends; fix that first"), NULL);
		} else {
			sl->racing = true;
			remaining_budget(deadline, &sl->race.timeout_s);
			races[nr++] = &sl->race;
		}
		free(json);
	}
	jobs_run(races, nr, jobs_parallel_limit(o->parallel));
	struct job **explain = xcalloc((size_t)n * 2 + 1, sizeof *explain);
	int ne = 0;
	for (int i = 0; i < n; i++) {
		struct slot *sl = &s[i];
		struct exercise_result *r = sl->r;
		if (!sl->running)
			continue;
		if (sl->racing) {
			char *xml = xasprintf("%s/race.xml", sl->race_dir);
			r->race_s = sl->race.wall_s;
			judge_race_run(r, &sl->race, xml, sl->race.err_path, &sl->explaining);
			copy_back(sl->race_dir, "race.xml", sl->b.dir);
			free(xml);
		}
		r->leftovers = (sl->test.timed_out ? 0 : sl->test.leftovers) +
			       (sl->racing && !sl->race.timed_out ? sl->race.leftovers : 0);
		if (r->leftovers)
			fail_leftovers(r);
		if (sl->explaining) {
			sl->explain[0] = (struct job){.untrusted = true, .as_mib = 8192, .nproc = 200, .timeout_s = RACE_TIMEOUT_S};
			sl->explain[1] = sl->explain[0];
			sl->explain_dir = job_dir(tmp, r->ex->name, "explain", &sl->explain[0]);
			sl->log_dir = job_dir(tmp, r->ex->name, "explain-log", &sl->explain[1]);
			char *b1 = xasprintf("%s/race", sl->explain_dir), *b2 = xasprintf("%s/race", sl->log_dir);
			copy_file(sl->b.driver_bin, b1);
			copy_file(sl->b.driver_bin, b2);
			free(b1);
			free(b2);
			sl->explain[0].argv = argv_of(8, "/usr/bin/valgrind", "--tool=helgrind", "--xml=yes",
						      "--xml-file=race.xml", "--read-var-info=yes", "--vgdb=no",
						      "--child-silent-after-fork=yes", "./race");
			sl->explain[0].cwd = sl->explain_dir;
			/* The text log has the "Locks held" lines, and names each lock's variable. */
			sl->explain[1].argv = argv_of(7, "/usr/bin/valgrind", "--tool=helgrind", "--log-file=race.log",
						      "--read-var-info=yes", "--vgdb=no", "--child-silent-after-fork=yes",
						      "./race");
			sl->explain[1].cwd = sl->log_dir;
			remaining_budget(deadline, &sl->explain[0].timeout_s);
			remaining_budget(deadline, &sl->explain[1].timeout_s);
			explain[ne++] = &sl->explain[0];
			explain[ne++] = &sl->explain[1];
		}
	}
	/* Phase 4: explain what Helgrind found, in plain words. */
	jobs_run(explain, ne, jobs_parallel_limit(o->parallel));
	for (int i = 0; i < n; i++) {
		struct slot *sl = &s[i];
		if (!sl->explaining)
			continue;
		char *xml = xasprintf("%s/race.xml", sl->explain_dir), *log = xasprintf("%s/race.log", sl->log_dir);
		explain_races(sl->r, xml, log);
		free(xml);
		free(log);
	}
	if (!getenv("CONCUR_KEEP_RUN_DIR"))
		remove_tree(tmp);
	for (int i = 0; i < n; i++)
		for (int c = 0; c < NCHECKS; c++) {
			out->points += s[i].r->checks[c].points;
			out->max += s[i].r->checks[c].max;
		}
	out->wall_s = now_s() - t0;
	free(suites);
	free(races);
	free(explain);
	free(list);
	free(s);
}
