/*
 * procs.c - see procs.h.  Reads /proc/PID/stat; the command name in it may
 * contain spaces and parentheses, so fields are read after its last ')'.
 * The uid comes from /proc/PID/status: the owner of /proc/PID is root once
 * a process has ended (a zombie) or when it is not dumpable.
 */
#include "procs.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The effective uid in /proc/PID/status ("Uid:\treal\teffective\t..."), or fallback. */
static uid_t status_uid(const char *pid, uid_t fallback)
{
	char path[300], line[256];
	unsigned real, effective;
	uid_t uid = fallback;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%s/status", pid);
	f = fopen(path, "r");
	if (!f)
		return fallback;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "Uid: %u %u", &real, &effective) == 2) {
			uid = (uid_t)effective;
			break;
		}
	fclose(f);
	return uid;
}

static bool read_stat(const char *pid, struct proc_info *p)
{
	char path[300], buf[512];
	struct stat st;
	bool ok = false;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%s/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (fgets(buf, sizeof buf, f) && fstat(fileno(f), &st) == 0) {
		char *after_name = strrchr(buf, ')');
		int ppid, pgrp;

		if (after_name && sscanf(after_name + 1, " %c %d %d", &p->state, &ppid, &pgrp) == 3) {
			p->pid = (pid_t)atoi(pid);
			p->ppid = (pid_t)ppid;
			p->pgrp = (pid_t)pgrp;
			p->uid = st.st_uid;
			ok = true;
		}
	}
	fclose(f);
	if (ok)
		p->uid = status_uid(pid, p->uid);
	return ok;
}

bool procs_read(pid_t pid, struct proc_info *p)
{
	char name[32];

	snprintf(name, sizeof name, "%d", (int)pid);
	return read_stat(name, p);
}

int procs_count(bool (*fn)(const struct proc_info *p, void *ctx), void *ctx)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		struct proc_info p;

		if (e->d_name[0] >= '0' && e->d_name[0] <= '9' && read_stat(e->d_name, &p) && fn(&p, ctx))
			n++;
	}
	closedir(d);
	return n;
}

static bool owned_by(const struct proc_info *p, void *uid) { return p->uid == *(uid_t *)uid; }

int procs_of_user(uid_t uid) { return procs_count(owned_by, &uid); }
