/*
 * tasks.c - threads and affinities seen from the grader's side (tasks.h).
 *
 * DESIGN: /proc/self/task is read with opendir/readdir, which the C library
 * makes inside itself: neither the wrapped read nor the wrapped malloc
 * sees it, so looking never changes a count the test checks.  The sampler
 * thread is created with ct_real_pthread_create, uncounted, and writes its
 * results only before sampler_stop joins it.
 */
#include "tasks.h"

#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "ct_api.h"
#include "ct_clock.h"
#include "ct_test.h"
#include "procs.h"

int tasks_list(int *tids, int max)
{
	DIR *d = opendir("/proc/self/task");
	int n = 0;

	if (!d)
		return 0;
	for (struct dirent *e; (e = readdir(d)) && n < max;) {
		int tid = atoi(e->d_name);
		if (tid > 0)
			tids[n++] = tid;
	}
	closedir(d);
	return n;
}

bool tasks_has(const int *tids, int n, int tid)
{
	for (int i = 0; i < n; i++)
		if (tids[i] == tid)
			return true;
	return false;
}

int tasks_new(const int *before, int nb, const int *now, int nn)
{
	int k = 0;

	for (int i = 0; i < nn; i++)
		k += !tasks_has(before, nb, now[i]);
	return k;
}

int tasks_settle(const int *before, int nb)
{
	uint64_t until = ct_now_ns() + 500 * CT_MS;

	for (;;) {
		int now[TASKS_MAX], n = tasks_list(now, TASKS_MAX);
		int extra = tasks_new(before, nb, now, n);
		if (extra == 0 || ct_now_ns() > until)
			return extra;
		ct_sleep_ns(CT_MS);
	}
}

int tasks_only_cpu(pid_t tid)
{
	cpu_set_t s;

	if (sched_getaffinity(tid, sizeof s, &s) == -1 || CPU_COUNT(&s) != 1)
		return -1;
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &s))
			return cpu;
	return -1;
}

int tasks_usable_cpus(void)
{
	cpu_set_t s;

	if (sched_getaffinity(0, sizeof s, &s) == -1)
		return 1;
	return CPU_COUNT(&s);
}

/* The threads and children of the student's alive now, besides the caller and the sampler; their only CPUs. */
static int others_now(struct sampler *s, int me, int caller, int *cpus, int max)
{
	int now[TASKS_MAX], n = tasks_list(now, TASKS_MAX), k = 0;

	for (int i = 0; i < n && k < max; i++)
		if (now[i] != me && now[i] != caller && !tasks_has(s->before, s->nbefore, now[i])) {
			cpus[k++] = tasks_only_cpu(now[i]);
		}
	pid_t kids[64];
	int nk = ct_forked(kids, 64);
	for (int i = 0; i < nk && k < max; i++)
		if (!ct_reaped(kids[i], NULL)) {
			struct proc_info info;
			/* Only a child still running counts: a zombie keeps the mask it ended with. */
			if (procs_read(kids[i], &info) && info.state != 'Z')
				cpus[k++] = tasks_only_cpu(kids[i]);
		}
	return k;
}

static void *sample(void *arg)
{
	struct sampler *s = arg;
	int me = gettid();

	while (!atomic_load(&s->stop)) {
		int caller = atomic_load(&s->caller);
		int cpus[16];
		int k = caller ? others_now(s, me, caller, cpus, 16) : 0;
		int mine = caller ? tasks_only_cpu(caller) : -1;
		if (k > 0 && atomic_load(&s->caller)) {
			bool pinned = mine >= 0;
			for (int i = 0; i < k; i++)
				pinned = pinned && cpus[i] == mine;
			if (s->samples++ == 0) {
				s->first_cpus_caller = mine;
				s->first_cpus_other = cpus[0];
			}
			s->pinned += pinned;
		}
		ct_sleep_ns(200 * 1000);
	}
	return NULL;
}

void sampler_start(struct sampler *s)
{
	*s = (struct sampler){.first_cpus_caller = -1, .first_cpus_other = -1};
	s->nbefore = tasks_list(s->before, TASKS_MAX);
	int err = ct_real_pthread_create(&s->thread, NULL, sample, s);
	CT_CHECK(err == 0, "grader error: cannot start the sampler thread (%d)", err);
}

void sampler_stop(struct sampler *s)
{
	atomic_store(&s->stop, true);
	ct_real_pthread_join(s->thread, NULL);
}
