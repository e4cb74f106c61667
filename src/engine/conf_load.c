/* conf_load.c: where the config comes from, in the order of DESIGN.md §8: the files, the environment, the API key file. */
#include "config.h"
#include <ctype.h>
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
#include "text.h"
#include "xalloc.h"

#define SYSTEM_CONFIG "/etc/hoist/hoist.conf"
#define KEY_MAX_BYTES 4096

static bool key_char_ok(unsigned char ch)
{
	return ch > 0x20 && ch < 0x7f;
}

/* Trims blanks and the final newline; refuses anything that could break a header. */
static enum hoist_status clean_key(char *key, const char *origin, struct hoist_error *err)
{
	size_t len = strlen(key), start = 0;
	while (len && isspace((unsigned char)key[len - 1]))
		key[--len] = '\0';
	while (start < len && isspace((unsigned char)key[start]))
		start++;
	memmove(key, key + start, len - start + 1);
	if (!*key)
		return hoist_error_say(err, HOIST_CONFIG, N_("the API key in %s is empty"), origin);
	for (const char *p = key; *p; p++)
		if (!key_char_ok((unsigned char)*p))
			return hoist_error_say(err, HOIST_CONFIG,
					       N_("the API key in %s contains spaces, line breaks "
						  "or other characters an API key cannot have"),
					       origin);
	hoist_secret_add(key);
	return HOIST_OK;
}

/* Opens the key file for reading: a regular file that only its owner may read or change. */
static enum hoist_status open_key_file(const char *path, int *out, struct hoist_error *err)
{
	struct stat sb;
	/* O_NONBLOCK: opening a FIFO would wait for a writer before fstat could refuse it. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return hoist_error_say(err, errno == EACCES ? HOIST_PERMISSION : HOIST_CONFIG,
				       N_("cannot open the API key file %s: %s"), path,
				       strerror(errno));
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return hoist_error_say(err, HOIST_CONFIG,
				       N_("the API key file %s is not a regular file"), path);
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	if (sb.st_mode & 077) {
		close(fd);
		return hoist_error_say(err, HOIST_PERMISSION,
				       N_("the API key file %s has mode %04o: others than its owner "
					  "may read or change it; refusing to use it. Run: chmod 600 "
					  "%s"),
				       path, (unsigned)(sb.st_mode & 07777), path);
	}
	*out = fd;
	return HOIST_OK;
}

enum hoist_status hoist_config_read_key_file(const char *path, char **key,
					     struct hoist_error *err)
{
	struct hoist_buf b;
	char chunk[512];
	ssize_t n;
	int fd = -1;
	enum hoist_status st;
	*key = NULL;
	if ((st = open_key_file(path, &fd, err)) != HOIST_OK)
		return st;
	hoist_buf_init(&b, KEY_MAX_BYTES);
	while ((n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			st = hoist_error_say(err, HOIST_IO, N_("cannot read the API key file %s: %s"),
					     path, strerror(errno));
			break;
		}
		if (hoist_buf_append(&b, chunk, (size_t)n) != HOIST_OK) {
			st = hoist_error_say(err, HOIST_CONFIG,
					     N_("the API key file %s is larger than %d bytes; it "
					        "should hold only the key"),
					     path, KEY_MAX_BYTES);
			break;
		}
	}
	close(fd);
	explicit_bzero(chunk, sizeof chunk);
	if (st == HOIST_OK && memchr(hoist_buf_cstr(&b), '\0', b.len))
		st = hoist_error_say(err, HOIST_CONFIG, N_("the API key file %s is not a text file"),
				     path);
	if (st == HOIST_OK) {
		char *text = b.data ? hoist_buf_detach(&b, NULL) : hoist_xstrdup("");
		if ((st = clean_key(text, path, err)) != HOIST_OK) {
			conf_wipe(text);
			return st;
		}
		*key = text;
		return HOIST_OK;
	}
	if (b.data)
		explicit_bzero(b.data, b.alloc);
	hoist_buf_done(&b);
	return st;
}

enum hoist_status hoist_config_load_env(struct hoist_config *c, struct hoist_error *err)
{
	const char *v;
	enum hoist_status st;
	if ((v = getenv("HOIST_SERVER_URL")) && *v &&
	    (st = conf_set_one(c, "server", "url", v, "HOIST_SERVER_URL", err)) != HOIST_OK)
		return st;
	if ((v = getenv("HOIST_API_KEY_FILE")) && *v)
		conf_replace(&c->api_key_file, v);
	if ((v = getenv("HOIST_API_KEY")) && *v) {
		char *key = hoist_xstrdup(v);
		if ((st = clean_key(key, "HOIST_API_KEY", err)) != HOIST_OK) {
			conf_wipe(key);
			return st;
		}
		conf_wipe(c->api_key);
		c->api_key = key;
	}
	if ((v = getenv("HOIST_FEED")) && *v)
		conf_replace(&c->feed, v);
	if ((v = getenv("HOIST_STATE_DIR")) && *v &&
	    (st = conf_set_one(c, "upgrade", "state_dir", v, "HOIST_STATE_DIR", err)) != HOIST_OK)
		return st;
	return HOIST_OK;
}

enum hoist_status conf_use_key_file(struct hoist_config *c, struct hoist_error *err)
{
	char *key;
	enum hoist_status st = hoist_config_read_key_file(c->api_key_file, &key, err);
	if (st != HOIST_OK)
		return st;
	conf_wipe(c->api_key);
	c->api_key = key;
	return HOIST_OK;
}

enum hoist_status hoist_config_load(struct hoist_config *c, const char *explicit_path,
				    struct hoist_error *err)
{
	return hoist_config_load_with_key_file(c, explicit_path, NULL, err);
}

enum hoist_status hoist_config_load_with_key_file(struct hoist_config *c,
						  const char *explicit_path,
						  const char *key_file, struct hoist_error *err)
{
	enum hoist_status st;
	char *user = conf_xdg_path("XDG_CONFIG_HOME", ".config", "/hoist.conf");
	bool key_from_env = getenv("HOIST_API_KEY") && *getenv("HOIST_API_KEY");
	st = hoist_config_load_file(c, SYSTEM_CONFIG, false, err);
	if (st == HOIST_OK && user)
		st = hoist_config_load_file(c, user, false, err);
	free(user);
	if (st == HOIST_OK && explicit_path)
		st = hoist_config_load_file(c, explicit_path, true, err);
	if (st == HOIST_OK)
		st = hoist_config_load_env(c, err);
	/* --api-key-file wins over everything: the configured key file is then not read. */
	if (st == HOIST_OK && key_file) {
		conf_replace(&c->api_key_file, key_file);
		return conf_use_key_file(c, err);
	}
	/* The key itself in the environment wins over any key file named before it. */
	if (st == HOIST_OK && c->api_key_file && !key_from_env)
		st = conf_use_key_file(c, err);
	return st;
}
