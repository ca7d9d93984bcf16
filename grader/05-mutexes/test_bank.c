/*
 * test_bank.c - grader suite for lesson 05, exercise "bank" (bank.h).
 *
 * Which locks transfer() takes, in which order, and whether it still holds
 * any when it returns or calls audit() come from the mutex wrappers
 * (ct_locks.h), which see every lock and unlock of the student's code.
 * The tests with threads use ct_set_lock_hold(): every lock taken in a
 * thread is then held a while, so that locks taken in opposite orders
 * deadlock in every run (the watchdog draws who waits for what), transfers
 * that share no account visibly run at the same time or take turns, and a
 * total added up one account at a time misses money in flight.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "bank.h"
#include "ct_locks.h"
#include "ct_test.h"
#include "ct_timeline.h"

CT_SUITE(bank);

static struct bank b;

static const char *result_name(enum transfer_result r)
{
	switch (r) {
	case TRANSFER_OK: return "TRANSFER_OK";
	case TRANSFER_NO_FUNDS: return "TRANSFER_NO_FUNDS";
	case TRANSFER_INVALID: return "TRANSFER_INVALID";
	}
	return "a value that is not an enum transfer_result";
}

/* bank_init(&b, n, initial, audit), checked; names every account's lock. */
static void open_bank(int n, long initial, bank_audit audit)
{
	int err = bank_init(&b, n, initial, audit);
	CT_CHECK(err == 0, "bank_init(b, %d, %ld, audit) returned %d; expected 0", n, initial, err);
	CT_CHECK(b.n == n, "after bank_init(b, %d, ...), b->n is %d; expected %d", n, b.n, n);
	for (int i = 0; i < n; i++)
		ct_name_lock(&b.accounts[i].lock, "accounts[%d].lock", i);
}

static void expect_balances(const char *after, const long *want, int n)
{
	for (int i = 0; i < n; i++)
		CT_CHECK(b.accounts[i].balance == want[i], "after %s, account %d holds %ld; expected %ld", after, i,
			 b.accounts[i].balance, want[i]);
}

static void expect_transfer(int from, int to, long amount, enum transfer_result want)
{
	enum transfer_result got = transfer(&b, from, to, amount);
	CT_CHECK(got == want, "transfer(b, %d, %d, %ld) returned %s; expected %s", from, to, amount, result_name(got),
		 result_name(want));
}

CT_TEST(bank, correct_single_transfers)
{
	static struct bank bad;
	const int bad_n[] = {0, -1, BANK_MAX_ACCOUNTS + 1};

	for (int i = 0; i < 3; i++) {
		int err = bank_init(&bad, bad_n[i], 100, NULL);
		CT_CHECK(err == EINVAL, "bank_init(b, %d, 100, NULL) returned %d; expected EINVAL (%d)", bad_n[i], err,
			 EINVAL);
	}
	int err = bank_init(&bad, 2, -1, NULL);
	CT_CHECK(err == EINVAL, "bank_init(b, 2, -1, NULL) returned %d; expected EINVAL (%d)", err, EINVAL);

	open_bank(4, 100, NULL);
	expect_balances("bank_init(b, 4, 100, NULL)", (long[]){100, 100, 100, 100}, 4);
	expect_transfer(0, 1, 30, TRANSFER_OK);
	expect_balances("transfer(b, 0, 1, 30)", (long[]){70, 130, 100, 100}, 4);
	expect_transfer(0, 1, 71, TRANSFER_NO_FUNDS);
	expect_balances("transfer(b, 0, 1, 71), which account 0 cannot pay", (long[]){70, 130, 100, 100}, 4);
	expect_transfer(2, 3, 100, TRANSFER_OK);
	expect_balances("transfer(b, 2, 3, 100), the whole balance", (long[]){70, 130, 0, 200}, 4);
	const int args[][3] = {{1, 1, 5}, {-1, 1, 5}, {1, -1, 5}, {4, 1, 5}, {1, 4, 5}, {1, 0, 0}, {1, 0, -5}};
	for (size_t i = 0; i < sizeof args / sizeof args[0]; i++)
		expect_transfer(args[i][0], args[i][1], args[i][2], TRANSFER_INVALID);
	expect_balances("transfers with bad arguments", (long[]){70, 130, 0, 200}, 4);
	long total = bank_total(&b);
	CT_CHECK(total == 400, "bank_total(b) returned %ld; the four accounts hold 400", total);
	bank_destroy(&b);
	ct_pass();
}

/* The position of m in the log, or -1. */
static int position(const pthread_mutex_t *const *log, int n, const pthread_mutex_t *m)
{
	for (int i = 0; i < n; i++)
		if (log[i] == m)
			return i;
	return -1;
}

/* Runs one transfer and checks the locks it took; returns whether the lower account's lock came first. */
static bool check_locks_of(int from, int to, long amount, enum transfer_result want)
{
	const pthread_mutex_t *log[32], *held[CT_MAX_HELD];
	char call[80], name[120];

	snprintf(call, sizeof call, "transfer(b, %d, %d, %ld)", from, to, amount);
	ct_lock_log_start();
	expect_transfer(from, to, amount, want);
	int n = ct_lock_log(log, 32), nh = ct_locks_held(held, CT_MAX_HELD);
	n = n < 32 ? n : 32;
	CT_CHECK(nh == 0,
		 "%s returned %s still holding %s%s: unlock both accounts on every path out of transfer, including "
		 "the early return when the money is not there",
		 call, result_name(want), ct_describe_lock(held[0], name, sizeof name), nh > 1 ? " and more" : "");
	for (int i = 0; i < n; i++)
		CT_CHECK(log[i] == &b.accounts[from].lock || log[i] == &b.accounts[to].lock,
			 "%s locked %s: it may take only the two accounts' own locks. A global lock makes every "
			 "transfer wait for every other: lock accounts[from].lock and accounts[to].lock, so that "
			 "transfers between other accounts run at the same time",
			 call, ct_describe_lock(log[i], name, sizeof name));
	int pf = position(log, n, &b.accounts[from].lock), pt = position(log, n, &b.accounts[to].lock);
	CT_CHECK(pf >= 0 && pt >= 0,
		 "%s returned %s without locking accounts[%d].lock: read and change the balances only while holding "
		 "both accounts' locks (a balance checked before locking can change before you act on it: "
		 "check-then-act)",
		 call, result_name(want), pf < 0 ? from : to);
	return (from < to) == (pf < pt);
}

CT_TEST(bank, correct_locks_exactly_the_two_accounts)
{
	open_bank(6, 100, NULL);
	bool low_first_a = check_locks_of(2, 5, 10, TRANSFER_OK);
	bool low_first_b = check_locks_of(5, 2, 10, TRANSFER_OK);
	CT_CHECK(low_first_a == low_first_b,
		 "transfer(b, 2, 5, ...) locked accounts[%d].lock first, but transfer(b, 5, 2, ...) locked "
		 "accounts[%d].lock first. Two threads doing these at the same time can each take one lock and wait "
		 "forever for the other: take the two locks in one global order (for example, lower account number "
		 "first), whatever the direction of the transfer",
		 low_first_a ? 2 : 5, low_first_b ? 2 : 5);
	check_locks_of(2, 5, 1000000, TRANSFER_NO_FUNDS);
	check_locks_of(5, 2, 1000000, TRANSFER_NO_FUNDS);
	const pthread_mutex_t *held[CT_MAX_HELD];
	expect_transfer(2, 2, 1, TRANSFER_INVALID);
	CT_CHECK(ct_locks_held(held, CT_MAX_HELD) == 0, "transfer(b, 2, 2, 1) returned TRANSFER_INVALID still holding a lock: unlock on every path");
	ct_pass();
}

/* What audit() saw; only the test's thread calls transfer here. */
static int audits, audit_from, audit_to, audit_locks;
static long audit_amount;
static char audit_lock_name[120];

static void audit(int from, int to, long amount)
{
	const pthread_mutex_t *held[CT_MAX_HELD];
	int n = ct_locks_held(held, CT_MAX_HELD);

	audits++;
	audit_from = from;
	audit_to = to;
	audit_amount = amount;
	if (n > audit_locks) {
		audit_locks = n;
		ct_describe_lock(held[0], audit_lock_name, sizeof audit_lock_name);
	}
}

CT_TEST(bank, correct_audit_runs_with_no_lock_held)
{
	open_bank(4, 100, audit);
	expect_transfer(1, 3, 25, TRANSFER_OK);
	CT_CHECK(audits == 1, "transfer(b, 1, 3, 25) returned TRANSFER_OK and called audit %d times; expected once",
		 audits);
	CT_CHECK(audit_from == 1 && audit_to == 3 && audit_amount == 25,
		 "transfer(b, 1, 3, 25) called audit(%d, %d, %ld); expected audit(1, 3, 25)", audit_from, audit_to,
		 audit_amount);
	CT_CHECK(audit_locks == 0,
		 "transfer(b, 1, 3, 25) called audit() while holding %s%s. audit is slow (it writes a log): calling "
		 "it inside the critical section makes every other transfer of these accounts wait for it. Unlock "
		 "first, then call audit",
		 audit_lock_name, audit_locks > 1 ? " and more" : "");
	expect_transfer(1, 3, 1000, TRANSFER_NO_FUNDS);
	expect_transfer(1, 1, 5, TRANSFER_INVALID);
	CT_CHECK(audits == 1, "transfers that failed (TRANSFER_NO_FUNDS, TRANSFER_INVALID) called audit; only a "
		 "transfer that happened is audited");
	ct_pass();
}

/* ---- with threads ------------------------------------------------------ */

#define STRESS_THREADS 4
#define STRESS_TRANSFERS 5000
#define STRESS_ACCOUNTS 5

static struct ct_rendezvous start;

/* A worker's plan and what it saw; each is written by its own thread only. */
struct worker {
	int index;
	long net[BANK_MAX_ACCOUNTS]; /* money moved in or out of each account by its successful transfers */
	int bad_results;             /* results that are not an enum transfer_result, or INVALID */
};

static void *stress(void *arg)
{
	struct worker *w = arg;
	uint32_t seed = 2654435761u * (uint32_t)(w->index + 1);

	ct_rendezvous_arrive(&start);
	for (int k = 0; k < STRESS_TRANSFERS; k++) {
		seed = seed * 1103515245u + 12345u;
		int from = (int)((seed >> 8) % STRESS_ACCOUNTS);
		int to = (from + 1 + (int)((seed >> 16) % (STRESS_ACCOUNTS - 1))) % STRESS_ACCOUNTS;
		long amount = 1 + (long)((seed >> 4) % 150);
		enum transfer_result r = transfer(&b, from, to, amount);
		if (r == TRANSFER_OK) {
			w->net[from] -= amount;
			w->net[to] += amount;
		} else if (r != TRANSFER_NO_FUNDS) {
			w->bad_results++;
		}
	}
	return NULL;
}

/* Starts n threads running fn(&workers[i]) together and joins them. */
static void run_workers(int n, void *(*fn)(void *), struct worker *workers)
{
	pthread_t t[8];

	ct_rendezvous_init(&start, n, 500 * CT_MS);
	for (int i = 0; i < n; i++) {
		workers[i].index = i;
		int err = pthread_create(&t[i], NULL, fn, &workers[i]);
		CT_CHECK(err == 0, "grader error: pthread_create failed (%d)", err);
	}
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
}

CT_TEST(bank, correct_money_is_conserved_under_stress)
{
	static struct worker workers[STRESS_THREADS];
	const long initial = 200; /* small against the amounts, so that accounts often run low */

	open_bank(STRESS_ACCOUNTS, initial, NULL);
	ct_set_yield_at_locks(true);
	run_workers(STRESS_THREADS, stress, workers);
	long sum = 0;
	for (int a = 0; a < STRESS_ACCOUNTS; a++) {
		long want = initial;
		for (int i = 0; i < STRESS_THREADS; i++)
			want += workers[i].net[a];
		long got = b.accounts[a].balance;
		sum += got;
		CT_CHECK(got >= 0, "after %d threads made %d transfers each, account %d holds %ld: a balance went negative. "
			 "Check the balance and move the money while holding both locks", STRESS_THREADS,
			 STRESS_TRANSFERS, a, got);
		CT_CHECK(got == want,
			 "after %d threads made %d transfers each, account %d holds %ld, but the transfers that returned "
			 "TRANSFER_OK add up to %ld: updates were lost. Both balances must be read and written while "
			 "holding both accounts' locks",
			 STRESS_THREADS, STRESS_TRANSFERS, a, got, want);
	}
	CT_CHECK(sum == initial * STRESS_ACCOUNTS, "the bank holds %ld after the transfers; it started with %ld", sum,
		 initial * STRESS_ACCOUNTS);
	for (int i = 0; i < STRESS_THREADS; i++)
		CT_CHECK(workers[i].bad_results == 0, "transfer returned TRANSFER_INVALID (or a value that is not an enum "
			 "transfer_result) %d times for valid transfers", workers[i].bad_results);
	ct_pass();
}

#define CROSSINGS 20

static void *cross(void *arg)
{
	struct worker *w = arg;

	ct_rendezvous_arrive(&start);
	for (int k = 0; k < CROSSINGS; k++)
		if (transfer(&b, w->index, 1 - w->index, 1) != TRANSFER_OK)
			w->bad_results++;
	return NULL;
}

CT_TEST(bank, correct_crossing_transfers_do_not_deadlock)
{
	static struct worker workers[2];

	open_bank(2, 100, NULL);
	ct_set_lock_hold(CT_MS);
	run_workers(2, cross, workers);
	CT_CHECK(workers[0].bad_results == 0 && workers[1].bad_results == 0,
		 "transfers of 1 between two accounts holding 100 each did not all return TRANSFER_OK");
	expect_balances("20 transfers of 1 from account 0 to 1 and 20 from 1 to 0, at the same time",
			(long[]){100, 100}, 2);
	ct_pass();
}

/* Totals seen by the observer while transfers ran. */
#define OBSERVATIONS 30
#define SNAPSHOT_TRANSFERS 150
static long seen_totals[OBSERVATIONS];

static void *shuffle(void *arg)
{
	struct worker *w = arg;

	ct_rendezvous_arrive(&start);
	for (int k = 0; k < SNAPSHOT_TRANSFERS; k++) {
		int from = (k + w->index) % 4, to = (from + 1 + w->index) % 4;
		transfer(&b, from, to, 1 + k % 7);
	}
	return NULL;
}

static void *observe(void *unused)
{
	(void)unused;
	ct_rendezvous_arrive(&start);
	for (int k = 0; k < OBSERVATIONS; k++)
		seen_totals[k] = bank_total(&b);
	return NULL;
}

static void *snapshot_worker(void *arg)
{
	struct worker *w = arg;
	return w->index == 2 ? observe(NULL) : shuffle(arg);
}

CT_TEST(bank, correct_total_is_a_consistent_snapshot)
{
	static struct worker workers[3];

	open_bank(4, 500, NULL);
	ct_set_lock_hold(200 * 1000);
	run_workers(3, snapshot_worker, workers);
	for (int k = 0; k < OBSERVATIONS; k++)
		CT_CHECK(seen_totals[k] == 2000,
			 "bank_total(b) returned %ld while transfers ran; the bank always holds 2000. Money moving "
			 "between two accounts was counted twice or not at all: hold every account's lock at once "
			 "while you add up (taking them in the same order as transfer)",
			 seen_totals[k]);
	long total = bank_total(&b);
	CT_CHECK(total == 2000, "bank_total(b) returned %ld after the transfers; the bank holds 2000", total);
	ct_pass();
}

#define PAIRS_ROUNDS 10
#define HOLD_MS 2
/* Critical sections of each thread (ct_cs_log_start): from its first lock taken to its last released. */
static struct ct_interval pair_cs[2][PAIRS_ROUNDS];
static int pair_count[2];

static void *pair(void *arg)
{
	struct worker *w = arg;
	int a = 2 * w->index; /* thread 0 uses accounts 0 and 1, thread 1 uses 2 and 3 */

	ct_rendezvous_arrive(&start);
	ct_cs_log_start(pair_cs[w->index], PAIRS_ROUNDS);
	for (int k = 0; k < PAIRS_ROUNDS; k++)
		transfer(&b, a + k % 2, a + 1 - k % 2, 1);
	pair_count[w->index] = ct_cs_log_count();
	return NULL;
}

CT_TEST(bank, timing_transfers_between_different_accounts_overlap)
{
	static struct worker workers[2];
	struct ct_interval all[2 * PAIRS_ROUNDS];
	int row[2 * PAIRS_ROUNDS], n = 0;

	open_bank(4, 100, NULL);
	ct_set_lock_hold(HOLD_MS * CT_MS);
	run_workers(2, pair, workers);
	for (int t = 0; t < 2; t++)
		for (int k = 0; k < pair_count[t] && k < PAIRS_ROUNDS; k++) {
			all[n] = pair_cs[t][k];
			row[n++] = t;
		}
	CT_CHECK(pair_count[0] >= PAIRS_ROUNDS && pair_count[1] >= PAIRS_ROUNDS,
		 "%d transfers in each of two threads locked a mutex only %d and %d times", PAIRS_ROUNDS,
		 pair_count[0], pair_count[1]);
	double c = ct_concurrency(all, (size_t)n);
	char title[200];
	snprintf(title, sizeof title, "critical sections (from the first lock to the last unlock; each lock held "
		 "%d ms); row 0: accounts 0 and 1, row 1: accounts 2 and 3; concurrency %.2f", HOLD_MS, c);
	struct ct_timeline_group g[] = {{"transfer (each thread)", all, row, n, 2}};
	ct_timeline_save("timing_transfers_between_different_accounts_overlap", title, g, 1, false);
	CT_CHECK(c >= 1.5,
		 "transfers between accounts 0 and 1 in one thread and between 2 and 3 in another took turns: their "
		 "critical sections overlapped with a concurrency of %.2f (2.00 means always at the same time, 1.00 "
		 "never). They share no account, so they must not share a lock: give each account its own lock and "
		 "take only the two involved",
		 c);
	ct_pass();
}
