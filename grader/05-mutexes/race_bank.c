/*
 * race_bank.c - Helgrind driver for lesson 05, exercise "bank".
 *
 * Two threads transfer 0->1 and 1->2 (account 1 is shared, so a balance
 * touched without its lock is reported) while a third adds up the bank,
 * in ROUNDS rounds that start together (ct_driver_threads), with the
 * grader's yields at every lock and unlock: a balance read after its
 * unlock, or a sum taken after the locks are released, falls between the
 * transfers and is reported.  Whatever lock order transfer() uses, no
 * two threads here can wait for each other's locks in a cycle as long as
 * bank_total() takes its locks in ascending order; after the rounds, one
 * transfer 1->0 runs alone, so that a lock order that depends on the
 * direction of the transfer is reported ("lock order violated") without a
 * deadlock ever happening.
 */
#include "bank.h"
#include "ct_driver.h"

#define ROUNDS 12

static struct bank bank;

/* Thread 0 moves 0->1, thread 1 moves 1->2, thread 2 adds up. */
static void round_of(int thread, unsigned round)
{
	(void)round;
	if (thread < 2)
		(void)transfer(&bank, thread, thread + 1, 1);
	else
		(void)bank_total(&bank);
}

int main(void)
{
	if (bank_init(&bank, 3, 100, NULL) != 0)
		ct_driver_fail("bank_init(b, 3, 100, NULL) did not return 0");
	ct_driver_threads(3, ROUNDS, round_of);
	if (transfer(&bank, 1, 0, 5) != TRANSFER_OK)
		ct_driver_fail("transfer(b, 1, 0, 5) did not return TRANSFER_OK");
	if (bank_total(&bank) != 300)
		ct_driver_fail("bank_total(b) did not return 300 after the transfers");
	bank_destroy(&bank);
	ct_driver_pass();
}
