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
 *
 * Some mistakes need no threads to be seen every time: the lock tracker
 * logs the order in which each call takes its locks (so bank_total and
 * transfer can be compared pair by pair), ct_on_next_release() lets the
 * grader step in, as another thread would, at the moment bank_total lets
 * go of its last lock, and fault injection (ct_fault.h) makes one
 * pthread_mutex_init fail, with ct_mutex_events() telling which locks were
 * initialised and destroyed.
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
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
	const int good_n[] = {1, BANK_MAX_ACCOUNTS};
	for (int i = 0; i < 2; i++) {
		err = bank_init(&bad, good_n[i], 0, NULL);
		CT_CHECK(err == 0,
			 "bank_init(b, %d, 0, NULL) returned %d; expected 0 (1 <= n <= BANK_MAX_ACCOUNTS = %d "
			 "and initial >= 0 are all valid)",
			 good_n[i], err, BANK_MAX_ACCOUNTS);
		CT_CHECK(bad.n == good_n[i], "after bank_init(b, %d, 0, NULL), b->n is %d; expected %d", good_n[i],
			 bad.n, good_n[i]);
		for (int a = 0; a < good_n[i]; a++)
			CT_CHECK(bad.accounts[a].balance == 0,
				 "after bank_init(b, %d, 0, NULL), account %d holds %ld; "
				 "expected 0",
				 good_n[i], a, bad.accounts[a].balance);
		bank_destroy(&bad);
	}

	open_bank(4, 100, NULL);
	expect_balances("bank_init(b, 4, 100, NULL)", (long[]){100, 100, 100, 100}, 4);
	expect_transfer(0, 1, 30, TRANSFER_OK);
	expect_balances("transfer(b, 0, 1, 30)", (long[]){70, 130, 100, 100}, 4);
	expect_transfer(0, 1, 71, TRANSFER_NO_FUNDS);
	expect_balances("transfer(b, 0, 1, 71), which account 0 cannot pay", (long[]){70, 130, 100, 100}, 4);
	expect_transfer(2, 3, 100, TRANSFER_OK);
	expect_balances("transfer(b, 2, 3, 100), the whole balance", (long[]){70, 130, 0, 200}, 4);
	const int args[][3] = {{1, 1, 5}, {-1, 1, 5}, {1, -1, 5}, {4, 1, 5}, {1, 4, 5}, {1, 0, 0}, {1, 0, -5}};
	for (size_t i = 0; i < sizeof args / sizeof args[0]; i++) {
		const pthread_mutex_t *held[CT_MAX_HELD];
		char name[120];
		expect_transfer(args[i][0], args[i][1], args[i][2], TRANSFER_INVALID);
		int nh = ct_locks_held(held, CT_MAX_HELD);
		CT_CHECK(nh == 0,
			 "transfer(b, %d, %d, %d) returned TRANSFER_INVALID still holding %s: check the "
			 "arguments before taking any lock, or unlock on that path too",
			 args[i][0], args[i][1], args[i][2], ct_describe_lock(held[0], name, sizeof name));
	}
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

/*
 * Runs one transfer and checks the locks it took; returns whether it took
 * the higher account's lock while holding the lower one's.
 */
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
	const pthread_mutex_t *lo = &b.accounts[from < to ? from : to].lock,
			      *hi = &b.accounts[from < to ? to : from].lock;
	bool lo_first = ct_lock_log_nested(lo, hi), hi_first = ct_lock_log_nested(hi, lo);
	CT_CHECK(lo_first || hi_first,
		 "%s locked accounts[%d].lock and accounts[%d].lock, but never held both at once: check the balance "
		 "and change both balances while holding both locks, in one critical section (money taken out under "
		 "one lock and put in under the other is, in between, in neither account)",
		 call, from, to);
	CT_CHECK(!(lo_first && hi_first),
		 "%s took accounts[%d].lock while holding accounts[%d].lock, and also the other way round: take the "
		 "two locks once each, in one global order",
		 call, from, to);
	return lo_first;
}

CT_TEST(bank, correct_locks_exactly_the_two_accounts)
{
	open_bank(6, 100, NULL);
	int tries = ct_count(CT_CALL_pthread_mutex_trylock);
	bool low_first_a = check_locks_of(2, 5, 10, TRANSFER_OK);
	bool low_first_b = check_locks_of(5, 2, 10, TRANSFER_OK);
	tries = ct_count(CT_CALL_pthread_mutex_trylock) - tries;
	CT_CHECK(low_first_a == low_first_b,
		 "transfer(b, 2, 5, ...) locked accounts[%d].lock first (and the other while holding it), but "
		 "transfer(b, 5, 2, ...) locked accounts[%d].lock first. %s: take the two locks in one global order "
		 "(for example, lower account number first), whatever the direction of the transfer",
		 low_first_a ? 2 : 5, low_first_b ? 2 : 5,
		 tries ? "With pthread_mutex_trylock and a back-off, two such transfers at the same time cannot "
			 "deadlock, but they can keep letting go and starting again (a livelock), and bank.h asks for "
			 "one global order instead"
		       : "Two threads doing these at the same time can each take one lock and wait forever for the "
			 "other");
	check_locks_of(2, 5, 1000000, TRANSFER_NO_FUNDS);
	check_locks_of(5, 2, 1000000, TRANSFER_NO_FUNDS);
	const pthread_mutex_t *held[CT_MAX_HELD];
	expect_transfer(2, 2, 1, TRANSFER_INVALID);
	CT_CHECK(ct_locks_held(held, CT_MAX_HELD) == 0, "transfer(b, 2, 2, 1) returned TRANSFER_INVALID still holding a lock: unlock on every path");
	ct_pass();
}

/* What audit() saw; only the test's thread calls transfer here. */
static int audits, audit_from, audit_to, audit_locks;
static long audit_amount, audit_saw[2]; /* the two balances when audit ran (no other thread runs) */
static char audit_lock_name[120];

static void audit(int from, int to, long amount)
{
	const pthread_mutex_t *held[CT_MAX_HELD];
	int n = ct_locks_held(held, CT_MAX_HELD);

	audits++;
	audit_from = from;
	audit_to = to;
	audit_amount = amount;
	if (from >= 0 && from < b.n && to >= 0 && to < b.n) {
		audit_saw[0] = b.accounts[from].balance;
		audit_saw[1] = b.accounts[to].balance;
	}
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
	CT_CHECK(audit_saw[0] == 75 && audit_saw[1] == 125,
		 "when transfer(b, 1, 3, 25) called audit(), accounts 1 and 3 held %ld and %ld; expected 75 and 125. "
		 "audit records a transfer that has happened: call it only after the money has moved and both "
		 "locks are released",
		 audit_saw[0], audit_saw[1]);
	expect_transfer(1, 3, 1000, TRANSFER_NO_FUNDS);
	expect_transfer(1, 1, 5, TRANSFER_INVALID);
	CT_CHECK(audits == 1, "transfers that failed (TRANSFER_NO_FUNDS, TRANSFER_INVALID) called audit; only a "
		 "transfer that happened is audited");
	ct_pass();
}

/*
 * One critical section: the first time transfer(b, 1, 2, 60) holds no lock,
 * the grader (as another thread would then) adds up the four accounts and
 * moves whatever account 1 still holds to account 3, under both locks.  A
 * transfer that let go between taking the money out and putting it in is
 * caught with the money in neither account; one that checked the balance,
 * let go, and moved the money afterwards overdraws account 1.
 */
static struct {
	bool ran;
	long sum_seen, drained;
} between;

static void step_in_between(void *unused)
{
	(void)unused;
	between.ran = true;
	between.sum_seen = 0;
	for (int a = 0; a < 4; a++)
		between.sum_seen += b.accounts[a].balance;
	pthread_mutex_lock(&b.accounts[1].lock);
	pthread_mutex_lock(&b.accounts[3].lock);
	between.drained = b.accounts[1].balance;
	b.accounts[3].balance += between.drained;
	b.accounts[1].balance = 0;
	pthread_mutex_unlock(&b.accounts[3].lock);
	pthread_mutex_unlock(&b.accounts[1].lock);
}

CT_TEST(bank, correct_transfer_checks_and_moves_in_one_critical_section)
{
	open_bank(4, 100, NULL);
	ct_on_next_release(step_in_between, NULL);
	enum transfer_result got = transfer(&b, 1, 2, 60);
	ct_on_next_release(NULL, NULL);
	CT_CHECK(!between.ran || between.sum_seen == 400,
		 "transfer(b, 1, 2, 60) let go of every lock while the money was %s (the four accounts, each of "
		 "100 before, then held %ld): another thread that takes the locks at that moment sees money %s. "
		 "Take both locks, check and move, and only then unlock: one critical section, not one per account",
		 between.sum_seen < 400 ? "in neither account" : "in both accounts", between.sum_seen,
		 between.sum_seen < 400 ? "missing" : "that does not exist");
	CT_CHECK(b.accounts[1].balance >= 0,
		 "transfer(b, 1, 2, 60) returned %s and left account 1 holding %ld. The first time it held no lock, "
		 "the grader, as another thread could at that moment, moved the %ld then in account 1 to account 3; "
		 "the transfer went on to take money out of account 1 without checking its balance again. Check the "
		 "balance and move the money while holding both locks, in one critical section (a check made before "
		 "letting go no longer holds: check-then-act)",
		 result_name(got), b.accounts[1].balance, between.drained);
	CT_CHECK(got == TRANSFER_OK, "transfer(b, 1, 2, 60) between accounts of 100 returned %s; expected TRANSFER_OK",
		 result_name(got));
	expect_balances("transfer(b, 1, 2, 60), then (once it held no lock) the grader's move of all of account 1 "
			"to account 3",
			(long[]){100, 0, 160, 140}, 4);
	ct_pass();
}

/* ---- the locks' life: init, failure, destroy -------------------------------- */

/* How many of the events are of kind on m, and how many of those succeeded. */
static int events_on(const struct ct_mutex_event *ev, int n, const pthread_mutex_t *m, enum ct_mutex_event_kind kind,
		     int *ok)
{
	int count = 0;

	*ok = 0;
	for (int i = 0; i < n; i++)
		if (ev[i].m == m && ev[i].kind == kind) {
			count++;
			*ok += ev[i].err == 0;
		}
	return count;
}

/* Whether m is one of the first n accounts' locks of bank x. */
static int account_of(const struct bank *x, int n, const pthread_mutex_t *m)
{
	for (int a = 0; a < n; a++)
		if (&x->accounts[a].lock == m)
			return a;
	return -1;
}

#define LIFE_ACCOUNTS 5

CT_TEST(bank, correct_init_and_destroy_handle_every_lock_once)
{
	static struct bank x;
	struct ct_mutex_event ev[256];
	int ok;

	ct_mutex_events_start();
	int err = bank_init(&x, LIFE_ACCOUNTS, 10, NULL);
	int n = ct_mutex_events(ev, 256);
	CT_CHECK(err == 0, "bank_init(b, %d, 10, NULL) returned %d; expected 0", LIFE_ACCOUNTS, err);
	for (int a = 0; a < LIFE_ACCOUNTS; a++) {
		int inits = events_on(ev, n, &x.accounts[a].lock, CT_MUTEX_INIT, &ok);
		CT_CHECK(inits == 1 && ok == 1,
			 "bank_init(b, %d, 10, NULL) called pthread_mutex_init on accounts[%d].lock %d times; expected "
			 "once: each account's lock must be initialised (with pthread_mutex_init, whose error number "
			 "bank_init returns) before any thread uses it",
			 LIFE_ACCOUNTS, a, inits);
	}
	ct_mutex_events_start();
	bank_destroy(&x);
	n = ct_mutex_events(ev, 256);
	for (int a = 0; a < LIFE_ACCOUNTS; a++) {
		int destroys = events_on(ev, n, &x.accounts[a].lock, CT_MUTEX_DESTROY, &ok);
		CT_CHECK(destroys == 1,
			 "bank_destroy(b) of a bank of %d accounts called pthread_mutex_destroy on "
			 "accounts[%d].lock %d times; expected once",
			 LIFE_ACCOUNTS, a, destroys);
	}
	for (int i = 0; i < n; i++)
		CT_CHECK(account_of(&x, LIFE_ACCOUNTS, ev[i].m) >= 0,
			 "bank_destroy(b) of a bank of %d accounts destroyed a mutex that is not one of its accounts' "
			 "locks (%s): destroy exactly the locks bank_init initialised",
			 LIFE_ACCOUNTS,
			 account_of(&x, BANK_MAX_ACCOUNTS, ev[i].m) >= 0 ? "an account past b->n, never initialised"
									 : "not an account lock at all");

	/* The k-th pthread_mutex_init fails: the error comes back, and the k - 1 locks made before it are destroyed. */
	const int fail_at[] = {1, 3, LIFE_ACCOUNTS};
	for (int f = 0; f < 3; f++) {
		int k = fail_at[f];
		ct_mutex_events_start();
		ct_fail_call(CT_CALL_pthread_mutex_init, k, ENOMEM);
		err = bank_init(&x, LIFE_ACCOUNTS, 10, NULL);
		int injected = ct_faults_injected(CT_CALL_pthread_mutex_init);
		ct_fault_clear(CT_CALL_pthread_mutex_init);
		n = ct_mutex_events(ev, 256);
		CT_CHECK(injected == 1,
			 "bank_init(b, %d, 10, NULL) called pthread_mutex_init fewer than %d times; each "
			 "account's lock must be initialised with it",
			 LIFE_ACCOUNTS, k);
		CT_CHECK(err == ENOMEM,
			 "bank_init(b, %d, 10, NULL), whose pthread_mutex_init number %d failed with ENOMEM (%d), "
			 "returned %d; expected ENOMEM: return the error number pthread_mutex_init returned",
			 LIFE_ACCOUNTS, k, ENOMEM, err);
		for (int i = 0; i < n; i++) {
			if (ev[i].kind != CT_MUTEX_INIT || ev[i].err != 0)
				continue;
			int a = account_of(&x, BANK_MAX_ACCOUNTS, ev[i].m),
			    destroys = events_on(ev, n, ev[i].m, CT_MUTEX_DESTROY, &ok);
			CT_CHECK(
			    destroys == 1,
			    "bank_init(b, %d, 10, NULL) returned ENOMEM after pthread_mutex_init number %d failed, "
			    "but destroyed the lock it had initialised before (accounts[%d].lock) %d times; expected "
			    "once: on failure, destroy the locks already initialised, and only those",
			    LIFE_ACCOUNTS, k, a, destroys);
		}
		for (int i = 0; i < n; i++) {
			if (ev[i].kind != CT_MUTEX_DESTROY)
				continue;
			int a = account_of(&x, BANK_MAX_ACCOUNTS, ev[i].m),
			    inits = events_on(ev, n, ev[i].m, CT_MUTEX_INIT, &ok);
			CT_CHECK(
			    ok > 0,
			    "bank_init(b, %d, 10, NULL), after pthread_mutex_init number %d failed, destroyed %s%d%s, "
			    "which %s: destroy only the locks that were initialised (pthread_mutex_destroy of a "
			    "mutex never initialised is undefined)",
			    LIFE_ACCOUNTS, k, a >= 0 ? "accounts[" : "a mutex (", a, a >= 0 ? "].lock" : ")",
			    inits ? "failed to initialise" : "it had not initialised");
		}
	}
	err = bank_init(&x, LIFE_ACCOUNTS, 10, NULL);
	CT_CHECK(err == 0,
		 "bank_init(b, %d, 10, NULL) returned %d after an earlier call on the same b had failed; "
		 "expected 0",
		 LIFE_ACCOUNTS, err);
	bank_destroy(&x);
	ct_pass();
}

/* Two banks used side by side: nothing of one may live outside its struct bank. */
CT_TEST(bank, correct_two_banks_at_once)
{
	static struct bank one, two;

	CT_CHECK(bank_init(&one, 3, 100, NULL) == 0, "bank_init(one, 3, 100, NULL) did not return 0");
	CT_CHECK(bank_init(&two, 5, 10, NULL) == 0, "bank_init(two, 5, 10, NULL) did not return 0");
	for (int a = 0; a < 3; a++)
		ct_name_lock(&one.accounts[a].lock, "one.accounts[%d].lock", a);
	for (int a = 0; a < 5; a++)
		ct_name_lock(&two.accounts[a].lock, "two.accounts[%d].lock", a);
	const struct {
		struct bank *x;
		const char *name;
		int from, to;
		long amount;
		enum transfer_result want;
	} steps[] = {
	    {&one, "one", 0, 2, 40, TRANSFER_OK},	 {&two, "two", 4, 0, 10, TRANSFER_OK},
	    {&one, "one", 3, 0, 1, TRANSFER_INVALID},	 {&two, "two", 3, 4, 5, TRANSFER_OK},
	    {&one, "one", 1, 2, 101, TRANSFER_NO_FUNDS}, {&two, "two", 1, 2, 11, TRANSFER_NO_FUNDS},
	};
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		enum transfer_result got = transfer(steps[i].x, steps[i].from, steps[i].to, steps[i].amount);
		CT_CHECK(got == steps[i].want,
			 "with two banks in use (one: 3 accounts of 100, two: 5 accounts of 10), transfer(%s, %d, %d, "
			 "%ld) returned %s; expected %s. Keep everything about a bank in its struct bank (no static "
			 "variables shared by all banks)",
			 steps[i].name, steps[i].from, steps[i].to, steps[i].amount, result_name(got),
			 result_name(steps[i].want));
	}
	const long want_one[] = {60, 100, 140}, want_two[] = {20, 10, 10, 5, 5};
	for (int a = 0; a < 3; a++)
		CT_CHECK(one.accounts[a].balance == want_one[a],
			 "with two banks in use, account %d of bank one holds "
			 "%ld; expected %ld",
			 a, one.accounts[a].balance, want_one[a]);
	for (int a = 0; a < 5; a++)
		CT_CHECK(two.accounts[a].balance == want_two[a],
			 "with two banks in use, account %d of bank two holds "
			 "%ld; expected %ld",
			 a, two.accounts[a].balance, want_two[a]);
	long t1 = bank_total(&one), t2 = bank_total(&two);
	CT_CHECK(t1 == 300 && t2 == 50,
		 "with two banks in use, bank_total(one) returned %ld and bank_total(two) "
		 "%ld; expected 300 and 50",
		 t1, t2);
	bank_destroy(&one);
	CT_CHECK(transfer(&two, 0, 1, 20) == TRANSFER_OK && bank_total(&two) == 50,
		 "after bank_destroy(one), bank two no longer worked: transfer(two, 0, 1, 20) did not return "
		 "TRANSFER_OK or bank_total(two) did not return 50");
	bank_destroy(&two);
	ct_pass();
}

/* ---- bank_total against transfer, one call at a time ------------------------ */

#define ORDER_ACCOUNTS 6

/* The position of account a's lock in log (the order in which a call first took each lock), or -1. */
static int rank_in(const pthread_mutex_t *const *log, int n, int a)
{
	return position(log, n, &b.accounts[a].lock);
}

/* Taken when bank_total first holds no lock: how many distinct locks it had taken by then. */
static int total_locks_at_release;

static void note_release(void *unused)
{
	const pthread_mutex_t *log[32];

	(void)unused;
	total_locks_at_release = ct_lock_log(log, 32);
}

CT_TEST(bank, correct_total_locks_every_account_in_the_order_transfer_does)
{
	const pthread_mutex_t *log[32], *held[CT_MAX_HELD];
	char name[120];

	open_bank(ORDER_ACCOUNTS, 100, NULL);
	ct_lock_log_start();
	total_locks_at_release = -1;
	ct_on_next_release(note_release, NULL);
	long total = bank_total(&b);
	ct_on_next_release(NULL, NULL);
	int n = ct_lock_log(log, 32), nh = ct_locks_held(held, CT_MAX_HELD);
	n = n < 32 ? n : 32;
	CT_CHECK(total == 100 * ORDER_ACCOUNTS, "bank_total(b) of %d accounts of 100 returned %ld", ORDER_ACCOUNTS,
		 total);
	CT_CHECK(nh == 0, "bank_total(b) returned still holding %s: unlock every lock it took",
		 ct_describe_lock(held[0], name, sizeof name));
	for (int a = 0; a < ORDER_ACCOUNTS; a++)
		CT_CHECK(rank_in(log, n, a) >= 0,
			 "bank_total(b) returned without locking accounts[%d].lock: it must hold every account's lock "
			 "while it adds the balances up, or a transfer can move money between two reads",
			 a);
	CT_CHECK(total_locks_at_release == ORDER_ACCOUNTS,
		 "bank_total(b) let go of all its locks after taking only %d of the %d accounts' locks, then took "
		 "more: it held them one (or a few) at a time. A transfer between an account already added and one "
		 "not yet added can then run in between and be counted twice or not at all: take every account's "
		 "lock first, add up, then unlock them all",
		 total_locks_at_release, ORDER_ACCOUNTS);
	/* total_nested[i][j]: bank_total took account j's lock while holding account i's. */
	bool total_nested[ORDER_ACCOUNTS][ORDER_ACCOUNTS];
	for (int i = 0; i < ORDER_ACCOUNTS; i++)
		for (int j = 0; j < ORDER_ACCOUNTS; j++)
			total_nested[i][j] = i != j && ct_lock_log_nested(&b.accounts[i].lock, &b.accounts[j].lock);
	for (int i = 0; i < ORDER_ACCOUNTS; i++)
		for (int j = 0; j < ORDER_ACCOUNTS; j++) {
			if (i == j)
				continue;
			ct_lock_log_start();
			int tries = ct_count(CT_CALL_pthread_mutex_trylock);
			expect_transfer(i, j, 1, TRANSFER_OK);
			tries = ct_count(CT_CALL_pthread_mutex_trylock) - tries;
			/* Only an order in which one lock is held while the other is taken can deadlock. */
			int first = ct_lock_log_nested(&b.accounts[i].lock, &b.accounts[j].lock) ? i : j;
			int second = first == i ? j : i;
			if (!ct_lock_log_nested(&b.accounts[first].lock, &b.accounts[second].lock))
				continue; /* never both at once:
					     correct_transfer_checks_and_moves_in_one_critical_section says so */
			CT_CHECK(!total_nested[second][first],
				 "transfer(b, %d, %d, 1) took accounts[%d].lock while holding accounts[%d].lock, but "
				 "bank_total(b) took them the other way round. %s. Take the locks in one global order (for "
				 "example, lower account number first) in transfer and in bank_total alike",
				 i, j, second, first,
				 tries ? "With pthread_mutex_trylock and a back-off the two cannot deadlock, but they can "
					 "keep letting go and starting again (a livelock), and bank.h asks for one global "
					 "order"
				       : "A transfer holding the first waits for the second, which bank_total holds while it "
					 "waits for the first: both wait forever");
		}
	bank_destroy(&b);
	ct_pass();
}

/*
 * The money in flight: right after bank_total lets go of its last lock (or
 * of all the locks it held at some moment), a grader thread takes the
 * locks of accounts 0 and 3, as a transfer from 3 to 0 does, and takes 50
 * out of account 3; 20 ms later it puts the 50 into account 0 and unlocks.
 * A total that was added up while holding every lock never sees it.
 */
#define FLIGHT_AMOUNT 50
#define FLIGHT_MS     20
static sem_t flight_go, flight_halfway;
static atomic_bool flight_took_locks, flight_cancelled;

static void *flight(void *unused)
{
	(void)unused;
	while (sem_wait(&flight_go) == -1)
		;
	if (atomic_load(&flight_cancelled))
		return NULL;
	pthread_mutex_lock(&b.accounts[0].lock);
	pthread_mutex_lock(&b.accounts[3].lock);
	atomic_store(&flight_took_locks, true);
	b.accounts[3].balance -= FLIGHT_AMOUNT;
	sem_post(&flight_halfway);
	ct_sleep_ns(FLIGHT_MS * CT_MS);
	b.accounts[0].balance += FLIGHT_AMOUNT;
	pthread_mutex_unlock(&b.accounts[3].lock);
	pthread_mutex_unlock(&b.accounts[0].lock);
	return NULL;
}

static int flight_locks_before; /* distinct locks bank_total had taken when it first held none */

static void start_flight(void *unused)
{
	const pthread_mutex_t *log[32];
	struct timespec until = ct_deadline_in(200 * CT_MS);

	(void)unused;
	flight_locks_before = ct_lock_log(log, 32);
	sem_post(&flight_go);
	while (sem_timedwait(&flight_halfway, &until) == -1 && errno == EINTR)
		;
}

CT_TEST(bank, correct_total_counts_money_in_flight_exactly_once)
{
	pthread_t t;

	open_bank(4, 500, NULL);
	sem_init(&flight_go, 0, 0);
	sem_init(&flight_halfway, 0, 0);
	int err = pthread_create(&t, NULL, flight, NULL);
	CT_CHECK(err == 0, "grader error: pthread_create failed (%d)", err);
	ct_lock_log_start();
	ct_on_next_release(start_flight, NULL);
	long total = bank_total(&b);
	ct_on_next_release(NULL, NULL);
	bool flew = atomic_load(&flight_took_locks);
	if (!flew) { /* bank_total never let go of a lock (or took none): no flight */
		atomic_store(&flight_cancelled, true);
		sem_post(&flight_go);
	}
	pthread_join(t, NULL);
	CT_CHECK(total == 2000 || !flew,
		 "bank_total(b) returned %ld; the bank holds 2000. Right after bank_total let go of %s (it had "
		 "taken %d of the 4 accounts' locks), the grader moved %d from account 3 to account 0 the way a "
		 "transfer does: holding both accounts' locks, it took the money out of account 3, and %d ms "
		 "later put it into account 0. bank_total %s: %s",
		 total, flight_locks_before == 4 ? "its locks" : "every lock it held at that moment",
		 flight_locks_before, FLIGHT_AMOUNT, FLIGHT_MS,
		 total == 2000 - FLIGHT_AMOUNT	 ? "counted that money in neither account"
		 : total == 2000 + FLIGHT_AMOUNT ? "counted that money in both accounts"
						 : "did not add up the balances it holds",
		 flight_locks_before == 4 ? "it read balances after releasing the locks. Add every balance up while "
					    "holding every lock, and unlock only once the sum is complete"
					  : "take every account's lock first, add up, then unlock them all");
	long after = bank_total(&b);
	CT_CHECK(after == 2000,
		 "bank_total(b) returned %ld once the grader's transfer had completed; the bank "
		 "holds 2000",
		 after);
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
			 "bank_total(b) returned %ld while transfers ran; the bank always holds 2000: money moving "
			 "between two accounts was counted twice or not at all. A consistent total needs both halves: "
			 "bank_total holding every account's lock at once while it adds up, and each transfer changing "
			 "both balances in one critical section, holding both locks (the other tests say which half "
			 "fails here)",
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
