/*
 * report_html.c - the class report (report_html.h), written with libxml2's
 * xmlTextWriter, which escapes every text and attribute.  Every element but
 * the SVG's rectangles and <meta> is closed with an end tag: HTML does not
 * know <p/>.
 */
#define _GNU_SOURCE
#include "report_html.h"

#include <libxml/xmlwriter.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lesson.h"
#include "util.h"

#define BINS 10
#define TOP_MESSAGES 15

static const char style[] =
	"body{font-family:system-ui,sans-serif;margin:2em;max-width:70em;color:#222}"
	"table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}"
	"td.num{text-align:right}.pass{background:#e4f4e4}.fail{background:#f8e0e0}.skip{background:#f6f0d8}"
	"pre{background:#f6f6f6;padding:.8em;overflow-x:auto;white-space:pre-wrap}"
	"section.student{border-top:2px solid #ddd;margin-top:1.5em}svg text{font-size:11px}";

static const char *str(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)) ?: ""; }
static int num(json_t *o, const char *k) { return (int)json_integer_value(json_object_get(o, k)); }

static void el(xmlTextWriterPtr w, const char *name, const char *text)
{
	xmlTextWriterStartElement(w, BAD_CAST name);
	xmlTextWriterWriteString(w, BAD_CAST text);
	xmlTextWriterFullEndElement(w);
}

static void attr(xmlTextWriterPtr w, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void attr(xmlTextWriterPtr w, const char *name, const char *fmt, ...)
{
	va_list ap;
	char *v;

	va_start(ap, fmt);
	if (vasprintf(&v, fmt, ap) == -1)
		v = NULL;
	va_end(ap);
	xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST(v ? v : ""));
	free(v);
}

/* The exercise `name` of lesson `slug` in a harness report, or NULL. */
static json_t *exercise_of(json_t *report, const char *slug, const char *name)
{
	json_t *l, *e;
	size_t i, k;

	json_array_foreach(json_object_get(report, "lessons"), i, l)
		if (strcmp(str(l, "lesson"), slug) == 0)
			json_array_foreach(json_object_get(l, "exercises"), k, e)
				if (strcmp(str(e, "name"), name) == 0)
					return e;
	return NULL;
}

static void summary(xmlTextWriterPtr w, json_t *students)
{
	size_t n = json_array_size(students), i;
	json_t *s;
	double sum = 0;
	int max = 0, *points = xcalloc(n + 1, sizeof *points);

	json_array_foreach(students, i, s) {
		points[i] = num(s, "points");
		sum += points[i];
		max = num(s, "max") > max ? num(s, "max") : max;
	}
	for (size_t a = 1; a < n; a++) /* a handful of students: insertion sort */
		for (size_t b = a; b > 0 && points[b - 1] > points[b]; b--) {
			int t = points[b];
			points[b] = points[b - 1];
			points[b - 1] = t;
		}
	double mean = n ? sum / (double)n : 0, median = n ? (n % 2 ? points[n / 2] : (points[n / 2 - 1] + points[n / 2]) / 2.0) : 0;
	xmlTextWriterStartElement(w, BAD_CAST "p");
	attr(w, "id", "summary");
	attr(w, "data-students", "%zu", n);
	attr(w, "data-mean", "%.1f", mean);
	attr(w, "data-median", "%.1f", median);
	attr(w, "data-max", "%d", max);
	xmlTextWriterWriteFormatString(w, "%zu students; mean %.1f and median %.1f of %d points.", n, mean, median, max);
	xmlTextWriterFullEndElement(w);

	/* The distribution: BINS bars of the share of the points. */
	int count[BINS] = {0}, top = 1;
	for (size_t k = 0; k < n; k++) {
		int bin = max ? points[k] * BINS / max : 0;
		count[bin >= BINS ? BINS - 1 : bin]++;
	}
	for (int b = 0; b < BINS; b++)
		top = count[b] > top ? count[b] : top;
	el(w, "h2", "Score distribution");
	xmlTextWriterStartElement(w, BAD_CAST "svg");
	attr(w, "xmlns", "http://www.w3.org/2000/svg");
	attr(w, "id", "distribution");
	attr(w, "width", "%d", BINS * 50 + 40);
	attr(w, "height", "190");
	for (int b = 0; b < BINS; b++) {
		int h = 140 * count[b] / top, x = 30 + b * 50;
		xmlTextWriterStartElement(w, BAD_CAST "rect");
		attr(w, "x", "%d", x);
		attr(w, "y", "%d", 150 - h);
		attr(w, "width", "40");
		attr(w, "height", "%d", h);
		attr(w, "fill", "#3b7dd8");
		attr(w, "data-from", "%d", b * 100 / BINS);
		attr(w, "data-to", "%d", (b + 1) * 100 / BINS);
		attr(w, "data-count", "%d", count[b]);
		xmlTextWriterEndElement(w); /* <rect/>: SVG in HTML may close itself */
		xmlTextWriterStartElement(w, BAD_CAST "text");
		attr(w, "x", "%d", x);
		attr(w, "y", "165");
		xmlTextWriterWriteFormatString(w, "%d%%", b * 100 / BINS);
		xmlTextWriterFullEndElement(w);
		xmlTextWriterStartElement(w, BAD_CAST "text");
		attr(w, "x", "%d", x + 15);
		attr(w, "y", "%d", 145 - h);
		xmlTextWriterWriteFormatString(w, "%d", count[b]);
		xmlTextWriterFullEndElement(w);
	}
	xmlTextWriterFullEndElement(w);
	el(w, "p", "Bars: how many students got that share of the points (from the label to the next).");
	free(points);
}

static void pass_rates(xmlTextWriterPtr w, json_t *lessons, json_t *students)
{
	json_t *l, *e, *s;
	size_t i, k, j;

	el(w, "h2", "Pass rate per exercise and check");
	xmlTextWriterStartElement(w, BAD_CAST "table");
	attr(w, "id", "pass-rates");
	xmlTextWriterStartElement(w, BAD_CAST "tr");
	el(w, "th", "exercise");
	for (int c = 0; c < NCHECKS; c++)
		el(w, "th", check_names[c]);
	xmlTextWriterFullEndElement(w);
	json_array_foreach(lessons, i, l)
		json_array_foreach(json_object_get(l, "exercises"), k, e) {
			xmlTextWriterStartElement(w, BAD_CAST "tr");
			char *label = xasprintf("%s/%s", str(l, "lesson"), str(e, "name"));
			el(w, "td", label);
			for (int c = 0; c < NCHECKS; c++) {
				int passed = 0, total = 0;
				json_array_foreach(students, j, s) {
					json_t *ex = exercise_of(json_object_get(s, "report"), str(l, "lesson"), str(e, "name"));
					const char *v = str(json_object_get(json_object_get(ex, "checks"), check_names[c]), "verdict");
					total++;
					passed += strcmp(v, "pass") == 0 || strcmp(v, "skip") == 0;
				}
				xmlTextWriterStartElement(w, BAD_CAST "td");
				attr(w, "class", "num");
				attr(w, "data-exercise", "%s", str(e, "name"));
				attr(w, "data-check", "%s", check_names[c]);
				attr(w, "data-passed", "%d", passed);
				attr(w, "data-students", "%d", total);
				if (num(e, check_names[c]) == 0)
					xmlTextWriterWriteString(w, BAD_CAST "-");
				else
					xmlTextWriterWriteFormatString(w, "%d%% (%d of %d)", total ? 100 * passed / total : 0,
								       passed, total);
				xmlTextWriterFullEndElement(w);
			}
			xmlTextWriterFullEndElement(w);
			free(label);
		}
	xmlTextWriterFullEndElement(w);
}

/* The reason, cut to its first line and 160 characters, with its numbers blurred, so that alike ones group. */
static char *shape(const char *reason)
{
	size_t n = strcspn(reason, "\n");
	char *s = xasprintf("%.*s", (int)(n > 160 ? 160 : n), reason), *w = s;

	for (const char *p = s; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (w == s || w[-1] != '#')
				*w++ = '#';
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
	return s;
}

static void common_failures(xmlTextWriterPtr w, json_t *students)
{
	json_t *counts = json_object(), *s, *l, *e, *t, *c;
	size_t i, a, b, k;

	json_array_foreach(students, i, s) {
		json_t *seen = json_object(); /* each message once per student */
		if (*str(s, "ended"))
			json_object_set_new(seen, "the grading ended without a report", json_true());
		json_array_foreach(json_object_get(json_object_get(s, "report"), "lessons"), a, l)
			json_array_foreach(json_object_get(l, "exercises"), b, e) {
				json_array_foreach(json_object_get(e, "tests"), k, t)
					if (strcmp(str(t, "status"), "passed") && *str(t, "reason")) {
						char *m = shape(str(t, "reason")), *key = xasprintf("%s: %s", str(e, "name"), m);
						json_object_set_new(seen, key, json_true());
						free(m);
						free(key);
					}
				/* A check failed with no test to blame (the build, the race check). */
				for (int ck = 0; ck < NCHECKS; ck++) {
					c = json_object_get(json_object_get(e, "checks"), check_names[ck]);
					if (strcmp(str(c, "verdict"), "fail") == 0 && (ck == CHECK_RACES || !json_array_size(json_object_get(e, "tests")))) {
						char *m = shape(str(c, "summary")), *key = xasprintf("%s: %s", str(e, "name"), m);
						json_object_set_new(seen, key, json_true());
						free(m);
						free(key);
					}
				}
			}
		const char *key;
		json_t *v;
		json_object_foreach(seen, key, v)
			json_object_set_new(counts, key, json_integer(json_integer_value(json_object_get(counts, key)) + 1));
		json_decref(seen);
	}
	el(w, "h2", "Most common failure messages");
	xmlTextWriterStartElement(w, BAD_CAST "table");
	attr(w, "id", "failures");
	xmlTextWriterStartElement(w, BAD_CAST "tr");
	el(w, "th", "students");
	el(w, "th", "exercise: message (numbers shown as #)");
	xmlTextWriterFullEndElement(w);
	for (int shown = 0; shown < TOP_MESSAGES && json_object_size(counts); shown++) {
		const char *best = NULL, *key;
		json_t *v;
		json_int_t most = 0;
		json_object_foreach(counts, key, v)
			if (json_integer_value(v) > most || (json_integer_value(v) == most && best && strcmp(key, best) < 0))
				best = key, most = json_integer_value(v);
		xmlTextWriterStartElement(w, BAD_CAST "tr");
		xmlTextWriterStartElement(w, BAD_CAST "td");
		attr(w, "class", "num");
		attr(w, "data-count", "%lld", (long long)most);
		xmlTextWriterWriteFormatString(w, "%lld", (long long)most);
		xmlTextWriterFullEndElement(w);
		el(w, "td", best);
		xmlTextWriterFullEndElement(w);
		json_object_del(counts, best);
	}
	xmlTextWriterFullEndElement(w);
	json_decref(counts);
}

static void student_section(xmlTextWriterPtr w, json_t *lessons, json_t *s)
{
	json_t *l, *e, *v;
	size_t i, k;

	xmlTextWriterStartElement(w, BAD_CAST "section");
	attr(w, "class", "student");
	attr(w, "id", "student-%s", str(s, "id"));
	attr(w, "data-points", "%d", num(s, "points"));
	xmlTextWriterStartElement(w, BAD_CAST "h3");
	xmlTextWriterWriteFormatString(w, "%s: %d of %d points", str(s, "id"), num(s, "points"), num(s, "max"));
	xmlTextWriterFullEndElement(w);
	if (*str(s, "ended"))
		el(w, "p", str(s, "ended"));
	if (*str(s, "problem"))
		el(w, "p", str(s, "problem"));
	xmlTextWriterStartElement(w, BAD_CAST "table");
	json_array_foreach(lessons, i, l)
		json_array_foreach(json_object_get(l, "exercises"), k, e) {
			json_t *ex = exercise_of(json_object_get(s, "report"), str(l, "lesson"), str(e, "name"));
			xmlTextWriterStartElement(w, BAD_CAST "tr");
			el(w, "td", str(e, "name"));
			for (int c = 0; c < NCHECKS; c++) {
				json_t *ck = json_object_get(json_object_get(ex, "checks"), check_names[c]);
				const char *verdict = ck ? str(ck, "verdict") : "fail";
				xmlTextWriterStartElement(w, BAD_CAST "td");
				attr(w, "class", "%s", verdict);
				if (num(e, check_names[c]) == 0)
					xmlTextWriterWriteString(w, BAD_CAST "-");
				else
					xmlTextWriterWriteFormatString(w, "%s %d/%d", check_names[c], num(ck, "points"),
								       num(e, check_names[c]));
				xmlTextWriterFullEndElement(w);
			}
			xmlTextWriterFullEndElement(w);
		}
	xmlTextWriterFullEndElement(w);
	json_array_foreach(json_object_get(s, "ignored"), i, v)
		if (i == 0)
			el(w, "p", "Files in the submission that were not graded:");
	if (json_array_size(json_object_get(s, "ignored"))) {
		xmlTextWriterStartElement(w, BAD_CAST "ul");
		json_array_foreach(json_object_get(s, "ignored"), i, v)
			el(w, "li", json_string_value(v));
		xmlTextWriterFullEndElement(w);
	}
	el(w, "pre", str(s, "feedback"));
	xmlTextWriterFullEndElement(w);
}

int class_report_html(const char *path, json_t *grades)
{
	char *part = xasprintf("%s.part", path);
	xmlTextWriterPtr w = xmlNewTextWriterFilename(part, 0);
	json_t *students = json_object_get(grades, "students"), *lessons = json_object_get(grades, "lessons"), *s;
	size_t i;

	if (!w) {
		free(part);
		return -1;
	}
	xmlTextWriterWriteDTD(w, BAD_CAST "html", NULL, NULL, NULL);
	xmlTextWriterStartElement(w, BAD_CAST "html");
	attr(w, "lang", "en");
	xmlTextWriterStartElement(w, BAD_CAST "head");
	xmlTextWriterStartElement(w, BAD_CAST "meta");
	attr(w, "charset", "utf-8");
	xmlTextWriterEndElement(w); /* <meta/> */
	el(w, "title", "concur: class report");
	el(w, "style", style);
	xmlTextWriterFullEndElement(w);
	xmlTextWriterStartElement(w, BAD_CAST "body");
	el(w, "h1", "Class report");
	summary(w, students);
	pass_rates(w, lessons, students);
	common_failures(w, students);
	el(w, "h2", "Students");
	json_array_foreach(students, i, s)
		student_section(w, lessons, s);
	xmlTextWriterFullEndElement(w);
	xmlTextWriterFullEndElement(w);
	int done = xmlTextWriterEndDocument(w);
	xmlFreeTextWriter(w);
	int rc = done >= 0 && rename(part, path) == 0 ? 0 : -1;
	if (rc)
		unlink(part);
	free(part);
	return rc;
}
