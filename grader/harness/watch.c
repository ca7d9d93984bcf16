/*
 * watch.c - make watch (see watch.h).
 *
 * DESIGN: one thread, one poll() over a signalfd (SIGINT, SIGTERM, SIGHUP
 * and SIGCHLD, all blocked) and the inotify descriptor.  The states:
 *
 *     IDLE --change--> PENDING --quiet for WATCH_QUIET_MS--> CHECKING
 *     CHECKING --change--> CHECKING + pending --check ends--> PENDING
 *     CHECKING --check ends--> IDLE
 *     any --stop signal--> passed on to the check, waited for, end
 *
 * Editors save in three ways, and each is seen in the directory's events:
 * writing the file in place (IN_CLOSE_WRITE), writing a temporary file
 * and renaming it over the file (IN_MOVED_TO), deleting and creating it
 * (IN_DELETE, IN_CREATE, then IN_CLOSE_WRITE).  The directory itself may
 * be replaced (a git checkout, an unpacked copy): its watch then ends
 * (IN_DELETE_SELF, IN_MOVE_SELF, IN_IGNORED) and the new directory, seen
 * arriving in its parent (IN_CREATE, IN_MOVED_TO), is watched instead.
 */
#define _GNU_SOURCE
#include "watch.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

#define DIR_MASK                                                                                                       \
	(IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_DELETE_SELF | IN_MOVE_SELF |        \
	 IN_ONLYDIR)
#define PARENT_MASK (IN_CREATE | IN_MOVED_TO | IN_ONLYDIR)
/* How long a stopped check may take to clean up before it is killed. */
#define STOP_GRACE_MS 10000

/* What polling compares: a file changed when any of it did. */
struct file_sig {
	bool exists;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
};

struct watcher {
	const struct watch_options *o;
	int sfd;	       /* the signalfd */
	int ifd;	       /* inotify, or -1: polling */
	int dir_wd, parent_wd; /* the watches of the directory and of its parent, -1 if none */
	char *parent, *base;   /* o->dir is parent/base */
	struct file_sig *sigs; /* polling: each file as last seen */
	long long next_poll_ms;
	pid_t child; /* the check that runs, or 0 */
	int runs;
	bool pending; /* a change not checked yet */
	long long last_change_ms;
	char changed[256]; /* the names that changed, for the next header */
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool watched_name(const struct watcher *w, const char *name)
{
	for (const char *const *f = w->o->files; *f; f++)
		if (strcmp(*f, name) == 0)
			return true;
	return false;
}

static void note_change(struct watcher *w, const char *name)
{
	size_t used = strlen(w->changed);

	w->pending = true;
	w->last_change_ms = now_ms();
	if (!strstr(w->changed, name) && used + strlen(name) + 3 < sizeof w->changed)
		snprintf(w->changed + used, sizeof w->changed - used, "%s%s", used ? ", " : "", name);
}

/* ---- inotify ----------------------------------------------------------- */

/* Watches the directory, if it is there (else its arrival in the parent will be seen). */
static void watch_dir(struct watcher *w)
{
	if (w->dir_wd != -1)
		inotify_rm_watch(w->ifd, w->dir_wd);
	w->dir_wd = inotify_add_watch(w->ifd, w->o->dir, DIR_MASK);
	if (w->dir_wd == -1 && errno != ENOENT && errno != ENOTDIR)
		fprintf(stderr, "concur watch: cannot watch %s: %s\n", w->o->dir, strerror(errno));
}

/* 0, or -1 with *why when inotify cannot be used here. */
static int start_inotify(struct watcher *w, const char **why)
{
	if (getenv("CONCUR_WATCH_POLL") && strcmp(getenv("CONCUR_WATCH_POLL"), "1") == 0) {
		*why = "CONCUR_WATCH_POLL=1";
		return -1;
	}
	w->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->ifd == -1) {
		*why = strerror(errno);
		return -1;
	}
	w->parent_wd = inotify_add_watch(w->ifd, w->parent, PARENT_MASK);
	w->dir_wd = inotify_add_watch(w->ifd, w->o->dir, DIR_MASK);
	if (w->parent_wd == -1 || w->dir_wd == -1) {
		*why = errno == ENOSPC ? "the limit of inotify watches is reached (fs.inotify.max_user_watches)"
				       : strerror(errno);
		close(w->ifd);
		w->ifd = -1;
		return -1;
	}
	return 0;
}

static void read_events(struct watcher *w)
{
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));

	for (;;) {
		ssize_t n = read(w->ifd, buf, sizeof buf);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* EAGAIN: all read */
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			p += sizeof *ev + ev->len;
			if (ev->mask & IN_Q_OVERFLOW) {
				note_change(w, "(many files)"); /* events were lost: check anyway */
			} else if (ev->wd == w->dir_wd && (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED))) {
				/* The directory went away or was moved: watch what is at its path now, if anything. */
				if (!(ev->mask & IN_IGNORED))
					inotify_rm_watch(w->ifd, w->dir_wd);
				w->dir_wd = -1;
				watch_dir(w);
				note_change(w, w->base);
			} else if (ev->wd == w->dir_wd && ev->len && watched_name(w, ev->name)) {
				note_change(w, ev->name);
			} else if (ev->wd == w->parent_wd && ev->len && strcmp(ev->name, w->base) == 0) {
				watch_dir(w); /* a new directory in its place */
				note_change(w, w->base);
			}
		}
	}
}

/* ---- polling ----------------------------------------------------------- */

static struct file_sig sig_of(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	struct stat st;
	struct file_sig s = {0};

	if (stat(path, &st) == 0)
		s = (struct file_sig){true, st.st_dev, st.st_ino, st.st_size, st.st_mtim, st.st_ctim};
	free(path);
	return s;
}

static bool same_sig(const struct file_sig *a, const struct file_sig *b)
{
	return a->exists == b->exists && a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec &&
	       a->ctime.tv_sec == b->ctime.tv_sec && a->ctime.tv_nsec == b->ctime.tv_nsec;
}

static void poll_files(struct watcher *w, bool first)
{
	for (int i = 0; w->o->files[i]; i++) {
		struct file_sig now = sig_of(w->o->dir, w->o->files[i]);
		if (!first && !same_sig(&now, &w->sigs[i]))
			note_change(w, w->o->files[i]);
		w->sigs[i] = now;
	}
	w->next_poll_ms = now_ms() + WATCH_POLL_MS;
}

/* ---- the checks -------------------------------------------------------- */

static void start_check(struct watcher *w)
{
	char when[16];
	time_t t = time(NULL);
	struct tm tm;

	if (!localtime_r(&t, &tm) || strftime(when, sizeof when, "%H:%M:%S", &tm) == 0)
		strcpy(when, "?");
	/* Only a terminal is cleared: a log of make watch keeps every check. */
	if (isatty(STDOUT_FILENO))
		fputs("\033[H\033[2J\033[3J", stdout);
	w->runs++;
	printf("concur watch: check %d of %s at %s%s%s%s\n", w->runs, w->o->what, when,
	       *w->changed ? " (you saved " : "", w->changed, *w->changed ? ")" : "");
	w->changed[0] = '\0';
	fflush(NULL);
	pid_t pid = fork();
	if (pid == -1) {
		fprintf(stderr, "concur watch: cannot start the check: %s; save a file to try again\n",
			strerror(errno));
		return;
	}
	if (pid == 0) {
		sigset_t none;
		sigemptyset(&none);
		if (sigprocmask(SIG_SETMASK, &none, NULL) == -1)
			_exit(126);
		execv(w->o->check_argv[0], w->o->check_argv);
		fprintf(stderr, "concur watch: cannot run %s: %s\n", w->o->check_argv[0], strerror(errno));
		_exit(127);
	}
	w->child = pid;
}

static void check_ended(struct watcher *w, int status)
{
	const char *how = WIFEXITED(status) && WEXITSTATUS(status) == 0	  ? "every check passes"
			  : WIFEXITED(status) && WEXITSTATUS(status) == 1 ? "some checks do not pass yet"
									  : "the check could not run (see above)";

	w->child = 0;
	printf("\nconcur watch: %s. Watching %s for your next save (Ctrl-C stops).\n", how, w->o->dir);
	fflush(stdout);
}

static void reap(struct watcher *w)
{
	int status;
	pid_t pid;

	while (w->child && (pid = waitpid(w->child, &status, WNOHANG)) != 0) {
		if (pid == -1 && errno == EINTR)
			continue;
		if (pid == -1) {
			w->child = 0;
			break;
		}
		check_ended(w, status);
	}
}

/* Passes sig on to the check, waits for it to clean up, then ends as sig would. */
static _Noreturn void stop(struct watcher *w, int sig)
{
	if (w->child > 0 && kill(w->child, sig) == -1 && errno != ESRCH)
		perror("concur watch: stopping the check");
	for (long long deadline = now_ms() + STOP_GRACE_MS; w->child > 0;) {
		int status;
		pid_t pid = waitpid(w->child, &status, WNOHANG);
		if (pid == w->child || (pid == -1 && errno != EINTR))
			break;
		if (now_ms() > deadline) {
			fprintf(stderr, "concur watch: the check did not stop within %d s: killing it\n",
				STOP_GRACE_MS / 1000);
			kill(w->child, SIGKILL);
			while (waitpid(w->child, &status, 0) == -1 && errno == EINTR)
				;
			break;
		}
		usleep(20000);
	}
	fprintf(stderr, "concur watch: stopped after %d check%s\n", w->runs, w->runs == 1 ? "" : "s");
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, sig);
	signal(sig, SIG_DFL);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	_exit(128 + sig);
}

static void read_signals(struct watcher *w)
{
	struct signalfd_siginfo si;

	while (read(w->sfd, &si, sizeof si) == (ssize_t)sizeof si) {
		if (si.ssi_signo == SIGCHLD)
			reap(w);
		else
			stop(w, (int)si.ssi_signo);
	}
}

int watch_run(const struct watch_options *o)
{
	struct watcher w = {.o = o, .ifd = -1, .dir_wd = -1, .parent_wd = -1};
	sigset_t set;
	const char *why = NULL;
	int nfiles = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1 ||
	    (w.sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) == -1) {
		perror("concur watch: signals");
		return 2;
	}
	char *slash = strrchr(o->dir, '/');
	w.parent = slash ? xstrndup(o->dir, (size_t)(slash - o->dir)) : xstrdup(".");
	w.base = xstrdup(slash ? slash + 1 : o->dir);
	while (o->files[nfiles])
		nfiles++;
	w.sigs = xcalloc((size_t)nfiles + 1, sizeof *w.sigs);
	if (start_inotify(&w, &why) == -1) {
		printf(
		    "concur watch: inotify is not available here (%s): looking at the files' modification times every "
		    "%d ms instead\n",
		    why, WATCH_POLL_MS);
		poll_files(&w, true);
	}
	start_check(&w);
	for (;;) {
		/* Sleep until a signal, an event, the next poll of the files, or the end of the quiet time. */
		long long now = now_ms(), wait_ms = -1;
		if (w.ifd == -1)
			wait_ms = w.next_poll_ms > now ? w.next_poll_ms - now : 0;
		if (w.pending && !w.child) {
			long long left =
			    w.last_change_ms + WATCH_QUIET_MS > now ? w.last_change_ms + WATCH_QUIET_MS - now : 0;
			wait_ms = wait_ms < 0 || left < wait_ms ? left : wait_ms;
		}
		struct pollfd fds[2] = {{.fd = w.sfd, .events = POLLIN}, {.fd = w.ifd, .events = POLLIN}};
		if (poll(fds, w.ifd == -1 ? 1 : 2, (int)wait_ms) == -1 && errno != EINTR) {
			perror("concur watch: poll");
			return 2;
		}
		if (fds[0].revents)
			read_signals(&w);
		if (w.ifd != -1 && fds[1].revents)
			read_events(&w);
		if (w.ifd == -1 && now_ms() >= w.next_poll_ms)
			poll_files(&w, false);
		if (w.pending && !w.child && now_ms() - w.last_change_ms >= WATCH_QUIET_MS) {
			w.pending = false;
			start_check(&w);
		}
	}
}

int watch_lesson(const char *root, const struct lesson *l, const char *exercise, bool verbose)
{
	char *self = realpath("/proc/self/exe", NULL);
	char **argv = xcalloc(10, sizeof *argv), **files = xcalloc((size_t)l->nexercises + 1, sizeof *files);
	int n = 0, nf = 0;

	if (!self) {
		perror("concur watch: /proc/self/exe");
		return 2;
	}
	argv[n++] = self;
	argv[n++] = "--lesson";
	argv[n++] = l->slug;
	if (exercise) {
		argv[n++] = "--exercise";
		argv[n++] = (char *)exercise;
	}
	if (verbose)
		argv[n++] = "--verbose";
	if (strcmp(root, ".") != 0) {
		argv[n++] = "--root";
		argv[n++] = (char *)root;
	}
	for (int k = 0; k < l->nexercises; k++)
		if (!exercise || strcmp(exercise, l->exercises[k].name) == 0)
			files[nf++] = xasprintf("%s.c", l->exercises[k].name);
	char *dir =
	    strcmp(root, ".") == 0 ? xasprintf("exercises/%s", l->slug) : xasprintf("%s/exercises/%s", root, l->slug);
	char *what = exercise ? xasprintf("lesson %02d, exercise %s", l->number, exercise)
			      : xasprintf("lesson %02d (%s)", l->number, l->slug);
	struct watch_options w = {.dir = dir, .files = (const char *const *)files, .check_argv = argv, .what = what};
	return watch_run(&w); /* returns only on error: the process ends there */
}
