/*
 * spawn_include_solution.c - known-wrong variant of exercises/01-processes/spawn.c:
 * cheats: includes the reference solution by its path, hoping to get it
 * compiled (or, failing that, to see its lines in the compiler's errors).
 * Graded by make test; the expected verdict is in variants.json.
 */
#include "../../solutions/01-processes/spawn.c"
