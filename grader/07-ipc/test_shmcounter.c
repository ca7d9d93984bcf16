/*
 * test_shmcounter.c - grader suite for lesson 07, exercise "shmcounter" (shmcounter.h).
 *
 * In the stress test every process gives up the CPU just before each lock
 * and just after each unlock (ct_set_yield_at_locks acts in forked
 * children too), so an update made outside the lock loses counts in every
 * run.  Where the counter lives, and whether its lock is process-shared,
 * are read from /proc/self/maps and from the mutex itself.  Each child
 * meets the others at a rendezvous in shared memory as it starts (a fork
 * hook runs before the student's code goes on), for the timing test.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "ct_ipc.h"
#include "ct_locks.h"
#include "ct_test.h"
#include "shmcounter.h"

CT_SUITE(shmcounter);

#define PROCS 4
#define ADDS 20000

/*
 * The permissions of the mapping that holds address p in /proc/self/maps
 * ("rw-s", "rw-p"), or "" if no mapping holds it.
 */
static void mapping_of(const void *p, char perms[5])
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[512];
	unsigned long lo, hi, a = (unsigned long)p;

	perms[0] = '\0';
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "%lx-%lx %4s", &lo, &hi, perms) == 3 && a >= lo && a < hi) {
			fclose(f);
			return;
		}
	perms[0] = '\0';
	if (f)
		fclose(f);
}

static struct shm_counter *create(void)
{
	struct shm_counter *c = shm_counter_create();
	CT_CHECK(c != NULL, "shm_counter_create() returned NULL (errno %d)", errno);
	ct_name_lock(&c->lock, "c->lock");
	return c;
}

static struct ct_rendezvous *meet;
static void meet_others(int k)
{
	(void)k;
	ct_rendezvous_arrive(meet);
}

static struct {
	struct shm_counter *c;
	int procs;
	long adds;
	int ret, err;
} job;

static void call(void *unused)
{
	(void)unused;
	errno = 0;
	job.ret = count_in_processes(job.c, job.procs, job.adds);
	job.err = errno;
}

/* count_in_processes under a deadline: if it hangs, the test shows where every child is blocked. */
static void count(struct shm_counter *c, int procs, long adds)
{
	char why[4096];

	job.c = c;
	job.procs = procs;
	job.adds = adds;
	bool returned = ct_run_within(call, NULL, 3000 * CT_MS, "count_in_processes", NULL, 0, why, sizeof why);
	CT_CHECK(returned, "count_in_processes(c, %d, %ld) did not return within 3 s. Where everything was "
		 "blocked:\n%sA process waiting for a lock that is not process-shared may never be woken by the "
		 "process that unlocks it; and every child must be waited for", procs, adds, why);
	CT_CHECK(job.ret == 0, "count_in_processes(c, %d, %ld) returned %d (errno %d); expected 0", procs, adds,
		 job.ret, job.err);
}

CT_TEST(shmcounter, correct_counts_exactly_across_processes)
{
	struct shm_counter *c = create();
	ct_set_yield_at_locks(true);
	count(c, PROCS, ADDS);
	long v = shm_counter_get(c);
	CT_CHECK(v != 0, "after count_in_processes(c, %d, %d), the counter reads 0: the children's additions never "
		 "reached the caller. Each child has its own copy of private memory: the counter must live in a "
		 "MAP_SHARED mapping", PROCS, ADDS);
	CT_CHECK(v == (long)PROCS * ADDS,
		 "%d processes each called shm_counter_add(c, 1) %d times; the counter then read %ld, not %ld: %ld "
		 "updates were lost. The read, the add and the write must all happen inside one lock/unlock of "
		 "c->lock, a mutex that works between processes",
		 PROCS, ADDS, v, (long)PROCS * ADDS, (long)PROCS * ADDS - v);
	ct_pass();
}

CT_TEST(shmcounter, correct_shared_mapping_and_process_shared_lock)
{
	char perms[5];

	struct shm_counter *c = create();
	mapping_of(c, perms);
	CT_CHECK(perms[0], "shm_counter_create() returned %p, which is in no mapping of the process", (void *)c);
	CT_CHECK(perms[3] == 's', "the counter lives in a private mapping (%s in /proc/self/maps): after fork each "
		 "process has its own copy. Create it with mmap(..., MAP_SHARED | MAP_ANONYMOUS, -1, 0)", perms);
	/* glibc keeps PTHREAD_MUTEX_PSHARED_BIT (128) in the mutex's kind. */
	CT_CHECK(c->lock.__data.__kind & 128,
		 "c->lock is not process-shared: a process waiting for it might never be woken by another. "
		 "Initialise it with an attribute set by pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED)");
	ct_lock_log_start();
	shm_counter_add(c, 2);
	CT_CHECK(ct_lock_log_has(&c->lock), "shm_counter_add(c, 2) did not lock c->lock: every access to c->value "
		 "needs it");
	ct_lock_log_start();
	long v = shm_counter_get(c);
	CT_CHECK(ct_lock_log_has(&c->lock), "shm_counter_get(c) did not lock c->lock: read the value with the lock "
		 "held");
	CT_CHECK(v == 2, "after shm_counter_add(c, 2) on a new counter, shm_counter_get(c) returned %ld; expected 2", v);
	ct_pass();
}

CT_TEST(shmcounter, correct_children_waited_for_and_mapping_removed)
{
	pid_t kids[32];
	char zombies[1024], perms[5];

	struct shm_counter *c = create();
	count(c, 3, 10);
	int forks = ct_forked(kids, 32);
	CT_CHECK(forks == 3, "count_in_processes(c, 3, 10) called fork() %d times; expected 3", forks);
	int nz = ct_unreaped_children(NULL, 0, zombies, sizeof zombies);
	CT_CHECK(nz == 0, "after count_in_processes(c, 3, 10) returned: %s. Wait for every child", zombies);
	int ret = shm_counter_destroy(c);
	CT_CHECK(ret == 0, "shm_counter_destroy(c) returned %d (errno %d); expected 0", ret, errno);
	mapping_of(c, perms);
	CT_CHECK(perms[0] == '\0', "after shm_counter_destroy(c), the counter's mapping is still there (%s): munmap "
		 "it, or every counter created leaks a page", perms);
	ct_pass();
}

CT_TEST(shmcounter, timing_children_run_at_the_same_time)
{
	struct shm_counter *c = create();
	meet = ct_shared_alloc(sizeof *meet);
	ct_rendezvous_init(meet, PROCS, 500 * CT_MS);
	ct_set_fork_child_hook(meet_others);
	count(c, PROCS, 100);
	CT_CHECK(ct_rendezvous_met(meet),
		 "the %d children of count_in_processes(c, %d, 100) were never all alive at the same time (each "
		 "waits up to 0.5 s for the others as it starts): fork them all, then wait for them", PROCS, PROCS);
	ct_pass();
}
