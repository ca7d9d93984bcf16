/*
 * spawn_incbin.c - known-wrong variant of exercises/01-processes/spawn.c:
 * cheats: pastes a file the grader can read (here the kit's own tests) into
 * the program with the assembler's .incbin, to print it from a test.
 * Graded by make test; the expected verdict is in variants.json.
 */
#include <stdio.h>

#include "spawn.h"

__asm__(".section .rodata\n.global stolen\nstolen:\n.incbin \"tests/kit_tests.c\"\n.byte 0\n.text\n");
extern const char stolen[];

int spawn_all(int n, spawn_task task, int codes[])
{
	(void)n;
	(void)task;
	(void)codes;
	fputs(stolen, stderr);
	return -1;
}
