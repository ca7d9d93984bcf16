/*
 * helgrind_log.c - what only Helgrind's text log says (see
 * helgrind_internal.h): the "Locks held: ..." lines of each race, which
 * Helgrind 3.19's XML lacks, and, with --read-var-info=yes, each lock's
 * variable ("Lock at 0x.. was first observed" then "Location 0x.. is 0 bytes
 * inside shared.lock").
 *
 * The log is read line by line; Valgrind's "==PID== " prefixes are dropped
 * and its own "--PID--" lines skipped.  What is kept:
 *   - races: each access's header line ("Possible data race during read of
 *     size 8 at .. by thread #3" or "This conflicts with a previous write
 *     ..."), its "Locks held:" line and its "at 0x..: fn (file:line)" /
 *     "by ..." frames, then the lines that describe the address ("Location
 *     0x.. is 0 bytes inside tally.count," "declared at ..."), which name
 *     the variable when the XML was made without --read-var-info=yes;
 *   - lock orders: 'Thread #6: lock order "X before Y" violated', then the
 *     stacks of "Observed (incorrect) order is: acquisition of lock at Y"
 *     and " followed by a later acquisition of lock at X" (the XML has only
 *     the second);
 *   - lock names: "Lock at 0x.. was first observed" and the "Location" line
 *     after its stack;
 *   - the locks still held at the end, if the program asked Helgrind for
 *     them (VALGRIND_MONITOR_COMMAND("info locks"), as ct_driver_pass()
 *     does): "Lock ga 0x10c060 {", its "Location" line, "{ W1:thread #2
 *     tid (exited) }", "}".
 */
#include "helgrind_internal.h"
#include "util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Larger logs are read up to here: Helgrind stops reporting long before. */
#define LOG_MAX_BYTES  (16u << 20)
#define LOG_MAX_FRAMES 64
#define LOG_MAX_DESC   8

struct log_frame {
	char *fn, *file; /* file as printed (usually a base name), NULL for "(in /obj)" */
	int line;
};

struct log_side {
	int thread, is_write, size;
	char *locks;
	struct log_frame frames[LOG_MAX_FRAMES];
	int nframes;
};

struct log_race {
	struct log_side now, before;
	char *desc[LOG_MAX_DESC]; /* the lines describing the address */
	int ndesc;
};

/* 'Thread #6: lock order "X before Y" violated' */
struct log_order {
	char *header;
	int thread;
	struct log_side observed_held;	/* "Observed (incorrect) order is: acquisition of lock at Y" */
	struct log_side observed_taken; /* " followed by a later acquisition of lock at X" */
};

/* "info locks": the lock at addr is held by thread (one record per holder). */
struct log_holder {
	unsigned long addr;
	int thread;
};

/* A lock's variable, from 'Lock at 0xADDR was first observed' and the 'Location ...' after it. */
struct log_lock {
	unsigned long addr;
	char *name;
};

struct hg_log {
	struct log_race *v;
	int n, cap;
	struct log_lock *locks;
	int nlocks, locks_cap;
	struct log_order *orders;
	int norders, orders_cap;
	struct log_holder *holders;
	int nholders, holders_cap;
};

static void side_free(struct log_side *s)
{
	free(s->locks);
	for (int k = 0; k < s->nframes; k++) {
		free(s->frames[k].fn);
		free(s->frames[k].file);
	}
}

void hg_log_free(struct hg_log *lg)
{
	if (!lg)
		return;
	for (int i = 0; i < lg->n; i++) {
		side_free(&lg->v[i].now);
		side_free(&lg->v[i].before);
		for (int k = 0; k < lg->v[i].ndesc; k++)
			free(lg->v[i].desc[k]);
	}
	free(lg->v);
	for (int i = 0; i < lg->norders; i++) {
		free(lg->orders[i].header);
		side_free(&lg->orders[i].observed_held);
		side_free(&lg->orders[i].observed_taken);
	}
	free(lg->orders);
	free(lg->holders);
	for (int i = 0; i < lg->nlocks; i++)
		free(lg->locks[i].name);
	free(lg->locks);
	free(lg);
}

/*
 * The text of a log line without Valgrind's "==PID== " prefix; NULL for
 * Valgrind's own "--PID--" / "**PID**" lines.  Lines without a prefix are
 * returned as they are.
 */
static const char *log_strip_prefix(const char *s)
{
	if ((s[0] == '=' || s[0] == '-' || s[0] == '*') && s[1] == s[0] && isdigit((unsigned char)s[2])) {
		const char *p = s + 2;
		char c = s[0];

		while (isdigit((unsigned char)*p))
			p++;
		if (p[0] == c && p[1] == c) {
			if (c != '=')
				return NULL;
			p += 2;
			return *p == ' ' ? p + 1 : p;
		}
	}
	return s;
}

/*
 * Parses "0x109173: sum_share (global_race.c:10)", "0x484C7D6: ??? (in /obj)",
 * "0x488D250: (below main) (libc_start_call_main.h:74)" into fr.  Returns 0, or
 * -1 if s is not a frame.
 */
static int parse_log_frame(const char *s, struct log_frame *fr)
{
	const char *p = s, *end, *paren = NULL;
	size_t n;

	memset(fr, 0, sizeof(*fr));
	if (!hg_starts_with(p, "0x"))
		return -1;
	p += 2;
	while (isxdigit((unsigned char)*p))
		p++;
	if (*p != ':')
		return -1;
	p++;
	while (*p == ' ')
		p++;
	n = strlen(p);
	while (n > 0 && isspace((unsigned char)p[n - 1]))
		n--;
	end = p + n;
	if (n > 0 && end[-1] == ')') {
		for (const char *q = end - 1; q > p; q--)
			if (q[0] == '(' && q[-1] == ' ') {
				paren = q - 1;
				break;
			}
	}
	if (paren) {
		const char *in = paren + 2, *colon = NULL;

		if (!hg_starts_with(in, "in ")) {
			for (const char *q = end - 2; q > in; q--)
				if (*q == ':') {
					colon = q;
					break;
				}
		}
		if (colon) {
			int ok = colon + 1 < end - 1;

			for (const char *q = colon + 1; q < end - 1; q++)
				if (!isdigit((unsigned char)*q))
					ok = 0;
			if (ok) {
				fr->file = xstrndup(in, (size_t)(colon - in));
				fr->line = atoi(colon + 1);
			}
		}
		end = paren;
	}
	if (end > p && !(end - p == 3 && strncmp(p, "???", 3) == 0))
		fr->fn = xstrndup(p, (size_t)(end - p));
	return 0;
}

/*
 * The variable in 'Location 0x.. is 0 bytes inside shared.lock,' or
 * 'Address 0x.. is 0 bytes inside data symbol "shared"' (with the offset
 * if it is not 0); NULL for anything else (a heap block, a stack).
 */
static char *lock_variable(const char *t)
{
	const char *in = strstr(t, " bytes inside ");
	long off;

	if (!in)
		return NULL;
	off = strtol(strstr(t, " is ") ? strstr(t, " is ") + 4 : "0", NULL, 10);
	in += strlen(" bytes inside ");
	if (hg_starts_with(in, "data symbol \"")) {
		const char *q = in + strlen("data symbol \""), *e = strchr(q, '"');
		if (!e)
			return NULL;
		char *sym = xstrndup(q, (size_t)(e - q));
		if (off == 0)
			return sym;
		char *out = xasprintf("%s+%ld", sym, off);
		free(sym);
		return out;
	}
	if (hg_starts_with(in, "global var \"") || hg_starts_with(in, "local var \"")) {
		const char *q = strchr(in, '"') + 1, *e = strchr(q, '"');
		return e && off == 0 ? xstrndup(q, (size_t)(e - q)) : NULL;
	}
	if (hg_starts_with(in, "a block") || hg_starts_with(in, "an unallocated block"))
		return NULL;
	size_t n = strcspn(in, ", \n");
	return n ? xstrndup(in, n) : NULL;
}

/* The name of the lock at addr, or NULL. */
static const char *lock_name_of(const struct hg_log *lg, unsigned long addr)
{
	for (int i = 0; i < lg->nlocks; i++)
		if (lg->locks[i].addr == addr)
			return lg->locks[i].name;
	return NULL;
}

char *hg_log_name_locks(const struct hg_log *lg, const char *s)
{
	struct sb b = {0};
	int n = 0;

	for (const char *p = s ? strstr(s, "0x") : NULL; p; p = strstr(p + 2, "0x")) {
		const char *name = lock_name_of(lg, strtoul(p, NULL, 16));
		if (!name) {
			free(b.s);
			return NULL;
		}
		sb_printf(&b, "%s%s", n++ ? " and " : "", name);
	}
	return n ? b.s : NULL;
}

/* Adds a frame to side (dropped beyond LOG_MAX_FRAMES). */
static void add_frame(struct log_side *side, struct log_frame *fr)
{
	if (side->nframes < LOG_MAX_FRAMES) {
		side->frames[side->nframes++] = *fr;
	} else {
		free(fr->fn);
		free(fr->file);
	}
}

/* Whether t describes a race's address ("Location 0x..", "declared at ..", ...). */
static int is_description(const char *t)
{
	static const char *const starts[] = {
	    "Location 0x", "Address 0x", "declared at ", "a global variable", "in frame #", "Block was alloc'd",
	};

	for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++)
		if (hg_starts_with(t, starts[i]))
			return 1;
	return 0;
}

/* "{ W1:thread #3 tid (exited) R1:thread #4 tid 4 }": one holder record per thread of the lock at addr. */
static void add_holders(struct hg_log *lg, unsigned long addr, const char *t)
{
	for (const char *p = strstr(t, "thread #"); p; p = strstr(p + 1, "thread #")) {
		hg_grow((void **)&lg->holders, &lg->holders_cap, lg->nholders, sizeof(*lg->holders));
		lg->holders[lg->nholders++] = (struct log_holder){addr, (int)hg_number_after(p, "thread #", 0)};
	}
}

struct hg_log *hg_log_read(const char *path)
{
	struct hg_log *lg = xcalloc(1, sizeof(*lg));
	char *text = path ? read_file(path, LOG_MAX_BYTES) : NULL;
	struct log_race *cur = NULL;	/* the race being read */
	struct log_order *ord = NULL;	/* the lock order being read */
	struct log_side *side = NULL;	/* the access whose lines are being read */
	unsigned long pending_lock = 0; /* a lock announced, whose location comes next */
	unsigned long info_lock = 0;	/* the "info locks" entry being read */

	for (char *line = text, *next; line && *line; line = next) {
		const char *t;
		struct log_frame fr;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		t = log_strip_prefix(line);
		if (!t)
			continue;
		while (*t == ' ' || *t == '\t')
			t++;
		if ((hg_starts_with(t, "Lock at 0x") && strstr(t, "was first observed")) ||
		    hg_starts_with(t, "Lock ga 0x")) {
			pending_lock = strtoul(t + strlen("Lock at "), NULL, 16);
			info_lock = hg_starts_with(t, "Lock ga ") ? pending_lock : 0;
			side = NULL;
			cur = NULL;
			continue;
		}
		if (pending_lock && (hg_starts_with(t, "Location 0x") || hg_starts_with(t, "Address 0x"))) {
			char *name = lock_variable(t);
			if (name) {
				hg_grow((void **)&lg->locks, &lg->locks_cap, lg->nlocks, sizeof(*lg->locks));
				lg->locks[lg->nlocks++] = (struct log_lock){pending_lock, name};
			}
			pending_lock = 0;
			continue;
		}
		if (info_lock && t[0] == '{') {
			add_holders(lg, info_lock, t);
			continue;
		}
		if (info_lock && t[0] == '}') {
			info_lock = pending_lock = 0;
			continue;
		}
		if (hg_starts_with(t, "Thread #") && strstr(t, ": lock order \"")) {
			hg_grow((void **)&lg->orders, &lg->orders_cap, lg->norders, sizeof(*lg->orders));
			ord = &lg->orders[lg->norders++];
			memset(ord, 0, sizeof(*ord));
			ord->header = hg_dup_trimmed(t);
			ord->thread = hg_thread_in(t);
			cur = NULL;
			side = NULL;
			continue;
		}
		if (ord && hg_starts_with(t, "Observed (incorrect) order is: acquisition of lock at")) {
			side = &ord->observed_held;
			continue;
		}
		if (ord && side == NULL && hg_starts_with(t, "followed by a later acquisition of lock at") &&
		    ord->observed_held.nframes > 0 && ord->observed_taken.nframes == 0) {
			side = &ord->observed_taken;
			continue;
		}
		if (hg_starts_with(t, "Possible data race during ")) {
			hg_grow((void **)&lg->v, &lg->cap, lg->n, sizeof(*lg->v));
			cur = &lg->v[lg->n++];
			memset(cur, 0, sizeof(*cur));
			side = &cur->now;
			ord = NULL;
		} else if (cur && hg_starts_with(t, "This conflicts with a previous")) {
			side = &cur->before;
		} else if (side && hg_starts_with(t, "Locks held:")) {
			if (!side->locks)
				side->locks = hg_dup_trimmed(t + strlen("Locks held:"));
			continue;
		} else if (side && (hg_starts_with(t, "at ") || hg_starts_with(t, "by ")) &&
			   parse_log_frame(t + 3, &fr) == 0) {
			add_frame(side, &fr);
			continue;
		} else {
			/* a blank line, "Address ..", a separator: this access's lines are over */
			side = NULL;
			if (cur && cur->before.nframes > 0 && is_description(t) && cur->ndesc < LOG_MAX_DESC)
				cur->desc[cur->ndesc++] = hg_dup_trimmed(t);
			if (hg_starts_with(t, "---") || hg_starts_with(t, "Thread #"))
				cur = NULL, ord = NULL;
			continue;
		}
		hg_parse_rw_size(t, &side->is_write, &side->size);
		side->thread = hg_thread_in(t);
	}
	free(text);
	return lg;
}

/* Whether the log's access s can be the XML's access a. */
static int log_side_matches(const struct hg_access *a, const struct log_side *s)
{
	if (a->file) {
		const char *base = hg_base_name(a->file);

		for (int i = 0; i < s->nframes; i++) {
			const struct log_frame *fr = &s->frames[i];

			if (fr->file && strcmp(hg_base_name(fr->file), base) == 0 && fr->line == a->line &&
			    (!a->fn || hg_streq_null(a->fn, fr->fn)))
				return 1;
		}
		return 0;
	}
	if (a->top_fn) {
		for (int i = 0; i < s->nframes; i++)
			if (s->frames[i].fn)
				return strcmp(s->frames[i].fn, a->top_fn) == 0;
		return 0;
	}
	return 1;
}

/* "none" -> 0, "2, at addresses 0x.. 0x.." -> 2, else -1. */
static int count_locks(const char *s)
{
	if (!s)
		return -1;
	if (strcmp(s, "none") == 0)
		return 0;
	if (isdigit((unsigned char)*s))
		return atoi(s);
	return -1;
}

/*
 * Sets locks_held of the XML's race f (the ordinal-th race of the XML) from
 * the best-matching log race (the two runs are independent, so order alone
 * proves nothing): both accesses must match by (fn, file, line);
 * then agreeing read/write and size, the same ordinal and the same thread
 * numbers make a candidate better.  If the best candidates disagree about an
 * access's locks, that access stays unknown.  Returns the first best
 * candidate, or NULL if none matches.
 */
static const struct log_race *match_race(struct hg_finding *f, int ordinal, const struct hg_log *lg)
{
	int best = -1;
	int *score = xcalloc((size_t)(lg->n ? lg->n : 1), sizeof(*score));
	struct hg_access *acc[2] = {&f->now, &f->before};
	const struct log_race *first = NULL;

	for (int i = 0; i < lg->n; i++) {
		const struct log_race *lr = &lg->v[i];

		score[i] = -1;
		if (!log_side_matches(&f->now, &lr->now) || !log_side_matches(&f->before, &lr->before))
			continue;
		score[i] = 0;
		if (lr->now.is_write == f->now.is_write && lr->now.size == f->now.size &&
		    lr->before.is_write == f->before.is_write && lr->before.size == f->before.size)
			score[i] += 4;
		if (i == ordinal)
			score[i] += 2;
		if (lr->now.thread == f->now.thread && lr->before.thread == f->before.thread)
			score[i] += 1;
		if (score[i] > best)
			best = score[i];
	}
	for (int s = 0; best >= 0 && s < 2; s++) {
		const char *locks = NULL;
		int agree = 1;

		for (int i = 0; i < lg->n; i++) {
			const struct log_side *ls;

			if (score[i] != best)
				continue;
			if (!first)
				first = &lg->v[i];
			ls = s == 0 ? &lg->v[i].now : &lg->v[i].before;
			if (!ls->locks || (locks && strcmp(locks, ls->locks) != 0))
				agree = 0;
			locks = ls->locks;
		}
		if (agree && locks) {
			const char *hidden = strstr(locks, "(and ");

			acc[s]->locks_held = xstrdup(locks);
			acc[s]->nlocks = count_locks(locks);
			acc[s]->locks_named = hg_log_name_locks(lg, locks);
			acc[s]->nlocks_hidden = hidden ? (int)hg_number_after(hidden, "(and ", 0) : 0;
		}
	}
	free(score);
	return first;
}

/*
 * The XML made without --read-var-info=yes knows a variable only as a data
 * symbol, or as "on thread #1's stack": the matching log race's lines, if
 * they name it better (a "Location" line), describe it instead.
 */
static void describe_from_log(struct hg_finding *f, const struct log_race *lr)
{
	struct hg_desc_state st = {0};
	int better = 0;

	if (f->var_kind == HG_VAR_HEAP || f->variable_decl)
		return;
	for (int i = 0; i < lr->ndesc; i++)
		better |= hg_starts_with(lr->desc[i], "Location 0x");
	if (!better)
		return;
	free(f->variable);
	free(f->stack_info);
	f->variable = f->stack_info = NULL;
	f->var_kind = HG_VAR_UNKNOWN;
	f->var_offset = -1;
	for (int i = 0; i < lr->ndesc; i++)
		hg_desc_line(f, &st, lr->desc[i]);
	hg_desc_finish(f, &st);
}

/* The program's files, by base name, as the XML shows them: to tell its frames in the log from libc's. */
struct own_files {
	const char **paths;
	int n, cap;
};

static void own_add(struct own_files *o, const char *path)
{
	if (!path)
		return;
	for (int i = 0; i < o->n; i++)
		if (strcmp(o->paths[i], path) == 0)
			return;
	hg_grow((void **)&o->paths, &o->cap, o->n, sizeof(*o->paths));
	o->paths[o->n++] = path;
}

/* The XML's display path of the program's file with this base name, or NULL. */
static const char *own_path(const struct own_files *o, const char *file)
{
	for (int i = 0; file && i < o->n; i++)
		if (strcmp(hg_base_name(o->paths[i]), hg_base_name(file)) == 0)
			return o->paths[i];
	return NULL;
}

/* a's place from a log stack: its first frame in the program's files, and the thread's start function. */
static void access_from_log(struct hg_access *a, const struct log_side *s, const struct own_files *own)
{
	const char *outer = NULL;

	for (int i = 0; i < s->nframes; i++) {
		const struct log_frame *fr = &s->frames[i];
		const char *path = own_path(own, fr->file);

		if (!a->top_fn && fr->fn)
			a->top_fn = xstrdup(fr->fn);
		if (path && !a->file) {
			a->fn = fr->fn ? xstrdup(fr->fn) : NULL;
			a->file = xstrdup(path);
			a->line = fr->line;
		}
		if (path)
			outer = fr->fn;
		if (fr->fn && strcmp(fr->fn, "start_thread") == 0 && outer && !a->start_fn)
			a->start_fn = xstrdup(outer);
	}
	a->thread = s->thread;
}

/* The log's lock order that is the XML's f: the same header, else the same thread and place. */
static const struct log_order *match_order(const struct hg_finding *f, const struct hg_log *lg)
{
	for (int i = 0; i < lg->norders; i++)
		if (hg_streq_null(lg->orders[i].header, f->what))
			return &lg->orders[i];
	for (int i = 0; i < lg->norders; i++)
		if (lg->orders[i].thread == f->now.thread && log_side_matches(&f->now, &lg->orders[i].observed_taken))
			return &lg->orders[i];
	return NULL;
}

/* "`a` and `b`": the locks that thread holds in the log's "info locks", NULL if none is listed. */
static char *held_by(const struct hg_log *lg, int thread)
{
	struct sb b = {0};
	int n = 0, total = 0;

	for (int i = 0; i < lg->nholders; i++)
		total += lg->holders[i].thread == thread;
	for (int i = 0; i < lg->nholders; i++) {
		const char *name;

		if (lg->holders[i].thread != thread)
			continue;
		name = lock_name_of(lg, lg->holders[i].addr);
		n++;
		sb_printf(&b, "%s", n == 1 ? "" : n == total ? " and " : ", ");
		if (name)
			sb_printf(&b, "`%s`", name);
		else
			sb_printf(&b, "the lock at 0x%lX", lg->holders[i].addr);
	}
	return n ? sb_take(&b) : NULL;
}

void hg_log_apply(struct hg_raw *raw, const struct hg_log *lg)
{
	struct own_files own = {0};
	int ordinal = 0;

	for (int i = 0; i < raw->n; i++) {
		const struct hg_access *acc[] = {&raw->v[i].now,   &raw->v[i].before,	 &raw->v[i].before2,
						 &raw->v[i].alloc, &raw->v[i].lock_seen, &raw->v[i].lock_prev};

		for (size_t k = 0; k < sizeof(acc) / sizeof(acc[0]); k++)
			own_add(&own, acc[k]->file);
	}
	for (int i = 0; i < raw->nann; i++)
		own_add(&own, raw->ann[i].where.file);

	for (int i = 0; i < raw->n; i++) {
		struct hg_finding *f = &raw->v[i];
		char **order[] = {&f->lock_first, &f->lock_second};
		const char *at = f->what ? strstr(f->what, " at 0x") : NULL;

		if (strcmp(f->kind, "Race") == 0) {
			const struct log_race *lr = match_race(f, ordinal++, lg);

			if (lr)
				describe_from_log(f, lr);
		} else if (strcmp(f->kind, "LockOrder") == 0) {
			const struct log_order *o = match_order(f, lg);

			if (o)
				access_from_log(&f->held_at, &o->observed_held, &own);
		} else if (at && !f->object) {
			/* "Thread #1 unlocked a not-locked lock at 0x10C060" */
			const char *name = lock_name_of(lg, strtoul(at + 4, NULL, 16));

			f->object = name ? xstrdup(name) : NULL;
		}
		if (f->nexit_locks > 0 && !f->exit_locks)
			f->exit_locks = held_by(lg, f->now.thread);
		/* A lock order's two locks by their variables' names, when the log has them. */
		for (int k = 0; k < 2; k++) {
			char *name = *order[k] ? hg_log_name_locks(lg, *order[k]) : NULL;

			if (name) {
				free(*order[k]);
				*order[k] = name;
			}
		}
	}
	free(own.paths);
}
