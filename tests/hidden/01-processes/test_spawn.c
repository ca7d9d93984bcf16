/*
 * test_spawn.c - an instructor's hidden suite for lesson 01, exercise
 * "spawn", in the kit's own format (grader/lib/ct_test.h): what HIDDEN=dir
 * looks like, and what the kit's tests grade with it.  Its test names and
 * messages must never reach a student.
 */
#include <string.h>

#include "ct_test.h"
#include "spawn.h"

CT_SUITE(spawn);

static int seven(int i)
{
	(void)i;
	return 7;
}

static int index_plus_one(int i) { return i + 1; }

CT_TEST(spawn, correct_secret_seven_children_all_return_seven)
{
	int codes[7];

	memset(codes, 0, sizeof codes);
	int ret = spawn_all(7, seven, codes);
	CT_CHECK(ret == 0, "SECRET-MESSAGE-1: spawn_all(7, seven, codes) returned %d", ret);
	for (int i = 0; i < 7; i++)
		CT_CHECK(codes[i] == 7, "SECRET-MESSAGE-2: codes[%d] = %d", i, codes[i]);
	ct_pass();
}

CT_TEST(spawn, correct_secret_one_child)
{
	int codes[1] = {0};

	int ret = spawn_all(1, index_plus_one, codes);
	CT_CHECK(ret == 0 && codes[0] == 1, "SECRET-MESSAGE-3: spawn_all(1, ...) returned %d, codes[0] = %d", ret,
		 codes[0]);
	ct_pass();
}
