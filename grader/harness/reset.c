/*
 * reset.c - make reset (see reset.h).
 *
 * Order, per file: the student's version is copied to its backup first
 * (a new file, never over another), and only then is the pristine text
 * put in its place, atomically (write_file_atomic), so that an
 * interruption at any moment leaves the student's work in one of the two.
 */
#define _GNU_SOURCE
#include "reset.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"
#include "skeletons.h"
#include "util.h"

#define MAX_FILE_BYTES (4u << 20)

/* Writes text into a new file at path (never over an existing one).  0, or -1 with errno. */
static int write_new_file(const char *path, const char *text, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);

	if (fd == -1)
		return -1;
	for (size_t done = 0; done < len;) {
		ssize_t n = write(fd, text + done, len - done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			int saved = errno;
			close(fd);
			unlink(path);
			errno = saved;
			return -1;
		}
		done += (size_t)n;
	}
	return close(fd);
}

/* Keeps text as root/build/backups/SLUG/STEM-YYYYmmdd-HHMMSS[-N].EXT; the path shown, or NULL with errno. */
static char *back_up(const char *root, const char *slug, const char *file, const char *text, size_t len)
{
	const char *dot = strrchr(file, '.');
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	char *dir = xasprintf("%s/%s/%s", root, BACKUP_DIR, slug);

	if (!localtime_r(&now, &tm) || strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm) == 0)
		strcpy(stamp, "backup");
	if (make_dirs(dir) == -1) {
		free(dir);
		return NULL;
	}
	for (int n = 1; n < 100; n++) {
		char *suffix = n == 1 ? xstrdup("") : xasprintf("-%d", n);
		char *path = xasprintf("%s/%.*s-%s%s%s", dir, (int)(dot - file), file, stamp, suffix, dot);
		free(suffix);
		if (write_new_file(path, text, len) == 0) {
			free(dir);
			char *shown = strcmp(root, ".") == 0 ? xstrdup(path + 2) : xstrdup(path);
			free(path);
			return shown;
		}
		free(path);
		if (errno != EEXIST)
			break;
	}
	free(dir);
	return NULL;
}

/*
 * Puts pristine text back at exercises/SLUG/FILE.  Returns 0 (done, or
 * nothing to do) or -1 after a message; *changed: a file was replaced.
 */
static int restore(const char *root, const char *slug, const char *file, const char *pristine, bool *changed)
{
	char *path = xasprintf("%s/exercises/%s/%s", root, slug, file);
	const char *shown = strcmp(root, ".") == 0 ? path + 2 : path;
	struct stat st;
	size_t len = 0;
	char *text = NULL, *backup = NULL, *dir = xasprintf("%s/exercises/%s", root, slug);
	int rc = -1;

	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		fprintf(stderr, "concur: %s is not a regular file: move it away, then run make reset again\n", shown);
		goto out;
	}
	bool exists = lstat(path, &st) == 0;
	if (exists && !(text = read_untrusted_file(path, MAX_FILE_BYTES, &len))) {
		fprintf(stderr, "concur: cannot read %s (%s): it is left as it is\n", shown, strerror(errno));
		goto out;
	}
	if (text && strcmp(text, pristine) == 0 && strlen(text) == len) {
		printf("%s is already the pristine skeleton: nothing to do\n", shown);
		rc = 0;
		goto out;
	}
	if (text && !(backup = back_up(root, slug, file, text, len))) {
		fprintf(stderr, "concur: cannot keep a backup of %s under %s (%s): it is left as it is\n", shown,
			BACKUP_DIR, strerror(errno));
		goto out;
	}
	if (make_dirs(dir) == -1 ||
	    write_file_atomic(path, pristine, strlen(pristine), exists ? st.st_mode & 0777 : 0644) == -1) {
		fprintf(stderr, "concur: cannot write %s: %s%s%s\n", shown, strerror(errno),
			backup ? "; your version is safe in " : "", backup ? backup : "");
		goto out;
	}
	if (backup)
		printf("%s: the pristine skeleton is back; your version is kept as %s\n", shown, backup);
	else
		printf("%s was missing: the pristine skeleton is back\n", shown);
	*changed = true;
	rc = 0;
out:
	free(backup);
	free(text);
	free(dir);
	free(path);
	return rc;
}

int reset_lesson(const char *root, const struct lesson *l, const char *only)
{
	const char *why = NULL;
	struct skeletons *sk = skeletons_load(root, &why);
	int status = 0;
	bool changed = false;

	if (!sk) {
		fprintf(stderr,
			"concur: the kit's pristine skeletons (%s) cannot be read: %s. Copy the file from a fresh "
			"copy of the kit instead.\n",
			SKELETONS_FILE, why);
		return 2;
	}
	for (int k = 0; k < l->nexercises; k++) {
		const struct exercise *e = &l->exercises[k];
		if (only && strcmp(only, e->name) != 0)
			continue;
		const char *pristine = skeletons_text(sk, l->slug, e->name);
		char *c_file = xasprintf("%s.c", e->name), *h_file = xasprintf("%s.h", e->name);
		char *h_path = xasprintf("%s/solutions/%s/%s", root, l->slug, h_file);
		char *header = read_file(h_path, MAX_FILE_BYTES);
		if (!pristine) {
			fprintf(
			    stderr,
			    "concur: %s has no skeleton for exercises/%s/%s: copy it from a fresh copy of the kit\n",
			    SKELETONS_FILE, l->slug, c_file);
			status = 2;
		} else if (restore(root, l->slug, c_file, pristine, &changed) == -1) {
			status = 2;
		} else {
			/* The header is the contract: the grader always uses its own copy, put back quietly if it
			 * differs. */
			bool h_changed = false;
			char *h_now = xasprintf("%s/exercises/%s/%s", root, l->slug, h_file);
			char *now = read_file(h_now, MAX_FILE_BYTES);
			if (header && (!now || strcmp(now, header) != 0) &&
			    restore(root, l->slug, h_file, header, &h_changed) == -1)
				status = 2;
			free(now);
			free(h_now);
			progress_forget(root, l->slug, e->name);
		}
		free(header);
		free(h_path);
		free(c_file);
		free(h_file);
	}
	if (changed)
		printf("(make clean removes build/, backups included: copy a backup elsewhere to keep it.)\n");
	skeletons_free(sk);
	return status;
}
