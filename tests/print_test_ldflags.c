/*
 * print_test_ldflags.c - prints the link flags the harness gives every test
 * program (grader/harness/wrap_flags.c), so that the Makefile links the
 * test library's own unit tests exactly the same way.
 */
#include <stdio.h>

#include "wrap_flags.h"

int main(void) { return puts(wrap_test_ldflags()) == EOF; }
