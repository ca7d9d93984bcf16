/*
 * test_symbolize.c - unit tests of grader/harness/symbolize.c: "@0xOFFSET"
 * tokens, as the deadlock watchdog writes them, become functions and lines.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "symbolize.h"

/* A function with a known line to find; the address inside it is taken below. */
__attribute__((noinline)) static int marker(int x)
{
	return x * 3 + 1; /* the line addr2line should name */
}

static char exe[PATH_MAX];

static void find_exe(void)
{
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	cr_assert(n > 0, "readlink /proc/self/exe");
	exe[n] = '\0';
}

/* "@0x..." for a code address in this program, the way ct_locks.c writes it. */
static void token_for(const void *code, char *buf, size_t len)
{
	Dl_info info;

	cr_assert(dladdr(code, &info), "dladdr");
	snprintf(buf, len, "@0x%lx", (unsigned long)((uintptr_t)code - (uintptr_t)info.dli_fbase));
}

Test(symbolize, resolves_a_function_and_its_file)
{
	char token[40], text[200];

	find_exe();
	(void)marker(1);
	token_for((const char *)marker + 4, token, sizeof token);
	snprintf(text, sizeof text, "- thread 1 waits at %s, twice: %s.\n", token, token);
	char *out = symbolize(exe, text);
	cr_assert(strstr(out, "marker() at ") != NULL, "got: %s", out);
	cr_assert(strstr(out, "test_symbolize.c:") != NULL, "got: %s", out);
	cr_assert(strstr(out, "@0x") == NULL, "a token was left: %s", out);
	cr_assert(strncmp(out, "- thread 1 waits at marker() at ", 32) == 0, "the text around the token changed: %s", out);
	cr_assert(strstr(out, ", twice: marker() at ") != NULL, "the second token was not resolved alike: %s", out);
	free(out);
}

Test(symbolize, unknown_addresses_and_plain_text)
{
	find_exe();
	char *out = symbolize(exe, "at @0x7fffffff and @0x, not a token");
	cr_assert_str_eq(out, "at an unknown place and @0x, not a token");
	free(out);
	out = symbolize(exe, "no addresses here\n");
	cr_assert_str_eq(out, "no addresses here\n");
	free(out);
	out = symbolize("/no/such/program", "at @0x10");
	cr_assert_str_eq(out, "at an unknown place");
	free(out);
}
