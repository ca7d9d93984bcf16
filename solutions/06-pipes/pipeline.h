/*
 * pipeline.h - lesson 06, exercise "pipeline": two child processes joined
 * by a pipe, the way a shell runs `producer | consumer`.
 *
 * This header is the contract between your code and the grader.  The grader
 * compiles your pipeline.c against its own pristine copy of this file.
 */
#ifndef PIPELINE_H
#define PIPELINE_H

/*
 * One stage of the pipeline, supplied by the caller: it reads its standard
 * input (descriptor 0) until end of file and/or writes its standard output
 * (descriptor 1), then returns.  It runs in a child process of its own.
 */
typedef void (*pipeline_stage)(void);

/*
 * run_pipeline - run `producer | consumer`: create one pipe and two child
 * processes; in the first, the pipe's write end becomes standard output
 * (dup2) and producer() runs; in the second, the read end becomes
 * standard input and consumer() runs.  Each child ends with _exit(0) when
 * its stage returns.  Both children run at the same time.
 *
 * Every process closes the pipe descriptors it does not use, so that the
 * consumer sees end of file once the producer is done, and the caller is
 * left with no descriptor it did not have before.  The caller waits for
 * both children (no zombie is left) and stores their wait statuses in
 * status[0] (producer) and status[1] (consumer).
 *
 * Returns 0, or -1 with errno set if pipe, fork or waitpid failed (children
 * already started are still waited for).  A waitpid interrupted by a signal
 * (EINTR) has not failed: call it again.
 */
int run_pipeline(pipeline_stage producer, pipeline_stage consumer, int status[2]);

#endif
