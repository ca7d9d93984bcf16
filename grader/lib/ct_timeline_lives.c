/*
 * ct_timeline_lives.c - workers' lives as timeline groups (ct_timeline_lives.h).
 */
#include "ct_timeline_lives.h"

#include "ct_api.h"

struct ct_timeline_group ct_timeline_children(const char *name, struct ct_interval *buf, int max)
{
	int n = ct_forked_lives(buf, max);

	return (struct ct_timeline_group){name, buf, NULL, n, n};
}

struct ct_timeline_group ct_timeline_threads(const char *name, struct ct_interval *buf, int max)
{
	int n = ct_threads_created() < max ? ct_threads_created() : max;

	for (int i = 0; i < n; i++) {
		struct ct_thread_record r = ct_thread(i);
		buf[i] = (struct ct_interval){r.start_ns, r.end_ns};
	}
	return (struct ct_timeline_group){name, buf, NULL, n, n};
}
