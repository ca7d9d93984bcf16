/*
 * ct_order.c - see ct_order.h.
 */
#include "ct_order.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* A small deterministic generator (xorshift32): the same seed, the same shuffle, on every machine. */
static uint32_t next_random(uint32_t *state)
{
	uint32_t x = *state ? *state : 0x9e3779b9u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *state = x;
}

void ct_order_make(struct ct_order *o, enum ct_order_kind kind, unsigned seed, int n)
{
	int finishing[CT_ORDER_MAX]; /* finishing[r]: the task that finishes r-th */
	uint32_t state = seed * 2654435761u + 1;

	if (n < 1)
		n = 1;
	if (n > CT_ORDER_MAX)
		n = CT_ORDER_MAX;
	memset(o, 0, sizeof *o);
	o->kind = kind;
	o->seed = seed;
	o->n = n;
	for (int r = 0; r < n; r++)
		finishing[r] = kind == CT_ORDER_REVERSED ? n - 1 - r : r;
	if (kind == CT_ORDER_SHUFFLED) {
		/* Fisher-Yates; a shuffle that happens to be the identity is turned round, so it differs. */
		for (int r = n - 1; r > 0; r--) {
			int k = (int)(next_random(&state) % (uint32_t)(r + 1)), t = finishing[r];
			finishing[r] = finishing[k];
			finishing[k] = t;
		}
		bool identity = true;
		for (int r = 0; r < n; r++)
			identity = identity && finishing[r] == r;
		if (identity && n > 1) {
			int t = finishing[0];
			finishing[0] = finishing[n - 1];
			finishing[n - 1] = t;
		}
	}
	for (int r = 0; r < n; r++)
		o->rank[finishing[r]] = r;
}

uint64_t ct_order_delay(const struct ct_order *o, int i, uint64_t step_ns)
{
	return i >= 0 && i < o->n ? (uint64_t)o->rank[i] * step_ns : 0;
}

const char *ct_order_describe(const struct ct_order *o, char *buf, size_t len)
{
	if (o->kind == CT_ORDER_AS_STARTED) {
		snprintf(buf, len, "in the order they were started");
	} else if (o->kind == CT_ORDER_REVERSED) {
		snprintf(buf, len, "in reverse order (the last one started first)");
	} else {
		int finishing[CT_ORDER_MAX];
		size_t used = (size_t)snprintf(buf, len, "shuffled (seed %u): tasks", o->seed);
		for (int i = 0; i < o->n; i++)
			finishing[o->rank[i]] = i;
		for (int r = 0; r < o->n && used < len; r++)
			used += (size_t)snprintf(buf + used, len - used, "%s %d", r ? "," : "", finishing[r]);
		if (used < len)
			snprintf(buf + used, len - used, " finish in turn");
	}
	return buf;
}
