/*
 * report.h - what the student or instructor reads: one table per lesson
 * (exercise x {correctness, timing, races}, points and total), the reasons
 * for each failure with a pointer to the hints, and machine-readable
 * reports (JSON via jansson, CSV) for instructors.
 */
#ifndef REPORT_H
#define REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "grade.h"

void report_print(FILE *f, const struct lesson_result *r, const char *tree, bool verbose);
/* Grand total line after several lessons. */
void report_print_total(FILE *f, const struct lesson_result *r, int n);
int report_write_json(const char *path, const struct lesson_result *r, int n);
int report_write_csv(const char *path, const struct lesson_result *r, int n);

#endif
