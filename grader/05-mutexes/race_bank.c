/*
 * race_bank.c - Helgrind driver for lesson 05, exercise "bank".
 *
 * Two threads transfer 0->1 and 1->2 (account 1 is shared, so a balance
 * touched without its lock is reported) while a third adds up the bank.
 * No thread waits for a lock another one holds in a cycle, whatever the
 * student's lock order, so this program cannot deadlock; after the joins,
 * one transfer 1->0 runs alone, so that a lock order that depends on the
 * direction of the transfer is reported ("lock order violated") without a
 * deadlock ever happening.
 */
#include <pthread.h>

#include "bank.h"
#include "ct_driver.h"

#define ROUNDS 30

static struct bank bank;

static void *mover(void *arg)
{
	int from = (int)(long)arg;

	for (int i = 0; i < ROUNDS; i++)
		transfer(&bank, from, from + 1, 1);
	return NULL;
}

static void *auditor(void *unused)
{
	long total = 0;

	(void)unused;
	for (int i = 0; i < ROUNDS / 3; i++)
		total = bank_total(&bank);
	return (void *)total;
}

int main(void)
{
	pthread_t t[3];

	if (bank_init(&bank, 3, 100, NULL) != 0)
		ct_driver_fail("bank_init(b, 3, 100, NULL) did not return 0");
	for (int i = 0; i < 3; i++)
		if (pthread_create(&t[i], NULL, i < 2 ? mover : auditor, (void *)(long)i) != 0)
			ct_driver_fail("grader error: pthread_create failed");
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	if (transfer(&bank, 1, 0, 5) != TRANSFER_OK)
		ct_driver_fail("transfer(b, 1, 0, 5) did not return TRANSFER_OK");
	if (bank_total(&bank) != 300)
		ct_driver_fail("bank_total(b) did not return 300 after the transfers");
	bank_destroy(&bank);
	ct_driver_pass();
}
