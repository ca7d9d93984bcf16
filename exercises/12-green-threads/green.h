/*
 * green.h - lesson 12, exercise "green": green threads, user-level threads
 * that a small library schedules by itself, all on the one kernel thread
 * that calls green_run.
 *
 * This header is the contract between your code and the grader.  The grader
 * compiles your green.c against its own pristine copy of this file.
 */
#ifndef GREEN_H
#define GREEN_H

#include <sys/types.h>

#define GREEN_MAX	 64	     /* green threads alive at once, at most */
#define GREEN_STACK_SIZE (64 * 1024) /* bytes of stack of each green thread */

/* What a green thread runs: fn(arg). */
typedef void (*green_fn)(void *arg);

/*
 * The scheduler.  The runnable green threads wait in one first-in,
 * first-out run queue.  green_create adds the new thread at its tail and
 * green_yield puts the calling thread at its tail; whenever the running
 * thread yields, waits or finishes, the thread at the head of the queue
 * runs next.  So the threads take turns in round-robin order, and each one
 * runs until it gives the processor up itself (cooperative multitasking:
 * nothing ever preempts it).  Every green thread runs on the kernel thread
 * that called green_run, and only there.
 */

/*
 * green_init - start an empty scheduler, with no green thread, and return
 * 0.  Call it before the first green_create, and again to start over once
 * green_run has returned.
 */
int green_init(void);

/*
 * green_create - a new green thread that will run fn(arg), added at the
 * tail of the run queue; the caller goes on running, and the new thread
 * runs when its turn comes.  It may be called before green_run or by a
 * running green thread.  It allocates the new thread's stack,
 * GREEN_STACK_SIZE bytes, with malloc, calloc or mmap.  Returns 0, or -1
 * with errno set: EAGAIN if GREEN_MAX green threads are alive (created and
 * not finished); ENOMEM if an allocation failed, and then nothing it
 * allocated stays allocated.
 */
int green_create(green_fn fn, void *arg);

/*
 * green_yield - the calling green thread goes to the tail of the run queue
 * and the thread at its head runs; green_yield returns when the caller's
 * turn comes again.
 */
void green_yield(void);

/*
 * green_exit - the calling green thread finishes: green_exit never
 * returns.  Returning from fn finishes the thread the same way.
 */
void green_exit(void);

/*
 * green_run - run the green threads until every one has finished, those
 * created while it runs included, then return 0.  A finished thread no
 * longer counts against GREEN_MAX, and its stack is freed (with free or
 * munmap) before green_run returns.
 */
int green_run(void);

/*
 * green_read - read(2) for green threads: reads at most n bytes from fd
 * into buf without blocking the kernel thread.  While fd has nothing to
 * read, the calling green thread waits and the other green threads run:
 * it asks poll() with a timeout of 0 whether fd is ready, or puts fd in
 * non-blocking mode (O_NONBLOCK), and yields while a read would block.
 * When every green thread is waiting in green_read, green_run sleeps in
 * one poll() on all their descriptors until one of them is ready: it does
 * not spin, and it does not wake up periodically.  Leaves fd's file status
 * flags as it found them.  Returns the number of bytes read, 0 at end of
 * file, or -1 with errno set by read (a read interrupted by a signal,
 * EINTR, is made again).  Only a green thread may call it.
 */
ssize_t green_read(int fd, void *buf, size_t n);

#endif
