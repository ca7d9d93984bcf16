/*
 * report_junit.c - JUnit XML, as CI systems and LMS plug-ins read it:
 *   <testsuites name="concur" tests failures errors skipped time>
 *     <testsuite name="01-processes/spawn" ...>   one per exercise
 *       <properties> lesson, function, source, points, max, and each check's "points/max" </properties>
 *       <testcase name="correct_exit_codes" classname="01-processes.spawn.correctness">
 *         <failure message="first line" type="failed">the whole reason</failure>
 *       </testcase>
 * A test that crashed or ran out of time is an <error>, one not run is
 * <skipped/>; the races check and the checks failed for a reason no test
 * gives are cases of their own (report_cases).  A hidden test is "hidden
 * test K" with a property hidden=true and no message of its own.
 *
 * Written with libxml2's xmlTextWriter, which escapes what it writes; the
 * texts are first made well-formed XML 1.0 (report_clean_text).
 */
#include <libxml/xmlwriter.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "report_feedback.h"
#include "util.h"

static char *xml_text(const char *text)
{
	return report_clean_text(text, true);
}

static int attr(xmlTextWriterPtr w, const char *name, const char *value)
{
	char *v = xml_text(value);
	int rc = xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST v);
	free(v);
	return rc < 0 ? -1 : 0;
}

static int attr_int(xmlTextWriterPtr w, const char *name, long value)
{
	return xmlTextWriterWriteFormatAttribute(w, BAD_CAST name, "%ld", value) < 0 ? -1 : 0;
}

static int property(xmlTextWriterPtr w, const char *name, const char *value)
{
	if (xmlTextWriterStartElement(w, BAD_CAST "property") < 0 || attr(w, "name", name) || attr(w, "value", value))
		return -1;
	return xmlTextWriterEndElement(w) < 0 ? -1 : 0;
}

/* <failure message="its first line" type="status">the whole text</failure>, or <error>, or <skipped>. */
static int outcome_element(xmlTextWriterPtr w, const char *element, const struct report_case *k)
{
	const char *msg = k->message ? k->message : "";
	char *first = xstrndup(msg, strcspn(msg, "\n"));
	int rc = xmlTextWriterStartElement(w, BAD_CAST element) < 0 || attr(w, "message", first) ||
		 attr(w, "type", k->status);
	free(first);
	if (rc)
		return -1;
	char *body = xml_text(msg);
	rc = *body && xmlTextWriterWriteString(w, BAD_CAST body) < 0;
	free(body);
	return rc || xmlTextWriterEndElement(w) < 0 ? -1 : 0;
}

static int write_case(xmlTextWriterPtr w, const char *suite, const struct report_case *k)
{
	static const char *const elements[] = {
	    [CASE_FAILED] = "failure", [CASE_ERROR] = "error", [CASE_SKIPPED] = "skipped"};
	char *classname = xasprintf("%s.%s", suite, check_names[k->check]);
	int rc = xmlTextWriterStartElement(w, BAD_CAST "testcase") < 0 || attr(w, "name", k->name) ||
		 attr(w, "classname", classname);
	free(classname);
	if (!rc && k->hidden)
		rc = xmlTextWriterStartElement(w, BAD_CAST "properties") < 0 || property(w, "hidden", "true") ||
		     xmlTextWriterEndElement(w) < 0;
	if (!rc && k->end != CASE_PASSED)
		rc = outcome_element(w, elements[k->end], k);
	else if (!rc && k->message) {
		/* A passed test's note (a measurement skipped): for whoever reads the log. */
		char *note = xml_text(k->message);
		rc = xmlTextWriterWriteElement(w, BAD_CAST "system-out", BAD_CAST note) < 0;
		free(note);
	}
	return rc || xmlTextWriterEndElement(w) < 0 ? -1 : 0;
}

/* tests, failures, errors, skipped and time, from how many cases ended how (by_end). */
static int counts_attrs(xmlTextWriterPtr w, int total, const int by_end[4], double seconds)
{
	if (attr_int(w, "tests", total) || attr_int(w, "failures", by_end[CASE_FAILED]) ||
	    attr_int(w, "errors", by_end[CASE_ERROR]) || attr_int(w, "skipped", by_end[CASE_SKIPPED]))
		return -1;
	return xmlTextWriterWriteFormatAttribute(w, BAD_CAST "time", "%.3f", seconds) < 0 ? -1 : 0;
}

static int write_suite(xmlTextWriterPtr w, const struct lesson_result *l, const struct exercise_result *x)
{
	struct report_case *c;
	int n = report_cases(x, &c), pts = 0, max = 0, rc;
	int by_end[4] = {0};
	char *name = xasprintf("%s/%s", l->lesson->slug, x->ex->name);
	char *classes = xasprintf("%s.%s", l->lesson->slug, x->ex->name);

	report_tally_cases(c, n, by_end);
	for (int k = 0; k < NCHECKS; k++) {
		pts += x->checks[k].points;
		max += x->checks[k].max;
	}
	rc = xmlTextWriterStartElement(w, BAD_CAST "testsuite") < 0 || attr(w, "name", name) ||
	     counts_attrs(w, n, by_end, x->test_s + x->race_s) ||
	     xmlTextWriterStartElement(w, BAD_CAST "properties") < 0 || property(w, "lesson", l->lesson->slug) ||
	     property(w, "function", x->ex->function) || property(w, "source", x->source);
	char *p = xasprintf("%d", pts), *m = xasprintf("%d", max);
	rc = rc || property(w, "points", p) || property(w, "max", m);
	free(p);
	free(m);
	for (int k = 0; k < NCHECKS && !rc; k++) {
		if (x->checks[k].verdict == VERDICT_NONE)
			continue;
		char *v = xasprintf("%d/%d", x->checks[k].points, x->checks[k].max);
		rc = property(w, check_names[k], v);
		free(v);
	}
	rc = rc || xmlTextWriterEndElement(w) < 0;
	for (int i = 0; i < n && !rc; i++)
		rc = write_case(w, classes, &c[i]);
	rc = rc || xmlTextWriterEndElement(w) < 0;
	report_cases_free(c, n);
	free(name);
	free(classes);
	return rc ? -1 : 0;
}

int report_write_junit(const char *path, const struct report_input *in)
{
	char *tmp = report_temp_path(path);
	xmlTextWriterPtr w = xmlNewTextWriterFilename(tmp, 0);
	int by_end[4] = {0}, rc;

	if (!w) {
		free(tmp);
		return -1;
	}
	int total = report_case_totals(in, by_end);
	rc = xmlTextWriterSetIndent(w, 1) < 0 || xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) < 0 ||
	     xmlTextWriterStartElement(w, BAD_CAST "testsuites") < 0 || attr(w, "name", "concur") ||
	     counts_attrs(w, total, by_end, report_seconds(in));
	for (int i = 0; i < in->nlessons && !rc; i++)
		for (int k = 0; k < in->lessons[i].nresults && !rc; k++)
			rc = write_suite(w, &in->lessons[i], &in->lessons[i].results[k]);
	rc = rc || xmlTextWriterEndDocument(w) < 0;
	xmlFreeTextWriter(w);
	return report_commit(tmp, path, rc);
}
