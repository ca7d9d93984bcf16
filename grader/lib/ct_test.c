/*
 * ct_test.c - the test-side half of ct_test.h, and the Criterion-aware
 * concur_todo(): an unimplemented skeleton fails the running test at once.
 */
#include "ct_test.h"

#include <stdio.h>

#include "concur_todo.h"

int ct_checks_run;

void ct_test_init(void)
{
	ct_checks_run = 0;
	ct_api_reset();
	ct_set_thread_start_delay(0);
}

_Noreturn void ct_pass(void)
{
	if (ct_checks_run == 0)
		cr_assert_fail("grader error: this test checked nothing (please report it)");
	fflush(NULL);
	ct_exit_now(CT_SENTINEL);
}

void concur_todo(const char *file, int line, const char *func)
{
	cr_assert_fail("not implemented: %s:%d: %s() still has its TODO; write it there", file, line, func);
}
