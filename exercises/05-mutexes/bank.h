/*
 * bank.h - lesson 05, exercise "bank": accounts that many threads transfer
 * money between at the same time, each account with its own lock.
 *
 * This header is the contract between your code and the grader.  The grader
 * compiles your bank.c against its own pristine copy of this file.
 */
#ifndef BANK_H
#define BANK_H

#include <pthread.h>

#define BANK_MAX_ACCOUNTS 64

struct account {
	pthread_mutex_t lock; /* protects balance */
	long balance;         /* never negative; read and written only with lock held */
};

/*
 * Records one transfer that succeeded, for the bank's audit trail.  Supplied
 * by the caller, may be NULL.  It is slow (it writes to a log, which may
 * block), so it must be called with no lock held.
 */
typedef void (*bank_audit)(int from, int to, long amount);

struct bank {
	int n;                                      /* number of accounts; set by bank_init, then only read */
	struct account accounts[BANK_MAX_ACCOUNTS]; /* accounts[0] .. accounts[n - 1] */
	bank_audit audit;                           /* set by bank_init, then only read */
};

enum transfer_result {
	TRANSFER_OK,       /* the money moved */
	TRANSFER_NO_FUNDS, /* `from` holds less than amount: nothing changed */
	TRANSFER_INVALID,  /* bad account number, from == to, or amount <= 0: nothing changed */
};

/*
 * bank_init - n accounts (1 <= n <= BANK_MAX_ACCOUNTS), each holding
 * `initial` (>= 0), each with its own lock initialised.  Returns 0, EINVAL
 * for a bad n or initial, or the error number of pthread_mutex_init (after
 * destroying the locks it had already initialised, and only those).
 */
int bank_init(struct bank *b, int n, long initial, bank_audit audit);

/*
 * transfer - move amount from account `from` to account `to`, atomically:
 * no thread ever sees the money in both accounts or in neither.  Safe to
 * call from any number of threads at the same time.
 *
 * Locks exactly the two accounts' locks, always in the same global order,
 * so that transfers that cross (a to b while b to a) never deadlock, and
 * transfers between four different accounts run at the same time.  Checks
 * the balance and moves the money while holding both; releases both before
 * it returns, on every path; calls b->audit (if not NULL) only after that,
 * and only for TRANSFER_OK.
 */
enum transfer_result transfer(struct bank *b, int from, int to, long amount);

/*
 * bank_total - the sum of all balances, as one consistent snapshot: it
 * holds every account's lock at once while it adds them up (taken in the
 * same global order as transfer takes them), so money moving between two
 * accounts is counted exactly once.  Safe to call while transfers run.
 */
long bank_total(struct bank *b);

/* bank_destroy - destroy every account's lock; no thread may use b afterwards. */
void bank_destroy(struct bank *b);

#endif
