/*
 * detach.h - lesson 02, exercise "detach": start a thread that nobody will
 * join, and give it arguments that outlive the function that started it.
 *
 * This header is the contract between your code and the grader.  The grader
 * compiles your detach.c against its own pristine copy of this file.
 */
#ifndef DETACH_H
#define DETACH_H

/* A job to run in the background. */
typedef void (*detach_job)(void *arg);

/*
 * run_detached - start job(arg) in a new, detached thread and return at
 * once, without waiting for the job.
 *
 * The new thread calls job(arg) exactly once.  Because it is detached, its
 * resources are released when it ends and nobody joins it.  Anything the
 * thread needs must still be valid after run_detached has returned.
 *
 * Returns 0 on success or the error number from the pthread call that
 * failed (then job is never called).
 */
int run_detached(detach_job job, void *arg);

#endif
