/*
 * enospc_journal.c: an LD_PRELOAD shim for the tests: the disk under a run's journal fills
 * up. With ENOSPC_JOURNAL_AFTER set to a text, writes to a file named journal.jsonl go
 * through until one that holds the text has been written; every one after it fails with
 * ENOSPC, as on a full disk. Other files, and every process without the variable, are
 * left alone. Not a part of hoist: built for the tests only (run_journal_full.sh).
 *
 * ENOSPC_JOURNAL_TORN=1: the first write that finds the disk full writes half of what it
 * was given first (the disk filled within it). ENOSPC_JOURNAL_FAILS=N: there is room again
 * once N writes have failed.
 *
 * ENOSPC_SYSLOG=FILE: the system log is FILE (a test machine may have none): each syslog()
 * line is appended to it.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static ssize_t (*real_write)(int, const void *, size_t);
/* Set once the text was written; the engine writes its journal under a mutex. */
static volatile int full, torn;
static long fails;

static int is_journal(int fd)
{
	static const char name[] = "/journal.jsonl";
	char link[64], path[4096];
	ssize_t n;
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof path - 1);
	if (n < (ssize_t)(sizeof name - 1))
		return 0;
	path[n] = '\0';
	return !strcmp(path + n - (sizeof name - 1), name);
}

ssize_t write(int fd, const void *buf, size_t len)
{
	const char *after = getenv("ENOSPC_JOURNAL_AFTER");
	ssize_t n;
	if (!real_write)
		real_write = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	if (!after || !*after || !is_journal(fd))
		return real_write(fd, buf, len);
	if (full) {
		const char *t = getenv("ENOSPC_JOURNAL_TORN"), *room = getenv("ENOSPC_JOURNAL_FAILS");
		if (room && *room && fails >= atol(room))
			return real_write(fd, buf, len);
		if (t && !strcmp(t, "1") && !torn && len > 1) {
			torn = 1;
			return real_write(fd, buf, len / 2);
		}
		fails++;
		errno = ENOSPC;
		return -1;
	}
	n = real_write(fd, buf, len);
	if (n > 0 && memmem(buf, (size_t)n, after, strlen(after)))
		full = 1;
	return n;
}

static void log_line(const char *fmt, va_list ap)
{
	const char *file = getenv("ENOSPC_SYSLOG");
	FILE *f;
	if (!file || !*file || !(f = fopen(file, "a")))
		return;
	vfprintf(f, fmt, ap);
	fputc('\n', f);
	fclose(f);
}

void syslog(int pri, const char *fmt, ...)
{
	va_list ap;
	(void)pri;
	va_start(ap, fmt);
	log_line(fmt, ap);
	va_end(ap);
}

void __syslog_chk(int pri, int flag, const char *fmt, ...)
{
	va_list ap;
	(void)pri;
	(void)flag;
	va_start(ap, fmt);
	log_line(fmt, ap);
	va_end(ap);
}
