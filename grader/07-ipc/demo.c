/*
 * demo.c - `make demo LESSON=7`: what N workers cost in memory as threads
 * and as processes, and what one round trip costs through each IPC
 * mechanism of lesson 07.
 *
 * 1. Memory.  N workers (N = 1, 8, 32) each map and touch TOUCH_KIB of
 *    private memory (or nothing), report that they are ready, and sleep in
 *    read() until their "go home" pipe gives end of file.  They run as
 *    threads of one process, or as child processes of one process.  While
 *    they sleep, this process reads the Rss and Pss lines of
 *    /proc/PID/smaps_rollup, and VmPTE of /proc/PID/status, for that
 *    process and for each child, and adds them up.  Each run happens in a
 *    fresh "lab" process forked from here, so every run starts from the
 *    same state; the lab with no worker is the baseline that "per worker"
 *    is measured against.
 *      RSS (resident set size) counts every page a process has in RAM,
 *      including pages it shares: a page shared by 10 processes is counted
 *      10 times in their sum.  PSS (proportional set size) charges a page
 *      shared by k processes 1/k to each, so a sum of PSS counts each page
 *      once.  Neither counts the kernel's own memory per process (page
 *      tables: VmPTE, shown separately).
 * 2. Round trips.  A child echoes 8 bytes back: through two pipes, one
 *    socketpair, two POSIX message queues, and shared memory with two
 *    process-shared semaphores; then rpc_call_all (solutions/07-ipc/rpc.c)
 *    per request, and shm_counter_add (solutions/07-ipc/shmcounter.c) in
 *    one process and in two processes at once.  Median, fastest and
 *    slowest of REPEAT runs.
 *
 * DESIGN: every system call's result is checked (ct_demo.h); a failure
 * ends the demo with the call's name and errno.  SIGPIPE is ignored, so a dead
 * partner shows as EPIPE, not as a silent death.  Every child is waited
 * for and every descriptor, mapping and queue is released.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ct_clock.h"
#include "ct_demo.h"
#include "rpc.h"
#include "shmcounter.h"

#define TOUCH_KIB   1024   /* part 1: private memory each worker touches */
#define MAX_WORKERS 32	   /* part 1: the largest N */
#define ROUNDS	    2000   /* part 2: round trips per run */
#define REPEAT	    5	   /* part 2: runs of each: median, fastest, slowest */
#define ADDS	    200000 /* part 2: shm_counter_add calls per run */

/* ---- 1. memory ------------------------------------------------------------ */

/* What the kernel reports for one process, or a sum over several; in KiB. */
struct mem {
	long rss, pss, pte;
};

/* Adds the value of the line "<key> <number> kB" of file path to *sum. */
static void add_kib(const char *path, const char *key, long *sum)
{
	char line[256];
	size_t klen = strlen(key);
	FILE *f = fopen(path, "r");

	if (!f)
		demo_die(path);
	while (fgets(line, sizeof line, f))
		if (strncmp(line, key, klen) == 0) {
			*sum += strtol(line + klen, NULL, 10);
			fclose(f);
			return;
		}
	fclose(f);
	errno = ENOENT;
	demo_die(key);
}

static void add_process(pid_t pid, struct mem *m)
{
	char path[64];

	snprintf(path, sizeof path, "/proc/%d/smaps_rollup", (int)pid);
	add_kib(path, "Rss:", &m->rss);
	add_kib(path, "Pss:", &m->pss);
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	add_kib(path, "VmPTE:", &m->pte);
}

/* What every worker of a lab knows. */
struct lab {
	size_t touch; /* bytes of private memory to touch */
	int ready_w;  /* write end: "ready" records (a pid_t each) */
	int go_r;     /* read end: end of file means "go home" */
};

/* A worker: touch its memory, say so, sleep until end of file on go_r. */
static void work(const struct lab *l)
{
	char *mem = NULL, c;
	pid_t me = getpid();

	if (l->touch) {
		mem = demo_mmap(NULL, l->touch, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		memset(mem, 1, l->touch); /* a page is only resident once it is touched */
	}
	demo_write_all(l->ready_w, &me, sizeof me); /* one record, well under PIPE_BUF: atomic */

	while (demo_read(l->go_r, &c, 1) != 0) /* blocks, asleep, until end of file */
		;
	if (mem)
		demo_munmap(mem, l->touch);
}

static void *work_thread(void *arg)
{
	work(arg);
	return NULL;
}

/* The lab process: start n workers of the given kind, then wait for them all. */
static _Noreturn void run_lab(int threads, int n, struct lab *l)
{
	pthread_t tids[MAX_WORKERS];
	pid_t pids[MAX_WORKERS], me = getpid();

	for (int i = 0; i < n; i++) {
		if (threads)
			demo_pthread_create(&tids[i], NULL, work_thread, l);
		else if ((pids[i] = demo_fork()) == 0) {
			work(l);
			_exit(0);
		}
	}
	demo_write_all(l->ready_w, &me, sizeof me); /* the lab's own record */
	char c;
	while (demo_read(l->go_r, &c, 1) != 0) /* the lab sleeps too, until "go home" */
		;
	for (int i = 0; i < n; i++) {
		if (threads)
			demo_pthread_join(tids[i], NULL);
		else
			demo_wait_ok(pids[i]);
	}
	_exit(0);
}

/* Runs one lab with n workers and returns the memory of all its processes. */
static struct mem measure(int threads, int n, size_t touch)
{
	int ready[2], go[2];
	pid_t who[MAX_WORKERS + 1];
	struct mem m = {0, 0, 0};

	demo_pipe(ready);
	demo_pipe(go);
	pid_t lab = demo_fork();
	if (lab == 0) {
		struct lab l = {touch, ready[1], go[0]};
		demo_close(ready[0]);
		demo_close(go[1]);
		run_lab(threads, n, &l);
	}
	demo_close(ready[1]);
	demo_close(go[0]);
	/* n + 1 records: each worker's and the lab's.  Then everyone sleeps. */
	if (!demo_read_all(ready[0], who, (size_t)(n + 1) * sizeof who[0])) {
		errno = ECHILD;
		demo_die("the lab ended early");
	}
	add_process(lab, &m);
	if (!threads)
		for (int i = 0; i <= n; i++)
			if (who[i] != lab)
				add_process(who[i], &m);
	demo_close(go[1]); /* end of file: every worker goes home */
	demo_wait_ok(lab);
	demo_close(ready[0]);
	return m;
}

static void part_memory(void)
{
	static const int ns[] = {1, 8, 32};
	struct mem base = measure(1, 0, 0);

	printf("1. Memory of N sleeping workers, as threads of one process or as child processes of\n"
	       "   one process.  Each worker touches %d KiB of its own memory, or nothing.  Totals\n"
	       "   add up every process of the run; \"per worker\" = (PSS total - %ld KiB, the same\n"
	       "   process with no worker) / N.  1 KiB = 1024 bytes.\n\n",
	       TOUCH_KIB, base.pss);
	printf("   workers  each touches  as          PSS total  per worker  page tables  RSS summed\n");
	for (int t = 0; t < 2; t++)
		for (size_t k = 0; k < sizeof ns / sizeof ns[0]; k++) {
			int n = ns[k];
			size_t touch = t ? (size_t)TOUCH_KIB * 1024 : 0;
			struct mem th = measure(1, n, touch), pr = measure(0, n, touch);
			char what[16];
			snprintf(what, sizeof what, t ? "%d KiB" : "nothing", TOUCH_KIB);
			printf("   %7d  %-12s  threads   %7ld KiB %7ld KiB   %6ld KiB %7ld KiB\n"
			       "                          processes %7ld KiB %7ld KiB   %6ld KiB %7ld KiB\n",
			       n, what, th.pss, (th.pss - base.pss) / n, th.pte, th.rss, pr.pss,
			       (pr.pss - base.pss) / n, pr.pte, pr.rss);
		}
	printf("\n   (page tables: VmPTE in /proc/PID/status, kernel memory that neither RSS nor PSS counts)\n\n");
}

/* ---- 2. round trips ------------------------------------------------------- */

/* Sorts REPEAT values; v[0] is then the fastest, v[REPEAT / 2] the median, v[REPEAT - 1] the slowest. */
static void sort(double *v)
{
	for (int i = 1; i < REPEAT; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			double t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

/* Echo child over descriptors: reads 8 bytes from in, writes them to out, until end of file. */
static _Noreturn void echo_fd(int in, int out)
{
	long x;

	while (demo_read_all(in, &x, sizeof x))
		demo_write_all(out, &x, sizeof x);
	_exit(0);
}

/* ROUNDS round trips over (to, from) with an echo child; returns ns per round trip. */
static double ping_fd(int to, int from)
{
	uint64_t t0 = ct_now_ns();

	for (long i = 0; i < ROUNDS; i++) {
		long back;
		demo_write_all(to, &i, sizeof i);
		if (!demo_read_all(from, &back, sizeof back) || back != i) {
			errno = EPROTO;
			demo_die("echo");
		}
	}
	return (double)(ct_now_ns() - t0) / ROUNDS;
}

static double trip_pipes(void)
{
	int down[2], up[2];

	demo_pipe(down);
	demo_pipe(up);
	pid_t pid = demo_fork();
	if (pid == 0) {
		demo_close(down[1]);
		demo_close(up[0]);
		echo_fd(down[0], up[1]);
	}
	demo_close(down[0]);
	demo_close(up[1]);
	double ns = ping_fd(down[1], up[0]);
	demo_close(down[1]);
	demo_close(up[0]);
	demo_wait_ok(pid);
	return ns;
}

static double trip_socketpair(void)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		demo_die("socketpair");
	pid_t pid = demo_fork();
	if (pid == 0) {
		demo_close(sv[0]);
		echo_fd(sv[1], sv[1]); /* one descriptor, both directions */
	}
	demo_close(sv[1]);
	double ns = ping_fd(sv[0], sv[0]);
	demo_close(sv[0]);
	demo_wait_ok(pid);
	return ns;
}

static mqd_t open_queue(const char *name)
{
	struct mq_attr attr = {.mq_maxmsg = 1, .mq_msgsize = sizeof(long)};
	mqd_t q = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr);

	if (q == (mqd_t)-1)
		demo_die("mq_open");
	if (mq_unlink(name) == -1) /* the name goes now; the queue lives while it is open */
		demo_die("mq_unlink");
	return q;
}

static double trip_mqueue(void)
{
	char name[2][64];
	mqd_t q[2];
	long x;

	for (int k = 0; k < 2; k++) {
		snprintf(name[k], sizeof name[k], "/concur-demo7-%d-%d", (int)getpid(), k);
		q[k] = open_queue(name[k]);
	}
	pid_t pid = demo_fork();
	if (pid == 0) { /* echo; the parent's "stop" is the message -1 */
		do {
			if (mq_receive(q[0], (char *)&x, sizeof x, NULL) == -1)
				demo_die("mq_receive");
			if (mq_send(q[1], (const char *)&x, sizeof x, 0) == -1)
				demo_die("mq_send");
		} while (x != -1);
		_exit(0);
	}
	uint64_t t0 = ct_now_ns();
	for (long i = 0; i < ROUNDS; i++) {
		if (mq_send(q[0], (const char *)&i, sizeof i, 0) == -1)
			demo_die("mq_send");
		if (mq_receive(q[1], (char *)&x, sizeof x, NULL) == -1)
			demo_die("mq_receive");
		if (x != i) {
			errno = EPROTO;
			demo_die("message queue echo");
		}
	}
	double ns = (double)(ct_now_ns() - t0) / ROUNDS;
	x = -1;
	if (mq_send(q[0], (const char *)&x, sizeof x, 0) == -1 || mq_receive(q[1], (char *)&x, sizeof x, NULL) == -1)
		demo_die("mq stop");
	demo_wait_ok(pid);
	for (int k = 0; k < 2; k++)
		if (mq_close(q[k]) == -1)
			demo_die("mq_close");
	return ns;
}

/* Shared memory for the semaphore ping-pong. */
struct sem_box {
	sem_t request, reply; /* process-shared: each counts posts not yet waited for */
	long value;	      /* written by one side before its post, read by the other after its wait */
};

static void xsem_wait(sem_t *s)
{
	while (sem_wait(s) == -1)
		if (errno != EINTR)
			demo_die("sem_wait");
}

static double trip_semaphores(void)
{
	struct sem_box *b = demo_mmap(NULL, sizeof *b, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (sem_init(&b->request, 1, 0) == -1 || sem_init(&b->reply, 1, 0) == -1) /* 1: between processes */
		demo_die("sem_init");
	pid_t pid = demo_fork();
	if (pid == 0) {
		long v;
		do {
			xsem_wait(&b->request);
			v = -b->value; /* the "echo": proves the child saw the value */
			b->value = v;
			if (sem_post(&b->reply) == -1)
				demo_die("sem_post");
		} while (v != 1); /* -1 arrived: stop (b->value is the parent's again) */
		_exit(0);
	}
	uint64_t t0 = ct_now_ns();
	for (long i = 0; i <= ROUNDS; i++) {
		b->value = i < ROUNDS ? i + 2 : -1;
		if (sem_post(&b->request) == -1)
			demo_die("sem_post");
		xsem_wait(&b->reply);
		if (b->value != -(i < ROUNDS ? i + 2 : -1)) {
			errno = EPROTO;
			demo_die("semaphore echo");
		}
	}
	double ns = (double)(ct_now_ns() - t0) / (ROUNDS + 1);
	demo_wait_ok(pid);
	if (sem_destroy(&b->request) == -1 || sem_destroy(&b->reply) == -1)
		demo_die("sem_destroy");
	demo_munmap(b, sizeof *b);
	return ns;
}

static long negate(long x)
{
	return -x;
}

static double trip_rpc(void)
{
	static long req[ROUNDS], rep[ROUNDS];

	for (long i = 0; i < ROUNDS; i++)
		req[i] = i;
	uint64_t t0 = ct_now_ns();
	if (rpc_call_all(negate, req, rep, ROUNDS) == -1)
		demo_die("rpc_call_all");
	double ns = (double)(ct_now_ns() - t0) / ROUNDS;
	for (long i = 0; i < ROUNDS; i++)
		if (rep[i] != -i) {
			errno = EPROTO;
			demo_die("rpc_call_all replies");
		}
	return ns;
}

/* ADDS calls of shm_counter_add, in this process (procs 0) or split over procs children. */
static double add_cost(int procs)
{
	struct shm_counter *c = shm_counter_create();

	if (!c)
		demo_die("shm_counter_create");
	uint64_t t0 = ct_now_ns();
	if (procs == 0) {
		for (long i = 0; i < ADDS; i++)
			shm_counter_add(c, 1);
	} else if (count_in_processes(c, procs, ADDS / procs) == -1) {
		demo_die("count_in_processes");
	}
	double ns = (double)(ct_now_ns() - t0) / ADDS;
	if (shm_counter_get(c) != ADDS) {
		errno = EPROTO;
		demo_die("the shared counter lost updates");
	}
	if (shm_counter_destroy(c) == -1)
		demo_die("shm_counter_destroy");
	return ns;
}

static double add_alone(void)
{
	return add_cost(0);
}
static double add_two(void)
{
	return add_cost(2);
}

static void part_round_trips(void)
{
	static const struct {
		const char *name;
		double (*run)(void);
	} ways[] = {
	    {"two pipes", trip_pipes},
	    {"one socketpair (AF_UNIX, SOCK_STREAM)", trip_socketpair},
	    {"two POSIX message queues", trip_mqueue},
	    {"shared memory + two semaphores", trip_semaphores},
	    {"rpc_call_all, per request (socketpair)", trip_rpc},
	};
	double v[REPEAT];

	printf("2. One round trip to another process and back: 8 bytes there, 8 bytes back, %d in a\n"
	       "   row; time per round trip over %d runs\n\n"
	       "                                              median   fastest   slowest\n",
	       ROUNDS, REPEAT);
	for (size_t w = 0; w < sizeof ways / sizeof ways[0]; w++) {
		for (int r = 0; r < REPEAT; r++)
			v[r] = ways[w].run();
		sort(v);
		printf("   %-40s %7.1f us %6.1f us %6.1f us\n", ways[w].name, v[REPEAT / 2] / 1000, v[0] / 1000,
		       v[REPEAT - 1] / 1000);
	}
	printf("\n   Sharing instead of sending: shm_counter_add (lock, add, unlock, in shared memory),\n"
	       "   %d calls per run\n\n",
	       ADDS);
	for (int r = 0; r < REPEAT; r++)
		v[r] = add_alone();
	sort(v);
	printf("   %-40s %7.1f ns %6.1f ns %6.1f ns\n", "one process, nobody else", v[REPEAT / 2], v[0], v[REPEAT - 1]);
	for (int r = 0; r < REPEAT; r++)
		v[r] = add_two();
	sort(v);
	printf("   %-40s %7.1f ns %6.1f ns %6.1f ns\n", "two processes at once (wall time / adds)", v[REPEAT / 2], v[0],
	       v[REPEAT - 1]);
}

int main(void)
{
	struct sigaction ign = {.sa_handler = SIG_IGN};

	sigemptyset(&ign.sa_mask);
	demo_sigaction(SIGPIPE, &ign, NULL);
	printf("concur lesson 07 demo: threads or processes, and the price of IPC.\n\n");
	part_memory();
	part_round_trips();
	printf("\nWhat to look for: a thread costs little more than the memory it touches (a few pages\n"
	       "of stack); a process also gets its own copy of every page it writes after fork, and its\n"
	       "own page tables.  RSS counts a shared page once in every process that maps it, so a sum\n"
	       "of RSS overstates what processes cost; a sum of PSS over every process that maps a page\n"
	       "counts it once.  Neither sees the kernel's own memory per thread or process (its stack\n"
	       "and task structure).  A round trip through\n"
	       "the kernel costs microseconds, mostly for waking the other process, whatever carries the\n"
	       "8 bytes; a lock in shared memory costs nanoseconds while nobody has to wait.  Round trips\n"
	       "vary with where the two processes run: compare  taskset -c 0 make demo LESSON=7\n");
	return 0;
}
