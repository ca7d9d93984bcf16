/*
 * ct_timing.c - intervals, concurrency, rendezvous (see ct_timing.h).
 */
#include "ct_timing.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "ct_clock.h"

static int cmp_start(const void *a, const void *b)
{
	const struct ct_interval *x = a, *y = b;

	return (x->start_ns > y->start_ns) - (x->start_ns < y->start_ns);
}

/* Copies the finished intervals of iv into a new array sorted by start. */
static struct ct_interval *sorted_finished(const struct ct_interval *iv, size_t n, size_t *out_n)
{
	struct ct_interval *s = calloc(n ? n : 1, sizeof *s);
	size_t k = 0;

	if (!s) {
		perror("ct_timing: calloc");
		abort();
	}
	for (size_t i = 0; i < n; i++)
		if (iv[i].end_ns > iv[i].start_ns)
			s[k++] = iv[i];
	qsort(s, k, sizeof *s, cmp_start);
	*out_n = k;
	return s;
}

double ct_concurrency(const struct ct_interval *iv, size_t n)
{
	size_t k;
	struct ct_interval *s = sorted_finished(iv, n, &k);
	uint64_t busy = 0, covered = 0, cur_start = 0, cur_end = 0;

	for (size_t i = 0; i < k; i++) {
		busy += s[i].end_ns - s[i].start_ns;
		if (i == 0 || s[i].start_ns > cur_end) {
			covered += cur_end - cur_start;
			cur_start = s[i].start_ns;
			cur_end = s[i].end_ns;
		} else if (s[i].end_ns > cur_end) {
			cur_end = s[i].end_ns;
		}
	}
	covered += cur_end - cur_start;
	free(s);
	return covered ? (double)busy / (double)covered : 0.0;
}

size_t ct_max_overlap(const struct ct_interval *iv, size_t n)
{
	size_t k, best = 0;
	struct ct_interval *s = sorted_finished(iv, n, &k);

	/* At each start, count the intervals that began earlier and are open. */
	for (size_t i = 0; i < k; i++) {
		size_t open = 0;

		for (size_t j = 0; j <= i; j++)
			if (s[j].end_ns > s[i].start_ns)
				open++;
		if (open > best)
			best = open;
	}
	free(s);
	return best;
}

void ct_rendezvous_init(struct ct_rendezvous *r, int expected, uint64_t timeout_ns)
{
	atomic_store(&r->arrived, 0);
	atomic_store(&r->missed, 0);
	r->expected = expected;
	r->deadline_ns = ct_now_ns() + timeout_ns;
}

bool ct_rendezvous_arrive(struct ct_rendezvous *r)
{
	atomic_fetch_add(&r->arrived, 1);
	while (atomic_load(&r->arrived) < r->expected) {
		if (atomic_load(&r->missed))
			return false;
		if (ct_now_ns() > r->deadline_ns) {
			atomic_store(&r->missed, 1);
			return false;
		}
		ct_sleep_ns(CT_MS);
	}
	return !atomic_load(&r->missed);
}

bool ct_rendezvous_met(struct ct_rendezvous *r)
{
	return atomic_load(&r->arrived) >= r->expected && !atomic_load(&r->missed);
}

void *ct_shared_alloc(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("ct_shared_alloc: mmap");
		abort();
	}
	return p;
}

void ct_shared_free(void *p, size_t size)
{
	if (munmap(p, size) == -1)
		perror("ct_shared_free: munmap");
}
