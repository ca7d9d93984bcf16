/*
 * ct_order.h - adversarial schedules: the order in which the grader's tasks
 * (children, threads, work items) finish.
 *
 * Left alone, tasks tend to finish in the order they were started, so code
 * that, say, stores the k-th wait() status in slot k passes some runs and
 * fails others.  A test makes its tasks finish in a chosen order instead:
 * each task i sleeps ct_order_delay(o, i, step) before it ends, so task i
 * finishes rank[i]-th.  Tests use several orders (as started, reversed,
 * shuffled with fixed seeds), so an order-dependent bug fails every run,
 * and the same submission always gets the same verdicts.  A failure message
 * says which order was used (ct_order_describe), so the run can be redone.
 */
#ifndef CT_ORDER_H
#define CT_ORDER_H

#include <stddef.h>
#include <stdint.h>

#define CT_ORDER_MAX 64

enum ct_order_kind { CT_ORDER_AS_STARTED, CT_ORDER_REVERSED, CT_ORDER_SHUFFLED };

struct ct_order {
	enum ct_order_kind kind;
	unsigned seed;          /* CT_ORDER_SHUFFLED only */
	int n;
	int rank[CT_ORDER_MAX]; /* task i finishes rank[i]-th (0: first) */
};

/* Fills o for n tasks (1 <= n <= CT_ORDER_MAX); the same kind and seed always give the same order. */
void ct_order_make(struct ct_order *o, enum ct_order_kind kind, unsigned seed, int n);
/* How long task i waits before it ends: rank[i] * step_ns. */
uint64_t ct_order_delay(const struct ct_order *o, int i, uint64_t step_ns);
/* "in the order they were started", "in reverse order", "shuffled (seed 7): tasks 2, 0, 3, 1 finish in turn". */
const char *ct_order_describe(const struct ct_order *o, char *buf, size_t len);

#endif
