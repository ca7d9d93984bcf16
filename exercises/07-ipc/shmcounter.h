/*
 * shmcounter.h - lesson 07, exercise "shmcounter": a counter in memory
 * shared by several processes, protected by a process-shared mutex.
 *
 * This header is the contract between your code and the grader.  The grader
 * compiles your shmcounter.c against its own pristine copy of this file.
 */
#ifndef SHMCOUNTER_H
#define SHMCOUNTER_H

#include <pthread.h>

struct shm_counter {
	pthread_mutex_t lock; /* process-shared; protects value */
	long value;           /* read and written only with lock held */
};

/*
 * shm_counter_create - a counter at 0 in a new shared mapping (mmap,
 * MAP_SHARED | MAP_ANONYMOUS), so that children forked afterwards see
 * the same counter, with its lock initialised as process-shared
 * (PTHREAD_PROCESS_SHARED).  Returns NULL with errno set on failure,
 * leaving nothing mapped.
 */
struct shm_counter *shm_counter_create(void);

/* shm_counter_add - add delta; safe from any process or thread at the same time. */
void shm_counter_add(struct shm_counter *c, long delta);

/* shm_counter_get - the value, read with the lock held. */
long shm_counter_get(struct shm_counter *c);

/*
 * shm_counter_destroy - destroy the lock and unmap the counter (call it
 * once no other process uses it).  Returns 0, or -1 with errno set.
 */
int shm_counter_destroy(struct shm_counter *c);

/*
 * count_in_processes - fork `procs` children (1 <= procs <= 16; otherwise
 * -1 with errno EINVAL) that run at the same time; each calls
 * shm_counter_add(c, 1) `adds` times and then ends with _exit(0).  Waits
 * for every child it forked, whatever order they end in, and for no other
 * (the caller may have children of its own); a wait interrupted by a
 * signal (EINTR) is retried.  Returns 0, or -1 with errno set if a fork or
 * a wait failed (children already started are still waited for).
 */
int count_in_processes(struct shm_counter *c, int procs, long adds);

#endif
