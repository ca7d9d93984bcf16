/*
 * wrap_flags.c - the test program's link flags (wrap_flags.h), made from
 * the same table as the wrappers, their prototypes and their counters
 * (grader/lib/ct_wraps.h), so that no wrapped call lacks its flag.
 */
#include "wrap_flags.h"

#include <stdlib.h>
#include <string.h>

#include "ct_wraps.h"
#include "util.h"

#define TEST_LIBS "-lcriterion -ljansson -pthread"

static const char *const wrapped[] = {
#define WRAPPED_NAME(ret, name, params, fails, as) #name,
	CT_WRAPS(WRAPPED_NAME)
#undef WRAPPED_NAME
};

const char *wrap_test_ldflags(void)
{
	static char *flags;

	if (!flags) {
		char *s = xstrdup("");
		for (size_t i = 0; i < sizeof wrapped / sizeof wrapped[0]; i++) {
			char *more = xasprintf("%s-Wl,--wrap=%s ", s, wrapped[i]);
			free(s);
			s = more;
		}
		flags = xasprintf("%s%s", s, TEST_LIBS);
		free(s);
	}
	return flags;
}
