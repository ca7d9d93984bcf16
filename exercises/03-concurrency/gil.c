/*
 * gil.c - lesson 03, exercise "gil".  Read lessons/03-concurrency.md first.
 *
 * Goal: n threads that may compute only while holding one global lock, and
 * release it while they wait for IO, like CPython's global interpreter lock.
 * The contract is in gil.h.
 * Check your work with:  make check LESSON=3 EXERCISE=gil
 */
#include "gil.h"

#include <errno.h>
#include <pthread.h>

#include "concur_todo.h"

int run_with_gil(int n, const struct gil_task *task)
{
	/*
	 * TODO: start n threads; each does task->rounds rounds of compute (with
	 * the global lock held) and wait_io (without it); join them all.
	 */
	(void)n;
	(void)task;
	return CONCUR_TODO(-1);
}
