/*
 * test_green.c - grader suite for lesson 12, exercise "green" (green.h).
 *
 * Every test runs the student's library in a child process it forks
 * itself (ct_real_fork), so that a switch into a context that was never
 * made (no stack, a freed stack, a freed record) is told as a crash
 * "while ..." with the steps the green threads had recorded so far, and a
 * scheduler that never ends is stopped after a deadline with the same
 * picture instead of costing the test its 5 s.  The child records into
 * memory shared with the test (ct_shared_alloc): every step of every green
 * thread (which thread, which step, on which kernel thread, when), what
 * each library call returned, the heap blocks (ct_heap_in_use) and the
 * mmap and munmap calls around each run.  The test judges afterwards.
 *
 * The green threads run scripts (script_thread): 's' records a step, 'y'
 * yields, 'c' creates the next thread of the scene, 'x' calls green_exit,
 * 'm' finds the stack the thread runs on.  The trace they must give comes
 * from the grader's own model of green.h's run queue (model_trace): first
 * in, first out, new and yielding threads at the tail.
 *
 * The reading tests use pipes that a kernel thread of the grader's (in
 * the child, created uncounted) writes to after a delay, and that thread
 * also reads, from /proc, what the kernel thread running green_run did
 * while every green thread waited (ct_thread_activity): time runnable and
 * the number of times it woke up.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ct_sched.h"
#include "ct_test.h"
#include "green.h"

CT_SUITE(green);

#define MAX_STEPS   4096
#define MAX_THREADS 160
#define MAX_CREATES 160
#define AFTER_EXIT  (-1) /* the step a thread records if green_exit returned into it */

struct step {
	int16_t thread, n; /* thread's n-th step (from 0) */
	int tid;	   /* the kernel thread it ran on */
	uint64_t at;
};

/* Where a green thread's stack is, as its 'm' step found it. */
enum stack_place { STACK_UNSEEN, STACK_HEAP, STACK_MAPPING, STACK_CALLERS, STACK_STATIC, STACK_UNKNOWN };

/* The test program's static storage (data and bss), from the linker. */
extern char __data_start[], _end[];

struct create_call {
	int by, id; /* by: the creating thread, or -1 for green_run's caller */
	int ret, err;
	int allocs; /* malloc, calloc, realloc and mmap calls it made */
};

struct run_counts {
	bool returned;
	int ret;
	int blocks_before, blocks_after; /* heap blocks allocated and not freed */
	size_t bytes_before, bytes_after;
	int mmaps, munmaps; /* during green_run and the creates before it */
};

struct report {
	char todo[256];
	char doing[240]; /* what the child was doing last: for the messages about crashes and time-outs */
	int caller_tid;
	uintptr_t stack_lo, stack_hi; /* the caller's own stack ([stack] in /proc/self/maps) */
	int nsteps;
	bool overflow;
	struct step steps[MAX_STEPS];
	int after_exit; /* the first thread whose green_exit returned, or -1 */
	int next_id;
	int ncreates;
	struct create_call creates[MAX_CREATES];
	struct {
		enum stack_place place;
		size_t size;
	} stack[MAX_THREADS];
	int init_ret;
	struct run_counts run[2];
	int pthreads; /* pthread_create calls of the student's code */
	/* The reading tests. */
	atomic_int entered; /* green threads that started their read */
	long got[4];	    /* what each read returned */
	int err[4];	    /* its errno */
	char data[4][16];   /* what it read */
	uint64_t read_start[4], read_end[4];
	uint64_t wrote_at[4]; /* when the grader's writer wrote to pipe k */
	int flags_before[4], flags_after[4];
	struct ct_thread_activity idle_from, idle_to; /* green_run's kernel thread while every thread waited */
	uint64_t idle_ns;
	bool writer_gave_up;
	bool done;
};

static struct report *rep;
static const char *scripts[MAX_THREADS]; /* thread i's script, set by the test before the fork */
static int pipes[4][2];

/* ---- what the child does ------------------------------------------- */

static void doing(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void doing(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rep->doing, sizeof rep->doing, fmt, ap);
	va_end(ap);
}

/* "A" .. "Z", then "T26", ... */
static const char *tname(int id, char *buf)
{
	if (id >= 0 && id < 26)
		snprintf(buf, 8, "%c", 'A' + id);
	else
		snprintf(buf, 8, "T%d", id % 10000);
	return buf;
}

static void record(int thread, int n)
{
	if (rep->nsteps >= MAX_STEPS) {
		rep->overflow = true;
		return;
	}
	rep->steps[rep->nsteps++] = (struct step){.thread = thread, .n = n, .tid = gettid(), .at = ct_now_ns()};
}

static int allocs_so_far(void)
{
	return ct_count(CT_CALL_malloc) + ct_count(CT_CALL_calloc) + ct_count(CT_CALL_realloc) + ct_count(CT_CALL_mmap);
}

static void script_thread(void *arg);

/* green_create(fn, id) by thread `by` (-1: the caller of green_run), recorded. */
static int create_fn(int by, int id, green_fn fn)
{
	char a[8], b[8];
	int before = allocs_so_far();

	if (by < 0)
		doing("calling green_create() for thread %s before green_run()", tname(id, a));
	else
		doing("thread %s calling green_create() for thread %s", tname(by, b), tname(id, a));
	errno = 0;
	int ret = green_create(fn, (void *)(intptr_t)id);
	int err = errno;
	if (rep->ncreates < MAX_CREATES)
		rep->creates[rep->ncreates++] = (struct create_call){
		    .by = by, .id = id, .ret = ret, .err = err, .allocs = allocs_so_far() - before};
	return ret;
}

static int create(int by, int id)
{
	return create_fn(by, id, script_thread);
}

/* Where the local at p lives: in a heap block, a mapping, or the caller's stack; and that region's size. */
static void find_stack(int id, const void *p)
{
	static char maps[1 << 16];
	uintptr_t a = (uintptr_t)p, start;
	size_t size;

	if (id >= MAX_THREADS)
		return;
	if (a >= rep->stack_lo && a < rep->stack_hi) {
		rep->stack[id].place = STACK_CALLERS;
		return;
	}
	if (a >= (uintptr_t)__data_start && a < (uintptr_t)_end) {
		rep->stack[id].place = STACK_STATIC;
		return;
	}
	if (ct_heap_block_of(p, &start, &size)) {
		rep->stack[id].place = STACK_HEAP;
		rep->stack[id].size = a - start; /* the room below the frame */
		return;
	}
	rep->stack[id].place = STACK_UNKNOWN;
	int fd = open("/proc/self/maps", O_RDONLY);
	if (fd < 0)
		return;
	size_t len = 0;
	ssize_t r;
	while (len < sizeof maps - 1 && (r = ct_real_read(fd, maps + len, sizeof maps - 1 - len)) > 0)
		len += (size_t)r;
	close(fd);
	maps[len] = '\0';
	for (char *line = maps; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		unsigned long lo, hi;
		if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && a >= lo && a < hi) {
			rep->stack[id].place = STACK_MAPPING;
			rep->stack[id].size = a - lo;
			return;
		}
	}
}

/* What every green thread of the scripted tests runs: scripts[id], one letter at a time. */
static void script_thread(void *arg)
{
	int id = (int)(intptr_t)arg, n = 0;
	char a[8];

	for (const char *pc = scripts[id]; pc && *pc; pc++) {
		switch (*pc) {
		case 's':
			record(id, n++);
			break;
		case 'y':
			doing("thread %s calling green_yield() after its step %d", tname(id, a), n - 1);
			green_yield();
			break;
		case 'c':
			create(id, rep->next_id++);
			break;
		case 'm': {
			volatile char here = 0;
			find_stack(id, (const void *)&here);
			break;
		}
		case 'x':
			doing("thread %s calling green_exit() after its step %d", tname(id, a), n - 1);
			green_exit();
			if (rep->after_exit < 0)
				rep->after_exit = id;
			record(id, AFTER_EXIT);
			return;
		}
	}
	doing("thread %s returning from its function after its step %d", tname(id, a), n - 1);
}

/* The mapping of the calling kernel thread's stack, from /proc/self/maps. */
static void find_own_stack(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];

	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		unsigned long lo, hi;
		if (strstr(line, "[stack]") && sscanf(line, "%lx-%lx", &lo, &hi) == 2) {
			rep->stack_lo = lo;
			rep->stack_hi = hi;
		}
	}
	fclose(f);
}

static void init(void)
{
	doing("calling green_init()");
	rep->init_ret = green_init();
}

/* green_run(), as run k of the scene, with the heap and the mappings counted around it. */
static void run(int k, void (*before_run)(void))
{
	struct run_counts *r = &rep->run[k];

	r->bytes_before = ct_heap_in_use(&r->blocks_before);
	int mm = ct_count(CT_CALL_mmap), mu = ct_count(CT_CALL_munmap);
	if (before_run)
		before_run();
	doing("calling green_run()%s", k ? " for the second time in this process" : "");
	r->ret = green_run();
	r->returned = true;
	doing("green_run() returned");
	r->bytes_after = ct_heap_in_use(&r->blocks_after);
	r->mmaps = ct_count(CT_CALL_mmap) - mm;
	r->munmaps = ct_count(CT_CALL_munmap) - mu;
}

static int ninitial; /* threads 0 .. ninitial-1 are created before green_run */

static void create_initial(void)
{
	for (int i = 0; i < ninitial; i++)
		create(-1, rep->next_id++);
}

/* The scripted scene: init, the initial threads, run. */
static void scripted_scene(void)
{
	init();
	run(0, create_initial);
}

/* ---- what the test does -------------------------------------------- */

static int child_status;
static bool child_timed_out;

/*
 * Runs scene() in a child and waits for it, at most timeout_ms; then the
 * checks every test makes: the TODO, a crash, a time-out, an early end,
 * kernel threads, steps on another kernel thread.  `what` says what the
 * scene does, for the messages.
 */
static void expect_scene(void (*scene)(void), int timeout_ms, const char *what);

static char *describe_steps(const struct step *s, int n, int from, char *buf, size_t len)
{
	size_t used = 0;
	char a[8];

	buf[0] = '\0';
	if (n == 0) {
		snprintf(buf, len, "(none)");
		return buf;
	}
	if (from > 0)
		used += (size_t)snprintf(buf + used, len - used, "... ");
	for (int i = from; i < n && used + 24 < len; i++) {
		if (i - from >= 28) {
			snprintf(buf + used, len - used, "... (%d in all)", n);
			return buf;
		}
		used += (size_t)snprintf(buf + used, len - used, "%s%s%d", i > from ? " " : "", tname(s[i].thread, a),
					 s[i].n);
	}
	return buf;
}

static const char *last_steps(char *buf, size_t len)
{
	int n = rep->nsteps, from = n > 12 ? n - 12 : 0;
	char steps[600];

	snprintf(buf, len, "The steps the green threads had recorded: %s",
		 describe_steps(rep->steps, n, from, steps, sizeof steps));
	return buf;
}

static void child_main(void (*scene)(void))
{
	ct_todo_redirect(rep->todo, sizeof rep->todo);
	rep->caller_tid = gettid();
	rep->after_exit = -1;
	find_own_stack();
	int threads = ct_count(CT_CALL_pthread_create);
	scene();
	rep->pthreads = ct_count(CT_CALL_pthread_create) - threads;
	rep->done = true;
	ct_exit_now(0);
}

static void expect_scene(void (*scene)(void), int timeout_ms, const char *what)
{
	char tail[800], a[8];

	rep = ct_shared_alloc(sizeof *rep);
	pid_t pid = ct_real_fork();
	CT_CHECK(pid >= 0, "grader error: fork failed (%s)", strerror(errno));
	if (pid == 0)
		child_main(scene);
	uint64_t until = ct_now_ns() + (uint64_t)timeout_ms * CT_MS;
	pid_t w;
	child_timed_out = false;
	while ((w = ct_real_waitpid(pid, &child_status, WNOHANG)) == 0 && ct_now_ns() < until)
		ct_sleep_ns(CT_MS);
	if (w == 0) {
		child_timed_out = true;
		kill(pid, SIGKILL);
		ct_real_waitpid(pid, &child_status, 0);
	}
	CT_CHECK(!rep->todo[0], "%s", rep->todo);
	CT_CHECK(!WIFSIGNALED(child_status) || child_timed_out,
		 "%s: the process crashed (SIG%s, %s) while %s. %s\n"
		 "A crash in a green thread library is usually a switch into a context that was never made whole "
		 "(makecontext needs getcontext first, and uc_stack.ss_sp and ss_size set to the thread's own stack), "
		 "a stack or record freed while its thread still needed it (free a finished thread's stack only after "
		 "switching away from it), or a stack too small for what the thread does",
		 what, sigabbrev_np(WTERMSIG(child_status)) ?: "?", strsignal(WTERMSIG(child_status)), rep->doing,
		 last_steps(tail, sizeof tail));
	CT_CHECK(!child_timed_out,
		 "%s: nothing had ended after %d ms, while %s (the grader stopped it). %s\n"
		 "Does green_run stop once no thread is left? Does a finished thread leave the run queue for good? "
		 "Does green_read return at end of file and on errors, instead of waiting again?",
		 what, timeout_ms, rep->doing, last_steps(tail, sizeof tail));
	CT_CHECK(rep->done || rep->after_exit < 0,
		 "%s: green_exit() returned into thread %s, which went on with its function, and then the process "
		 "ended (exit status %d) while %s. green_exit must switch away from the calling thread for good: "
		 "the scheduler never resumes a finished thread",
		 what, tname(rep->after_exit, a), WEXITSTATUS(child_status), rep->doing);
	CT_CHECK(rep->done,
		 "%s: the process ended (exit status %d) while %s, before green_run() had returned. %s\n"
		 "When the function of a context made by makecontext returns (because fn returned, or your "
		 "green_exit did) and uc_link is NULL, the kernel thread ends there (glibc calls exit(0)): let every "
		 "green thread finish through a green_exit that never returns (a start function that calls fn(arg) "
		 "and then green_exit), or point uc_link at the scheduler's context",
		 what, WEXITSTATUS(child_status), rep->doing, last_steps(tail, sizeof tail));
	CT_CHECK(rep->init_ret == 0, "green_init() returned %d; green.h says it returns 0", rep->init_ret);
	CT_CHECK(rep->pthreads == 0,
		 "%s: your code called pthread_create() %d times. Green threads are user-level threads: the library "
		 "switches between them itself, with swapcontext, on the one kernel thread that calls green_run",
		 what, rep->pthreads);
	for (int i = 0; i < rep->nsteps; i++)
		CT_CHECK(
		    rep->steps[i].tid == rep->caller_tid,
		    "%s: green thread %s made its step %d on kernel thread %d, but green_run() was called on kernel "
		    "thread %d: every green thread must run on the kernel thread that calls green_run, and only "
		    "there (switch with swapcontext; start no kernel thread)",
		    what, tname(rep->steps[i].thread, a), rep->steps[i].n, rep->steps[i].tid, rep->caller_tid);
}

/* The trace green.h's run queue gives for scripts[0 .. ninitial-1] created before green_run. */
static int model_trace(struct step *out, int max)
{
	struct {
		int id, n;
		const char *pc;
	} q[256];
	int qh = 0, qn = 0, next_id = ninitial, k = 0;

	for (int i = 0; i < ninitial; i++)
		q[qn++] = (typeof(q[0])){.id = i, .pc = scripts[i]};
	while (qh < qn) {
		typeof(q[0]) t = q[qh++ % 256];
		for (char c; (c = *t.pc) && c != 'x';) {
			t.pc++;
			if (c == 's' && k < max)
				out[k++] = (struct step){.thread = t.id, .n = t.n++};
			else if (c == 'c') {
				q[qn++ % 256] = (typeof(q[0])){.id = next_id, .pc = scripts[next_id]};
				next_id++;
			} else if (c == 'y') {
				q[qn++ % 256] = t;
				break;
			}
		}
	}
	return k;
}

/* The steps recorded are exactly the model's, in its order. */
static void expect_trace(const char *what)
{
	static struct step want[MAX_STEPS];
	char got_s[800], want_s[800], a[8], b[8];
	int nwant = model_trace(want, MAX_STEPS), i = 0;

	CT_CHECK(rep->after_exit < 0,
		 "%s: green_exit() returned into thread %s, which then went on with its function: green_exit must "
		 "switch away from the calling thread for good (its context is never resumed)",
		 what, tname(rep->after_exit, a));
	while (i < nwant && i < rep->nsteps && want[i].thread == rep->steps[i].thread && want[i].n == rep->steps[i].n)
		i++;
	if (i == nwant && i == rep->nsteps) {
		CT_CHECK(true, "trace");
		return;
	}
	int from = i > 6 ? i - 6 : 0;
	describe_steps(rep->steps, rep->nsteps, from, got_s, sizeof got_s);
	describe_steps(want, nwant, from, want_s, sizeof want_s);
	if (i == rep->nsteps)
		CT_CHECK(false,
			 "%s: the green threads recorded only %d of the %d steps that green.h's run queue gives "
			 "(expected %s; got %s). green_run must go on until every thread, those created while it "
			 "runs included, has finished",
			 what, rep->nsteps, nwant, want_s, got_s);
	else if (i == nwant)
		CT_CHECK(false,
			 "%s: the green threads recorded %d steps, more than the %d expected (expected %s; got %s)",
			 what, rep->nsteps, nwant, want_s, got_s);
	else
		CT_CHECK(
		    false,
		    "%s: the steps do not follow green.h's first-in first-out run queue.\n"
		    "expected: %s\n"
		    "got:      %s\n"
		    "Step %d was %s%d where %s%d was due. green_create and green_yield put a thread at the tail of "
		    "the queue, the creator goes on running, and the thread at the head runs whenever the "
		    "running one yields or finishes",
		    what, want_s, got_s, i + 1, tname(rep->steps[i].thread, a), rep->steps[i].n,
		    tname(want[i].thread, b), want[i].n);
}

static void expect_run_ok(int k, const char *what)
{
	CT_CHECK(rep->run[k].returned && rep->run[k].ret == 0, "%s: green_run() returned %d; expected 0", what,
		 rep->run[k].ret);
}

/* Every create of the scene succeeded. */
static void expect_creates_ok(const char *what)
{
	char a[8];

	for (int i = 0; i < rep->ncreates; i++)
		CT_CHECK(
		    rep->creates[i].ret == 0,
		    "%s: green_create() for thread %s returned %d (errno %s) with only a few threads alive; expected 0",
		    what, tname(rep->creates[i].id, a), rep->creates[i].ret,
		    strerrorname_np(rep->creates[i].err) ?: "0");
}

/* Nothing of run k is left allocated once green_run returned. */
static void expect_no_leak(int k, const char *what)
{
	const struct run_counts *r = &rep->run[k];
	int blocks = r->blocks_after - r->blocks_before;

	CT_CHECK(blocks <= 0,
		 "%s: once green_run() had returned, %d heap block%s (%zu bytes) allocated since the first "
		 "green_create() %s still allocated: free every finished thread's stack (and its record) before "
		 "green_run returns",
		 what, blocks, blocks == 1 ? "" : "s", r->bytes_after - r->bytes_before, blocks == 1 ? "was" : "were");
	CT_CHECK(r->munmaps >= r->mmaps,
		 "%s: mmap() was called %d times and munmap() only %d times by the time green_run() returned: unmap "
		 "every stack you mapped, once its thread has finished",
		 what, r->mmaps, r->munmaps);
}

/* The common verdicts of a scripted scene. */
static void expect_scripted(const char *what)
{
	expect_creates_ok(what);
	expect_trace(what);
	expect_run_ok(0, what);
	expect_no_leak(0, what);
}

CT_TEST(green, correct_threads_take_turns_round_robin)
{
	const char *what = "green_create() for A, B and C, each recording 3 steps with green_yield() between them, "
			   "then green_run()";

	ninitial = 3;
	scripts[0] = scripts[1] = scripts[2] = "sysys";
	expect_scene(scripted_scene, 1500, what);
	expect_scripted(what);
	ct_pass();
}

CT_TEST(green, correct_threads_that_finish_early_leave_the_others_in_turn)
{
	const char *what =
	    "A records 1 step then calls green_exit() (with a step after it that must never run), B "
	    "records 4 steps with yields between, C 1 step and returns, D 2 steps then calls green_exit(), "
	    "E 3 steps, then green_run()";

	ninitial = 5;
	scripts[0] = "sxs";
	scripts[1] = "sysysys";
	scripts[2] = "s";
	scripts[3] = "sysxs";
	scripts[4] = "sysys";
	expect_scene(scripted_scene, 1500, what);
	expect_scripted(what);
	ct_pass();
}

CT_TEST(green, correct_threads_created_by_green_threads_join_the_tail)
{
	const char *what = "A and B are created before green_run(); A creates C in its first turn, C creates D; "
			   "each records steps with yields between";

	ninitial = 2;
	scripts[0] = "scysys"; /* A creates C and goes on */
	scripts[1] = "sysys";
	scripts[2] = "scysys"; /* C creates D */
	scripts[3] = "sys";
	expect_scene(scripted_scene, 1500, what);
	expect_scripted(what);
	ct_pass();
}

static void create_second(void)
{
	create(-1, rep->next_id++);
	create(-1, rep->next_id++);
}

static void two_runs_scene(void)
{
	init();
	run(0, create_initial);
	doing("calling green_init() after green_run() returned");
	rep->init_ret |= green_init();
	run(1, create_second);
}

CT_TEST(green, correct_every_stack_is_freed_and_a_second_run_works)
{
	const char *what = "green_create() for A, B and C, green_run(); then in the same process green_init(), "
			   "green_create() for D and E, green_run() again";
	char a[8];

	ninitial = 3;
	scripts[0] = scripts[1] = scripts[2] = "sysys";
	scripts[3] = scripts[4] = "sysys";
	expect_scene(two_runs_scene, 1500, what);
	expect_creates_ok(what);
	for (int i = 0; i < rep->ncreates; i++)
		CT_CHECK(rep->creates[i].allocs > 0,
			 "%s: green_create() for thread %s called none of malloc, calloc or mmap: it must allocate the "
			 "thread's stack itself (GREEN_STACK_SIZE bytes), one per thread",
			 what, tname(rep->creates[i].id, a));
	expect_run_ok(0, what);
	expect_no_leak(0, "the first green_run()");
	expect_run_ok(1, what);
	expect_no_leak(1, "the second green_run()");
	static struct step first[64];
	int n = model_trace(first, 64); /* the first run's: ninitial is 3 */
	for (int i = 0; i < n && i < rep->nsteps; i++)
		CT_CHECK(rep->steps[i].thread == first[i].thread && rep->steps[i].n == first[i].n,
			 "%s: in the first run, step %d was %s%d; expected %s%d (A, B and C in turn)", what, i + 1,
			 tname(rep->steps[i].thread, a), rep->steps[i].n, tname(first[i].thread, a + 4), first[i].n);
	CT_CHECK(rep->nsteps == n + 6,
		 "%s: the green threads recorded %d steps; expected %d (3 each): did the second green_run() run D "
		 "and E?",
		 what, rep->nsteps, n + 6);
	for (int i = 0; i < 6; i++)
		CT_CHECK(rep->steps[n + i].thread == 3 + i % 2 && rep->steps[n + i].n == i / 2,
			 "%s: in the second run, step %d was %s%d; expected %s%d (D and E in turn)", what, i + 1,
			 tname(rep->steps[n + i].thread, a), rep->steps[n + i].n, i % 2 ? "E" : "D", i / 2);
	ct_pass();
}

CT_TEST(green, correct_each_thread_runs_on_its_own_stack_of_green_stack_size)
{
	const char *what = "green_create() for A, B and C, each looking where its stack is, then green_run()";
	char a[8];

	ninitial = 3;
	scripts[0] = scripts[1] = scripts[2] = "msyms";
	expect_scene(scripted_scene, 1500, what);
	expect_scripted(what);
	for (int i = 0; i < 3; i++) {
		CT_CHECK(rep->stack[i].place != STACK_CALLERS,
			 "%s: thread %s ran on the stack of green_run()'s caller: give each thread a stack of its own "
			 "(uc_stack.ss_sp and ss_size of its context, before makecontext)",
			 what, tname(i, a));
		CT_CHECK(rep->stack[i].place == STACK_HEAP || rep->stack[i].place == STACK_MAPPING,
			 "%s: thread %s ran on a stack %s: green_create must allocate each stack itself, with "
			 "malloc, calloc or mmap",
			 what, tname(i, a),
			 rep->stack[i].place == STACK_STATIC
			     ? "in static storage (a global or static array)"
			     : "that is neither a heap block from malloc or calloc nor a mapping");
		CT_CHECK(rep->stack[i].size + 2048 >= GREEN_STACK_SIZE,
			 "%s: thread %s's stack has only %zu bytes below its function's frame; green.h asks for "
			 "GREEN_STACK_SIZE (%d) bytes per thread",
			 what, tname(i, a), rep->stack[i].size, GREEN_STACK_SIZE);
	}
	ct_pass();
}

static void create_max_plus_one(void)
{
	for (int i = 0; i < GREEN_MAX + 1; i++)
		create(-1, rep->next_id++);
}

static void max_scene(void)
{
	init();
	run(0, create_max_plus_one);
}

CT_TEST(green, correct_at_most_green_max_alive_then_eagain)
{
	const char *what = "green_create() called GREEN_MAX + 1 times before green_run()";
	char a[8];

	ninitial = GREEN_MAX;
	for (int i = 0; i <= GREEN_MAX; i++)
		scripts[i] = "sys";
	expect_scene(max_scene, 2000, what);
	CT_CHECK(rep->ncreates == GREEN_MAX + 1, "grader error: %d creates", rep->ncreates);
	for (int i = 0; i < GREEN_MAX; i++)
		CT_CHECK(rep->creates[i].ret == 0,
			 "%s: call %d, for thread %s, returned %d (errno %s) with %d threads alive; expected 0 (up to "
			 "GREEN_MAX = %d may be alive)",
			 what, i + 1, tname(i, a), rep->creates[i].ret, strerrorname_np(rep->creates[i].err) ?: "0", i,
			 GREEN_MAX);
	const struct create_call *last = &rep->creates[GREEN_MAX];
	CT_CHECK(last->ret == -1 && last->err == EAGAIN,
		 "%s: call %d returned %d with errno %s while GREEN_MAX = %d threads were alive; expected -1 with "
		 "errno EAGAIN",
		 what, GREEN_MAX + 1, last->ret, strerrorname_np(last->err) ?: "0", GREEN_MAX);
	expect_trace(what);
	expect_run_ok(0, what);
	expect_no_leak(0, what);
	ct_pass();
}

CT_TEST(green, correct_finished_threads_no_longer_count)
{
	static char script0[2 * 150 + 1];
	const char *what = "thread A creates a thread and yields, 150 times over; each new thread records one step "
			   "and returns, so at most 2 are alive at any time";

	ninitial = 1;
	for (int i = 0; i < 150; i++)
		memcpy(script0 + 2 * i, "cy", 2);
	scripts[0] = script0;
	for (int i = 1; i <= 150; i++)
		scripts[i] = "s";
	expect_scene(scripted_scene, 2000, what);
	for (int i = 0; i < rep->ncreates; i++)
		CT_CHECK(rep->creates[i].ret == 0,
			 "%s: green_create() number %d returned %d (errno %s) although only 2 threads were alive: a "
			 "finished thread no longer counts against GREEN_MAX",
			 what, i, rep->creates[i].ret, strerrorname_np(rep->creates[i].err) ?: "0");
	expect_trace(what);
	expect_run_ok(0, what);
	expect_no_leak(0, what);
	ct_pass();
}

/*
 * One allocation call fails at a time, for each call green_create may use
 * and for its first and second use: the create must then fail with ENOMEM
 * and leave nothing allocated, or (if the fault did not act: the call was
 * not used that many times) succeed.
 */
static const enum ct_call alloc_calls[] = {CT_CALL_malloc, CT_CALL_calloc, CT_CALL_mmap};
#define NFAULTS 6

struct fault_result {
	bool acted;
	int ret, err, blocks, mmaps, munmaps;
};
static struct fault_result *faults;

static void failed_alloc_scene(void)
{
	init();
	for (int f = 0; f < NFAULTS; f++) {
		int blocks0, blocks1;
		ct_heap_in_use(&blocks0);
		int mm = ct_count(CT_CALL_mmap), mu = ct_count(CT_CALL_munmap);
		ct_fail_call(alloc_calls[f / 2], f % 2 + 1, ENOMEM);
		int before = rep->ncreates;
		create(-1, rep->next_id);
		struct fault_result *r = &faults[f];
		r->acted = ct_faults_injected(alloc_calls[f / 2]) > 0;
		ct_faults_reset();
		r->ret = rep->creates[before].ret;
		r->err = rep->creates[before].err;
		ct_heap_in_use(&blocks1);
		r->blocks = blocks1 - blocks0;
		r->mmaps = ct_count(CT_CALL_mmap) - mm;
		r->munmaps = ct_count(CT_CALL_munmap) - mu;
		if (r->ret == 0)
			rep->next_id++;
	}
	ninitial = 0;
	run(0, NULL);
}

CT_TEST(green, correct_a_failed_allocation_returns_enomem_and_leaks_nothing)
{
	const char *what = "green_create() while one of its allocations fails with ENOMEM (the 1st or 2nd malloc, "
			   "calloc or mmap it makes)";
	static const char *const names[] = {"malloc", "calloc", "mmap"};
	char a[8];

	faults = ct_shared_alloc(sizeof *faults * NFAULTS);
	for (int i = 0; i < MAX_THREADS; i++)
		scripts[i] = "sys";
	expect_scene(failed_alloc_scene, 2000, what);
	int failed = 0;
	for (int f = 0; f < NFAULTS; f++) {
		const struct fault_result *r = &faults[f];
		if (r->ret == 0) {
			CT_CHECK(!r->acted,
				 "green_create() returned 0 although call %d of %s in it failed with ENOMEM: when an "
				 "allocation fails, return -1 with errno ENOMEM",
				 f % 2 + 1, names[f / 2]);
			continue;
		}
		failed++;
		int mapped =
		    r->mmaps - (alloc_calls[f / 2] == CT_CALL_mmap) - r->munmaps; /* the failed mmap mapped nothing */
		CT_CHECK(r->ret == -1 && r->err == ENOMEM,
			 "green_create() while call %d of %s failed with ENOMEM returned %d with errno %s; expected -1 "
			 "with errno ENOMEM",
			 f % 2 + 1, names[f / 2], r->ret, strerrorname_np(r->err) ?: "0");
		CT_CHECK(r->blocks <= 0 && mapped <= 0,
			 "green_create() while call %d of %s failed with ENOMEM returned -1 but left %d heap block%s "
			 "allocated and %d mapping%s mapped: free (or unmap) what it had allocated before the failure",
			 f % 2 + 1, names[f / 2], r->blocks > 0 ? r->blocks : 0, r->blocks == 1 ? "" : "s",
			 mapped > 0 ? mapped : 0, mapped == 1 ? "" : "s");
	}
	CT_CHECK(failed > 0,
		 "%s: every green_create() returned 0 although its first malloc, calloc or mmap failed: it must "
		 "return -1 with errno ENOMEM when an allocation fails",
		 what);
	/* The threads whose create succeeded run, and only they. */
	int ok = 0;
	for (int f = 0; f < NFAULTS; f++)
		ok += faults[f].ret == 0;
	CT_CHECK(ok > 0, "%s: no green_create() succeeded, although each made only one allocation fail", what);
	CT_CHECK(rep->nsteps == 2 * ok,
		 "%s: after %d creates succeeded and %d failed, green_run() ran %d steps; expected %d (2 per thread "
		 "created): a failed create must leave no thread in the run queue",
		 what, ok, NFAULTS - ok, rep->nsteps, 2 * ok);
	for (int i = 0; i < rep->nsteps; i++)
		CT_CHECK(rep->steps[i].thread == i % ok, "%s: step %d was thread %s's; expected thread %s's", what,
			 i + 1, tname(rep->steps[i].thread, a), tname(i % ok, a + 4));
	expect_run_ok(0, what);
	expect_no_leak(0, what);
	ct_pass();
}

/* ---- reading ------------------------------------------------------- */

static void make_pipes(int n)
{
	for (int k = 0; k < n; k++)
		if (pipe2(pipes[k], O_CLOEXEC) == -1)
			ct_exit_now(1);
}

/* Green thread k reads up to 15 bytes from pipe k with green_read, or with plain read when plain. */
static bool plain_read;
static void reader_thread(void *arg)
{
	int k = (int)(intptr_t)arg;

	doing("the reader of pipe %d calling %s(fd, buf, 15) on it while it was empty", k,
	      plain_read ? "read" : "green_read");
	rep->read_start[k] = ct_now_ns();
	atomic_fetch_add(&rep->entered, 1);
	errno = 0;
	rep->got[k] =
	    plain_read ? ct_real_read(pipes[k][0], rep->data[k], 15) : green_read(pipes[k][0], rep->data[k], 15);
	rep->err[k] = errno;
	rep->read_end[k] = ct_now_ns();
	doing("the reader of pipe %d: its read returned %ld", k, rep->got[k]);
}

/* 20 times and then until the reader is done (1000 at most): a step, 1 ms of work, a yield. */
static void worker_thread(void *arg)
{
	int id = (int)(intptr_t)arg;

	for (int n = 0; n < 1000 && (n < 20 || !rep->read_end[0]); n++) {
		record(id, n);
		ct_sleep_ns(CT_MS);
		green_yield();
	}
}

/* Waits until `count` readers have started, for at most 2 s; false if they did not. */
static bool wait_entered(int count)
{
	uint64_t until = ct_now_ns() + 2000 * CT_MS;

	while (atomic_load(&rep->entered) < count)
		if (ct_now_ns() > until)
			return false;
		else
			ct_sleep_ns(CT_MS);
	return true;
}

static void write_pipe(int k, const char *s)
{
	rep->wrote_at[k] = ct_now_ns();
	if (ct_real_write(pipes[k][1], s, strlen(s)) != (ssize_t)strlen(s))
		ct_exit_now(1);
}

/* The writer of the stall tests: 200 ms after thread A started its read, "ping" into pipe 0. */
static void *stall_writer(void *arg)
{
	(void)arg;
	if (!wait_entered(1)) {
		rep->writer_gave_up = true;
		write_pipe(0, "ping");
		return NULL;
	}
	ct_sleep_ns(200 * CT_MS);
	write_pipe(0, "ping");
	return NULL;
}

static pthread_t writer;

static void start_writer(void *(*fn)(void *))
{
	if (ct_real_pthread_create(&writer, NULL, fn, NULL) != 0)
		ct_exit_now(1);
}

static void stall_scene(void)
{
	make_pipes(1);
	init();
	create_fn(-1, 0, reader_thread);
	create_fn(-1, 1, worker_thread);
	create_fn(-1, 2, worker_thread);
	start_writer(stall_writer);
	run(0, NULL);
	ct_real_pthread_join(writer, NULL);
}

/* Steps of thread id recorded strictly inside (from, to). */
static int steps_between(int id, uint64_t from, uint64_t to)
{
	int n = 0;

	for (int i = 0; i < rep->nsteps; i++)
		n += rep->steps[i].thread == id && rep->steps[i].at > from && rep->steps[i].at < to;
	return n;
}

static void expect_ping(int k, const char *call)
{
	char a[8];

	CT_CHECK(rep->got[k] == 4 && memcmp(rep->data[k], "ping", 4) == 0,
		 "%s in thread %s returned %ld (errno %s); the grader wrote \"ping\" (4 bytes) into the pipe", call,
		 tname(k, a), rep->got[k], strerrorname_np(rep->err[k]) ?: "0");
}

CT_TEST(green, timing_a_blocking_read_stalls_every_green_thread)
{
	const char *what = "A calls plain read() on an empty pipe that the grader writes to 200 ms later, while B "
			   "and C record a step and yield, over and over";

	plain_read = true;
	expect_scene(stall_scene, 2500, what);
	expect_creates_ok(what);
	expect_ping(0, "read(fd, buf, 15)");
	uint64_t from = rep->read_start[0], to = rep->read_end[0];
	int b = steps_between(1, from, to), c = steps_between(2, from, to);
	CT_CHECK(b + c == 0,
		 "%s: B and C recorded %d and %d steps during the %.0f ms that A was blocked in read(). A blocking "
		 "system call blocks the kernel thread, and with it every green thread on it: if the others ran, they "
		 "were not green threads on the one kernel thread of green_run",
		 what, b, c, (double)(to - from) / 1e6);
	CT_CHECK(rep->nsteps > 0, "%s: B and C recorded no step at all", what);
	expect_run_ok(0, what);
	ct_pass();
}

CT_TEST(green, timing_green_read_lets_the_others_run)
{
	const char *what = "A calls green_read() on an empty pipe that the grader writes to 200 ms later, while B "
			   "and C record a step, work 1 ms and yield, over and over";

	plain_read = false;
	expect_scene(stall_scene, 2500, what);
	expect_creates_ok(what);
	expect_ping(0, "green_read(fd, buf, 15)");
	uint64_t from = rep->read_start[0], to = rep->read_end[0];
	int b = steps_between(1, from, to), c = steps_between(2, from, to);
	CT_CHECK(!rep->writer_gave_up, "%s: thread A never started its read", what);
	CT_CHECK(b >= 10 && c >= 10,
		 "%s: while green_read() waited %.0f ms for data, B and C recorded only %d and %d steps (at least 10 "
		 "each expected; about 100 each can run). green_read must not block the kernel thread: while a read "
		 "would block, let the other green threads run (poll with a timeout of 0, or O_NONBLOCK, and "
		 "green_yield)",
		 what, (double)(to - from) / 1e6, b, c);
	expect_run_ok(0, what);
	expect_no_leak(0, what);
	ct_pass();
}

/*
 * The writer of the idle test: once A and B both wait, looks at the kernel
 * thread of green_run for 200 ms, then writes to both pipes.
 */
static void *idle_writer(void *arg)
{
	(void)arg;
	if (!wait_entered(2))
		rep->writer_gave_up = true;
	else {
		ct_sleep_ns(30 * CT_MS);
		uint64_t t0 = ct_now_ns();
		rep->idle_from = ct_thread_activity(rep->caller_tid);
		ct_sleep_ns(200 * CT_MS);
		rep->idle_to = ct_thread_activity(rep->caller_tid);
		rep->idle_ns = ct_now_ns() - t0;
	}
	write_pipe(0, "ping");
	write_pipe(1, "ping");
	return NULL;
}

static void two_readers_scene(void *(*writer_fn)(void *))
{
	make_pipes(2);
	init();
	create_fn(-1, 0, reader_thread);
	create_fn(-1, 1, reader_thread);
	start_writer(writer_fn);
	run(0, NULL);
	ct_real_pthread_join(writer, NULL);
}

/* Runs a scene of two readers, A on pipe 0 and B on pipe 1, each of which must get "ping". */
static void expect_two_readers(void (*scene)(void), const char *what)
{
	plain_read = false;
	expect_scene(scene, 2500, what);
	expect_creates_ok(what);
	CT_CHECK(!rep->writer_gave_up, "%s: A and B never both started their reads", what);
	expect_ping(0, "green_read(fd, buf, 15)");
	expect_ping(1, "green_read(fd, buf, 15)");
}

static void idle_scene(void)
{
	two_readers_scene(idle_writer);
}

CT_TEST(green, timing_the_scheduler_sleeps_while_every_thread_waits)
{
	const char *what = "A and B each call green_read() on an empty pipe of their own; the grader writes to both "
			   "230 ms later";

	expect_two_readers(idle_scene, what);
	if (!rep->idle_from.ok || !rep->idle_to.ok)
		CT_SKIP("skipped: /proc does not tell what a thread did (no schedstat)");
	double ms = (double)rep->idle_ns / 1e6;
	double busy =
	    (double)(rep->idle_to.run_ns + rep->idle_to.wait_ns - rep->idle_from.run_ns - rep->idle_from.wait_ns) /
	    (double)rep->idle_ns;
	unsigned long wakeups = rep->idle_to.voluntary - rep->idle_from.voluntary;
	CT_CHECK(busy < 0.5,
		 "%s: while both threads waited, the kernel thread of green_run was running or ready to run %.0f%% of "
		 "%.0f ms: it spins. When every green thread waits in green_read, sleep in one poll() on all their "
		 "descriptors (timeout -1) until one is ready",
		 what, 100 * busy, ms);
	CT_CHECK(wakeups <= 10,
		 "%s: while both threads waited, the kernel thread of green_run woke up %lu times in %.0f ms: it "
		 "naps and looks again. green.h asks for one poll() on all the waiting threads' descriptors that "
		 "sleeps until one is ready (timeout -1), with no periodic wake-up",
		 what, wakeups, ms);
	expect_run_ok(0, what);
	ct_pass();
}

/* The writer of the ready-first test: "ping" into B's pipe 50 ms after both wait, into A's 300 ms later. */
static void *b_first_writer(void *arg)
{
	(void)arg;
	if (!wait_entered(2))
		rep->writer_gave_up = true;
	else
		ct_sleep_ns(50 * CT_MS);
	write_pipe(1, "ping");
	ct_sleep_ns(300 * CT_MS);
	write_pipe(0, "ping");
	return NULL;
}

static void b_first_scene(void)
{
	two_readers_scene(b_first_writer);
}

CT_TEST(green, timing_the_thread_whose_data_came_runs_first)
{
	const char *what = "A and B each call green_read() on an empty pipe of their own; the grader writes to B's "
			   "pipe after 50 ms and to A's 300 ms after that";

	expect_two_readers(b_first_scene, what);
	CT_CHECK(rep->read_end[1] < rep->wrote_at[0],
		 "%s: B's green_read() returned %.0f ms after its data came, only after A's data came too: while every "
		 "thread waits, green_run must wait for all their descriptors at once (one poll() on all of them), "
		 "not for the first waiting thread's alone",
		 what, (double)(rep->read_end[1] - rep->wrote_at[1]) / 1e6);
	CT_CHECK(rep->read_end[0] >= rep->wrote_at[0], "%s: A's green_read() returned before its data was written",
		 what);
	expect_run_ok(0, what);
	ct_pass();
}

/* What green_read returns: bytes, at most n, 0 at end of file, -1 with read's errno. */
struct basic_read {
	long got[5];
	int err[5];
	char data[5][8];
};
static struct basic_read *basic;

static void basics_thread(void *arg)
{
	(void)arg;
	doing("thread A calling green_read(fd, buf, 3) on a pipe holding \"hello\"");
	errno = 0;
	basic->got[0] = green_read(pipes[0][0], basic->data[0], 3);
	basic->err[0] = errno;
	doing("thread A calling green_read(fd, buf, 7) on a pipe holding \"lo\"");
	errno = 0;
	basic->got[1] = green_read(pipes[0][0], basic->data[1], 7);
	basic->err[1] = errno;
	close(pipes[0][1]);
	doing("thread A calling green_read(fd, buf, 7) on a pipe at end of file (every write end closed)");
	errno = 0;
	basic->got[2] = green_read(pipes[0][0], basic->data[2], 7);
	basic->err[2] = errno;
	close(pipes[0][0]);
	doing("thread A calling green_read(fd, buf, 7) on a descriptor that is closed");
	errno = 0;
	basic->got[3] = green_read(pipes[0][0], basic->data[3], 7);
	basic->err[3] = errno;
}

static void basics_scene(void)
{
	make_pipes(1);
	ct_real_write(pipes[0][1], "hello", 5);
	init();
	create_fn(-1, 0, basics_thread);
	run(0, NULL);
}

/* basic->got[i] is want: bytes of data, 0, or -1 with errno want_err; `expected` says it in words. */
static void expect_read(int i, const char *call, long want, const char *data, int want_err, const char *expected)
{
	long got = basic->got[i];
	bool ok = got == want;

	if (ok && want > 0)
		ok = memcmp(basic->data[i], data, (size_t)want) == 0;
	if (ok && want < 0)
		ok = basic->err[i] == want_err;
	CT_CHECK(ok, "%s returned %ld (errno %s%s%.*s%s); expected %s", call, got,
		 strerrorname_np(basic->err[i]) ?: "0", got > 0 ? ", bytes \"" : "", got > 0 && got < 8 ? (int)got : 0,
		 basic->data[i], got > 0 ? "\"" : "", expected);
}

CT_TEST(green, correct_green_read_returns_what_read_returns)
{
	const char *what = "one green thread reading a pipe that holds \"hello\", then at end of file, then a closed "
			   "descriptor";

	basic = ct_shared_alloc(sizeof *basic);
	expect_scene(basics_scene, 1500, what);
	expect_creates_ok(what);
	expect_read(0, "green_read(fd, buf, 3) on a pipe holding \"hello\"", 3, "hel", 0, "3 (\"hel\")");
	expect_read(1, "green_read(fd, buf, 7) on a pipe holding \"lo\"", 2, "lo", 0, "2 (\"lo\")");
	expect_read(2, "green_read(fd, buf, 7) at end of file", 0, "", 0, "0 (end of file)");
	expect_read(3, "green_read(fd, buf, 7) on a closed descriptor", -1, "", EBADF,
		    "-1 with errno EBADF, as read(2) says");
	expect_run_ok(0, what);
	expect_no_leak(0, what);
	ct_pass();
}

static void eintr_thread(void *arg)
{
	(void)arg;
	doing("thread A calling green_read(fd, buf, 7) on a pipe holding \"hello\", its first read() interrupted");
	ct_fail_call(CT_CALL_read, 1, EINTR);
	errno = 0;
	basic->got[0] = green_read(pipes[0][0], basic->data[0], 7);
	basic->err[0] = errno;
	basic->got[4] = ct_faults_injected(CT_CALL_read);
	ct_faults_reset();
}

static void eintr_scene(void)
{
	make_pipes(1);
	ct_real_write(pipes[0][1], "hello", 5);
	init();
	create_fn(-1, 0, eintr_thread);
	run(0, NULL);
}

CT_TEST(green, correct_green_read_retries_an_interrupted_read)
{
	const char *what = "one green thread reading a pipe that holds \"hello\", its first read() failing with EINTR";

	basic = ct_shared_alloc(sizeof *basic);
	expect_scene(eintr_scene, 1500, what);
	CT_CHECK(basic->got[4] == 1,
		 "%s: green_read() never called read(): it must read with read(2), which the grader can interrupt",
		 what);
	expect_creates_ok(what);
	expect_read(0, "green_read(fd, buf, 7) whose first read() failed with EINTR", 5, "hello", 0,
		    "5 (\"hello\"): a read interrupted by a signal is made again");
	expect_run_ok(0, what);
	ct_pass();
}

/* The writer of the flags test: 30 ms after each read started, "ping". */
static void *flags_writer(void *arg)
{
	(void)arg;
	for (int k = 0; k < 2; k++) {
		if (!wait_entered(k + 1)) {
			rep->writer_gave_up = true;
			return NULL;
		}
		ct_sleep_ns(30 * CT_MS);
		write_pipe(k, "ping");
	}
	return NULL;
}

static void flags_thread(void *arg)
{
	(void)arg;
	int nb = fcntl(pipes[1][0], F_GETFL);
	fcntl(pipes[1][0], F_SETFL, nb | O_NONBLOCK);
	for (int k = 0; k < 2; k++) {
		rep->flags_before[k] = fcntl(pipes[k][0], F_GETFL);
		reader_thread((void *)(intptr_t)k);
		rep->flags_after[k] = fcntl(pipes[k][0], F_GETFL);
	}
}

static void flags_scene(void)
{
	make_pipes(2);
	init();
	create_fn(-1, 0, flags_thread);
	start_writer(flags_writer);
	run(0, NULL);
	ct_real_pthread_join(writer, NULL);
}

CT_TEST(green, correct_green_read_leaves_the_flags_as_it_found_them)
{
	const char *what = "one green thread calling green_read() on an empty pipe in blocking mode, then on one in "
			   "non-blocking mode (O_NONBLOCK); the grader writes to each 30 ms later";
	static const char *const mode[] = {"blocking", "non-blocking (O_NONBLOCK)"};

	plain_read = false;
	expect_scene(flags_scene, 1500, what);
	expect_creates_ok(what);
	CT_CHECK(!rep->writer_gave_up, "%s: the reads never started", what);
	for (int k = 0; k < 2; k++) {
		CT_CHECK(rep->got[k] == 4 && memcmp(rep->data[k], "ping", 4) == 0,
			 "%s: green_read(fd, buf, 15) on a pipe in %s mode returned %ld (errno %s); expected 4 "
			 "(\"ping\", written 30 ms later): it must wait for data whatever the descriptor's mode",
			 what, mode[k], rep->got[k], strerrorname_np(rep->err[k]) ?: "0");
		CT_CHECK(rep->flags_after[k] == rep->flags_before[k],
			 "%s: green_read() on a pipe in %s mode changed its file status flags from %#o to %#o: put "
			 "back what fcntl(fd, F_GETFL) said before (or wait with poll and leave them alone)",
			 what, mode[k], rep->flags_before[k], rep->flags_after[k]);
	}
	expect_run_ok(0, what);
	ct_pass();
}
