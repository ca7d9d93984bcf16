/*
 * ct_sched.c - see ct_sched.h.
 */
#include "ct_sched.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

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
