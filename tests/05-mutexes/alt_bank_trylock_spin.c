/*
 * bank.c - lesson 05, exercise "bank".  Read lessons/05-mutexes.md first.
 *
 * CORRECT ALTERNATIVE, written unlike the reference: the two locks are
 * ordered by address (the accounts live in one array, so this is the
 * index order, whatever the direction of the money), each is taken with
 * pthread_mutex_trylock and sched_yield until it is free (a spin that
 * never holds one lock while it waits without end for the other in the
 * wrong order), transfer leaves by early returns that each unlock what is
 * held, bank_init initialises every lock before it sets any balance and
 * cleans up in a helper of its own, and bank_total walks the accounts with
 * a pointer.
 */
#include "bank.h"

#include <errno.h>
#include <sched.h>

/* Takes m, yielding while another thread holds it; returns 0 or an error number. */
static int take(pthread_mutex_t *m)
{
	int err;

	while ((err = pthread_mutex_trylock(m)) == EBUSY)
		sched_yield();
	return err;
}

/* Destroys the locks of accounts[0 .. count - 1]. */
static void destroy_locks(struct bank *b, int count)
{
	for (int i = count - 1; i >= 0; i--)
		pthread_mutex_destroy(&b->accounts[i].lock);
}

int bank_init(struct bank *b, int n, long initial, bank_audit audit)
{
	if (initial < 0 || n <= 0 || n > BANK_MAX_ACCOUNTS)
		return EINVAL;
	for (int i = 0; i < n; i++) {
		int err = pthread_mutex_init(&b->accounts[i].lock, NULL);
		if (err != 0) {
			destroy_locks(b, i);
			return err;
		}
	}
	for (int i = 0; i < n; i++)
		b->accounts[i].balance = initial;
	b->audit = audit;
	b->n = n;
	return 0;
}

enum transfer_result transfer(struct bank *b, int from, int to, long amount)
{
	if (amount <= 0 || from == to || (unsigned)from >= (unsigned)b->n || (unsigned)to >= (unsigned)b->n)
		return TRANSFER_INVALID;

	struct account *src = &b->accounts[from], *dst = &b->accounts[to];
	/* Address order: one global order for every pair, the same as bank_total's walk. */
	struct account *lo = src < dst ? src : dst, *hi = src < dst ? dst : src;

	take(&lo->lock);
	take(&hi->lock);
	if (src->balance < amount) {
		pthread_mutex_unlock(&lo->lock);
		pthread_mutex_unlock(&hi->lock);
		return TRANSFER_NO_FUNDS;
	}
	src->balance -= amount;
	dst->balance += amount;
	pthread_mutex_unlock(&lo->lock);
	pthread_mutex_unlock(&hi->lock);
	if (b->audit != NULL)
		b->audit(from, to, amount);
	return TRANSFER_OK;
}

long bank_total(struct bank *b)
{
	struct account *end = b->accounts + b->n;
	long total = 0;

	for (struct account *a = b->accounts; a < end; a++)
		take(&a->lock);
	for (struct account *a = b->accounts; a < end; a++)
		total += a->balance;
	for (struct account *a = b->accounts; a < end; a++)
		pthread_mutex_unlock(&a->lock);
	return total;
}

void bank_destroy(struct bank *b)
{
	for (int i = 0; i < b->n; i++)
		pthread_mutex_destroy(&b->accounts[i].lock);
}
