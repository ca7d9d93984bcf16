/*
 * timeline.c - terminal and SVG drawings of saved timelines (timeline.h).
 * The JSON is read with jansson and the SVG written with libxml2's
 * xmlTextWriter; the text drawing is ct_timeline_draw's.
 */
#define _GNU_SOURCE
#include "timeline.h"

#include <jansson.h>
#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ct_timeline.h"
#include "util.h"

#define SVG_WIDTH 720
#define ROW_HEIGHT 16
#define LABEL_WIDTH 190

/* A loaded timeline: groups with their intervals in ns (from ms), all on one origin. */
struct loaded {
	char *title;
	struct ct_timeline_group *groups;
	struct ct_interval **segs;
	int **rows;
	char **names;
	int ngroups;
};

static bool load(const char *path, struct loaded *t)
{
	json_t *root = json_load_file(path, 0, NULL), *g, *seg;
	size_t i, k;

	if (!root)
		return false;
	json_t *groups = json_object_get(root, "groups");
	t->title = xstrdup(json_string_value(json_object_get(root, "title")) ?: "");
	t->ngroups = (int)json_array_size(groups);
	t->groups = xcalloc((size_t)t->ngroups, sizeof *t->groups);
	t->segs = xcalloc((size_t)t->ngroups, sizeof *t->segs);
	t->rows = xcalloc((size_t)t->ngroups, sizeof *t->rows);
	t->names = xcalloc((size_t)t->ngroups, sizeof *t->names);
	json_array_foreach(groups, i, g) {
		json_t *segs = json_object_get(g, "segments_ms");
		int nrows = (int)json_integer_value(json_object_get(g, "rows"));
		size_t nsegs = 0;
		t->names[i] = xstrdup(json_string_value(json_object_get(g, "name")) ?: "");
		t->segs[i] = xcalloc(json_array_size(segs), sizeof **t->segs);
		t->rows[i] = xcalloc(json_array_size(segs), sizeof **t->rows);
		json_array_foreach(segs, k, seg) {
			int row = (int)json_integer_value(json_array_get(seg, 0));
			if (row < 0 || row >= nrows)
				continue;
			t->rows[i][nsegs] = row;
			/* +1 ns keeps an interval that starts at 0 apart from "never ran". */
			t->segs[i][nsegs].start_ns = (uint64_t)(json_number_value(json_array_get(seg, 1)) * 1e6) + 1;
			t->segs[i][nsegs].end_ns = (uint64_t)(json_number_value(json_array_get(seg, 2)) * 1e6) + 1;
			nsegs++;
		}
		t->groups[i] = (struct ct_timeline_group){t->names[i], t->segs[i], t->rows[i], (int)nsegs, nrows};
	}
	json_decref(root);
	return true;
}

static void unload(struct loaded *t)
{
	for (int i = 0; i < t->ngroups; i++) {
		free(t->segs[i]);
		free(t->rows[i]);
		free(t->names[i]);
	}
	free(t->segs);
	free(t->rows);
	free(t->names);
	free(t->groups);
	free(t->title);
}

static void attr_num(xmlTextWriterPtr w, const char *name, double v)
{
	xmlTextWriterWriteFormatAttribute(w, BAD_CAST name, "%.1f", v);
}

static void svg_text(xmlTextWriterPtr w, double x, double y, const char *text)
{
	xmlTextWriterStartElement(w, BAD_CAST "text");
	attr_num(w, "x", x);
	attr_num(w, "y", y);
	xmlTextWriterWriteString(w, BAD_CAST text);
	xmlTextWriterEndElement(w);
}

static void write_svg(const char *path, const struct loaded *t)
{
	uint64_t span = 1;
	int nrows = 0;

	for (int g = 0; g < t->ngroups; g++) {
		nrows += t->groups[g].nrows;
		for (int i = 0; i < t->groups[g].nsegs; i++)
			if (t->groups[g].segs[i].end_ns > span)
				span = t->groups[g].segs[i].end_ns;
	}
	double plot = SVG_WIDTH - LABEL_WIDTH - 20, height = 50 + nrows * ROW_HEIGHT + t->ngroups * 6 + 20;
	xmlTextWriterPtr w = xmlNewTextWriterFilename(path, 0);
	if (!w)
		return;
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL);
	xmlTextWriterStartElement(w, BAD_CAST "svg");
	xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns", BAD_CAST "http://www.w3.org/2000/svg");
	attr_num(w, "width", SVG_WIDTH);
	attr_num(w, "height", height);
	xmlTextWriterWriteAttribute(w, BAD_CAST "font-family", BAD_CAST "monospace");
	xmlTextWriterWriteAttribute(w, BAD_CAST "font-size", BAD_CAST "12");
	svg_text(w, 10, 18, t->title);
	char scale[64];
	snprintf(scale, sizeof scale, "0 to %.0f ms", (double)span / 1e6);
	svg_text(w, LABEL_WIDTH, 36, scale);
	double y = 46;
	for (int g = 0; g < t->ngroups; g++) {
		const struct ct_timeline_group *gr = &t->groups[g];
		for (int r = 0; r < gr->nrows; r++) {
			char label[160];
			double row_y = y + r * ROW_HEIGHT;
			snprintf(label, sizeof label, "%s %d", r == 0 ? gr->name : "", r);
			svg_text(w, 10, row_y + ROW_HEIGHT - 4, label);
		}
		for (int i = 0; i < gr->nsegs; i++) {
			const struct ct_interval *s = &gr->segs[i];
			xmlTextWriterStartElement(w, BAD_CAST "rect");
			attr_num(w, "x", LABEL_WIDTH + plot * (double)s->start_ns / (double)span);
			attr_num(w, "y", y + gr->row[i] * ROW_HEIGHT + 2);
			attr_num(w, "width", plot * (double)(s->end_ns - s->start_ns) / (double)span + 0.5);
			attr_num(w, "height", ROW_HEIGHT - 4);
			xmlTextWriterWriteAttribute(w, BAD_CAST "fill", BAD_CAST(g == 0 ? "#3b7dd8" : "#999999"));
			xmlTextWriterEndElement(w);
		}
		y += gr->nrows * ROW_HEIGHT + 6;
	}
	xmlTextWriterEndDocument(w);
	xmlFreeTextWriter(w);
}

char *timeline_render_file(const char *json_path, const char *svg_path)
{
	char *text = NULL;
	size_t len = 0;
	struct loaded t;

	if (!load(json_path, &t))
		return NULL;
	write_svg(svg_path, &t);
	FILE *out = open_memstream(&text, &len);
	if (out) {
		ct_timeline_draw(out, t.title, t.groups, t.ngroups, 50, false);
		fprintf(out, "(drawn as SVG too: %s)\n", svg_path);
		fclose(out);
	}
	unload(&t);
	return text;
}
