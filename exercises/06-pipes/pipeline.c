/*
 * pipeline.c - lesson 06, exercise "pipeline".  Read lessons/06-pipes.md first.
 *
 * Goal: run `producer | consumer` as two child processes joined by one
 * pipe, with every unused end closed so that the consumer sees end of
 * file, and both children waited for.  The contract is in pipeline.h.
 * Check your work with:  make check LESSON=6 EXERCISE=pipeline
 */
#include "pipeline.h"

#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>

#include "concur_todo.h"

int run_pipeline(pipeline_stage producer, pipeline_stage consumer, int status[2])
{
	/*
	 * TODO: run producer and consumer in two child processes joined by
	 * one pipe (producer's stdout -> consumer's stdin), and wait for both;
	 * see pipeline.h for every promise this function makes.
	 */
	(void)producer;
	(void)consumer;
	(void)status;
	return CONCUR_TODO(-1);
}
