/*
 * ct_sched.c - see ct_sched.h.
 */
#include "ct_sched.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ct_api.h"

struct ct_sched_times ct_sched_self(void)
{
	struct ct_sched_times t = {0};
	char buf[128];
	unsigned long long run, wait;
	int fd = open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);

	if (fd == -1)
		return t;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return t;
	buf[n] = '\0';
	if (sscanf(buf, "%llu %llu", &run, &wait) == 2)
		t = (struct ct_sched_times){.run_ns = run, .wait_ns = wait, .ok = true};
	return t;
}

/* Reads /proc/self/task/TID/NAME into buf (uncounted, unfaultable reads); false if it cannot. */
static bool read_task_file(int tid, const char *name, char *buf, size_t len)
{
	char path[64];

	snprintf(path, sizeof path, "/proc/self/task/%d/%s", tid, name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return false;
	ssize_t n = ct_real_read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return true;
}

struct ct_thread_activity ct_thread_activity(int tid)
{
	struct ct_thread_activity a = {0};
	char buf[2048];
	unsigned long long run, wait;
	bool vol = false, inv = false;

	if (!read_task_file(tid, "schedstat", buf, sizeof buf) || sscanf(buf, "%llu %llu", &run, &wait) != 2)
		return a;
	a.run_ns = run;
	a.wait_ns = wait;
	if (!read_task_file(tid, "status", buf, sizeof buf))
		return a;
	for (char *line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		vol = vol || sscanf(line, "voluntary_ctxt_switches: %lu", &a.voluntary) == 1;
		inv = inv || sscanf(line, "nonvoluntary_ctxt_switches: %lu", &a.preempted) == 1;
	}
	a.ok = vol && inv;
	return a;
}

static double share(uint64_t part, uint64_t whole)
{
	double s = whole ? (double)part / (double)whole : 0;

	return s < 0 ? 0 : s > 1 ? 1 : s;
}

struct ct_life ct_life_between(struct ct_sched_times from, struct ct_sched_times to, uint64_t life_ns)
{
	struct ct_life l = {0};

	if (!from.ok || !to.ok || life_ns == 0 || to.run_ns < from.run_ns || to.wait_ns < from.wait_ns)
		return l;
	l.running = share(to.run_ns - from.run_ns, life_ns);
	l.waiting = share(to.wait_ns - from.wait_ns, life_ns);
	if (l.running + l.waiting > 1)
		l.waiting = 1 - l.running;
	l.blocked = 1 - l.running - l.waiting;
	return l;
}
