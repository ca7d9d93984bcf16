/*
 * reap.c - lesson 01, exercise "reap".  Read lessons/01-processes.md first.
 *
 * Goal: wait for every child of this process, sleeping while none has
 * ended, and decode how each one ended.  The contract is in reap.h.
 * Check your work with:  make check LESSON=1 EXERCISE=reap
 */
#include "reap.h"

#include <errno.h>
#include <sys/types.h>
#include <sys/wait.h>

#include "concur_todo.h"

int reap_all(struct child_end out[], int max)
{
	/*
	 * TODO: wait for children until none is left; for each one, record
	 * its pid, whether it exited, and its exit status or signal number.
	 */
	(void)out;
	(void)max;
	return CONCUR_TODO(-1);
}
