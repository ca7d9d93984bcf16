/*
 * helgrind_cycle.c - the whole cycle of locks behind Helgrind's lock-order
 * findings (see helgrind_internal.h).
 *
 * Helgrind reports 'lock order "X before Y" violated' when a thread takes X
 * while holding Y although, earlier, X was held while Y was taken: directly
 * (it then prints both places: "Required order was established by ...") or
 * through other locks (X before Z, Z before Y: it prints no place at all).
 * In a cycle of N locks, such as five dining philosophers, the first report
 * alone names only two of the locks.  But every later acquisition that
 * contradicts the cycle is reported too (one finding per thread and place),
 * so the findings together usually show every step.
 *
 * DESIGN: every finding gives a step "held Y, took X" (the order it
 * observed) and, if printed, the step "held X, took Y" it contradicts.  For
 * each finding, a breadth-first search from X to Y over all the steps
 * closes its cycle; the cycle is written from its "smallest" lock (strverscmp
 * order, so chop[2] < chop[10]), so that the findings of one cycle all carry
 * the same one and merge.
 */
#define _GNU_SOURCE
#include "helgrind_internal.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* A step known from one finding: a thread held `held` while it took `taken`. */
struct step {
	const char *held, *taken;
	int thread;
	const struct hg_access *held_at, *taken_at;
};

struct steps {
	struct step *v;
	int n, cap;
};

/* Adds the step unless it is known; a known one gains the thread and place it lacked. */
static void add_step(struct steps *s, struct step st)
{
	if (!st.held || !st.taken || strcmp(st.held, st.taken) == 0)
		return;
	for (int i = 0; i < s->n; i++) {
		struct step *o = &s->v[i];

		if (strcmp(o->held, st.held) != 0 || strcmp(o->taken, st.taken) != 0)
			continue;
		if (!o->thread && st.thread)
			o->thread = st.thread;
		if (!o->held_at->file && st.held_at->file)
			o->held_at = st.held_at;
		if (!o->taken_at->file && st.taken_at->file)
			o->taken_at = st.taken_at;
		return;
	}
	hg_grow((void **)&s->v, &s->cap, s->n, sizeof(*s->v));
	s->v[s->n++] = st;
}

/*
 * The steps of a shortest path from lock `from` to lock `to` (steps[k] is
 * an index into s), or -1 if there is none.  Returns the number of steps.
 */
static int shortest_path(const struct steps *s, const char *from, const char *to, int *steps)
{
	int *via = xcalloc((size_t)s->n + 1, sizeof(*via)); /* the step that reached step i's `taken`, or -1 */
	int *queue = xcalloc((size_t)s->n + 1, sizeof(*queue));
	int head = 0, tail = 0, found = -1, len = 0;

	for (int i = 0; i < s->n; i++) {
		via[i] = -2; /* not reached */
		if (strcmp(s->v[i].held, from) == 0) {
			via[i] = -1;
			queue[tail++] = i;
		}
	}
	while (head < tail && found < 0) {
		int i = queue[head++];

		if (strcmp(s->v[i].taken, to) == 0) {
			found = i;
			break;
		}
		for (int j = 0; j < s->n; j++)
			if (via[j] == -2 && strcmp(s->v[j].held, s->v[i].taken) == 0) {
				via[j] = i;
				queue[tail++] = j;
			}
	}
	for (int i = found; i >= 0; i = via[i])
		len++;
	for (int i = found, k = len - 1; i >= 0; i = via[i], k--)
		steps[k] = i;
	free(via);
	free(queue);
	return found < 0 ? -1 : len;
}

static void copy_step(struct hg_lock_step *d, const struct step *s)
{
	d->held = xstrdup(s->held);
	d->taken = xstrdup(s->taken);
	d->thread = s->thread;
	hg_access_init(&d->held_at);
	hg_access_init(&d->taken_at);
	hg_access_copy_place(&d->held_at, s->held_at);
	hg_access_copy_place(&d->taken_at, s->taken_at);
	d->held_at.thread = d->taken_at.thread = s->thread;
}

void hg_find_cycles(struct hg_finding *v, int n)
{
	struct steps s = {0};
	int *path;

	for (int i = 0; i < n; i++) {
		const struct hg_finding *f = &v[i];

		if (strcmp(f->kind, "LockOrder") != 0)
			continue;
		add_step(&s, (struct step){f->lock_second, f->lock_first, f->now.thread, &f->held_at, &f->now});
		if (f->before.file || f->before2.file)
			add_step(&s, (struct step){f->lock_first, f->lock_second, 0, &f->before, &f->before2});
	}
	path = xcalloc((size_t)s.n + 2, sizeof(*path));
	for (int i = 0; i < n; i++) {
		struct hg_finding *f = &v[i];
		int len, first = 0, observed = -1;

		/* a tool that shows the whole cycle (ThreadSanitizer) has set it already */
		if (strcmp(f->kind, "LockOrder") != 0 || !f->lock_first || !f->lock_second || f->cycle)
			continue;
		for (int k = 0; k < s.n; k++)
			if (strcmp(s.v[k].held, f->lock_second) == 0 && strcmp(s.v[k].taken, f->lock_first) == 0)
				observed = k;
		/* the cycle: the observed step (second -> first), then first -> ... -> second */
		len = observed < 0 ? -1 : shortest_path(&s, f->lock_first, f->lock_second, path + 1);
		if (len < 0)
			continue;
		path[0] = observed;
		len++;
		for (int k = 1; k < len; k++)
			if (strverscmp(s.v[path[k]].held, s.v[path[first]].held) < 0)
				first = k;
		f->cycle = xcalloc((size_t)len, sizeof(*f->cycle));
		f->ncycle = len;
		for (int k = 0; k < len; k++)
			copy_step(&f->cycle[k], &s.v[path[(first + k) % len]]);
	}
	free(path);
	free(s.v);
}
