/*
 * report_asserts.h - what the unit tests of the race reports
 * (test_helgrind_report.c, test_race_modes.c) share: assertions on text
 * and the printed report.  Include after <criterion/criterion.h>.
 */
#ifndef CONCUR_REPORT_ASSERTS_H
#define CONCUR_REPORT_ASSERTS_H

#include <stdio.h>
#include <string.h>

#include "helgrind_report.h"

#define FIX "tests/unit/fixtures/"

#define assert_str(actual, expected)                                                                                   \
	do {                                                                                                           \
		const char *a_ = (actual);                                                                             \
		cr_assert_not_null(a_, "%s is NULL, expected \"%s\"", #actual, (expected));                            \
		cr_assert_str_eq(a_, (expected), "%s is \"%s\", expected \"%s\"", #actual, a_, (expected));            \
	} while (0)

#define assert_has(hay, needle)                                                                                        \
	do {                                                                                                           \
		const char *h_ = (hay);                                                                                \
		cr_assert_not_null(h_, "%s is NULL", #hay);                                                            \
		cr_assert(strstr(h_, (needle)) != NULL, "%s lacks \"%s\":\n%s", #hay, (needle), h_);                   \
	} while (0)

#define assert_lacks(hay, needle)                                                                                      \
	do {                                                                                                           \
		const char *h_ = (hay);                                                                                \
		cr_assert(!h_ || strstr(h_, (needle)) == NULL, "%s has \"%s\":\n%s", #hay, (needle), h_);              \
	} while (0)

/* What hg_report_print() writes, malloc'd. */
static inline char *printed(const struct hg_report *r, int max)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert_not_null(f);
	hg_report_print(r, f, max);
	cr_assert_eq(fclose(f), 0);
	return buf;
}

#endif /* CONCUR_REPORT_ASSERTS_H */
