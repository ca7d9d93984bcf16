/*
 * pool.c - lesson 06, exercise "pool".  Read lessons/06-pipes.md first.
 *
 * Goal: a pool of worker processes, started once, that computes fn over
 * every input through pipes and returns the results in input order,
 * without ever deadlocking on a full pipe.  The contract is in pool.h.
 * Check your work with:  make check LESSON=6 EXERCISE=pool
 */
#include "pool.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "concur_todo.h"

int pool_map(int workers, pool_fn fn, pool_input input, size_t n, long *results)
{
	/*
	 * TODO: start the workers, feed them the inputs through pipes, store
	 * the results in input order, then stop and wait for every worker;
	 * see pool.h for every promise this function makes.
	 */
	(void)workers;
	(void)fn;
	(void)input;
	(void)n;
	(void)results;
	return CONCUR_TODO(-1);
}
