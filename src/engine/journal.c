/*
 * journal.c: the journal's file: opened for appending (a crash's cut line repaired),
 * one write per event, fsynced at step boundaries; read back as it grows, and watched.
 */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/inotify.h>
#endif
#include "buf.h"
#include "i18n.h"
#include "journal_int.h"
#include "xalloc.h"

/* The longest line a reader accepts; a longer one is skipped as malformed. */
#define LINE_MAX_BYTES (4u << 20)
/* Without inotify a follower looks for new lines this often (ms): a step's end shows soon. */
#define WATCH_POLL_MS 100

/* ---- reading ---- */

struct hoist_journal_reader {
	char *path;           /* owned */
	int fd;
	int watch_fd;         /* inotify, or -1 */
	long long offset;     /* file offset of buf.data[0] */
	struct hoist_buf buf; /* owned: bytes read from offset */
	size_t pos;           /* consumed bytes of buf */
	long long seen_size;  /* the size when the reader last ran out of events */
	bool skipping;        /* inside an over-long line */
};

enum hoist_status hoist_journal_reader_open(const char *path, struct hoist_journal_reader **out,
					    struct hoist_error *err)
{
	struct hoist_journal_reader *r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	*out = NULL;
	if (fd < 0)
		return hoist_error_say(err, errno == ENOENT ? HOIST_NOTFOUND : HOIST_IO,
				       N_("cannot open the journal %s: %s"), path, strerror(errno));
	r = hoist_xcalloc(1, sizeof *r);
	r->path = hoist_xstrdup(path);
	r->fd = fd;
	r->watch_fd = -1;
	r->seen_size = -1;
	hoist_buf_init(&r->buf, 0);
#ifdef __linux__
	r->watch_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (r->watch_fd >= 0 &&
	    inotify_add_watch(r->watch_fd, path, IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE |
							  IN_DELETE_SELF | IN_MOVE_SELF) < 0) {
		close(r->watch_fd);
		r->watch_fd = -1;
	}
#endif
	*out = r;
	return HOIST_OK;
}

void hoist_journal_reader_free(struct hoist_journal_reader *r)
{
	if (!r)
		return;
	close(r->fd);
	if (r->watch_fd >= 0)
		close(r->watch_fd);
	hoist_buf_done(&r->buf);
	free(r->path);
	free(r);
}

long long hoist_journal_reader_offset(const struct hoist_journal_reader *r)
{
	return r->offset + (long long)r->pos;
}

void hoist_journal_reader_seek(struct hoist_journal_reader *r, long long offset)
{
	r->offset = offset < 0 ? 0 : offset;
	r->pos = 0;
	r->skipping = false;
	r->seen_size = -1;
	hoist_buf_reset(&r->buf);
}

int hoist_journal_reader_fd(const struct hoist_journal_reader *r)
{
	return r->watch_fd;
}

static void drain_watch(struct hoist_journal_reader *r)
{
	char events[4096];
	if (r->watch_fd < 0)
		return;
	while (read(r->watch_fd, events, sizeof events) > 0)
		;
}

/* Reads more from the file until a newline arrives or the end; false at the end. */
static bool fill_buf(struct hoist_journal_reader *r, struct hoist_error *err, bool *failed)
{
	char chunk[65536];
	/* Forget what was consumed: a partial line is read again next time, whole. */
	r->offset += (long long)r->pos;
	r->pos = 0;
	hoist_buf_reset(&r->buf);
	drain_watch(r);
	for (;;) {
		ssize_t n = pread(r->fd, chunk, sizeof chunk, (off_t)(r->offset + (long long)r->buf.len));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*failed = true;
			hoist_error_say(err, HOIST_IO, N_("cannot read the journal %s: %s"), r->path,
					strerror(errno));
			return false;
		}
		if (n == 0)
			return false;
		hoist_buf_append(&r->buf, chunk, (size_t)n);
		if (memchr(r->buf.data + r->buf.len - n, '\n', (size_t)n))
			return true;
		if (r->buf.len >= LINE_MAX_BYTES) {
			/* Drop what we have of an over-long line and wait for its end. */
			r->offset += (long long)r->buf.len;
			hoist_buf_reset(&r->buf);
			r->skipping = true;
		}
	}
}

enum hoist_status hoist_journal_reader_next(struct hoist_journal_reader *r,
					    struct hoist_event *ev, bool *got,
					    struct hoist_error *err)
{
	*got = false;
	for (;;) {
		char *start = r->buf.data ? r->buf.data + r->pos : NULL;
		char *nl = start ? memchr(start, '\n', r->buf.len - r->pos) : NULL;
		bool failed = false;
		if (nl) {
			size_t len = (size_t)(nl - start);
			long long at = r->offset + (long long)r->pos;
			enum hoist_status st;
			r->pos += len + 1;
			if (r->skipping) {
				r->skipping = false;
				return hoist_error_say(err, HOIST_PARSE,
						       N_("the journal %s has a line longer than %u bytes before offset %lld; it was skipped"),
						       r->path, LINE_MAX_BYTES, at + (long long)len);
			}
			if (len == 0)
				continue;
			st = hoist_event_parse(start, len, ev, NULL);
			if (st != HOIST_OK)
				return hoist_error_say(err, HOIST_PARSE,
						       N_("the journal %s has a malformed line at offset %lld; it was skipped"),
						       r->path, at);
			*got = true;
			return HOIST_OK;
		}
		if (!fill_buf(r, err, &failed)) {
			struct stat sb;
			if (failed)
				return HOIST_IO;
			if (fstat(r->fd, &sb) == 0)
				r->seen_size = (long long)sb.st_size;
			return HOIST_OK;
		}
	}
}

static bool grown(struct hoist_journal_reader *r)
{
	struct stat sb;
	if (r->buf.data && memchr(r->buf.data + r->pos, '\n', r->buf.len - r->pos))
		return true;
	if (fstat(r->fd, &sb) != 0)
		return false;
	return (long long)sb.st_size != r->seen_size;
}

enum hoist_status hoist_journal_reader_wait(struct hoist_journal_reader *r, int timeout_ms,
					    struct hoist_error *err)
{
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		long elapsed;
		int slice;
		if (grown(r))
			return HOIST_OK;
		clock_gettime(CLOCK_MONOTONIC, &now);
		elapsed = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
		if (timeout_ms >= 0 && elapsed >= timeout_ms)
			return hoist_error_say(err, HOIST_TIMEOUT,
					       N_("no new events in the journal %s"), r->path);
		slice = timeout_ms < 0 ? -1 : (int)(timeout_ms - elapsed);
		if (r->watch_fd >= 0) {
			struct pollfd p = { .fd = r->watch_fd, .events = POLLIN };
			if (poll(&p, 1, slice) > 0)
				drain_watch(r);
		} else {
			/* No inotify: look again every WATCH_POLL_MS. */
			poll(NULL, 0, slice < 0 || slice > WATCH_POLL_MS ? WATCH_POLL_MS : slice);
		}
	}
}

/* ---- writing ---- */

struct hoist_journal {
	char *path;            /* owned */
	int fd;
	unsigned long long seq;
	unsigned long syncs;
	bool revert;           /* events are of the revert phase */
	bool torn;             /* a failed append wrote part of its line */
	struct journal_secrets sc; /* owned secrets, wiped on close */
};

static enum hoist_status sync_dir(const char *path)
{
	char *copy = hoist_xstrdup(path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(copy);
	if (fd < 0)
		return HOIST_IO;
	fsync(fd);
	close(fd);
	return HOIST_OK;
}

enum hoist_status hoist_journal_open(const char *path, struct hoist_journal **out,
				     struct hoist_error *err)
{
	struct hoist_journal_reader *r;
	struct hoist_journal *j;
	struct stat sb;
	unsigned long long last = 0;
	long long good_end;
	enum hoist_status st;
	bool created;
	int fd;

	*out = NULL;
	created = stat(path, &sb) != 0;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return hoist_error_say(err, errno == EACCES ? HOIST_PERMISSION : HOIST_IO,
				       N_("cannot open the journal %s for writing: %s"), path,
				       strerror(errno));
	if (created)
		sync_dir(path);
	/* Continue the numbering; a line cut short by a crash cannot be read, so it goes. */
	st = hoist_journal_reader_open(path, &r, err);
	if (st != HOIST_OK) {
		close(fd);
		return st;
	}
	for (;;) {
		struct hoist_event ev;
		bool got;
		st = hoist_journal_reader_next(r, &ev, &got, NULL);
		if (st == HOIST_PARSE)
			continue;
		if (st != HOIST_OK || !got)
			break;
		if (ev.seq > last)
			last = ev.seq;
		hoist_event_done(&ev);
	}
	good_end = hoist_journal_reader_offset(r);
	hoist_journal_reader_free(r);
	if (fstat(fd, &sb) == 0 && (long long)sb.st_size > good_end &&
	    ftruncate(fd, (off_t)good_end) != 0) {
		close(fd);
		return hoist_error_say(err, HOIST_IO, N_("cannot repair the journal %s: %s"), path,
				       strerror(errno));
	}
	j = hoist_xcalloc(1, sizeof *j);
	j->path = hoist_xstrdup(path);
	j->fd = fd;
	j->seq = last;
	*out = j;
	return HOIST_OK;
}

enum hoist_status hoist_journal_close(struct hoist_journal *j, struct hoist_error *err)
{
	enum hoist_status st = HOIST_OK;
	if (!j)
		return HOIST_OK;
	if (fsync(j->fd) != 0 || close(j->fd) != 0)
		st = hoist_error_say(err, HOIST_IO, N_("cannot close the journal %s: %s"), j->path,
				     strerror(errno));
	for (size_t i = 0; i < j->sc.n; i++) {
		explicit_bzero(j->sc.secrets[i], strlen(j->sc.secrets[i]));
		free(j->sc.secrets[i]);
	}
	free(j->sc.secrets);
	free(j->path);
	free(j);
	return st;
}

void hoist_journal_add_secret(struct hoist_journal *j, const char *secret)
{
	if (!secret || !*secret)
		return;
	j->sc.secrets = hoist_xrealloc(j->sc.secrets, (j->sc.n + 1) * sizeof *j->sc.secrets);
	j->sc.secrets[j->sc.n++] = hoist_xstrdup(secret);
}

char *hoist_journal_scrub(const struct hoist_journal *j, const char *text)
{
	return journal_scrub(j ? &j->sc : NULL, text ? text : "");
}

unsigned long long hoist_journal_last_seq(const struct hoist_journal *j)
{
	return j->seq;
}

void hoist_journal_set_revert(struct hoist_journal *j, bool revert)
{
	if (j)
		j->revert = revert;
}

unsigned long hoist_journal_sync_count(const struct hoist_journal *j)
{
	return j->syncs;
}

static long long wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

enum hoist_status hoist_journal_append(struct hoist_journal *j, struct hoist_event *ev,
				       struct hoist_error *err)
{
	char *json;
	struct hoist_buf line;
	size_t done = 0;

	ev->seq = j->seq + 1;
	if (ev->t_ms <= 0)
		ev->t_ms = wall_ms();
	if (j->revert && ev->type != HOIST_EVENT_RUN_START && ev->type != HOIST_EVENT_RUN_END)
		ev->revert = true;
	json = journal_event_line(ev, &j->sc);
	for (size_t i = 0; i < j->sc.n; i++) {
		if (strstr(json, j->sc.secrets[i])) {
			free(json);
			return hoist_error_say(err, HOIST_UNSAFE,
					       N_("refused to write a %s event holding a secret to the journal"),
					       hoist_event_type_name(ev->type));
		}
	}
	hoist_buf_init(&line, 0);
	/* Ends the line a failed write cut short (readers skip it), so that this event is not
	 * glued onto it and lost. */
	if (j->torn)
		hoist_buf_append(&line, "\n", 1);
	hoist_buf_puts(&line, json);
	hoist_buf_append(&line, "\n", 1);
	free(json);
	/* One write: readers see whole lines, and O_APPEND keeps concurrent ones apart. */
	while (done < line.len) {
		ssize_t n = write(j->fd, line.data + done, line.len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = errno;
			if (done > 0)
				j->torn = true;
			hoist_buf_done(&line);
			return hoist_error_say(err, HOIST_IO, N_("cannot write to the journal %s: %s"),
					       j->path, strerror(e));
		}
		done += (size_t)n;
	}
	hoist_buf_done(&line);
	j->torn = false;
	j->seq++;
	if (ev->type == HOIST_EVENT_RUN_START || ev->type == HOIST_EVENT_STEP_START ||
	    ev->type == HOIST_EVENT_STEP_END || ev->type == HOIST_EVENT_RUN_END) {
		if (fsync(j->fd) != 0)
			return hoist_error_say(err, HOIST_IO, N_("cannot write to the journal %s: %s"),
					       j->path, strerror(errno));
		j->syncs++;
	}
	return HOIST_OK;
}

static enum hoist_status append_simple(struct hoist_journal *j, struct hoist_event *ev,
				       const char *step, const char *node, const char *message,
				       struct hoist_error *err)
{
	enum hoist_status st;
	ev->step = step ? hoist_xstrdup(step) : NULL;
	ev->node = node ? hoist_xstrdup(node) : NULL;
	ev->message = message ? hoist_xstrdup(message) : NULL;
	st = hoist_journal_append(j, ev, err);
	hoist_event_done(ev);
	return st;
}

enum hoist_status hoist_journal_step_start(struct hoist_journal *j, const char *step,
					   const char *node, struct hoist_error *err)
{
	struct hoist_event ev;
	hoist_event_init(&ev, HOIST_EVENT_STEP_START);
	return append_simple(j, &ev, step, node, NULL, err);
}

enum hoist_status hoist_journal_step_end(struct hoist_journal *j, const char *step,
					 const char *node, enum hoist_outcome outcome,
					 int exit_code, const char *message,
					 struct hoist_error *err)
{
	struct hoist_event ev;
	hoist_event_init(&ev, HOIST_EVENT_STEP_END);
	ev.outcome = outcome;
	ev.exit_code = exit_code;
	return append_simple(j, &ev, step, node, message, err);
}

enum hoist_status hoist_journal_log(struct hoist_journal *j, const char *step,
				    const char *node, const char *stream, const char *message,
				    struct hoist_error *err)
{
	struct hoist_event ev;
	hoist_event_init(&ev, HOIST_EVENT_LOG);
	ev.stream = hoist_xstrdup(stream ? stream : "engine");
	return append_simple(j, &ev, step, node, message, err);
}

enum hoist_status hoist_journal_progress(struct hoist_journal *j, const char *step,
					 const char *node, long long bytes, long long total,
					 long tasks_left, const char *message,
					 struct hoist_error *err)
{
	struct hoist_event ev;
	hoist_event_init(&ev, HOIST_EVENT_PROGRESS);
	ev.bytes = bytes;
	ev.total = total;
	ev.tasks_left = tasks_left;
	return append_simple(j, &ev, step, node, message, err);
}

void hoist_journal_exec_line(const struct hoist_exec_line *line, void *data)
{
	struct hoist_journal_sink *sink = data;
	enum hoist_status st;
	char *text;
	if (!sink || !sink->journal)
		return;
	/* A cut line says so, so that nobody reads it as the whole story. */
	text = line->truncated ? hoist_xasprintf("%s [...]", line->line) : hoist_xstrdup(line->line);
	st = hoist_journal_log(sink->journal, sink->step, line->node,
			       line->stream == HOIST_EXEC_STDERR ? "stderr" : "stdout", text, NULL);
	free(text);
	if (st != HOIST_OK && sink->status == HOIST_OK)
		sink->status = st;
}
