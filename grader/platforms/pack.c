/*
 * pack.c - concur-pack, the kit's archiver (libarchive), for the packages
 * of the grading platforms and the student release:
 *
 *   concur-pack create OUTPUT [--prefix DIR/] ENTRY...
 *       writes OUTPUT (.zip, .tar or .tar.gz, by its name) whole or not at
 *       all; each ENTRY is PATH (stored as DIR/PATH) or NAME=PATH (stored as
 *       NAME).  Only regular files: each keeps its mtime, and is stored
 *       0755 if its owner may run it, else 0644, owned by root.
 *   concur-pack list ARCHIVE
 *       prints "MODE SIZE NAME" per entry (a directory's NAME ends in '/').
 *   concur-pack extract ARCHIVE DIR
 *       unpacks ARCHIVE (any format libarchive reads) under DIR, which must
 *       exist, refusing whatever could write outside it or surprise the
 *       reader: absolute names, "..", links of any kind, devices, FIFOs,
 *       members over 64 MiB and more than 20000 entries.  Used for a
 *       student's hand-in on Autolab and by the kit's tests.
 *
 * Exit status 0, 1 when an archive could not be written or read (with a
 * message), 2 on a usage error.
 */
#define _GNU_SOURCE
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MEMBER_MAX  ((la_int64_t)64 << 20)
#define ENTRIES_MAX 20000

static int usage(void)
{
	fputs("usage: concur-pack create OUTPUT(.zip|.tar|.tar.gz) [--prefix DIR/] PATH|NAME=PATH...\n"
	      "       concur-pack list ARCHIVE\n"
	      "       concur-pack extract ARCHIVE DIR\n",
	      stderr);
	return 2;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Copies the file at path into the archive as name; 0 or -1 (with a message). */
static int add_file(struct archive *a, const char *name, const char *path)
{
	struct stat st;
	char buf[64 << 10];
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd == -1 || fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "concur-pack: %s: %s\n", path, fd == -1 ? strerror(errno) : "not a regular file");
		if (fd != -1)
			close(fd);
		return -1;
	}
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, st.st_mode & S_IXUSR ? 0755 : 0644);
	archive_entry_set_size(e, st.st_size);
	archive_entry_set_mtime(e, st.st_mtim.tv_sec, 0);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	int rc = archive_write_header(a, e) == ARCHIVE_OK ? 0 : -1;
	ssize_t n;
	off_t total = 0;
	while (rc == 0 && (n = read(fd, buf, sizeof buf)) > 0) {
		if (archive_write_data(a, buf, (size_t)n) != n)
			rc = -1;
		total += n;
	}
	if (rc == 0 && (n < 0 || total != st.st_size)) {
		fprintf(stderr, "concur-pack: %s changed or could not be read while it was packed\n", path);
		rc = -1;
	} else if (rc) {
		fprintf(stderr, "concur-pack: %s: %s\n", path, archive_error_string(a));
	}
	archive_entry_free(e);
	close(fd);
	return rc;
}

static int create(const char *output, int argc, char **argv)
{
	const char *prefix = "";
	struct archive *a = archive_write_new();
	char *tmp;
	int rc = 0;

	if (argc >= 2 && strcmp(argv[0], "--prefix") == 0) {
		prefix = argv[1];
		argc -= 2;
		argv += 2;
	}
	if (ends_with(output, ".zip")) {
		rc = archive_write_set_format_zip(a);
	} else if (ends_with(output, ".tar.gz") || ends_with(output, ".tgz")) {
		rc = archive_write_set_format_pax_restricted(a);
		rc = rc ? rc : archive_write_add_filter_gzip(a);
	} else if (ends_with(output, ".tar")) {
		rc = archive_write_set_format_pax_restricted(a);
	} else {
		archive_write_free(a);
		fprintf(stderr, "concur-pack: %s: the name must end in .zip, .tar or .tar.gz\n", output);
		return 2;
	}
	if (asprintf(&tmp, "%s.tmp-%ld", output, (long)getpid()) == -1) {
		archive_write_free(a);
		fputs("concur-pack: out of memory\n", stderr);
		return 1;
	}
	if (rc != ARCHIVE_OK || archive_write_open_filename(a, tmp) != ARCHIVE_OK) {
		fprintf(stderr, "concur-pack: %s: %s\n", tmp, archive_error_string(a));
		rc = -1;
	}
	for (int i = 0; i < argc && rc == 0; i++) {
		char *eq = strchr(argv[i], '='), *name;
		int n = eq ? asprintf(&name, "%.*s", (int)(eq - argv[i]), argv[i])
			   : asprintf(&name, "%s%s", prefix, argv[i]);
		if (n == -1) {
			fputs("concur-pack: out of memory\n", stderr);
			rc = -1;
			break;
		}
		rc = add_file(a, name, eq ? eq + 1 : argv[i]);
		free(name);
	}
	if (archive_write_close(a) != ARCHIVE_OK && rc == 0) {
		fprintf(stderr, "concur-pack: %s: %s\n", tmp, archive_error_string(a));
		rc = -1;
	}
	archive_write_free(a);
	if (rc == 0 && rename(tmp, output) == -1) {
		fprintf(stderr, "concur-pack: cannot rename %s to %s: %s\n", tmp, output, strerror(errno));
		rc = -1;
	}
	if (rc)
		unlink(tmp);
	free(tmp);
	return rc ? 1 : 0;
}

static struct archive *open_reader(const char *path)
{
	struct archive *a = archive_read_new();

	archive_read_support_format_all(a);
	archive_read_support_filter_all(a);
	if (archive_read_open_filename(a, path, 64 << 10) != ARCHIVE_OK) {
		fprintf(stderr, "concur-pack: %s: %s\n", path, archive_error_string(a));
		archive_read_free(a);
		return NULL;
	}
	return a;
}

static int list(const char *path)
{
	struct archive *a = open_reader(path);
	struct archive_entry *e;
	int r;

	if (!a)
		return 1;
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK)
		printf("%04o %lld %s\n", (unsigned)archive_entry_perm(e), (long long)archive_entry_size(e),
		       archive_entry_pathname(e));
	if (r != ARCHIVE_EOF)
		fprintf(stderr, "concur-pack: %s: %s\n", path, archive_error_string(a));
	archive_read_free(a);
	return r == ARCHIVE_EOF ? 0 : 1;
}

/* Why entry e may not be unpacked, or NULL. */
static const char *refused(struct archive_entry *e)
{
	const char *name = archive_entry_pathname(e);
	mode_t type = archive_entry_filetype(e);

	if (!name || !*name || name[0] == '/')
		return "an absolute or empty name";
	for (const char *p = name; *p;) {
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return "\"..\" in its name";
		p += n;
		p += strspn(p, "/");
	}
	if (archive_entry_hardlink(e) || type == AE_IFLNK)
		return "a link";
	if (type != AE_IFREG && type != AE_IFDIR)
		return "neither a file nor a directory";
	if (archive_entry_size(e) > MEMBER_MAX)
		return "larger than 64 MiB";
	return NULL;
}

static int extract(const char *path, const char *dir)
{
	struct archive *a = open_reader(path), *disk = archive_write_disk_new();
	struct archive_entry *e;
	int r = ARCHIVE_OK, entries = 0, rc = 0;

	/* Names stay relative, so that libarchive's own guards hold: unpack from inside dir. */
	if (!a || chdir(dir) == -1) {
		if (a)
			fprintf(stderr, "concur-pack: %s: %s\n", dir, strerror(errno));
		archive_read_free(a);
		archive_write_free(disk);
		return 1;
	}
	/* Modes only (no owners, no set-id bits), and libarchive's own guards as well as ours. */
	archive_write_disk_set_options(disk, ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
						 ARCHIVE_EXTRACT_SECURE_SYMLINKS |
						 ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS | ARCHIVE_EXTRACT_NO_OVERWRITE);
	while (rc == 0 && (r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *why = ++entries > ENTRIES_MAX ? "one entry too many" : refused(e);
		if (why) {
			fprintf(stderr, "concur-pack: %s: refused %s: %s\n", path, archive_entry_pathname(e), why);
			rc = 1;
			break;
		}
		archive_entry_set_perm(e, archive_entry_perm(e) & 0755);
		if (archive_write_header(disk, e) != ARCHIVE_OK) {
			fprintf(stderr, "concur-pack: %s: %s\n", archive_entry_pathname(e), archive_error_string(disk));
			rc = 1;
			break;
		}
		const void *buf;
		size_t len;
		la_int64_t off;
		while ((r = archive_read_data_block(a, &buf, &len, &off)) == ARCHIVE_OK)
			if (archive_write_data_block(disk, buf, len, off) != ARCHIVE_OK) {
				r = ARCHIVE_FATAL;
				break;
			}
		if (r != ARCHIVE_EOF || archive_write_finish_entry(disk) != ARCHIVE_OK) {
			fprintf(stderr, "concur-pack: %s: %s\n", path,
				r != ARCHIVE_EOF ? archive_error_string(a) : archive_error_string(disk));
			rc = 1;
		}
		r = ARCHIVE_OK;
	}
	if (rc == 0 && r != ARCHIVE_EOF) {
		fprintf(stderr, "concur-pack: %s: %s\n", path, archive_error_string(a));
		rc = 1;
	}
	archive_read_free(a);
	if (archive_write_close(disk) != ARCHIVE_OK && rc == 0) {
		fprintf(stderr, "concur-pack: %s\n", archive_error_string(disk));
		rc = 1;
	}
	archive_write_free(disk);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "create") == 0)
		return create(argv[2], argc - 3, argv + 3);
	if (argc == 3 && strcmp(argv[1], "list") == 0)
		return list(argv[2]);
	if (argc == 4 && strcmp(argv[1], "extract") == 0)
		return extract(argv[2], argv[3]);
	return usage();
}
