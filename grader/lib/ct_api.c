/*
 * ct_api.c - the --wrap wrappers behind ct_api.h.
 */
#define _GNU_SOURCE /* F_SETPIPE_SZ */
#include "ct_api.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ct_clock.h"
#include "ct_locks_internal.h"
#include "ct_pitfalls.h"
#include "ct_signals.h"
#include "ct_wrapper.h"

/* The counters, one per call of the wrap table; a call counted as another uses that one's. */
static atomic_int calls[CT_NCALLS];

static const enum ct_call counted_as[CT_NCALLS] = {
#define COUNTED_AS(ret, name, params, fails, as) [CT_CALL_##name] = CT_CALL_##as,
	CT_WRAPS(COUNTED_AS)
#undef COUNTED_AS
};

static const char *const call_names[CT_NCALLS] = {
#define CALL_NAME(ret, name, params, fails, as) [CT_CALL_##name] = #name,
	CT_WRAPS(CALL_NAME)
#undef CALL_NAME
};

enum ct_call ct_call_counted_as(enum ct_call call) { return (unsigned)call < CT_NCALLS ? counted_as[call] : call; }
const char *ct_call_name(enum ct_call call) { return (unsigned)call < CT_NCALLS ? call_names[call] : "?"; }
int ct_count(enum ct_call call) { return (unsigned)call < CT_NCALLS ? calls[counted_as[call]] : 0; }
void ct_count_call(enum ct_call call)
{
	if ((unsigned)call < CT_NCALLS)
		atomic_fetch_add(&calls[counted_as[call]], 1);
}

/* table_lock protects nthreads and the creator-side fields and end_ns of threads[]. */
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ct_thread_record threads[CT_MAX_THREADS];
static int nthreads;
static _Atomic uint64_t start_delay_ns;
static _Thread_local int current_slot = -1;

int ct_current_thread(void) { return current_slot; }

/*
 * Heap blocks allocated through the wrapped calls and not yet freed.  The
 * table is small and linear: grader workloads allocate a handful of blocks.
 * blocks_lock protects blocks[] and nblocks.
 */
#define MAX_BLOCKS 4096
static pthread_mutex_t blocks_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	void *p;
	size_t size;
} blocks[MAX_BLOCKS];
static int nblocks;

/*
 * Children forked through the wrapper, in order, and what a wrapped wait
 * call that reaped one of them got; forks_lock protects them.
 */
#define MAX_FORKS 256
static pthread_mutex_t forks_lock = PTHREAD_MUTEX_INITIALIZER;
static pid_t forked[MAX_FORKS];
static bool reaped[MAX_FORKS];
static int reaped_status[MAX_FORKS]; /* waitpid's encoding */
static uint64_t forked_ns[MAX_FORKS], reaped_ns[MAX_FORKS]; /* ct_now_ns() as fork and the wait returned */
static int nforked;

/*
 * Calls of the wait family with WNOHANG that found no child ended
 * (ct_empty_wait_polls), and the last children they reaped, with when
 * (ct_reaped_at).  Atomics only: a wait may return in any thread.
 */
#define MAX_REAPS 256
static atomic_int empty_polls, nreaps;
static struct {
	_Atomic pid_t pid;
	_Atomic uint64_t at_ns;
} reaps[MAX_REAPS];

static atomic_bool forked_child;                /* this process was forked through the wrapper */
static _Atomic(void (*)(int k)) fork_child_hook; /* runs in each child forked through the wrapper */

static void lock_table(void) { __real_pthread_mutex_lock(&table_lock); }
static void unlock_table(void) { __real_pthread_mutex_unlock(&table_lock); }

void ct_api_reset(void)
{
	lock_table();
	nthreads = 0;
	unlock_table();
	__real_pthread_mutex_lock(&blocks_lock);
	nblocks = 0;
	__real_pthread_mutex_unlock(&blocks_lock);
	__real_pthread_mutex_lock(&forks_lock);
	nforked = 0;
	__real_pthread_mutex_unlock(&forks_lock);
	for (int i = 0; i < CT_NCALLS; i++)
		calls[i] = 0;
	fork_child_hook = NULL;
	empty_polls = 0;
	for (int i = 0; i < MAX_REAPS; i++)
		reaps[i].pid = 0;
	nreaps = 0;
}

int ct_threads_created(void)
{
	lock_table();
	int n = nthreads;
	unlock_table();
	return n;
}

struct ct_thread_record ct_thread(int i)
{
	struct ct_thread_record r = {0};

	lock_table();
	if (i >= 0 && i < nthreads && i < CT_MAX_THREADS)
		r = threads[i];
	unlock_table();
	return r;
}

/*
 * The newest record with thread id `id`.  The C library reuses the id of a
 * joined thread for the next one, so only the newest can be alive.
 * Caller holds table_lock.
 */
static int find_locked(pthread_t id)
{
	int last = nthreads < CT_MAX_THREADS ? nthreads : CT_MAX_THREADS;

	for (int i = last - 1; i >= 0; i--)
		if (pthread_equal(threads[i].id, id))
			return i;
	return -1;
}

void ct_set_thread_start_delay(uint64_t ns) { start_delay_ns = ns; }

pid_t ct_real_fork(void)
{
	pid_t pid = __real_fork();

	if (pid == 0)
		ct_pitfalls_adopt(); /* the grader's own child: its checks are the test's */
	return pid;
}
pid_t ct_real_waitpid(pid_t pid, int *status, int options) { return __real_waitpid(pid, status, options); }
int ct_real_waitid(idtype_t idtype, id_t id, siginfo_t *info, int options)
{
	return __real_waitid(idtype, id, info, options);
}
ssize_t ct_real_read(int fd, void *buf, size_t len) { return __real_read(fd, buf, len); }
ssize_t ct_real_write(int fd, const void *buf, size_t len) { return __real_write(fd, buf, len); }
ssize_t ct_real_send(int fd, const void *buf, size_t len, int flags) { return __real_send(fd, buf, len, flags); }
void *ct_real_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return __real_mmap(addr, len, prot, flags, fd, off);
}
int ct_real_munmap(void *addr, size_t len) { return __real_munmap(addr, len); }
int ct_real_pthread_create(pthread_t *t, const pthread_attr_t *a, void *(*fn)(void *), void *arg)
{
	return __real_pthread_create(t, a, fn, arg);
}
int ct_real_pthread_join(pthread_t t, void **ret) { return __real_pthread_join(t, ret); }
int ct_real_pthread_detach(pthread_t t) { return __real_pthread_detach(t); }
void *ct_real_malloc(size_t size) { return __real_malloc(size); }
void ct_real_free(void *p) { __real_free(p); }

bool ct_wait_threads_ended(uint64_t timeout_ns)
{
	uint64_t deadline = ct_now_ns() + timeout_ns;

	for (int t = 0; t < ct_threads_created(); t++) {
		struct ct_thread_record r = ct_thread(t);
		if (r.joined || r.end_ns)
			continue;
		if (ct_now_ns() >= deadline)
			return false;
		ct_sleep_ns(CT_MS / 2);
		t--; /* look at it again */
	}
	return true;
}

/* ct_call_keeping_frame's helper thread: fn, then a spin that calls nothing until released. */
struct held_call {
	void (*fn)(void *arg);
	void *arg;
	atomic_bool returned, release;
};

static void *held_main(void *p)
{
	struct held_call *c = p;

	c->fn(c->arg);
	atomic_store(&c->returned, true);
	while (!atomic_load(&c->release))
		; /* no call: fn's dead frame, just below, stays as fn left it */
	return NULL;
}

int ct_call_keeping_frame(void (*fn)(void *arg), void *arg, uint64_t timeout_ns)
{
	struct held_call c = {.fn = fn, .arg = arg};
	pthread_t helper;
	int err = __real_pthread_create(&helper, NULL, held_main, &c);

	if (err)
		return err;
	sigset_t old_mask; /* the helper stands for the caller: signals sent to the process go to it */
	ct_block_process_signals(&old_mask);
	while (!atomic_load(&c.returned))
		ct_sleep_ns(CT_MS / 2);
	ct_restore_signals(&old_mask);
	ct_wait_threads_ended(timeout_ns);
	atomic_store(&c.release, true);
	__real_pthread_join(helper, NULL);
	return 0;
}

/* What the trampoline needs; heap-owned by the new thread. */
struct trampoline_args {
	void *(*fn)(void *);
	void *arg;
	int slot; /* -1 when the table was full */
};

static void record_end(void *slot_ptr)
{
	int slot = *(int *)slot_ptr;

	if (slot >= 0) {
		lock_table();
		threads[slot].end_ns = ct_now_ns();
		unlock_table();
	}
}

static void *trampoline(void *p)
{
	struct trampoline_args t = *(struct trampoline_args *)p;
	void *ret;

	__real_free(p);
	current_slot = t.slot;
	if (t.slot >= 0)
		threads[t.slot].self = pthread_self();
	if (start_delay_ns)
		ct_sleep_ns(start_delay_ns);
	if (t.slot >= 0)
		threads[t.slot].start_ns = ct_now_ns();
	pthread_cleanup_push(record_end, &t.slot);
	ret = t.fn(t.arg);
	pthread_cleanup_pop(1);
	return ret;
}

int __wrap_pthread_create(pthread_t *t, const pthread_attr_t *a, void *(*fn)(void *), void *arg)
{
	int detach_state = PTHREAD_CREATE_JOINABLE;
	int slot = -1, err;

	CT_ENTER(pthread_create);
	struct trampoline_args *ta = __real_malloc(sizeof *ta);
	if (!ta)
		return EAGAIN;
	if (a)
		pthread_attr_getdetachstate(a, &detach_state);
	lock_table();
	if (nthreads < CT_MAX_THREADS) {
		slot = nthreads;
		threads[slot] = (struct ct_thread_record){
			.created_detached = detach_state == PTHREAD_CREATE_DETACHED,
		};
	}
	*ta = (struct trampoline_args){fn, arg, slot};
	/* From here the new thread owns ta: it may already have freed it. */
	err = __real_pthread_create(t, a, trampoline, ta);
	if (err) {
		__real_free(ta);
	} else {
		if (slot >= 0)
			threads[slot].id = *t;
		nthreads++;
	}
	unlock_table();
	return err;
}

int __wrap_pthread_join(pthread_t t, void **ret)
{
	int err;

	CT_ENTER(pthread_join);
	/* The lock tracker's watchdog sees the caller blocked, waiting for that thread. */
	lock_table();
	int slot = find_locked(t);
	unlock_table();
	ct_locks_join_begin(slot, (uintptr_t)__builtin_return_address(0));
	err = __real_pthread_join(t, ret);
	ct_locks_join_end();
	if (!err) {
		lock_table();
		int i = find_locked(t);
		if (i >= 0)
			threads[i].joined = true;
		unlock_table();
	}
	return err;
}

int __wrap_pthread_detach(pthread_t t)
{
	int err;

	CT_ENTER(pthread_detach);
	lock_table();
	err = __real_pthread_detach(t);
	if (!err) {
		int i = find_locked(t);
		if (i >= 0)
			threads[i].detached = true;
	}
	unlock_table();
	return err;
}

bool ct_in_forked_child(void) { return forked_child; }
void ct_set_fork_child_hook(void (*hook)(int k)) { fork_child_hook = hook; }

/*
 * fork() takes every lock of this file first, so that the child never
 * starts with one held by a thread it does not have (the others are not
 * copied); the child then starts with no children of its own.
 */
static void lock_all(void)
{
	lock_table();
	__real_pthread_mutex_lock(&blocks_lock);
	__real_pthread_mutex_lock(&forks_lock);
}

static void unlock_all(void)
{
	__real_pthread_mutex_unlock(&forks_lock);
	__real_pthread_mutex_unlock(&blocks_lock);
	unlock_table();
}

static void child_after_fork(void)
{
	unlock_all();
	nforked = 0;
}

__attribute__((constructor)) static void register_fork_handlers(void)
{
	int err = pthread_atfork(lock_all, unlock_all, child_after_fork);

	if (err)
		fprintf(stderr, "ct_api: pthread_atfork: %s\n", strerror(err));
}

/*
 * Blocks the calling thread while another holds forks_lock (lock_all).
 * k, the child's rank, is the number of children forked before it; two
 * threads forking at once may give two children the same rank.
 */
pid_t __wrap_fork(void)
{
	CT_FAIL_IF_DUE(fork);
	__real_pthread_mutex_lock(&forks_lock);
	int k = nforked;
	__real_pthread_mutex_unlock(&forks_lock);
	pid_t pid = __real_fork();

	if (pid > 0) {
		ct_count_call(CT_CALL_fork);
		__real_pthread_mutex_lock(&forks_lock);
		if (nforked < MAX_FORKS) {
			reaped[nforked] = false;
			forked_ns[nforked] = ct_now_ns();
			reaped_ns[nforked] = 0;
			forked[nforked++] = pid;
		}
		__real_pthread_mutex_unlock(&forks_lock);
	} else if (pid == 0) {
		forked_child = true;
		void (*hook)(int) = fork_child_hook;
		if (hook)
			hook(k);
	}
	return pid;
}

int ct_forked(pid_t *out, int max)
{
	__real_pthread_mutex_lock(&forks_lock);
	int n = nforked;
	for (int i = 0; i < n && i < max; i++)
		out[i] = forked[i];
	__real_pthread_mutex_unlock(&forks_lock);
	return n;
}

int ct_forked_lives(struct ct_interval *out, int max)
{
	__real_pthread_mutex_lock(&forks_lock);
	int n = nforked < MAX_FORKS ? nforked : MAX_FORKS;
	for (int i = 0; i < n && i < max; i++)
		out[i] = (struct ct_interval){forked_ns[i], reaped[i] ? reaped_ns[i] : 0};
	__real_pthread_mutex_unlock(&forks_lock);
	return n < max ? n : max;
}

int ct_empty_wait_polls(void)
{
	return empty_polls;
}

uint64_t ct_reaped_at(pid_t pid)
{
	int n = atomic_load(&nreaps);

	for (int i = (n < MAX_REAPS ? n : MAX_REAPS) - 1; i >= 0; i--)
		if (atomic_load(&reaps[i].pid) == pid)
			return atomic_load(&reaps[i].at_ns);
	return 0;
}

/* A wrapped wait call reaped pid with status (waitpid's encoding): remember it if we forked pid. */
static void note_reaped(pid_t pid, int status)
{
	__real_pthread_mutex_lock(&forks_lock);
	for (int i = 0; i < nforked && i < MAX_FORKS; i++)
		if (forked[i] == pid) {
			reaped[i] = true;
			reaped_status[i] = status;
			reaped_ns[i] = ct_now_ns();
		}
	__real_pthread_mutex_unlock(&forks_lock);
}

bool ct_reaped(pid_t pid, int *status)
{
	bool found = false;

	__real_pthread_mutex_lock(&forks_lock);
	for (int i = 0; i < nforked && i < MAX_FORKS; i++)
		if (forked[i] == pid && reaped[i]) {
			found = true;
			if (status)
				*status = reaped_status[i];
		}
	__real_pthread_mutex_unlock(&forks_lock);
	return found;
}

/*
 * What a wait call returned: a WNOHANG call that returned 0 found children
 * left but none ended (a poll); a pid reaped that child, unless the call
 * only looked (WNOWAIT) or reported a stop or a continue.  status is
 * waitpid's encoding of how it ended.  errno is kept.
 */
static void note_wait(int options, pid_t got, int status)
{
	if ((options & WNOHANG) && got == 0)
		atomic_fetch_add(&empty_polls, 1);
	if (got <= 0 || (options & WNOWAIT) || !(WIFEXITED(status) || WIFSIGNALED(status)))
		return;
	int slot = atomic_fetch_add(&nreaps, 1);
	if (slot < MAX_REAPS) {
		atomic_store(&reaps[slot].at_ns, ct_now_ns());
		atomic_store(&reaps[slot].pid, got);
	}
	note_reaped(got, status);
}

pid_t __wrap_waitpid(pid_t pid, int *status, int options)
{
	int st = 0;

	CT_ENTER(waitpid);
	pid_t got = __real_waitpid(pid, &st, options);

	note_wait(options, got, st);
	if (got > 0 && status)
		*status = st;
	return got;
}

pid_t __wrap_wait(int *status)
{
	int st = 0;

	CT_ENTER(wait);
	pid_t got = __real_wait(&st);

	note_wait(0, got, st);
	if (got > 0 && status)
		*status = st;
	return got;
}

/* waitid() says how a child ended in a siginfo_t: the same in waitpid's encoding, or -1 (stopped, continued). */
static int status_of(const siginfo_t *si)
{
	switch (si->si_code) {
	case CLD_EXITED:
		return (si->si_status & 0xff) << 8;
	case CLD_KILLED:
		return si->si_status & 0x7f;
	case CLD_DUMPED:
		return (si->si_status & 0x7f) | 0x80;
	default:
		return -1;
	}
}

int __wrap_waitid(idtype_t idtype, id_t id, siginfo_t *info, int options)
{
	siginfo_t si;

	CT_ENTER(waitid);
	/* With WNOHANG and no child ended, waitid returns 0 with si_pid 0. */
	memset(&si, 0, sizeof si);
	int r = __real_waitid(idtype, id, &si, options);
	if (r == 0) {
		int st = status_of(&si);
		if (si.si_pid == 0)
			note_wait(options, 0, 0);
		else if (st != -1)
			note_wait(options, si.si_pid, st);
	}
	if (r == 0 && info)
		*info = si;
	return r;
}

pid_t __wrap_wait3(int *status, int options, struct rusage *usage)
{
	int st = 0;

	CT_ENTER(wait3);
	pid_t got = __real_wait3(&st, options, usage);

	note_wait(options, got, st);
	if (got > 0 && status)
		*status = st;
	return got;
}

pid_t __wrap_wait4(pid_t pid, int *status, int options, struct rusage *usage)
{
	int st = 0;

	CT_ENTER(wait4);
	pid_t got = __real_wait4(pid, &st, options, usage);

	note_wait(options, got, st);
	if (got > 0 && status)
		*status = st;
	return got;
}

/* The capacity every pipe made from now on gets (ct_set_pipe_capacity); 0: the system's. */
static atomic_int pipe_capacity;

void ct_set_pipe_capacity(int bytes) { pipe_capacity = bytes; }

/* After a pipe call that returned ret: gives the new pipe the capacity asked for, if any. */
static int sized(int ret, const int fds[2])
{
	int bytes = pipe_capacity;

	if (ret == 0 && bytes > 0) {
		int saved = errno;
		if (fcntl(fds[0], F_SETPIPE_SZ, bytes) == -1)
			fprintf(stderr, "ct_api: F_SETPIPE_SZ %d: %s\n", bytes, strerror(errno));
		errno = saved;
	}
	return ret;
}

int __wrap_pipe(int fds[2])
{
	CT_ENTER(pipe);
	return sized(__real_pipe(fds), fds);
}

int __wrap_pipe2(int fds[2], int flags)
{
	CT_ENTER(pipe2);
	return sized(__real_pipe2(fds, flags), fds);
}

int __wrap_socketpair(int domain, int type, int protocol, int sv[2])
{
	CT_ENTER(socketpair);
	return __real_socketpair(domain, type, protocol, sv);
}

ssize_t __wrap_read(int fd, void *buf, size_t len)
{
	CT_ENTER_IO(read, &len);
	return __real_read(fd, buf, len);
}

ssize_t __wrap_write(int fd, const void *buf, size_t len)
{
	CT_ENTER_IO(write, &len);
	return __real_write(fd, buf, len);
}

ssize_t __wrap_send(int fd, const void *buf, size_t len, int flags)
{
	CT_ENTER_IO(send, &len);
	return __real_send(fd, buf, len, flags);
}

ssize_t __wrap_recv(int fd, void *buf, size_t len, int flags)
{
	CT_ENTER_IO(recv, &len);
	return __real_recv(fd, buf, len, flags);
}

void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	CT_ENTER(mmap);
	return __real_mmap(addr, len, prot, flags, fd, off);
}

int __wrap_munmap(void *addr, size_t len)
{
	CT_ENTER(munmap);
	return __real_munmap(addr, len);
}

static void remember_block(void *p, size_t size)
{
	if (!p)
		return;
	__real_pthread_mutex_lock(&blocks_lock);
	if (nblocks < MAX_BLOCKS) {
		blocks[nblocks].p = p;
		blocks[nblocks].size = size;
		nblocks++;
	}
	__real_pthread_mutex_unlock(&blocks_lock);
}

static void forget_block(void *p)
{
	if (!p)
		return;
	__real_pthread_mutex_lock(&blocks_lock);
	for (int i = nblocks - 1; i >= 0; i--)
		if (blocks[i].p == p) {
			blocks[i] = blocks[--nblocks];
			break;
		}
	__real_pthread_mutex_unlock(&blocks_lock);
}

void *__wrap_malloc(size_t size)
{
	CT_ENTER(malloc);
	ct_note_unsafe("malloc");
	void *p = __real_malloc(size);

	remember_block(p, size);
	return p;
}

void *__wrap_calloc(size_t n, size_t size)
{
	CT_ENTER(calloc);
	ct_note_unsafe("calloc");
	void *p = __real_calloc(n, size);

	remember_block(p, n * size);
	return p;
}

void *__wrap_realloc(void *old, size_t size)
{
	CT_ENTER(realloc);
	ct_note_unsafe("realloc");
	void *p = __real_realloc(old, size);

	if (p || size == 0)
		forget_block(old);
	remember_block(p, size);
	return p;
}

void __wrap_free(void *p)
{
	ct_count_call(CT_CALL_free);
	ct_note_unsafe("free");
	forget_block(p);
	__real_free(p);
}

size_t ct_heap_in_use(int *count)
{
	size_t bytes = 0;

	__real_pthread_mutex_lock(&blocks_lock);
	for (int i = 0; i < nblocks; i++)
		bytes += blocks[i].size;
	if (count)
		*count = nblocks;
	__real_pthread_mutex_unlock(&blocks_lock);
	return bytes;
}

bool ct_heap_has(const void *p)
{
	bool found = false;

	__real_pthread_mutex_lock(&blocks_lock);
	for (int i = 0; i < nblocks && !found; i++)
		found = blocks[i].p == p;
	__real_pthread_mutex_unlock(&blocks_lock);
	return found;
}

bool ct_heap_block_of(const void *p, uintptr_t *start, size_t *size)
{
	bool found = false;
	uintptr_t a = (uintptr_t)p;

	__real_pthread_mutex_lock(&blocks_lock);
	for (int i = 0; i < nblocks && !found; i++) {
		uintptr_t b = (uintptr_t)blocks[i].p;
		if (a >= b && a < b + blocks[i].size) {
			found = true;
			*start = b;
			*size = blocks[i].size;
		}
	}
	__real_pthread_mutex_unlock(&blocks_lock);
	return found;
}
