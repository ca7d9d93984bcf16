/*
 * symbolize.c - "@0xOFFSET" tokens to "function() at file:line" (symbolize.h).
 */
#define _GNU_SOURCE
#include "symbolize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define MAX_ADDRS 64

/* Length of the "@0x<hex>" token at p, or 0 if there is none. */
static size_t token_length(const char *p)
{
	size_t n = 3;

	if (strncmp(p, "@0x", 3) != 0)
		return 0;
	while (strchr("0123456789abcdefABCDEF", p[n]) && p[n])
		n++;
	return n > 3 ? n : 0;
}

/* "./bank.c:42 (discriminator 2)" -> "bank.c:42", as Helgrind's reports say it; "??:0" and "??:?" -> NULL. */
static char *clean_place(char *line)
{
	line[strcspn(line, "\n")] = '\0';
	while (strncmp(line, "./", 2) == 0)
		line += 2;
	char *d = strstr(line, " (discriminator");
	if (d)
		*d = '\0';
	if (strncmp(line, "??", 2) == 0)
		return NULL;
	return line;
}

char *symbolize(const char *exe, const char *text)
{
	char *addrs[MAX_ADDRS], *places[MAX_ADDRS] = {NULL};
	int n = 0;

	for (const char *p = text; (p = strstr(p, "@0x")) != NULL;) {
		size_t len = token_length(p);
		if (!len) {
			p++;
			continue;
		}
		char *a = strndup(p + 1, len - 1);
		bool known = false;
		for (int i = 0; i < n && !known; i++)
			known = strcmp(addrs[i], a) == 0;
		if (!known && n < MAX_ADDRS)
			addrs[n++] = a;
		else
			free(a);
		p += len;
	}

	if (n > 0 && !strchr(exe, '\'')) {
		char *cmd = xasprintf("addr2line -f -e '%s'", exe);
		for (int i = 0; i < n; i++) {
			char *more = xasprintf("%s %s", cmd, addrs[i]);
			free(cmd);
			cmd = more;
		}
		char *quiet = xasprintf("%s 2>/dev/null", cmd);
		free(cmd);
		cmd = quiet;
		FILE *f = popen(cmd, "r");
		char func[512], file[1024];
		for (int i = 0; f && i < n && fgets(func, sizeof func, f) && fgets(file, sizeof file, f); i++) {
			func[strcspn(func, "\n")] = '\0';
			char *place = clean_place(file);
			if (place && strcmp(func, "??") != 0)
				places[i] = xasprintf("%s() at %s", func, place);
			else if (strcmp(func, "??") != 0)
				places[i] = xasprintf("%s()", func);
		}
		if (f)
			pclose(f);
		free(cmd);
	}

	/* Rebuild the text with every token replaced. */
	char *out = NULL;
	size_t outlen = 0;
	FILE *o = open_memstream(&out, &outlen);
	if (!o)
		return xstrdup(text);
	for (const char *p = text; *p;) {
		size_t len = token_length(p);
		if (!len) {
			fputc(*p++, o);
			continue;
		}
		const char *place = "an unknown place";
		for (int i = 0; i < n; i++)
			if (strlen(addrs[i]) == len - 1 && strncmp(addrs[i], p + 1, len - 1) == 0 && places[i])
				place = places[i];
		fputs(place, o);
		p += len;
	}
	fclose(o);
	for (int i = 0; i < n; i++) {
		free(addrs[i]);
		free(places[i]);
	}
	return out;
}
