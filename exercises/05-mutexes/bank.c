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
	/* TODO: set up n accounts holding `initial` each, ready for concurrent transfers (see bank.h). */
	(void)b;
	(void)n;
	(void)initial;
	(void)audit;
	return CONCUR_TODO(-1);
}

enum transfer_result transfer(struct bank *b, int from, int to, long amount)
{
	/*
	 * TODO: move amount from `from` to `to` if `from` holds enough, so that
	 * any number of threads can transfer at once and every promise of
	 * bank.h holds: money is never created or lost, no balance goes
	 * negative, no deadlock, and transfers between other accounts go on.
	 */
	(void)b;
	(void)from;
	(void)to;
	(void)amount;
	return CONCUR_TODO(TRANSFER_INVALID);
}

long bank_total(struct bank *b)
{
	/* TODO: the sum of all balances, as one consistent snapshot while transfers run. */
	(void)b;
	return CONCUR_TODO(-1);
}

void bank_destroy(struct bank *b)
{
	for (int i = 0; i < b->n; i++)
		pthread_mutex_destroy(&b->accounts[i].lock);
}
