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
#include <unistd.h>

#include "ct_timeline.h"
#include "util.h"

#define PLOT_WIDTH 510 /* the time axis, in px */
#define ROW_HEIGHT 16
#define LABEL_WIDTH 190 /* at least; more for longer names */
#define GLYPH_WIDTH 7.3  /* of a 12 px monospace character, about */

/*
 * What a timeline file may hold: well above what the suites save (two
 * groups, up to 64 rows, a few dozen intervals, titles of 200 bytes), well
 * below what would flood the terminal or the memory.
 */
#define TL_MAX_FILE_BYTES (256 << 10)
#define TL_MAX_GROUPS	  8
#define TL_MAX_ROWS	  128  /* rows of one group */
#define TL_MAX_SEGS	  4096 /* intervals of one group */
#define TL_MAX_TEXT	  256  /* bytes of the title or of a group's name */
/* A day: no test runs that long. */
#define TL_MAX_MS (24.0 * 3600 * 1000)

/* A loaded timeline: groups with their intervals in ns (from ms), all on one origin. */
struct loaded {
	char *title;
	struct ct_timeline_group *groups;
	struct ct_interval **segs;
	int **rows;
	char **names;
	int ngroups;
};

/* Text to print as it is: short, and without control characters (C0, DEL, C1). */
static const char *text_field(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	const unsigned char *p = (const unsigned char *)json_string_value(v);

	if (!json_is_string(v) || json_string_length(v) > TL_MAX_TEXT ||
	    strlen((const char *)p) != json_string_length(v))
		return NULL;
	for (; *p; p++)
		if (*p < 0x20 || *p == 0x7f || (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			return NULL;
	return json_string_value(v);
}

/* An integer lo <= v <= hi. */
static bool int_field(json_t *v, long long lo, long long hi, int *out)
{
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
		return false;
	*out = (int)json_integer_value(v);
	return true;
}

/* A time in ms, 0 <= v <= TL_MAX_MS, as ns + 1 (which keeps a start at 0 apart from "never ran"). */
static bool ms_field(json_t *v, uint64_t *ns)
{
	double ms = json_number_value(v);

	if (!json_is_number(v) || !(ms >= 0 && ms <= TL_MAX_MS)) /* written so that NaN fails too */
		return false;
	*ns = (uint64_t)(ms * 1e6) + 1;
	return true;
}

/* Group i of the file, checked whole; false at the first value out of its range. */
static bool load_group(json_t *g, int i, struct loaded *t)
{
	json_t *segs = json_object_get(g, "segments_ms"), *seg;
	const char *name = text_field(g, "name");
	int nrows;
	size_t k;

	if (!name || !int_field(json_object_get(g, "rows"), 0, TL_MAX_ROWS, &nrows) || !json_is_array(segs) ||
	    json_array_size(segs) > TL_MAX_SEGS)
		return false;
	t->names[i] = xstrdup(name);
	t->segs[i] = xcalloc(json_array_size(segs), sizeof **t->segs);
	t->rows[i] = xcalloc(json_array_size(segs), sizeof **t->rows);
	json_array_foreach(segs, k, seg) {
		struct ct_interval *iv = &t->segs[i][k];
		if (!json_is_array(seg) || json_array_size(seg) != 3 ||
		    !int_field(json_array_get(seg, 0), 0, nrows - 1, &t->rows[i][k]) ||
		    !ms_field(json_array_get(seg, 1), &iv->start_ns) ||
		    !ms_field(json_array_get(seg, 2), &iv->end_ns) || iv->end_ns < iv->start_ns)
			return false;
	}
	t->groups[i] =
	    (struct ct_timeline_group){t->names[i], t->segs[i], t->rows[i], (int)json_array_size(segs), nrows};
	return true;
}

static void unload(struct loaded *t);

/*
 * Reads the timeline file at path into t.  The file was written inside the
 * sandbox, so it is hostile input: it is read only if it is a regular file
 * of at most TL_MAX_FILE_BYTES, and kept only if every value has the type
 * and range ct_timeline_save() gives it.  Otherwise returns false, having
 * kept nothing: such a drawing is dropped, never drawn half or wrong.
 */
static bool load(const char *path, struct loaded *t)
{
	size_t len, i;
	char *text = read_untrusted_file(path, TL_MAX_FILE_BYTES, &len);
	json_t *root = text ? json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL) : NULL, *g;
	json_t *groups = json_object_get(root, "groups");
	const char *title = text_field(root, "title");
	size_t ngroups = json_array_size(groups);
	bool ok = title && json_is_array(groups) && ngroups >= 1 && ngroups <= TL_MAX_GROUPS;

	free(text);
	memset(t, 0, sizeof *t);
	if (ok) {
		t->title = xstrdup(title);
		t->ngroups = (int)ngroups;
		t->groups = xcalloc((size_t)t->ngroups, sizeof *t->groups);
		t->segs = xcalloc((size_t)t->ngroups, sizeof *t->segs);
		t->rows = xcalloc((size_t)t->ngroups, sizeof *t->rows);
		t->names = xcalloc((size_t)t->ngroups, sizeof *t->names);
		json_array_foreach(groups, i, g) {
			if (!json_is_object(g) || !load_group(g, (int)i, t)) {
				ok = false;
				break;
			}
		}
	}
	json_decref(root);
	if (!ok)
		unload(t);
	return ok;
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

	double label_width = LABEL_WIDTH;
	for (int g = 0; g < t->ngroups; g++) {
		nrows += t->groups[g].nrows;
		for (int i = 0; i < t->groups[g].nsegs; i++)
			if (t->groups[g].segs[i].end_ns > span)
				span = t->groups[g].segs[i].end_ns;
		/* The name, a space, a row number of up to 3 digits, a margin. */
		double need = 10 + GLYPH_WIDTH * (double)(strlen(t->groups[g].name) + 6);
		label_width = need > label_width ? need : label_width;
	}
	double plot = PLOT_WIDTH, height = 50 + nrows * ROW_HEIGHT + t->ngroups * 6 + 20;
	double width = label_width + plot + 20, title_width = 20 + GLYPH_WIDTH * (double)strlen(t->title);
	width = title_width > width ? title_width : width;
	xmlTextWriterPtr w = xmlNewTextWriterFilename(path, 0);
	if (!w)
		return;
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL);
	xmlTextWriterStartElement(w, BAD_CAST "svg");
	xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns", BAD_CAST "http://www.w3.org/2000/svg");
	attr_num(w, "width", width);
	attr_num(w, "height", height);
	xmlTextWriterWriteAttribute(w, BAD_CAST "font-family", BAD_CAST "monospace");
	xmlTextWriterWriteAttribute(w, BAD_CAST "font-size", BAD_CAST "12");
	svg_text(w, 10, 18, t->title);
	char scale[64];
	snprintf(scale, sizeof scale, "0 to %.0f ms", (double)span / 1e6);
	svg_text(w, label_width, 36, scale);
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
			attr_num(w, "x", label_width + plot * (double)s->start_ns / (double)span);
			attr_num(w, "y", y + gr->row[i] * ROW_HEIGHT + 2);
			attr_num(w, "width", plot * (double)(s->end_ns - s->start_ns) / (double)span + 0.5);
			attr_num(w, "height", ROW_HEIGHT - 4);
			xmlTextWriterWriteAttribute(w, BAD_CAST "fill", BAD_CAST(g == 0 ? "#3b7dd8" : "#999999"));
			xmlTextWriterEndElement(w);
		}
		y += gr->nrows * ROW_HEIGHT + 6;
	}
	int done = xmlTextWriterEndDocument(w); /* flushes: where a full disk shows */
	xmlFreeTextWriter(w);
	if (done < 0)
		unlink(path); /* no half-written SVG */
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
