/*
 * report_html.h - the class report of a batch grading, as one
 * self-contained HTML page (no script, no network: styles and the chart
 * are in the page): the class overview (the distribution of scores, the
 * pass rate of every check of every exercise, the failure messages most
 * students got, with how many got each) and a section per student.
 *
 * The numbers are also in data- attributes, for tests and for scripts:
 * #summary (data-students, data-mean, data-max), the chart's bars
 * (data-from, data-to, data-count), the pass rates (data-exercise,
 * data-check, data-passed, data-students), each student's section
 * (id "student-ID", data-points).
 */
#ifndef REPORT_HTML_H
#define REPORT_HTML_H

#include <jansson.h>

/* Writes the report of `grades` (the batch's grades.json) to path, through a rename.  0 or -1. */
int class_report_html(const char *path, json_t *grades);

#endif
