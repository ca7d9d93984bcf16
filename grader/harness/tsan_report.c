/*
 * tsan_report.c - ThreadSanitizer's text reports -> the raw findings of the
 * Helgrind translator (see tsan_report.h), which then explains them as it
 * explains Helgrind's (hg_report_build()).
 *
 * The report format this relies on (gcc 12's libtsan; the fixtures are
 * tests/unit/fixtures/tsan_*.log):
 *
 *   ==================
 *   WARNING: ThreadSanitizer: data race (pid=30222)
 *     Read of size 8 at 0x55dc0a3320a0 by thread T2 (mutexes: write M0):
 *       #0 audit tests/unit/helgrind_programs/global_race.c:28 (global_race+0x12a2)
 *
 *     Previous write of size 8 at 0x55dc0a3320a0 by thread T1:
 *       #0 deposit .../global_race.c:17 (global_race+0x1233)
 *
 *     Location is global 'balance' of size 8 at 0x55dc0a3320a0 (global_race+0x40a0)
 *     Mutex M0 (0x..) created at:            (or "Mutex M7 is already destroyed.")
 *     Thread T2 (tid=30262, running) created by main thread at:
 *       #0 pthread_create ../../../../src/libsanitizer/tsan/... (libtsan.so.2+0x5e686)
 *       #1 main .../global_race.c:42 (global_race+0x138f)
 *
 *   SUMMARY: ThreadSanitizer: data race .../global_race.c:28 in audit
 *   ==================
 *
 * so a report is a title and sections: a header line indented by two
 * spaces, then its stack ("    #N fn file:line[:col] (module+0xoff)"); the
 * misuse reports start with a stack of their own, right after the title.
 * A lock-order report has "Cycle in lock order graph: M0 (0x..) => M1
 * (0x..) => M0", then per step "Mutex M1 acquired here while holding mutex
 * M0 in thread T1:" and "Mutex M0 previously acquired by the same thread
 * here:".  The mutex numbers are the report's own.
 *
 * DESIGN: the file (bounded) is cut into lines (bounded); the lines of one
 * report are collected (bounded sections and frames), then the report is
 * turned into one raw finding, with the names of its mutexes worked out
 * from all its stacks.  Anything that is not a report is skipped.
 */
#define _GNU_SOURCE
#include "tsan_report.h"
#include "helgrind_internal.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The bounds on what the student's process may have written. */
#define TS_MAX_BYTES	(16u << 20) /* the log is read up to here (then out->ok = 0) */
#define TS_MAX_LINE	4096	    /* longer lines are cut */
#define TS_MAX_REPORTS	1000	    /* reports after these are skipped */
#define TS_MAX_SECTIONS 64	    /* per report; the rest are skipped */
#define TS_MAX_FRAMES	32	    /* per section; the rest are skipped */
#define TS_MAX_MUTEXES	64	    /* per report */
#define TS_MAX_THREADS	4096	    /* threads announced */
#define TS_MAX_FATAL	300	    /* bytes of ThreadSanitizer's own error kept */

#define TS_RULE	 "=================="
#define TS_TITLE "WARNING: ThreadSanitizer: "

struct ts_frame {
	char *fn, *file, *module; /* NULL when ThreadSanitizer printed "<null>" or nothing */
	int line;
};

/* A header line and its stack; the first section of a report has no header (its title's stack). */
struct ts_section {
	char *head;
	struct ts_frame *frames; /* TS_MAX_FRAMES of them */
	int nframes, cut;	 /* cut: frames were skipped */
};

struct ts_report {
	char *title; /* "data race", without " (pid=..)" */
	struct ts_section sec[TS_MAX_SECTIONS];
	int nsec;
	int skipping; /* a section was skipped (too many): so are its frames */
};

/* A mutex of one report: its number, address and the name the source gives it. */
struct ts_mutex {
	unsigned long long id;
	unsigned long long addr;
	char *name;
	int conflict;  /* two calls name it differently, or two mutexes share the name */
	int destroyed; /* "Mutex M7 is already destroyed." */
};

struct ts_ctx {
	struct hg_raw *raw;
	const char *build_dir;
	struct ts_mutex mutexes[TS_MAX_MUTEXES];
	int nmutexes;
};

/* ---- reading: lines, frames, sections ------------------------------------ */

/*
 * The whole file at path, at most max bytes, NUL bytes turned into spaces;
 * *cut = 1 if it holds more.  NULL if it is not a regular file or cannot be
 * read.  Never blocks (O_NONBLOCK; a FIFO is refused).
 */
static char *read_log(const char *path, size_t max, size_t *len, int *cut)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	struct stat st;
	char *buf;
	size_t n = 0;
	char extra;

	*cut = 0;
	if (fd == -1)
		return NULL;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return NULL;
	}
	buf = xcalloc(max + 1, 1);
	while (n < max) {
		ssize_t r = read(fd, buf + n, max - n);

		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	if (n == max && read(fd, &extra, 1) == 1)
		*cut = 1;
	close(fd);
	for (size_t i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	buf[n] = '\0';
	*len = n;
	return buf;
}

static void frame_free(struct ts_frame *fr)
{
	free(fr->fn);
	free(fr->file);
	free(fr->module);
	memset(fr, 0, sizeof(*fr));
}

static void report_free(struct ts_report *rep)
{
	free(rep->title);
	for (int i = 0; i < rep->nsec; i++) {
		free(rep->sec[i].head);
		for (int k = 0; k < rep->sec[i].nframes; k++)
			frame_free(&rep->sec[i].frames[k]);
		free(rep->sec[i].frames);
	}
	memset(rep, 0, sizeof(*rep));
}

/* A copy of s[0..n), or NULL for "<null>" and "". */
static char *dup_field(const char *s, size_t n)
{
	if (n == 0 || (n == 6 && strncmp(s, "<null>", 6) == 0))
		return NULL;
	return xstrndup(s, n);
}

/* Whether s[0..n) is "file:line" or "file:line:col"; then *colon is where the file ends. */
static int is_location(const char *s, size_t n, size_t *colon, int *line)
{
	size_t end = n, numbers = 0, last = n;

	while (numbers < 2) {
		size_t k = end;

		while (k > 0 && isdigit((unsigned char)s[k - 1]))
			k--;
		if (k == end || k == 0 || s[k - 1] != ':')
			break;
		last = k - 1;
		end = k - 1;
		numbers++;
	}
	if (numbers == 0 || last == 0)
		return 0;
	*colon = last;
	*line = atoi(s + last + 1) > 0 ? atoi(s + last + 1) : 0;
	return 1;
}

/*
 * "#1 main tests/x.c:38:5 (prog+0x1337)", "#0 free ../../src/.. (libtsan.so.2+0x..)",
 * "#2 <null> <null> (libc.so.6+0x..)", "#3 0x7f.. (<unknown module>)" -> fr.
 * t starts after "#N ".
 */
static void parse_frame(const char *t, struct ts_frame *fr)
{
	size_t n = strlen(t), colon;
	const char *open;
	int line;

	memset(fr, 0, sizeof(*fr));
	if (!t)
		return;
	while (n > 0 && isspace((unsigned char)t[n - 1]))
		n--;
	/* "(module+0xoff)" at the end */
	if (n > 0 && t[n - 1] == ')' && (open = memrchr(t, '(', n)) != NULL && open > t && open[-1] == ' ') {
		const char *plus = memrchr(open, '+', (size_t)(t + n - open));

		fr->module = dup_field(open + 1, (size_t)((plus ? plus : t + n - 1) - open - 1));
		n = (size_t)(open - 1 - t);
	}
	/* then "fn location", "fn", or a bare pc */
	const char *sp = memrchr(t, ' ', n);

	if (sp && is_location(sp + 1, (size_t)(t + n - sp - 1), &colon, &line)) {
		fr->file = dup_field(sp + 1, colon);
		fr->line = line;
		n = (size_t)(sp - t);
	} else if (sp && (size_t)(t + n - sp - 1) == 6 && strncmp(sp + 1, "<null>", 6) == 0) {
		n = (size_t)(sp - t);
	}
	if (!(n > 2 && t[0] == '0' && t[1] == 'x' && !memchr(t, ' ', n)))
		fr->fn = dup_field(t, n);
}

/* Adds a frame line (t after the "#") to the report's last section. */
static void add_frame(struct ts_report *rep, const char *t)
{
	struct ts_section *s;

	if (rep->skipping)
		return;
	if (rep->nsec == 0)
		rep->nsec = 1; /* the title's own stack */
	s = &rep->sec[rep->nsec - 1];
	while (isdigit((unsigned char)*t))
		t++;
	while (*t == ' ')
		t++;
	if (s->nframes >= TS_MAX_FRAMES) {
		s->cut = 1;
		return;
	}
	if (!s->frames)
		s->frames = xcalloc(TS_MAX_FRAMES, sizeof(*s->frames));
	parse_frame(t, &s->frames[s->nframes++]);
}

/* Starts a section headed by t (trimmed). */
static void add_section(struct ts_report *rep, const char *t)
{
	if (rep->nsec == 0)
		rep->nsec = 1; /* the first section is the title's stack, even if empty */
	if (rep->nsec >= TS_MAX_SECTIONS) {
		rep->skipping = 1;
		return;
	}
	rep->sec[rep->nsec++].head = hg_dup_trimmed(t);
}

/* ---- threads, sizes, addresses -------------------------------------------- */

/* "Thread T3 (tid=.., running) created by ..." -> 4, Helgrind's number of the thread it is about; 0 if none. */
static int ts_subject_thread(const char *h)
{
	long n = hg_starts_with(h, "Thread T") ? hg_number_after(h, "Thread T", -1) : -1;

	return n >= 0 && n < 1000000000L ? (int)n + 1 : 0;
}

/* Helgrind's number of ThreadSanitizer's thread: "main thread" -> 1, "thread T3" -> 4; 0 if none. */
static int ts_thread(const char *s)
{
	const char *t = s ? strstr(s, "thread T") : NULL;
	long n;

	if (s && strstr(s, "main thread") && (!t || strstr(s, "main thread") < t))
		return 1;
	if (!t)
		return 0;
	n = hg_number_after(t, "thread T", -1);
	return n >= 0 && n < 1000000000L ? (int)n + 1 : 0;
}

/* The hexadecimal number after key in s ("at 0x55dc0a3320a0"), or 0. */
static unsigned long long hex_after(const char *s, const char *key)
{
	const char *p = s ? strstr(s, key) : NULL;

	if (!p)
		return 0;
	p += strlen(key);
	if (!(p[0] == '0' && p[1] == 'x'))
		return 0;
	return strtoull(p + 2, NULL, 16);
}

/* A copy of the text between the first pair of single quotes in s, or NULL ("<null>" too). */
static char *single_quoted(const char *s)
{
	const char *a = strchr(s, '\''), *b = a ? strchr(a + 1, '\'') : NULL;

	if (!b || b == a + 1 || (b - a - 1 == 6 && strncmp(a + 1, "<null>", 6) == 0))
		return NULL;
	return xstrndup(a + 1, (size_t)(b - a - 1));
}

/* Whether a frame is the program's own code (not libtsan's, libc's, or a system header's). */
static int own_frame(const struct ts_frame *fr)
{
	return fr->file && (!fr->module || hg_is_own_obj(fr->module)) && !hg_starts_with(fr->file, "/usr/") &&
	       !hg_starts_with(fr->file, "../") && !strstr(fr->file, "/libsanitizer/");
}

/*
 * Fills a's place from a section's stack: the first own frame, the
 * innermost named function and, for a thread other than main (thread),
 * the outermost own function when the stack is whole: ThreadSanitizer's
 * stacks of a thread start at its start routine.
 */
static void take_frames(struct hg_access *a, const struct ts_section *s, int thread, const char *build_dir)
{
	const struct ts_frame *outer = NULL;

	for (int k = 0; s && k < s->nframes; k++) {
		const struct ts_frame *fr = &s->frames[k];

		if (!a->top_fn && fr->fn)
			a->top_fn = xstrdup(fr->fn);
		if (!own_frame(fr))
			continue;
		if (!a->file) {
			a->fn = fr->fn ? xstrdup(fr->fn) : NULL;
			a->file = hg_display_path(NULL, fr->file, build_dir);
			a->line = fr->line;
		}
		outer = fr;
	}
	if (thread > 1 && outer && outer->fn && !s->cut && !a->start_fn)
		a->start_fn = xstrdup(outer->fn);
}

/* The outermost own function of a section is main(): the stack is the main thread's. */
static int runs_in_main(const struct ts_section *s)
{
	const char *outer = NULL;

	for (int k = 0; s && k < s->nframes; k++)
		if (own_frame(&s->frames[k]))
			outer = s->frames[k].fn;
	return outer && strcmp(outer, "main") == 0 && !s->cut;
}

/* ---- the mutexes of a report and their names ------------------------------ */

static struct ts_mutex *mutex_of(struct ts_ctx *c, unsigned long long id)
{
	for (int i = 0; i < c->nmutexes; i++)
		if (c->mutexes[i].id == id)
			return &c->mutexes[i];
	if (c->nmutexes >= TS_MAX_MUTEXES)
		return NULL;
	memset(&c->mutexes[c->nmutexes], 0, sizeof(c->mutexes[0]));
	c->mutexes[c->nmutexes].id = id;
	return &c->mutexes[c->nmutexes++];
}

/* The mutex numbered by "M12" at s (s points at the 'M'), or NULL. */
static struct ts_mutex *mutex_at(struct ts_ctx *c, const char *s)
{
	char *end;
	unsigned long long id;

	if (!s || s[0] != 'M' || !isdigit((unsigned char)s[1]))
		return NULL;
	errno = 0;
	id = strtoull(s + 1, &end, 10);
	return errno ? NULL : mutex_of(c, id);
}

/* Records that a call names mutex m `name` (taken); a second, different name makes it unnamed. */
static void name_mutex(struct ts_mutex *m, char *name)
{
	if (!m || !name || m->conflict) {
		free(name);
		return;
	}
	if (m->name && strcmp(m->name, name) != 0)
		m->conflict = 1;
	if (!m->name)
		m->name = name;
	else
		free(name);
}

/*
 * The mutex the call at a section's first own frame names: the first
 * argument of a pthread_mutex_ / rwlock / spin call, the second of a
 * pthread_cond_*wait().  NULL if unknown.
 */
static char *mutex_name_in_source(const struct ts_section *s, const char *build_dir)
{
	static const char *const prefixes[] = {"pthread_mutex_", "pthread_rwlock_", "pthread_spin_", "pthread_cond_",
					       NULL};
	struct hg_access a;
	struct hg_call call;
	char *name = NULL;

	hg_access_init(&a);
	take_frames(&a, s, 0, build_dir);
	if (a.file && hg_source_call(a.file, build_dir, a.line, prefixes, &call) == 0) {
		int arg = hg_starts_with(call.fn, "pthread_cond_") ? 1 : 0;

		if (call.nargs > arg && !(arg == 1 && !strstr(call.fn, "wait")))
			name = hg_lvalue_name(call.args[arg]);
		hg_call_free(&call);
	}
	hg_access_free(&a);
	return name;
}

/* Every section of the report that says where a mutex was used names it. */
static void name_mutexes(struct ts_ctx *c, const struct ts_report *rep)
{
	const char *title_mutex = NULL; /* a misuse report is about the first mutex it describes */

	for (int i = 1; i < rep->nsec; i++) {
		const char *h = rep->sec[i].head;
		struct ts_mutex *m = NULL;

		if (hg_starts_with(h, "Mutex M")) {
			m = mutex_at(c, h + 6);
			if (m && strstr(h, " is already destroyed"))
				m->destroyed = 1;
			if (m)
				m->addr = hex_after(h, "(");
			if (!title_mutex)
				title_mutex = h + 6;
			/* "Mutex M1 acquired here while holding mutex M0", "Mutex M0 previously acquired", "created at"
			 */
			if (m && (strstr(h, " acquired here") || strstr(h, " previously acquired") ||
				  strstr(h, " created at")))
				name_mutex(m, mutex_name_in_source(&rep->sec[i], c->build_dir));
		} else if (hg_starts_with(h, "Cycle in lock order graph: ")) {
			for (const char *p = strchr(h, 'M'); p; p = strchr(p + 1, 'M')) {
				struct ts_mutex *cm = mutex_at(c, p);

				if (cm && hex_after(p, "("))
					cm->addr = hex_after(p, "(");
			}
		}
	}
	/* "Location is global 'queue_lock' of size 40 at 0x.." where a misuse report's mutex is */
	for (int i = 1; i < rep->nsec && title_mutex && rep->sec[0].nframes > 0; i++) {
		const char *h = rep->sec[i].head;
		struct ts_mutex *m = mutex_at(c, title_mutex);

		if (m && m->addr && hg_starts_with(h, "Location is global '") && hex_after(h, " at ") == m->addr &&
		    hg_number_after(h, "of size ", 0) <= 64)
			name_mutex(m, single_quoted(h));
	}
	/* a name that two mutexes share says nothing */
	for (int i = 0; i < c->nmutexes; i++)
		for (int k = i + 1; k < c->nmutexes; k++)
			if (c->mutexes[i].name && c->mutexes[k].name &&
			    strcmp(c->mutexes[i].name, c->mutexes[k].name) == 0)
				c->mutexes[i].conflict = c->mutexes[k].conflict = 1;
}

/* The label of mutex m for the explainer: its name, or "mutex M3"; malloc'd. */
static char *mutex_label(const struct ts_mutex *m)
{
	if (m->name && !m->conflict)
		return xstrdup(m->name);
	return xasprintf("mutex M%llu", m->id);
}

static void forget_mutexes(struct ts_ctx *c)
{
	for (int i = 0; i < c->nmutexes; i++)
		free(c->mutexes[i].name);
	c->nmutexes = 0;
}

/* ---- one report -> one raw finding ---------------------------------------- */

/* What each title is, in Helgrind's kinds and the explainer's keys (refined by the call). */
static const struct ts_kind {
	const char *title; /* the start of ThreadSanitizer's title, NULL: any */
	const char *kind, *key, *rwlock_key;
} ts_kinds[] = {
    {"data race", "Race", NULL, NULL},
    {"heap-use-after-free", "Race", NULL, NULL},
    {"lock-order-inversion", "LockOrder", NULL, NULL},
    {"unlock of an unlocked mutex", "Misc", "#unlock-not-held", "#rwlock-unlock-not-held"},
    {"destroy of a locked mutex", "Misc", "destroy of a locked", "pthread_rwlock_destroy of a locked"},
    {"double lock of a mutex", "Misc", "re-lock", "#rwlock-relock"},
    {"use of an invalid mutex", "Misc", "#invalid-mutex", "#invalid-rwlock"},
    {"read lock of a write locked mutex", "Misc", "#rwlock-relock", "#rwlock-relock"},
    {"read unlock of a write locked mutex", "Misc", "#rwlock-unlock-not-held", "#rwlock-unlock-not-held"},
    {"thread leak", "Misc", "#thread-leak", "#thread-leak"},
    {"signal-unsafe call inside of a signal", "Misc", "#signal-unsafe", "#signal-unsafe"},
    {"signal handler spoils errno", "Misc", "#signal-errno", "#signal-errno"},
    {NULL, "Misc", "#unknown", "#unknown"},
};

/* "Read of size 8 at 0x.. by thread T2 (mutexes: write M0, read M1):" -> a (thread, write, size, locks). */
static void access_head(struct ts_ctx *c, struct hg_access *a, const char *h)
{
	const char *mx = strstr(h, "(mutexes: ");
	struct sb names = {0};
	int n = 0, named = 0, hidden = 0;

	a->thread = ts_thread(h);
	a->is_write = strstr(h, "rite of size ") ? 1 : strstr(h, "ead of size ") ? 0 : -1;
	a->size = (int)hg_number_after(h, "of size ", 0);
	a->nlocks = 0; /* ThreadSanitizer lists the mutexes held only when there are some */
	if (!mx)
		return;
	a->locks_held = xstrndup(mx + 10, strcspn(mx + 10, ")"));
	for (const char *p = a->locks_held; (p = strchr(p, 'M')) != NULL; p++) {
		struct ts_mutex *m = mutex_at(c, p);

		if (!m || (p > a->locks_held && isalnum((unsigned char)p[-1])))
			continue;
		n++;
		if (m->destroyed) {
			hidden++;
		} else if (m->name && !m->conflict) {
			sb_printf(&names, "%s%s", named++ ? " and " : "", m->name);
		}
	}
	a->nlocks = n;
	a->nlocks_hidden = hidden;
	if (named && named + hidden == n)
		a->locks_named = sb_take(&names);
	else
		free(sb_take(&names));
}

/* A "Location is ..." line of a race on an access at addr. */
static void location(struct ts_ctx *c, struct hg_finding *f, struct hg_desc_state *st, const struct ts_section *s,
		     unsigned long long addr)
{
	const char *h = s->head;
	unsigned long long start = hex_after(h, " at ");

	if (hg_starts_with(h, "Location is global '")) {
		char *name = single_quoted(h);
		long size = hg_number_after(h, "of size ", 0);

		if (!name)
			return; /* "global '<null>'": ThreadSanitizer's guess about a stack address */
		free(f->variable);
		f->variable = name;
		f->var_kind = HG_VAR_GLOBAL;
		if (start && addr >= start && (size <= 0 || addr - start < (unsigned long long)size))
			f->var_offset = (long)(addr - start);
		if (size > f->now.size && f->now.size > 0)
			f->var_size = size;
	} else if (hg_starts_with(h, "Location is heap block of size ")) {
		f->var_kind = HG_VAR_HEAP;
		f->block_size = hg_number_after(h, "block of size ", 0);
		if (start && addr >= start)
			f->var_offset = (long)(addr - start);
		st->alloc_thread = ts_thread(strstr(h, "allocated by"));
		take_frames(&f->alloc, s, 0, c->build_dir);
	} else if (hg_starts_with(h, "Location is stack of ")) {
		f->var_kind = HG_VAR_LOCAL;
		st->stack_thread = ts_thread(h);
	}
}

/* A race whose one side is the destroy of a condition variable or lock: that misuse, not a race. */
static void destroy_race(struct hg_finding *f)
{
	int side = f->now.top_fn && strstr(f->now.top_fn, "_destroy")	      ? 0
		   : f->before.top_fn && strstr(f->before.top_fn, "_destroy") ? 1
									      : -1;
	const struct hg_access *d = side == 0 ? &f->now : &f->before;

	if (side < 0 || !(hg_starts_with(d->top_fn, "pthread_") || hg_starts_with(d->top_fn, "sem_")))
		return;
	free(f->kind);
	f->kind = xstrdup("Misc");
	f->misuse = hg_starts_with(d->top_fn, "pthread_cond_") ? "destruction of condition variable being waited upon"
							       : "#destroy-in-use";
	if (side == 1) { /* the destroy first; `before` stays the use it raced with */
		struct hg_access t = f->now;

		f->now = f->before;
		f->before = t;
	}
	free(f->variable); /* the object's name comes back as the call's argument */
	f->variable = NULL;
	f->var_kind = HG_VAR_UNKNOWN;
}

static void race_finding(struct ts_ctx *c, const struct ts_report *rep, struct hg_finding *f)
{
	struct hg_desc_state st = {0};
	unsigned long long addr = 0;
	int sides = 0;

	for (int i = 1; i < rep->nsec; i++) {
		const struct ts_section *s = &rep->sec[i];
		int prev = hg_starts_with(s->head, "Previous ");

		if (strstr(s->head, " of size ") && strstr(s->head, " at ") && !hg_starts_with(s->head, "Location") &&
		    sides < 2 && (prev || sides == 0)) {
			struct hg_access *a = prev ? &f->before : &f->now;

			if (a->file || a->top_fn)
				continue;
			access_head(c, a, s->head);
			take_frames(a, s, a->thread, c->build_dir);
			if (!prev)
				addr = hex_after(s->head, " at ");
			sides++;
		} else if (hg_starts_with(s->head, "Location is ")) {
			location(c, f, &st, s, addr);
		}
	}
	hg_kind_details(f); /* free_race */
	/* a block that is freed has no Location any more */
	if (hg_starts_with(rep->title, "heap-use-after-free") || (f->var_kind == HG_VAR_UNKNOWN && f->free_race)) {
		f->var_kind = HG_VAR_HEAP;
		f->block_freed = 1;
	}
	hg_desc_finish(f, &st);
	destroy_race(f);
}

/*
 * A lock-order report: the cycle "M0 => M1 => M0", each step "Mutex M1
 * acquired here while holding mutex M0 in thread T1:" (where M1 was taken)
 * and "Mutex M0 previously acquired by the same thread here:" (where M0 was).
 * The cycle starts from its smallest label, as helgrind_cycle.c writes it.
 */
static void lock_order_finding(struct ts_ctx *c, const struct ts_report *rep, struct hg_finding *f)
{
	struct hg_lock_step steps[TS_MAX_SECTIONS];
	int n = 0, first = 0;

	for (int i = 1; i < rep->nsec; i++) {
		const struct ts_section *s = &rep->sec[i];
		const char *held = strstr(s->head, "while holding mutex ");
		struct ts_mutex *taken_m = hg_starts_with(s->head, "Mutex ") ? mutex_at(c, s->head + 6) : NULL;
		struct ts_mutex *held_m = held ? mutex_at(c, held + strlen("while holding mutex ")) : NULL;

		if (taken_m && held_m && strstr(s->head, " acquired here")) {
			struct hg_lock_step *st = &steps[n++];

			memset(st, 0, sizeof(*st));
			st->held = mutex_label(held_m);
			st->taken = mutex_label(taken_m);
			st->thread = ts_thread(strstr(s->head, " in "));
			hg_access_init(&st->held_at);
			hg_access_init(&st->taken_at);
			take_frames(&st->taken_at, s, st->thread, c->build_dir);
			st->held_at.thread = st->taken_at.thread = st->thread;
		} else if (n > 0 && taken_m && strstr(s->head, " previously acquired")) {
			take_frames(&steps[n - 1].held_at, s, steps[n - 1].thread, c->build_dir);
		}
	}
	if (n < 2) { /* not a cycle this reader can show: say what ThreadSanitizer says */
		for (int k = 0; k < n; k++) {
			if (k == 0)
				hg_access_copy_place(&f->now, &steps[k].taken_at);
			free(steps[k].held);
			free(steps[k].taken);
			hg_access_free(&steps[k].held_at);
			hg_access_free(&steps[k].taken_at);
		}
		free(f->kind);
		f->kind = xstrdup("Misc");
		f->misuse = "#unknown";
		return;
	}
	for (int k = 1; k < n; k++)
		if (strverscmp(steps[k].held, steps[first].held) < 0)
			first = k;
	f->cycle = xcalloc((size_t)n, sizeof(*f->cycle));
	f->ncycle = n;
	for (int k = 0; k < n; k++)
		f->cycle[k] = steps[(first + k) % n];
	hg_access_copy_place(&f->now, &f->cycle[0].taken_at);
	f->now.thread = f->cycle[0].thread;
}

/* A misuse of a mutex (or anything else): the call, the mutex's name, where it was locked before. */
static void misuse_finding(struct ts_ctx *c, const struct ts_report *rep, const struct ts_kind *k, struct hg_finding *f)
{
	const struct ts_section *call = &rep->sec[0];
	int rwlock, wait;

	take_frames(&f->now, call, 0, c->build_dir);
	if (runs_in_main(call))
		f->now.thread = 1; /* ThreadSanitizer names no thread here; main() is the one it can be sure of */
	rwlock = hg_starts_with(f->now.top_fn, "pthread_rwlock_");
	wait = hg_starts_with(f->now.top_fn, "pthread_cond_") && strstr(f->now.top_fn, "wait");
	f->misuse = rwlock ? k->rwlock_key : k->key;
	if (wait && strcmp(k->key, "#unlock-not-held") == 0)
		f->misuse = "called with un-held mutex"; /* the wait unlocks the mutex it is given */
	for (int i = 1; i < rep->nsec; i++) {
		const struct ts_section *s = &rep->sec[i];

		if (strcmp(s->head, "and:") == 0 && !f->lock_prev.file) {
			/* "destroy of a locked mutex" / "double lock": where it was locked */
			take_frames(&f->lock_prev, s, 0, c->build_dir);
		} else if (hg_starts_with(s->head, "Mutex M") && !f->object) {
			struct ts_mutex *m = mutex_at(c, s->head + 6);

			if (m && m->name && !m->conflict && !wait)
				f->object = xstrdup(m->name);
		} else if (hg_starts_with(s->head, "Thread T") && !f->now.file) {
			/* "thread leak": the thread and where it was created */
			f->now.thread = ts_subject_thread(s->head);
			take_frames(&f->now, s, 0, c->build_dir);
		}
	}
	hg_kind_details(f);
}

/* "Thread T1 (tid=.., running) created by main thread at:" -> an announcement, once per thread. */
static void announce(struct ts_ctx *c, const struct ts_section *s)
{
	int id = ts_subject_thread(s->head);
	struct hg_announce *a;

	if (id <= 0 || c->raw->nann >= TS_MAX_THREADS)
		return;
	a = hg_announce_add(c->raw, id);
	if (!a)
		return;
	take_frames(&a->where, s, 0, c->build_dir);
	/* the creator's start routine, not this thread's */
	free(a->where.start_fn);
	a->where.start_fn = NULL;
}

/* Turns a complete report into a raw finding (and its threads into announcements). */
static void add_report(struct ts_ctx *c, const struct ts_report *rep)
{
	const struct ts_kind *k = ts_kinds;
	struct hg_finding f;

	if (c->raw->n >= TS_MAX_REPORTS)
		return;
	while (k->title && !hg_starts_with(rep->title, k->title))
		k++;
	name_mutexes(c, rep);
	hg_finding_init(&f);
	f.kind = xstrdup(k->kind);
	f.what = xstrdup(rep->title);
	if (strcmp(k->kind, "Race") == 0)
		race_finding(c, rep, &f);
	else if (strcmp(k->kind, "LockOrder") == 0)
		lock_order_finding(c, rep, &f);
	else
		misuse_finding(c, rep, k, &f);
	for (int i = 1; i < rep->nsec; i++)
		if (hg_starts_with(rep->sec[i].head, "Thread T") && strstr(rep->sec[i].head, " created by "))
			announce(c, &rep->sec[i]);
	forget_mutexes(c);
	hg_grow((void **)&c->raw->v, &c->raw->cap, c->raw->n, sizeof(*c->raw->v));
	c->raw->v[c->raw->n++] = f;
}

/* ---- the log -------------------------------------------------------------- */

/* The text of a line without a leading "==1234==" (ThreadSanitizer's own messages). */
static const char *strip_pid(const char *t)
{
	const char *p = t;

	if (p[0] != '=' || p[1] != '=' || !isdigit((unsigned char)p[2]))
		return t;
	p += 2;
	while (isdigit((unsigned char)*p))
		p++;
	return p[0] == '=' && p[1] == '=' ? p + 2 : t;
}

/* Whether t is ThreadSanitizer's own error, one that ends (or broke) the run. */
static int is_fatal(const char *t)
{
	return (hg_starts_with(t, "FATAL: ThreadSanitizer") || hg_starts_with(t, "ERROR: ThreadSanitizer") ||
		hg_starts_with(t, "ThreadSanitizer: CHECK failed") ||
		hg_starts_with(t, "ThreadSanitizer: out of memory") || hg_starts_with(t, "ThreadSanitizer: failed"));
}

/* Whether a finding of raw names thread #1. */
static int names_main(const struct hg_raw *raw)
{
	for (int i = 0; i < raw->n; i++) {
		const struct hg_finding *f = &raw->v[i];

		if (f->now.thread == 1 || f->before.thread == 1 || f->alloc.thread == 1 || f->other_thread == 1)
			return 1;
		for (int k = 0; k < f->ncycle; k++)
			if (f->cycle[k].thread == 1)
				return 1;
	}
	return 0;
}

int tsan_report_load(const char *log_path, const char *build_dir, struct hg_report *out)
{
	struct hg_raw raw = {0};
	struct ts_ctx c = {.raw = &raw, .build_dir = build_dir};
	struct ts_report rep = {0};
	int open_report = 0, cut, complete;
	size_t len;
	char *text, *line = xcalloc(TS_MAX_LINE + 1, 1), *fatal = NULL;

	if (!out) {
		free(line);
		return -1;
	}
	memset(out, 0, sizeof(*out));
	text = log_path ? read_log(log_path, TS_MAX_BYTES, &len, &cut) : NULL;
	if (!text) {
		free(line);
		return -1;
	}
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p), keep = n < TS_MAX_LINE ? n : TS_MAX_LINE;
		const char *t;
		size_t indent;

		memcpy(line, p, keep);
		line[keep] = '\0';
		if (keep > 0 && line[keep - 1] == '\r')
			line[keep - 1] = '\0';
		p = nl ? nl + 1 : p + n;
		t = strip_pid(line);
		indent = strspn(t, " ");
		if (hg_starts_with(t, TS_TITLE)) {
			/* a report that another one interrupts is kept as it is */
			if (open_report)
				add_report(&c, &rep);
			report_free(&rep);
			const char *title = t + strlen(TS_TITLE), *pid = strstr(title, " (pid=");

			rep.title = pid ? xstrndup(title, (size_t)(pid - title)) : hg_dup_trimmed(title);
			open_report = 1;
		} else if (!open_report) {
			if (!fatal && is_fatal(t))
				fatal = xstrndup(t, TS_MAX_FATAL);
		} else if (hg_starts_with(t, TS_RULE)) {
			add_report(&c, &rep);
			report_free(&rep);
			open_report = 0;
		} else if (t[indent] == '#' && isdigit((unsigned char)t[indent + 1])) {
			add_frame(&rep, t + indent + 1);
		} else if (indent == 2 && t[indent] != '\0') {
			add_section(&rep, t);
		} else if (!fatal && is_fatal(t)) {
			fatal = xstrndup(t, TS_MAX_FATAL);
		}
	}
	/* a report cut off by the end of the log is dropped */
	complete = !open_report && !cut && !fatal;
	report_free(&rep);
	free(text);
	free(line);
	/* thread #1, main(), is never announced by ThreadSanitizer: as Helgrind, when a finding names it */
	if (names_main(&raw))
		hg_announce_add(&raw, 1);
	hg_report_build(&raw, complete, build_dir, "ThreadSanitizer", out);
	out->fatal = fatal;
	return 0;
}
