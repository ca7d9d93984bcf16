/*
 * symbolize.h - turn code addresses in a test's own words into places in
 * the student's source.
 *
 * The deadlock watchdog (grader/lib/ct_locks.c) cannot read debug
 * information, so it writes each code address as "@0xOFFSET", an offset
 * into the test program.  symbolize() replaces every such token with
 * "function() at file:line", using addr2line(1) on the program once for
 * all of them.  Tokens it cannot resolve become "an unknown place".
 */
#ifndef SYMBOLIZE_H
#define SYMBOLIZE_H

/* A new string: text with every "@0x..." token resolved against exe. */
char *symbolize(const char *exe, const char *text);

#endif
