/*
 * spawn_include_dev_zero.c - known-wrong variant of exercises/01-processes/spawn.c:
 * includes a file that never ends, to keep the compiler busy (and the
 * grader with it) until something runs out.
 * Graded by make test; the expected verdict is in variants.json.
 */
#include </dev/zero>
