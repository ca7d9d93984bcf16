/*
 * main.c - concur-grade, the harness behind `make check`, `make list` and
 * `make hint`.  Run it from the kit's top directory (make does).
 *
 *   concur-grade [--lesson N] [--exercise NAME] [--solution | --src DIR |
 *                 --source FILE] [--report-json F] [--report-csv F] [--verbose]
 *                [--hidden DIR]   (an instructor's hidden suites: DIR/NN-slug/test_NAME.c)
 *                [--report-gradescope F] [--report-prairielearn F] [--report-junit F]
 *                [--report-tap F] [--report-autolab[=F]]   (platforms, report.h)
 *   concur-grade --list
 *   concur-grade --hint --lesson N --exercise NAME
 *   concur-grade --progress
 *   concur-grade --watch --lesson N [--exercise NAME] [--verbose]
 *   concur-grade --reset --lesson N (--exercise NAME | --all-exercises)
 *   concur-grade --coverage --lesson N [--exercise NAME] [--solution | --src DIR]
 *   concur-grade --print-cflags | --write-skeletons | --check-skeletons
 *
 * Exit status: 0 when every check with points passed, 1 when some did not,
 * 2 on a usage error, a broken kit or a report that could not be written.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "coverage.h"
#include "build.h"
#include "grade.h"
#include "jobs.h"
#include "lesson.h"
#include "progress.h"
#include "report.h"
#include "reset.h"
#include "skeletons.h"
#include "util.h"
#include "watch.h"

/*
 * The reports besides the table, one writer each (report.h), written in
 * this order after grading: Autolab's last, since without a file it is
 * the last line of the output.
 */
static int write_json(const char *path, const struct report_input *in)
{
	return report_write_json(path, in->lessons, in->nlessons);
}

static int write_csv(const char *path, const struct report_input *in)
{
	return report_write_csv(path, in->lessons, in->nlessons);
}

static const struct reporter {
	const char *option;
	int has_arg;         /* getopt's: Autolab's file is optional (default: stdout) */
	int (*write)(const char *path, const struct report_input *in);
} reporters[] = {
	{"report-json", required_argument, write_json},
	{"report-csv", required_argument, write_csv},
	{"report-gradescope", required_argument, report_write_gradescope},
	{"report-prairielearn", required_argument, report_write_prairielearn},
	{"report-junit", required_argument, report_write_junit},
	{"report-tap", required_argument, report_write_tap},
	{"report-autolab", optional_argument, report_write_autolab},
};
#define NREPORTERS ((int)(sizeof reporters / sizeof reporters[0]))
#define REPORTER_OPT 256 /* getopt value of reporters[i]: REPORTER_OPT + i */

struct options {
	const char *lesson, *exercise, *src, *source, *root, *hidden, *build_dir, *class_dir, *out;
	const char *reports[NREPORTERS]; /* where to write reporters[i], or NULL */
	bool solution, verbose, list, hint, timing_only, short_paths;
	bool progress, watch, reset, all_exercises, coverage, print_cflags, write_skeletons, check_skeletons;
	int jobs;
};

static void usage(FILE *f)
{
	fputs("usage: concur-grade [--lesson N] [--exercise NAME] [--solution | --src DIR | --source FILE]\n"
	      "                    [--report-json FILE] [--report-csv FILE] [--verbose] [--jobs N] [--show-commands]\n"
	      "                    [--only-timing] [--hidden DIR] [--build-dir DIR] [--short-paths]\n"
	      "                    [--report-gradescope FILE] [--report-prairielearn FILE]\n"
	      "                    [--report-junit FILE] [--report-tap FILE] [--report-autolab[=FILE]]\n"
	      "       concur-grade --class DIR [--lesson N] [--jobs N] [--hidden DIR] [--out DIR]\n"
	      "       concur-grade --list\n"
	      "       concur-grade --hint --lesson N --exercise NAME\n"
	      "       concur-grade --progress | --watch --lesson N [--exercise NAME]\n"
	      "       concur-grade --reset --lesson N (--exercise NAME | --all-exercises)\n"
	      "       concur-grade --coverage --lesson N [--exercise NAME] [--solution | --src DIR]\n"
	      "       concur-grade --print-cflags | --write-skeletons | --check-skeletons\n"
	      "Usually run through make: make check LESSON=1, make list, make hint LESSON=1 EXERCISE=spawn\n",
	      f);
}

static void print_lessons(FILE *f, const struct lesson *ls, int n)
{
	int slug_w = 0, title_w = 0;

	for (int i = 0; i < n; i++) {
		int s = (int)strlen(ls[i].slug), t = (int)strlen(ls[i].title);
		slug_w = s > slug_w ? s : slug_w;
		title_w = t > title_w ? t : title_w;
	}
	for (int i = 0; i < n; i++) {
		fprintf(f, "  %-*s  %-*s  exercises:", slug_w, ls[i].slug, title_w, ls[i].title);
		for (int k = 0; k < ls[i].nexercises; k++)
			fprintf(f, " %s", ls[i].exercises[k].name);
		fprintf(f, "   (%d points)\n", lesson_max_points(&ls[i]));
	}
}

static void print_exercises(FILE *f, const struct lesson *l)
{
	for (int k = 0; k < l->nexercises; k++)
		fprintf(f, "  %-10s %s() in exercises/%s/%s.c\n", l->exercises[k].name, l->exercises[k].function,
			l->slug, l->exercises[k].name);
}

static int usable_cpus(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof set, &set) == -1)
		return 1;
	int n = CPU_COUNT(&set);
	return n > 0 ? n : 1;
}

/* Shows the next hint and remembers it in build/progress/hints.json. */
static int show_hint(const struct options *o, struct lesson *l, struct exercise *e)
{
	char *dir = xasprintf("%s/build/progress", o->root);
	char *path = xasprintf("%s/hints.json", dir);
	char *key = xasprintf("%s/%s", l->slug, e->name);
	json_t *state = progress_load_object(path, NULL);

	if (e->nhints == 0) {
		printf("There are no hints for %s yet: re-read lessons/%s.md.\n", e->name, l->slug);
		return 0;
	}
	int seen = (int)json_integer_value(json_object_get(state, key));
	int next = seen < e->nhints ? seen : e->nhints - 1;
	printf("Hint %d of %d for %s (%s() in exercises/%s/%s.c):\n\n%s\n\n", next + 1, e->nhints, e->name,
	       e->function, l->slug, e->name, e->hints[next]);
	char *solution = xasprintf("%s/solutions/%s/%s.c", o->root, l->slug, e->name);
	if (next + 1 < e->nhints)
		printf("Run the same command again for the next, more detailed hint.\n");
	else if (file_exists(solution))
		printf("That was the last hint. The reference solution is solutions/%s/%s.c; try once more before "
		       "you read it.\n",
		       l->slug, e->name);
	else /* a student release (make dist) has no solutions */
		printf("That was the last hint. Re-read lessons/%s.md, try once more, and if you are still stuck, ask "
		       "your instructor or a classmate.\n",
		       l->slug);
	free(solution);
	json_object_set_new(state, key, json_integer(next + 1));
	progress_save_object(path, state);
	json_decref(state);
	free(dir);
	free(path);
	free(key);
	return 0;
}

static char *tag_for(const char *src)
{
	char *t = xasprintf("src-%s", src);

	for (char *p = t; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-'))
			*p = '_';
	return t;
}

int main(int argc, char **argv)
{
	static const struct option fixed[] = {
		{"lesson", required_argument, NULL, 'l'},   {"exercise", required_argument, NULL, 'e'},
		{"solution", no_argument, NULL, 'S'},       {"src", required_argument, NULL, 's'},
		{"source", required_argument, NULL, 'f'},   {"verbose", no_argument, NULL, 'v'},
		{"list", no_argument, NULL, 'L'},           {"hint", no_argument, NULL, 'H'},
		{"jobs", required_argument, NULL, 'j'},     {"root", required_argument, NULL, 'r'},
		{"show-commands", no_argument, NULL, 'c'},  {"only-timing", no_argument, NULL, 'T'},
		{"hidden", required_argument, NULL, 'X'},  {"build-dir", required_argument, NULL, 'B'},
		{"class", required_argument, NULL, 'K'},   {"out", required_argument, NULL, 'O'},
		{"short-paths", no_argument, NULL, 'P'},
		{"progress", no_argument, NULL, 'G'},      {"watch", no_argument, NULL, 'W'},
		{"reset", no_argument, NULL, 'R'},         {"all-exercises", no_argument, NULL, 'A'},
		{"coverage", no_argument, NULL, 'V'},      {"print-cflags", no_argument, NULL, 'F'},
		{"write-skeletons", no_argument, NULL, 'Y'}, {"check-skeletons", no_argument, NULL, 'Z'},
		{"help", no_argument, NULL, 'h'},
	};
	const int nfixed = (int)(sizeof fixed / sizeof fixed[0]);
	struct option longopts[sizeof fixed / sizeof fixed[0] + NREPORTERS + 1];
	struct options o = {.root = ".", .jobs = 0};
	int c;

	memcpy(longopts, fixed, sizeof fixed);
	for (int i = 0; i < NREPORTERS; i++)
		longopts[nfixed + i] = (struct option){reporters[i].option, reporters[i].has_arg, NULL, REPORTER_OPT + i};
	longopts[nfixed + NREPORTERS] = (struct option){NULL, 0, NULL, 0};

	while ((c = getopt_long(argc, argv, "l:e:s:f:vj:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'l': o.lesson = optarg; break;
		case 'e': o.exercise = optarg; break;
		case 'S': o.solution = true; break;
		case 's': o.src = optarg; break;
		case 'f': o.source = optarg; break;
		case 'v': o.verbose = true; break;
		case 'L': o.list = true; break;
		case 'H': o.hint = true; break;
		case 'j': o.jobs = atoi(optarg); break;
		case 'r': o.root = optarg; break;
		case 'c': jobs_echo = true; break;
		case 'T': o.timing_only = true; break;
		case 'X': o.hidden = optarg; break;
		case 'B': o.build_dir = optarg; break;
		case 'K': o.class_dir = optarg; break;
		case 'O': o.out = optarg; break;
		case 'P': o.short_paths = true; break;
		case 'G': o.progress = true; break;
		case 'W': o.watch = true; break;
		case 'R': o.reset = true; break;
		case 'A': o.all_exercises = true; break;
		case 'V': o.coverage = true; break;
		case 'F': o.print_cflags = true; break;
		case 'Y': o.write_skeletons = true; break;
		case 'Z': o.check_skeletons = true; break;
		case 'h': usage(stdout); return 0;
		default:
			if (c >= REPORTER_OPT && c < REPORTER_OPT + NREPORTERS) {
				o.reports[c - REPORTER_OPT] = optarg ? optarg : "-";
				break;
			}
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "concur: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (o.print_cflags) {
		printf("%s\n", build_student_cflags());
		return 0;
	}
	int nlessons;
	struct lesson *lessons = lessons_load(o.root, &nlessons);
	if (o.list) {
		printf("Lessons (grade one with: make check LESSON=N):\n");
		print_lessons(stdout, lessons, nlessons);
		return 0;
	}
	if (o.progress)
		return progress_show(stdout, o.root, lessons, nlessons);
	if (o.write_skeletons)
		return skeletons_write(o.root, lessons, nlessons) == 0 ? 0 : 2;
	if (o.check_skeletons) {
		int differ = skeletons_check(o.root, lessons, nlessons, stdout);
		if (differ)
			printf("%s is not the same as exercises/: after changing a skeleton, run  make skeletons\n",
			       SKELETONS_FILE);
		return differ ? 1 : 0;
	}
	/* Which lessons. */
	struct lesson **chosen = xcalloc((size_t)nlessons + 1, sizeof *chosen);
	int nchosen = 0;
	if (o.lesson && *o.lesson && strcmp(o.lesson, "all") != 0) {
		struct lesson *l = lesson_find(lessons, nlessons, o.lesson);
		if (!l) {
			fprintf(stderr, "concur: there is no lesson '%s'. The lessons are:\n", o.lesson);
			print_lessons(stderr, lessons, nlessons);
			fprintf(stderr, "Use the number (LESSON=1), with a zero (LESSON=01) or the name (LESSON=01-processes).\n");
			return 2;
		}
		chosen[nchosen++] = l;
	} else {
		for (int i = 0; i < nlessons; i++)
			chosen[nchosen++] = &lessons[i];
	}
	if (o.exercise && *o.exercise) {
		if (nchosen != 1) {
			fprintf(stderr, "concur: EXERCISE=%s needs a lesson too, e.g. make check LESSON=1 EXERCISE=%s\n",
				o.exercise, o.exercise);
			return 2;
		}
		if (!exercise_find(chosen[0], o.exercise)) {
			fprintf(stderr, "concur: lesson %s has no exercise '%s'. Its exercises are:\n", chosen[0]->slug,
				o.exercise);
			print_exercises(stderr, chosen[0]);
			return 2;
		}
	}
	if ((o.watch || o.reset || o.coverage) && nchosen != 1) {
		fprintf(stderr, "concur: say which lesson, e.g.  make %s LESSON=1%s\n",
			o.watch ? "watch" : o.reset ? "reset" : "coverage", o.reset ? " EXERCISE=spawn" : "");
		return 2;
	}
	if (o.watch)
		return watch_lesson(o.root, chosen[0], o.exercise && *o.exercise ? o.exercise : NULL, o.verbose);
	if (o.reset) {
		if ((!o.exercise || !*o.exercise) && !o.all_exercises) {
			fprintf(stderr, "concur: make reset LESSON=%d alone would reset every exercise of lesson %s. Say which "
					"one, e.g.  make reset LESSON=%d EXERCISE=%s\n"
					"or, to reset them all (each is backed up first):  make reset LESSON=%d CONFIRM=1\n",
				chosen[0]->number, chosen[0]->slug, chosen[0]->number, chosen[0]->exercises[0].name,
				chosen[0]->number);
			print_exercises(stderr, chosen[0]);
			return 2;
		}
		return reset_lesson(o.root, chosen[0], o.exercise && *o.exercise ? o.exercise : NULL);
	}
	if (o.hint) {
		if (nchosen != 1 || !o.exercise || !*o.exercise) {
			fprintf(stderr, "concur: say which exercise, e.g.  make hint LESSON=1 EXERCISE=spawn\n");
			if (nchosen == 1)
				print_exercises(stderr, chosen[0]);
			return 2;
		}
		return show_hint(&o, chosen[0], exercise_find(chosen[0], o.exercise));
	}
	if (o.source && (!o.exercise || !*o.exercise)) {
		fprintf(stderr, "concur: --source FILE grades one file: give --lesson and --exercise too\n");
		return 2;
	}
	if (jobs_init() == -1) {
		perror("concur: setting up the sandbox");
		return 2;
	}
	if (o.class_dir) {
		const char *out = o.out ? o.out : "build/grades";
		if (make_dirs(out) == -1) {
			fprintf(stderr, "concur: cannot create %s\n", out);
			return 2;
		}
		/* The students' harnesses run from the kit's top directory: every path absolute. */
		char *self = realpath("/proc/self/exe", NULL), *root = realpath(o.root, NULL);
		char *subs = realpath(o.class_dir, NULL), *out_abs = realpath(out, NULL);
		char *hidden = o.hidden ? realpath(o.hidden, NULL) : NULL;
		if (!subs || (o.hidden && !hidden)) {
			fprintf(stderr, "concur: there is no directory %s\n", !subs ? o.class_dir : o.hidden);
			return 2;
		}
		struct class_options c = {.root = root ? root : o.root, .harness = self ? self : argv[0],
					  .submissions = subs, .out = out_abs ? out_abs : out, .hidden = hidden,
					  .lesson = o.lesson && *o.lesson && strcmp(o.lesson, "all") ? o.lesson : NULL,
					  .jobs = o.jobs > 0 ? o.jobs : usable_cpus()};
		return grade_class(&c);
	}
	struct grade_options g = {.root = o.root, .verbose = o.verbose, .timing_only = o.timing_only, .hidden_root = o.hidden,
				  .build_dir = o.build_dir, .short_paths = o.short_paths, .coverage = o.coverage};
	g.parallel = o.jobs > 0 ? o.jobs : usable_cpus();
	if (o.source) {
		g.source = o.source;
		g.src_root = "";
		g.build_tag = tag_for(o.source);
	} else if (o.src) {
		g.src_root = o.src;
		g.build_tag = tag_for(o.src);
	} else if (o.solution) {
		g.src_root = "solutions";
		g.build_tag = "solutions";
	} else {
		g.src_root = "exercises";
		g.build_tag = "exercises";
	}
	if (o.coverage) /* a build of its own: build/coverage/..., build/coverage-solutions/... */
		g.build_tag = strcmp(g.build_tag, "exercises") == 0 ? COVERAGE_TAG
								     : xasprintf("%s-%s", COVERAGE_TAG, g.build_tag);
	const char *tree = o.short_paths ? "." : o.source ? o.source : g.src_root;
	struct lesson_result *results = xcalloc((size_t)nchosen, sizeof *results);
	bool all_passed = true;
	for (int i = 0; i < nchosen; i++) {
		grade_lesson(&g, chosen[i], o.exercise && *o.exercise ? o.exercise : NULL, &results[i]);
		if (o.coverage) {
			char *build_root = strcmp(o.root, ".") == 0 ? xasprintf("build/%s", g.build_tag)
								    : xasprintf("%s/build/%s", o.root, g.build_tag);
			printf("\nLesson %02d: %s   (coverage of %s%s%s, %.1f s)\n", chosen[i]->number, chosen[i]->title, tree,
			       o.source ? "" : "/", o.source ? "" : chosen[i]->slug, results[i].wall_s);
			int status = coverage_report(stdout, &results[i], build_root);
			free(build_root);
			return status;
		}
		report_print(stdout, &results[i], tree, o.verbose);
		/* Nobody reads any more (make check | head): stop here, leaving nothing behind. */
		if (fflush(stdout) == EOF || ferror(stdout))
			return 1;
		for (int k = 0; k < results[i].nresults; k++)
			for (int ck = 0; ck < NCHECKS; ck++)
				all_passed &= results[i].results[k].checks[ck].verdict != VERDICT_FAIL;
	}
	if (nchosen > 1)
		report_print_total(stdout, results, nchosen);
	/* The student's own tree: make progress shows it. */
	if (!o.source && !o.src && !o.solution && !o.hidden && !o.timing_only && !o.build_dir && !o.short_paths)
		progress_record(o.root, results, nchosen);
	const struct report_input in = {.lessons = results, .nlessons = nchosen, .tree = tree};
	int status = all_passed ? 0 : 1;
	for (int i = 0; i < NREPORTERS; i++)
		if (o.reports[i] && reporters[i].write(o.reports[i], &in) == -1) {
			fprintf(stderr, "concur: could not write the %s report to %s\n", reporters[i].option + 7,
				strcmp(o.reports[i], "-") ? o.reports[i] : "standard output");
			status = 2; /* a platform reads a missing report as a broken grader, and so should a script */
		}
	return status;
}
