/*
 * spawn_include_stdin.c - known-wrong variant of exercises/01-processes/spawn.c:
 * includes the compiler's standard input, which would wait for input
 * forever, through a name built by a macro to get past a check of the
 * #include lines.
 * Graded by make test; the expected verdict is in variants.json.
 */
#define STDIN "/dev/stdin"
#include STDIN
