/* conf_ini.c: reads hoist.conf(5), the INI syntax, line by line into the config. */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "buf.h"
#include "conf.h"
#include "conf_int.h"
#include "i18n.h"
#include "xalloc.h"

#define CONFIG_MAX_BYTES (1024 * 1024)

/*
 * The INI syntax of hoist.conf(5), read here rather than by libinih, whose fixed line
 * buffer (200 bytes) refused a custom install template as long as the built-in ones.
 */
#define LINE_MAX_CHARS 4096

static char *trim(char *s)
{
	char *e;
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\f' || *s == '\v')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\f' ||
			 e[-1] == '\v'))
		*--e = '\0';
	return s;
}

/* Cuts an inline comment: ";" after a blank. */
static void cut_comment(char *s)
{
	for (char *p = s; *p; p++)
		if (*p == ';' && p > s && (p[-1] == ' ' || p[-1] == '\t')) {
			*p = '\0';
			return;
		}
}

static enum hoist_status syntax_error(const char *path, int lineno, struct hoist_error *err)
{
	return hoist_error_say(err, HOIST_CONFIG,
			       N_("%s:%d: cannot read this line; expected [section] or "
				  "key = value"),
			       path, lineno);
}

static enum hoist_status read_file(const char *path, size_t cap, bool *missing,
				   struct hoist_buf *out, struct hoist_error *err)
{
	char chunk[8192];
	ssize_t n;
	struct stat sb;
	/* O_NONBLOCK: a FIFO in its place must not hang the open; fstat refuses it after. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	*missing = false;
	if (fd < 0) {
		if (errno == ENOENT) {
			*missing = true;
			return hoist_error_say(err, HOIST_CONFIG,
					       N_("the configuration file %s does not exist"), path);
		}
		return hoist_error_say(err, errno == EACCES ? HOIST_PERMISSION : HOIST_IO,
				       N_("cannot open %s: %s"), path, strerror(errno));
	}
	if (fstat(fd, &sb) < 0 || !(S_ISREG(sb.st_mode) || S_ISCHR(sb.st_mode))) {
		close(fd);
		return hoist_error_say(err, HOIST_CONFIG,
				       N_("the configuration file %s is not a regular file"), path);
	}
	if (S_ISREG(sb.st_mode))
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	while ((n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			hoist_error_say(err, HOIST_IO, N_("cannot read %s: %s"), path,
					strerror(errno));
			close(fd);
			return HOIST_IO;
		}
		if (hoist_buf_append(out, chunk, (size_t)n) != HOIST_OK) {
			close(fd);
			/* A configuration problem (exit 2), not a failed upgrade. */
			return hoist_error_say(err, HOIST_CONFIG,
					       N_("%s is larger than %zu bytes"), path, cap);
		}
	}
	close(fd);
	return HOIST_OK;
}

static enum hoist_status parse_text(struct hoist_config *c, const char *path, const char *text,
				    size_t len, struct hoist_error *err)
{
	const char *pos = text, *end = text + len;
	char *section = hoist_xstrdup("");
	enum hoist_status st = HOIST_OK;
	int lineno = 0;
	if (memchr(text, '\0', len)) {
		free(section);
		return hoist_error_say(err, HOIST_CONFIG, N_("%s is not a text file"), path);
	}
	if (len >= 3 && !memcmp(pos, "\xef\xbb\xbf", 3))
		pos += 3; /* a UTF-8 byte order mark */
	while (st == HOIST_OK && pos < end) {
		const char *nl = memchr(pos, '\n', (size_t)(end - pos));
		size_t n = nl ? (size_t)(nl - pos) : (size_t)(end - pos);
		char *line, *s, *eq;
		lineno++;
		if (n > LINE_MAX_CHARS) {
			st = hoist_error_say(err, HOIST_CONFIG,
					     N_("%s:%d: the line is longer than %d characters"), path,
					     lineno, LINE_MAX_CHARS);
			break;
		}
		line = hoist_xstrndup(pos, n);
		pos += n + (nl ? 1 : 0);
		s = trim(line);
		if (!*s || *s == ';' || *s == '#') {
			free(line);
			continue;
		}
		if (*s == '[') {
			char *close = strchr(s + 1, ']');
			if (!close) {
				st = syntax_error(path, lineno, err);
			} else {
				*close = '\0';
				free(section);
				section = hoist_xstrdup(trim(s + 1));
			}
			free(line);
			continue;
		}
		cut_comment(s);
		eq = strpbrk(s, "=:");
		if (!eq || eq == s) {
			st = syntax_error(path, lineno, err);
		} else {
			char *where = hoist_xasprintf("%s:%d", path, lineno);
			*eq = '\0';
			st = conf_set_one(c, section, trim(s), trim(eq + 1), where, err);
			free(where);
		}
		free(line);
	}
	free(section);
	return st;
}

enum hoist_status hoist_config_load_file(struct hoist_config *c, const char *path,
					 bool must_exist, struct hoist_error *err)
{
	struct hoist_buf text;
	bool missing;
	enum hoist_status st;
	hoist_buf_init(&text, CONFIG_MAX_BYTES);
	st = read_file(path, CONFIG_MAX_BYTES, &missing, &text, err);
	if (st == HOIST_OK)
		st = parse_text(c, path, hoist_buf_cstr(&text), text.len, err);
	else if (missing && !must_exist) {
		hoist_error_clear(err);
		st = HOIST_OK;
		hoist_buf_done(&text);
		return st;
	}
	hoist_buf_done(&text);
	if (st == HOIST_OK)
		conf_replace(&c->loaded_from, path);
	return st;
}

enum hoist_status hoist_config_load_text(struct hoist_config *c, const char *name,
					 const char *text, size_t len, struct hoist_error *err)
{
	if (len > CONFIG_MAX_BYTES)
		return hoist_error_say(err, HOIST_CONFIG, N_("%s is larger than %zu bytes"), name,
				       (size_t)CONFIG_MAX_BYTES);
	return parse_text(c, name, text, len, err);
}
