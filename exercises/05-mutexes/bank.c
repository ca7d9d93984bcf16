/*
 * bank.c - lesson 05, exercise "bank".  Read lessons/05-mutexes.md first.
 *
 * Goal: transfers between accounts that keep every invariant (money is
 * never created or lost, no balance goes negative) while many threads run
 * them at once, with one lock per account, no deadlock, and short critical
 * sections.  The contract is in bank.h.
 * Check your work with:  make check LESSON=5 EXERCISE=bank
 */
#include "bank.h"

#include <errno.h>

#include "concur_todo.h"

int bank_init(struct bank *b, int n, long initial, bank_audit audit)
{
	/*
	 * TODO: check n and initial (EINVAL), remember n and audit, give each of
	 * the n accounts the initial balance and initialise its lock.
	 */
	(void)b;
	(void)n;
	(void)initial;
	(void)audit;
	return CONCUR_TODO(-1);
}

enum transfer_result transfer(struct bank *b, int from, int to, long amount)
{
	/*
	 * TODO: reject bad arguments; lock both accounts, lower index first;
	 * check the balance and move the money; unlock both; then, for a
	 * transfer that happened, call b->audit if it is set.
	 */
	(void)b;
	(void)from;
	(void)to;
	(void)amount;
	return CONCUR_TODO(TRANSFER_INVALID);
}

long bank_total(struct bank *b)
{
	/* TODO: lock every account in index order, add up, unlock them all. */
	(void)b;
	return CONCUR_TODO(-1);
}

void bank_destroy(struct bank *b)
{
	for (int i = 0; i < b->n; i++)
		pthread_mutex_destroy(&b->accounts[i].lock);
}
