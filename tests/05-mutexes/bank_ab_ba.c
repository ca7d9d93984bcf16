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
	if (n < 1 || n > BANK_MAX_ACCOUNTS || initial < 0)
		return EINVAL;
	b->n = n;
	b->audit = audit;
	for (int i = 0; i < n; i++) {
		int err = pthread_mutex_init(&b->accounts[i].lock, NULL);
		if (err) {
			while (i-- > 0)
				pthread_mutex_destroy(&b->accounts[i].lock);
			return err;
		}
		b->accounts[i].balance = initial;
	}
	return 0;
}

/*
 * KNOWN WRONG: locks `from` first, then `to`.  transfer(a, b) and
 * transfer(b, a) at the same time each take one lock and wait forever for
 * the other (AB/BA order).
 */
enum transfer_result transfer(struct bank *b, int from, int to, long amount)
{
	if (from < 0 || from >= b->n || to < 0 || to >= b->n || from == to || amount <= 0)
		return TRANSFER_INVALID;

	enum transfer_result result = TRANSFER_NO_FUNDS;

	pthread_mutex_lock(&b->accounts[from].lock);
	pthread_mutex_lock(&b->accounts[to].lock);
	if (b->accounts[from].balance >= amount) {
		b->accounts[from].balance -= amount;
		b->accounts[to].balance += amount;
		result = TRANSFER_OK;
	}
	pthread_mutex_unlock(&b->accounts[to].lock);
	pthread_mutex_unlock(&b->accounts[from].lock);
	if (result == TRANSFER_OK && b->audit)
		b->audit(from, to, amount);
	return result;
}

long bank_total(struct bank *b)
{
	long total = 0;

	/* Every lock at once, in the same order as transfer takes them. */
	for (int i = 0; i < b->n; i++)
		pthread_mutex_lock(&b->accounts[i].lock);
	for (int i = 0; i < b->n; i++)
		total += b->accounts[i].balance;
	for (int i = b->n - 1; i >= 0; i--)
		pthread_mutex_unlock(&b->accounts[i].lock);
	return total;
}

void bank_destroy(struct bank *b)
{
	for (int i = 0; i < b->n; i++)
		pthread_mutex_destroy(&b->accounts[i].lock);
}
