/* journal.c: writing, reading, watching and folding the run journal (JSON Lines). */
#include "config.h"
#include <limits.h>
#include <cjson/cJSON.h>
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
#include "json.h"
#include "i18n.h"
#include "journal.h"
#include "xalloc.h"

/* The longest line a reader accepts; a longer one is skipped as malformed. */
#define LINE_MAX_BYTES (4u << 20)
#define REDACTED "[redacted]"

static const char *const type_names[] = {
	"run-start", "step-start", "progress", "log", "step-end", "prompt", "run-end", "unknown"
};

static const char *const outcome_names[] = { "", "ok", "failed", "skipped", "cancelled" };
static const char *const end_names[] = { "", "done", "undone", "failed", "interrupted" };

/* ---- events ---- */

void hoist_event_init(struct hoist_event *ev, enum hoist_event_type type)
{
	memset(ev, 0, sizeof *ev);
	ev->type = type;
	ev->bytes = ev->total = -1;
	ev->tasks_left = -1;
	ev->exit_code = -1;
	ev->evidence.size = -1;
}

static void evidence_done(struct hoist_evidence *e)
{
	free(e->path);
	free(e->sha256);
	e->path = e->sha256 = NULL;
}

void hoist_event_done(struct hoist_event *ev)
{
	if (!ev)
		return;
	free(ev->type_name);
	free(ev->step);
	free(ev->node);
	free(ev->hop);
	free(ev->message);
	free(ev->run_id);
	free(ev->from_version);
	free(ev->to_version);
	free(ev->kind);
	free(ev->strategy);
	free(ev->profile);
	for (size_t i = 0; i < ev->n_steps; i++) {
		free(ev->steps[i].step);
		free(ev->steps[i].node);
		free(ev->steps[i].hop);
	}
	free(ev->steps);
	free(ev->stream);
	evidence_done(&ev->evidence);
	free(ev->prompt);
	hoist_event_init(ev, HOIST_EVENT_UNKNOWN);
}

void hoist_event_add_step(struct hoist_event *ev, const char *step, const char *node,
			  const char *hop)
{
	ev->steps = hoist_xrealloc(ev->steps, (ev->n_steps + 1) * sizeof *ev->steps);
	ev->steps[ev->n_steps].step = hoist_xstrdup(step);
	ev->steps[ev->n_steps].node = node ? hoist_xstrdup(node) : NULL;
	ev->steps[ev->n_steps].hop = hop ? hoist_xstrdup(hop) : NULL;
	ev->n_steps++;
}

const char *hoist_event_type_name(enum hoist_event_type t)
{
	return (unsigned)t <= HOIST_EVENT_UNKNOWN ? type_names[t] : "unknown";
}

enum hoist_event_type hoist_event_type_parse(const char *name)
{
	for (int i = 0; i < HOIST_EVENT_UNKNOWN; i++)
		if (name && strcmp(name, type_names[i]) == 0)
			return (enum hoist_event_type)i;
	return HOIST_EVENT_UNKNOWN;
}

const char *hoist_outcome_name(enum hoist_outcome o)
{
	return (unsigned)o <= HOIST_OUTCOME_CANCELLED ? outcome_names[o] : "";
}

const char *hoist_end_name(enum hoist_end e)
{
	return (unsigned)e <= HOIST_END_INTERRUPTED ? end_names[e] : "";
}

/* A run-end's status; the names of older journals ("ok", "cancelled") too. */
static enum hoist_end end_parse(const char *s)
{
	for (int i = 1; i <= HOIST_END_INTERRUPTED; i++)
		if (s && strcmp(s, end_names[i]) == 0)
			return (enum hoist_end)i;
	if (s && !strcmp(s, "ok"))
		return HOIST_END_DONE;
	/* An older run's revert was never checked: its guide decides. */
	return s && *s ? HOIST_END_FAILED : HOIST_END_NONE;
}

static enum hoist_outcome outcome_parse(const char *s)
{
	for (int i = 1; i <= HOIST_OUTCOME_CANCELLED; i++)
		if (s && strcmp(s, outcome_names[i]) == 0)
			return (enum hoist_outcome)i;
	return HOIST_OUTCOME_NONE;
}

/* Secrets of the writer, or none; every string goes through here on its way out. */
struct scrubber {
	char **secrets;
	size_t n;
};

static char *scrub(const struct scrubber *sc, const char *text)
{
	struct hoist_buf b;
	const char *p = text;
	if (!sc || !sc->n)
		return hoist_xstrdup(text);
	hoist_buf_init(&b, 0);
	hoist_buf_append(&b, "", 0);
	while (*p) {
		size_t best = 0;
		for (size_t i = 0; i < sc->n; i++) {
			size_t len = strlen(sc->secrets[i]);
			if (len > best && strncmp(p, sc->secrets[i], len) == 0)
				best = len;
		}
		if (best) {
			hoist_buf_puts(&b, REDACTED);
			p += best;
		} else {
			hoist_buf_append(&b, p++, 1);
		}
	}
	return hoist_buf_detach(&b, NULL);
}

static void add_str(cJSON *o, const char *key, const char *value, const struct scrubber *sc)
{
	char *clean;
	if (!value)
		return;
	clean = scrub(sc, value);
	cJSON_AddStringToObject(o, key, clean);
	free(clean);
}

static void iso_time(long long t_ms, char out[64])
{
	time_t s = (time_t)(t_ms / 1000);
	struct tm tm;
	gmtime_r(&s, &tm);
	snprintf(out, 64, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(t_ms % 1000));
}

static char *to_json(const struct hoist_event *ev, const struct scrubber *sc)
{
	cJSON *o = cJSON_CreateObject();
	char when[64], *line;
	cJSON_AddNumberToObject(o, "seq", (double)ev->seq);
	cJSON_AddNumberToObject(o, "t", (double)ev->t_ms);
	iso_time(ev->t_ms, when);
	cJSON_AddStringToObject(o, "time", when);
	add_str(o, "event", ev->type == HOIST_EVENT_UNKNOWN && ev->type_name ? ev->type_name
									     : hoist_event_type_name(ev->type), sc);
	add_str(o, "step", ev->step, sc);
	add_str(o, "node", ev->node, sc);
	if (ev->hop)
		add_str(o, "hop", ev->hop, sc);
	if (ev->revert)
		cJSON_AddStringToObject(o, "phase", "revert");
	switch (ev->type) {
	case HOIST_EVENT_RUN_START:
		add_str(o, "run_id", ev->run_id, sc);
		add_str(o, "from", ev->from_version, sc);
		add_str(o, "to", ev->to_version, sc);
		add_str(o, "kind", ev->kind, sc);
		add_str(o, "strategy", ev->strategy, sc);
		add_str(o, "profile", ev->profile, sc);
		if (ev->dry_run)
			cJSON_AddStringToObject(o, "mode", "dry-run");
		if (ev->n_steps) {
			cJSON *a = cJSON_AddArrayToObject(o, "steps");
			for (size_t i = 0; i < ev->n_steps; i++) {
				cJSON *s = cJSON_CreateObject();
				add_str(s, "step", ev->steps[i].step, sc);
				add_str(s, "node", ev->steps[i].node, sc);
				if (ev->steps[i].hop)
					add_str(s, "hop", ev->steps[i].hop, sc);
				cJSON_AddItemToArray(a, s);
			}
		}
		break;
	case HOIST_EVENT_PROGRESS:
		if (ev->bytes >= 0)
			cJSON_AddNumberToObject(o, "bytes", (double)ev->bytes);
		if (ev->total >= 0)
			cJSON_AddNumberToObject(o, "total", (double)ev->total);
		if (ev->tasks_left >= 0)
			cJSON_AddNumberToObject(o, "tasks_left", (double)ev->tasks_left);
		break;
	case HOIST_EVENT_LOG:
		add_str(o, "stream", ev->stream, sc);
		break;
	case HOIST_EVENT_STEP_END:
	case HOIST_EVENT_RUN_END:
		if (ev->type == HOIST_EVENT_RUN_END && ev->end != HOIST_END_NONE)
			cJSON_AddStringToObject(o, "status", hoist_end_name(ev->end));
		else if (ev->outcome != HOIST_OUTCOME_NONE)
			cJSON_AddStringToObject(o, "status", hoist_outcome_name(ev->outcome));
		if (ev->exit_code >= 0)
			cJSON_AddNumberToObject(o, "exit_code", ev->exit_code);
		if (ev->evidence.path) {
			cJSON *e = cJSON_AddObjectToObject(o, "evidence");
			add_str(e, "path", ev->evidence.path, sc);
			if (ev->evidence.size >= 0)
				cJSON_AddNumberToObject(e, "size", (double)ev->evidence.size);
			add_str(e, "sha256", ev->evidence.sha256, sc);
			if (ev->evidence.time_ms > 0)
				cJSON_AddNumberToObject(e, "t", (double)ev->evidence.time_ms);
		}
		break;
	case HOIST_EVENT_PROMPT:
		add_str(o, "prompt", ev->prompt, sc);
		break;
	default:
		break;
	}
	add_str(o, "message", ev->message, sc);
	line = hoist_json_print(o, false); /* node output may be ill-formed UTF-8 */
	cJSON_Delete(o);
	return line;
}

char *hoist_event_to_json(const struct hoist_event *ev)
{
	char *line = to_json(ev, NULL), *copy = hoist_xstrdup(line);
	cJSON_free(line);
	return copy;
}

static char *get_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) && v->valuestring ? hoist_xstrdup(v->valuestring) : NULL;
}

static long long get_num(const cJSON *o, const char *key, long long fallback)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return hoist_json_int(v, LLONG_MIN, LLONG_MAX, fallback);
}

enum hoist_status hoist_event_parse(const char *line, size_t len, struct hoist_event *ev,
				    struct hoist_error *err)
{
	cJSON *o = cJSON_ParseWithLength(line, len);
	const cJSON *seq, *steps, *e;
	char *status;

	hoist_event_init(ev, HOIST_EVENT_UNKNOWN);
	seq = cJSON_GetObjectItemCaseSensitive(o, "seq");
	ev->type_name = get_str(o, "event");
	if (!cJSON_IsObject(o) || hoist_json_int(seq, 1, LLONG_MAX, 0) < 1 || !ev->type_name) {
		cJSON_Delete(o);
		hoist_event_done(ev);
		return hoist_error_set(err, HOIST_PARSE,
				       _("a journal line is not an event (it needs \"seq\" and \"event\")"));
	}
	ev->seq = (unsigned long long)hoist_json_int(seq, 1, LLONG_MAX, 0);
	ev->t_ms = get_num(o, "t", 0);
	ev->type = hoist_event_type_parse(ev->type_name);
	ev->step = get_str(o, "step");
	ev->node = get_str(o, "node");
	ev->hop = get_str(o, "hop");
	{
		const cJSON *ph = cJSON_GetObjectItemCaseSensitive(o, "phase");
		const cJSON *mode = cJSON_GetObjectItemCaseSensitive(o, "mode");
		ev->revert = cJSON_IsString(ph) && !strcmp(ph->valuestring, "revert");
		ev->dry_run = cJSON_IsString(mode) && !strcmp(mode->valuestring, "dry-run");
	}
	ev->message = get_str(o, "message");
	ev->run_id = get_str(o, "run_id");
	ev->from_version = get_str(o, "from");
	ev->to_version = get_str(o, "to");
	ev->kind = get_str(o, "kind");
	ev->strategy = get_str(o, "strategy");
	ev->profile = get_str(o, "profile");
	ev->stream = get_str(o, "stream");
	ev->prompt = get_str(o, "prompt");
	ev->bytes = get_num(o, "bytes", -1);
	ev->total = get_num(o, "total", -1);
	ev->tasks_left = (long)hoist_json_int(cJSON_GetObjectItemCaseSensitive(o, "tasks_left"),
					      LONG_MIN, LONG_MAX, -1);
	ev->exit_code = (int)hoist_json_int(cJSON_GetObjectItemCaseSensitive(o, "exit_code"),
					    INT_MIN, INT_MAX, -1);
	status = get_str(o, "status");
	ev->outcome = outcome_parse(status);
	if (ev->type == HOIST_EVENT_RUN_END)
		ev->end = end_parse(status);
	free(status);
	steps = cJSON_GetObjectItemCaseSensitive(o, "steps");
	cJSON_ArrayForEach(e, steps) {
		const cJSON *s = cJSON_GetObjectItemCaseSensitive(e, "step");
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(e, "node");
		const cJSON *h = cJSON_GetObjectItemCaseSensitive(e, "hop");
		if (cJSON_IsString(s))
			hoist_event_add_step(ev, s->valuestring,
					     cJSON_IsString(n) ? n->valuestring : NULL,
					     cJSON_IsString(h) ? h->valuestring : NULL);
	}
	e = cJSON_GetObjectItemCaseSensitive(o, "evidence");
	if (cJSON_IsObject(e)) {
		ev->evidence.path = get_str(e, "path");
		ev->evidence.size = get_num(e, "size", -1);
		ev->evidence.sha256 = get_str(e, "sha256");
		ev->evidence.time_ms = get_num(e, "t", 0);
	}
	cJSON_Delete(o);
	return HOIST_OK;
}

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
		return hoist_error_set(err, errno == ENOENT ? HOIST_NOTFOUND : HOIST_IO,
				       _("cannot open the journal %s: %s"), path, strerror(errno));
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
			hoist_error_set(err, HOIST_IO, _("cannot read the journal %s: %s"), r->path,
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
				return hoist_error_set(err, HOIST_PARSE,
						       _("the journal %s has a line longer than %u bytes before offset %lld; it was skipped"),
						       r->path, LINE_MAX_BYTES, at + (long long)len);
			}
			if (len == 0)
				continue;
			st = hoist_event_parse(start, len, ev, NULL);
			if (st != HOIST_OK)
				return hoist_error_set(err, HOIST_PARSE,
						       _("the journal %s has a malformed line at offset %lld; it was skipped"),
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
			return hoist_error_set(err, HOIST_TIMEOUT,
					       _("no new events in the journal %s"), r->path);
		slice = timeout_ms < 0 ? -1 : (int)(timeout_ms - elapsed);
		if (r->watch_fd >= 0) {
			struct pollfd p = { .fd = r->watch_fd, .events = POLLIN };
			if (poll(&p, 1, slice) > 0)
				drain_watch(r);
		} else {
			/* No inotify: look again every 100 ms. */
			poll(NULL, 0, slice < 0 || slice > 100 ? 100 : slice);
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
	struct scrubber sc;    /* owned secrets, wiped on close */
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
		return hoist_error_set(err, errno == EACCES ? HOIST_PERMISSION : HOIST_IO,
				       _("cannot open the journal %s for writing: %s"), path,
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
		return hoist_error_set(err, HOIST_IO, _("cannot repair the journal %s: %s"), path,
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
		st = hoist_error_set(err, HOIST_IO, _("cannot close the journal %s: %s"), j->path,
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
	return scrub(j ? &j->sc : NULL, text ? text : "");
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
	json = to_json(ev, &j->sc);
	for (size_t i = 0; i < j->sc.n; i++) {
		if (strstr(json, j->sc.secrets[i])) {
			cJSON_free(json);
			return hoist_error_set(err, HOIST_UNSAFE,
					       _("refused to write a %s event holding a secret to the journal"),
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
	cJSON_free(json);
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
			return hoist_error_set(err, HOIST_IO, _("cannot write to the journal %s: %s"),
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
			return hoist_error_set(err, HOIST_IO, _("cannot write to the journal %s: %s"),
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

/* ---- the summary ---- */

static const char *const step_state_names[] = { "pending", "running", "ok", "failed", "skipped" };
static const char *const run_state_names[] = { "none", "running", "done", "failed", "undone",
					       "interrupted" };

const char *hoist_step_state_name(enum hoist_step_state st)
{
	return (unsigned)st <= HOIST_STEP_SKIPPED ? step_state_names[st] : "pending";
}

const char *hoist_run_state_name(enum hoist_run_state st)
{
	return (unsigned)st <= HOIST_RUN_INTERRUPTED ? run_state_names[st] : "none";
}

void hoist_run_summary_init(struct hoist_run_summary *s)
{
	memset(s, 0, sizeof *s);
}

static void step_summary_done(struct hoist_step_summary *st)
{
	free(st->step);
	free(st->node);
	free(st->hop);
	free(st->message);
	evidence_done(&st->evidence);
}

void hoist_run_summary_done(struct hoist_run_summary *s)
{
	if (!s)
		return;
	free(s->run_id);
	free(s->from_version);
	free(s->to_version);
	free(s->kind);
	free(s->strategy);
	free(s->profile);
	free(s->message);
	free(s->open_prompt);
	for (size_t i = 0; i < s->n_steps; i++)
		step_summary_done(&s->steps[i]);
	free(s->steps);
	hoist_run_summary_init(s);
}

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

const struct hoist_step_summary *hoist_run_summary_find(const struct hoist_run_summary *s,
							const char *step, const char *node)
{
	for (size_t i = 0; i < s->n_steps; i++)
		if (!s->steps[i].revert && same(s->steps[i].step, step) &&
		    same(s->steps[i].node, node))
			return &s->steps[i];
	return NULL;
}

const struct hoist_step_summary *hoist_run_summary_find_hop(const struct hoist_run_summary *s,
							    const char *step, const char *node,
							    const char *hop, bool revert)
{
	for (size_t i = 0; i < s->n_steps; i++)
		if (s->steps[i].revert == revert && same(s->steps[i].step, step) &&
		    same(s->steps[i].node, node) && same(s->steps[i].hop, hop))
			return &s->steps[i];
	return NULL;
}

static struct hoist_step_summary *step_of(struct hoist_run_summary *s, const char *step,
					  const char *node, const char *hop, bool revert)
{
	struct hoist_step_summary *st =
		(struct hoist_step_summary *)hoist_run_summary_find_hop(s, step, node, hop, revert);
	if (st)
		return st;
	s->steps = hoist_xgrow(s->steps, &s->alloc, s->n_steps + 1, sizeof *s->steps);
	st = &s->steps[s->n_steps++];
	memset(st, 0, sizeof *st);
	st->step = hoist_xstrdup(step);
	st->node = node ? hoist_xstrdup(node) : NULL;
	st->hop = hop ? hoist_xstrdup(hop) : NULL;
	st->revert = revert;
	st->state = HOIST_STEP_PENDING;
	st->exit_code = -1;
	st->bytes = st->total = -1;
	st->tasks_left = -1;
	st->evidence.size = -1;
	return st;
}

/* A log or progress line names no hop: it belongs to the step of that id and node running now. */
static struct hoist_step_summary *running_step(struct hoist_run_summary *s, const char *step,
					       const char *node, bool revert)
{
	for (size_t i = s->n_steps; i-- > 0;)
		if (s->steps[i].revert == revert && s->steps[i].state == HOIST_STEP_RUNNING &&
		    same(s->steps[i].step, step) && same(s->steps[i].node, node))
			return &s->steps[i];
	return NULL;
}

static void replace(char **dst, const char *src)
{
	if (!src)
		return;
	free(*dst);
	*dst = hoist_xstrdup(src);
}

static bool is_pnr(const char *step)
{
	return step && strcmp(step, "db-upgrade") == 0;
}

void hoist_run_summary_apply(struct hoist_run_summary *s, const struct hoist_event *ev)
{
	struct hoist_step_summary *st = NULL;
	if (ev->seq > s->last_seq)
		s->last_seq = ev->seq;
	if (ev->t_ms > s->last_t_ms)
		s->last_t_ms = ev->t_ms;
	if (ev->step && !ev->hop &&
	    (ev->type == HOIST_EVENT_LOG || ev->type == HOIST_EVENT_PROGRESS))
		st = running_step(s, ev->step, ev->node, ev->revert);
	if (!st && ev->step && ev->type != HOIST_EVENT_RUN_START &&
	    ev->type != HOIST_EVENT_RUN_END && ev->type != HOIST_EVENT_UNKNOWN)
		st = step_of(s, ev->step, ev->node, ev->hop, ev->revert);
	if (ev->revert)
		s->reverting = true;
	switch (ev->type) {
	case HOIST_EVENT_RUN_START:
		replace(&s->run_id, ev->run_id);
		replace(&s->from_version, ev->from_version);
		replace(&s->to_version, ev->to_version);
		replace(&s->kind, ev->kind);
		replace(&s->strategy, ev->strategy);
		replace(&s->profile, ev->profile);
		s->state = HOIST_RUN_RUNNING;
		s->dry_run = s->dry_run || ev->dry_run;
		if (!s->started_ms)
			s->started_ms = ev->t_ms;
		s->ended_ms = 0;
		for (size_t i = 0; i < ev->n_steps; i++)
			step_of(s, ev->steps[i].step, ev->steps[i].node, ev->steps[i].hop, false);
		break;
	case HOIST_EVENT_STEP_START:
		/* A resume carries on a run that ended interrupted: it runs again. */
		if (s->state == HOIST_RUN_INTERRUPTED) {
			s->state = HOIST_RUN_RUNNING;
			s->ended_ms = 0;
		}
		if (!st)
			break;
		st->state = HOIST_STEP_RUNNING;
		st->started_ms = ev->t_ms;
		st->ended_ms = 0;
		st->exit_code = -1;
		replace(&st->message, ev->message);
		if (is_pnr(ev->step) && !ev->revert) {
			/* Each hop's database upgrade: the one under way is what counts. */
			s->pnr_started = true;
			s->pnr_ended = s->pnr_ok = false;
		}
		free(s->open_prompt);
		s->open_prompt = NULL;
		break;
	case HOIST_EVENT_PROGRESS:
		if (!st)
			break;
		if (ev->bytes >= 0)
			st->bytes = ev->bytes;
		if (ev->total >= 0)
			st->total = ev->total;
		if (ev->tasks_left >= 0)
			st->tasks_left = ev->tasks_left;
		replace(&st->message, ev->message);
		break;
	case HOIST_EVENT_LOG:
		if (st)
			replace(&st->message, ev->message);
		break;
	case HOIST_EVENT_STEP_END:
		if (!st)
			break;
		switch (ev->outcome) {
		case HOIST_OUTCOME_OK:
			st->state = HOIST_STEP_OK;
			break;
		case HOIST_OUTCOME_SKIPPED:
			st->state = HOIST_STEP_SKIPPED;
			break;
		default:
			st->state = HOIST_STEP_FAILED;
			break;
		}
		st->ended_ms = ev->t_ms;
		st->exit_code = ev->exit_code;
		replace(&st->message, ev->message);
		if (ev->evidence.path) {
			evidence_done(&st->evidence);
			st->evidence.path = hoist_xstrdup(ev->evidence.path);
			st->evidence.sha256 = ev->evidence.sha256 ? hoist_xstrdup(ev->evidence.sha256) : NULL;
			st->evidence.size = ev->evidence.size;
			st->evidence.time_ms = ev->evidence.time_ms;
		}
		if (is_pnr(ev->step) && !ev->revert) {
			s->pnr_started = true;
			s->pnr_ended = true;
			s->pnr_ok = ev->outcome == HOIST_OUTCOME_OK;
		}
		free(s->open_prompt);
		s->open_prompt = NULL;
		break;
	case HOIST_EVENT_PROMPT:
		free(s->open_prompt);
		s->open_prompt = hoist_xstrdup(ev->prompt ? ev->prompt : ev->message ? ev->message : "");
		break;
	case HOIST_EVENT_RUN_END:
		switch (ev->end != HOIST_END_NONE ? ev->end
			: ev->outcome == HOIST_OUTCOME_OK ? HOIST_END_DONE : HOIST_END_FAILED) {
		case HOIST_END_DONE: s->state = HOIST_RUN_OK; break;
		case HOIST_END_UNDONE: s->state = HOIST_RUN_UNDONE; break;
		case HOIST_END_INTERRUPTED: s->state = HOIST_RUN_INTERRUPTED; break;
		default: s->state = HOIST_RUN_FAILED; break;
		}
		s->reverting = false;
		s->ended_ms = ev->t_ms;
		replace(&s->message, ev->message);
		free(s->open_prompt);
		s->open_prompt = NULL;
		break;
	default:
		break;
	}
}

enum hoist_status hoist_journal_fold(const char *path, struct hoist_run_summary *s,
				     struct hoist_error *err)
{
	struct hoist_journal_reader *r;
	enum hoist_status st = hoist_journal_reader_open(path, &r, err);
	if (st != HOIST_OK)
		return st;
	for (;;) {
		struct hoist_event ev;
		bool got;
		st = hoist_journal_reader_next(r, &ev, &got, err);
		if (st == HOIST_PARSE) {
			s->bad_lines++;
			continue;
		}
		if (st != HOIST_OK || !got)
			break;
		hoist_run_summary_apply(s, &ev);
		hoist_event_done(&ev);
	}
	hoist_journal_reader_free(r);
	if (st == HOIST_OK)
		hoist_error_clear(err);
	return st;
}

const struct hoist_step_summary *hoist_run_summary_resume_point(const struct hoist_run_summary *s)
{
	for (size_t i = 0; i < s->n_steps; i++)
		if (!s->steps[i].revert && s->steps[i].state != HOIST_STEP_OK &&
		    s->steps[i].state != HOIST_STEP_SKIPPED)
			return &s->steps[i];
	return NULL;
}
