/*
 * race_spawn.c - Helgrind driver for lesson 01, exercise "spawn": runs
 * spawn_all() on a small workload; Helgrind's report is the verdict.
 */
#include "ct_driver.h"
#include "spawn.h"

static int task(int i) { return i + 1; }

int main(void)
{
	int codes[3];

	if (spawn_all(3, task, codes) != 0)
		ct_driver_fail("spawn_all(3, task, codes) did not return 0");
	for (int i = 0; i < 3; i++)
		if (codes[i] != i + 1)
			ct_driver_fail("spawn_all(3, ...): codes[%d] = %d, expected %d", i, codes[i], i + 1);
	ct_driver_pass();
}
