/*
 * ct_timing.h - the grader's timing toolkit: per-call intervals, a
 * concurrency measure, a rendezvous, and memory shared with children.
 *
 * Every timing verdict compares quantities measured inside one run on the
 * grader's own clocks (ct_clock.h), never a raw speedup alone:
 *   - concurrency = (sum of interval lengths) / (length of their union):
 *     exactly 1.0 when the intervals never overlap, n when n always do;
 *   - a rendezvous proves that n workers were in flight at the same moment:
 *     each arrival waits until all n have arrived or a deadline passes.
 * Both work for threads and, when placed in ct_shared_alloc() memory, for
 * child processes too.
 */
#ifndef CT_TIMING_H
#define CT_TIMING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One worker call: [start_ns, end_ns) on the ct_now_ns() clock. */
struct ct_interval {
	uint64_t start_ns, end_ns;
};

/*
 * sum(lengths) / length(union); 0 when there is no time at all.  Intervals
 * with end <= start (never finished) are ignored.  Does not modify iv.
 */
double ct_concurrency(const struct ct_interval *iv, size_t n);

/* Largest number of intervals that contain one common instant. */
size_t ct_max_overlap(const struct ct_interval *iv, size_t n);

/*
 * A rendezvous for `expected` workers.  Lives in ordinary memory for
 * threads, or in ct_shared_alloc() memory for processes.  Lock-free: only
 * atomics, so it also works across fork().
 */
struct ct_rendezvous {
	atomic_int arrived;
	atomic_int missed;      /* set once the deadline passed before all came */
	int expected;
	uint64_t deadline_ns;
};

/* Arms r for `expected` arrivals, all due within timeout_ns from now. */
void ct_rendezvous_init(struct ct_rendezvous *r, int expected, uint64_t timeout_ns);
/*
 * Registers one arrival, then blocks (sleeping 1 ms at a time) until all
 * expected workers have arrived or the deadline has passed.  Returns true if
 * all arrived in time.  After a miss, later arrivals return at once.
 */
bool ct_rendezvous_arrive(struct ct_rendezvous *r);
/* True once every expected worker arrived before the deadline. */
bool ct_rendezvous_met(struct ct_rendezvous *r);

/* Zeroed memory shared with every child forked afterwards; never fails. */
void *ct_shared_alloc(size_t size);
void ct_shared_free(void *p, size_t size);

#endif
