/*
 * helgrind_log.c - what only Helgrind's text log says (see
 * helgrind_internal.h): the "Locks held: ..." lines of each race, which
 * Helgrind 3.19's XML lacks, and, with --read-var-info=yes, each lock's
 * variable ("Lock at 0x.. was first observed" then "Location 0x.. is 0 bytes
 * inside shared.lock").
 *
 * The log is read line by line; Valgrind's "==PID== " prefixes are dropped
 * and its own "--PID--" lines skipped.  A race's access is its header line
 * ("Possible data race during read of size 8 at .. by thread #3" or "This
 * conflicts with a previous write ..."), then "Locks held:", then its
 * "at 0x..: fn (file:line)" / "by ..." frames.
 */
#include "helgrind_internal.h"
#include "util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Larger logs are read up to here: Helgrind stops reporting long before. */
#define LOG_MAX_BYTES  (16u << 20)
#define LOG_MAX_FRAMES 64

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
};

void hg_log_free(struct hg_log *lg)
{
	if (!lg)
		return;
	for (int i = 0; i < lg->n; i++) {
		struct log_side *sides[] = {&lg->v[i].now, &lg->v[i].before};

		for (int s = 0; s < 2; s++) {
			free(sides[s]->locks);
			for (int k = 0; k < sides[s]->nframes; k++) {
				free(sides[s]->frames[k].fn);
				free(sides[s]->frames[k].file);
			}
		}
	}
	free(lg->v);
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
	if (hg_starts_with(in, "global var \"")) {
		const char *q = in + strlen("global var \""), *e = strchr(q, '"');
		return e && off == 0 ? xstrndup(q, (size_t)(e - q)) : NULL;
	}
	if (hg_starts_with(in, "a block") || hg_starts_with(in, "local var") || hg_starts_with(in, "global var"))
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

struct hg_log *hg_log_read(const char *path)
{
	struct hg_log *lg = xcalloc(1, sizeof(*lg));
	char *text = path ? read_file(path, LOG_MAX_BYTES) : NULL;
	struct log_race *cur = NULL;	/* the race being read */
	struct log_side *side = NULL;	/* its access whose lines are being read */
	unsigned long pending_lock = 0; /* a lock announced, whose location comes next */

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
		if (hg_starts_with(t, "Lock at 0x") && strstr(t, "was first observed")) {
			pending_lock = strtoul(t + strlen("Lock at "), NULL, 16);
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
		if (hg_starts_with(t, "Possible data race during ")) {
			hg_grow((void **)&lg->v, &lg->cap, lg->n, sizeof(*lg->v));
			cur = &lg->v[lg->n++];
			memset(cur, 0, sizeof(*cur));
			side = &cur->now;
		} else if (cur && hg_starts_with(t, "This conflicts with a previous")) {
			side = &cur->before;
		} else if (side && hg_starts_with(t, "Locks held:")) {
			if (!side->locks)
				side->locks = hg_dup_trimmed(t + strlen("Locks held:"));
			continue;
		} else if (side && (hg_starts_with(t, "at ") || hg_starts_with(t, "by ")) &&
			   parse_log_frame(t + 3, &fr) == 0) {
			if (side->nframes < LOG_MAX_FRAMES) {
				side->frames[side->nframes++] = fr;
			} else {
				free(fr.fn);
				free(fr.file);
			}
			continue;
		} else {
			/* a blank line, "Address ..", a separator: this access's lines are over */
			side = NULL;
			if (hg_starts_with(t, "---") || hg_starts_with(t, "Thread #"))
				cur = NULL;
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
 * access's locks, that access stays unknown.
 */
void hg_log_match_locks(struct hg_finding *f, int ordinal, const struct hg_log *lg)
{
	int best = -1;
	int *score = xcalloc((size_t)(lg->n ? lg->n : 1), sizeof(*score));
	struct hg_access *acc[2] = {&f->now, &f->before};

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
			ls = s == 0 ? &lg->v[i].now : &lg->v[i].before;
			if (!ls->locks || (locks && strcmp(locks, ls->locks) != 0))
				agree = 0;
			locks = ls->locks;
		}
		if (agree && locks) {
			acc[s]->locks_held = xstrdup(locks);
			acc[s]->nlocks = count_locks(locks);
			acc[s]->locks_named = hg_log_name_locks(lg, locks);
		}
	}
	free(score);
}
