/*
 * wrap_flags.h - the link flags of the test program, from the wrap table.
 */
#ifndef WRAP_FLAGS_H
#define WRAP_FLAGS_H

/*
 * "-Wl,--wrap=fork -Wl,--wrap=waitpid ... -lcriterion -ljansson -pthread":
 * a --wrap for every call of grader/lib/ct_wraps.h, in table order, then
 * the libraries every test program needs.  Built once; never freed.
 */
const char *wrap_test_ldflags(void);

#endif
