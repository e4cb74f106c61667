/* init.c: `hoist-sandbox init DIR`: nodes, database, keys, feed, Tentacles and hoist.conf. */
#include "config.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include "i18n.h"
#include "sandbox.h"
#include "sha256.h"
#include "version.h"
#include "xalloc.h"

static const char *const tentacle_versions[] = { SB_TENTACLE_LATEST, "8.1.1650", "7.1.6",
						  "6.3.605", "5.0.15" };

struct init_opts {
	long nodes, tentacles, port;
	const char *roles, *version, *feed_to, *durations;
	unsigned long long seed;
	long long package_size;
	const char *names;       /* comma-separated node names; NULL: node1, node2, ... */
	const char *from_bundle; /* --from-bundle FILE */
	struct sb_from_bundle *fb; /* that bundle, read; NULL: none */
};

/* Free loopback ports, held open together so that no two picks collide. */
static bool pick_ports(int *ports, int n)
{
	int fds[SB_NODES_MAX + 1];
	bool ok = true;
	for (int i = 0; i < n; i++) {
		struct sockaddr_in a = { 0 };
		socklen_t len = sizeof a;
		a.sin_family = AF_INET;
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fds[i] < 0 || bind(fds[i], (struct sockaddr *)&a, sizeof a) != 0 ||
		    getsockname(fds[i], (struct sockaddr *)&a, &len) != 0)
			ok = false;
		ports[i] = ntohs(a.sin_port);
	}
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return ok;
}

static enum hoist_status write_secret(struct sb *sb, const char *name, const char *text,
				      struct hoist_error *err)
{
	char *path = sb_path(sb, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	size_t len = strlen(text);
	enum hoist_status st = HOIST_OK;
	if (fd < 0 || write(fd, text, len) != (ssize_t)len || write(fd, "\n", 1) != 1)
		st = hoist_error_set(err, HOIST_IO, _("cannot write %s: %s"), path, strerror(errno));
	if (fd >= 0)
		close(fd);
	free(path);
	return st;
}

static enum hoist_status make_nodes(struct sb *sb, const struct init_opts *o, const int *ports,
				    struct hoist_error *err)
{
	char *roles = hoist_xstrdup(o->roles ? o->roles : ""), *save = NULL;
	char *names = hoist_xstrdup(o->names ? o->names : ""), *nsave = NULL;
	char *role = strtok_r(roles, ",", &save), *name = strtok_r(names, ",", &nsave);
	for (long i = 0; i < o->nodes; i++) {
		struct sb_node n = { 0 };
		if (name)
			snprintf(n.name, sizeof n.name, "%s", name);
		else
			snprintf(n.name, sizeof n.name, "node%ld", i + 1);
		name = name ? strtok_r(NULL, ",", &nsave) : NULL;
		snprintf(n.role, sizeof n.role, "%s", role ? role : i == 0 && !o->roles ?
			 "primary" : "base");
		if (!sb_name_valid(n.role)) {
			free(roles);
			free(names);
			return hoist_error_set(err, HOIST_USAGE, _("not a role name: %s"), n.role);
		}
		snprintf(n.version, sizeof n.version, "%s", o->version);
		n.port = ports[i + 1];
		n.running = true;
		n.max_tasks = 5;
		n.changed_ms = sb_now_ms();
		sb_node_save(sb, &n);
		role = role ? strtok_r(NULL, ",", &save) : NULL;
	}
	free(roles);
	free(names);
	if (role)
		return hoist_error_set(err, HOIST_USAGE, _("--roles names more roles than there"
							   " are nodes"));
	return HOIST_OK;
}

static void make_machines(struct sb *sb, const struct init_opts *o)
{
	unsigned long long r = o->seed * 31 + 7;
	sqlite3_stmt *s;
	sqlite3_prepare_v2(sb->st, "INSERT INTO machines(id, name, version, health, environment,"
			   " calamari) VALUES(?, ?, ?, ?, ?, ?)", -1, &s, NULL);
	for (long i = 1; i <= o->tentacles; i++) {
		/* A 2.x server has 2.x Tentacles; a modern one a mix, a few outdated. */
		const char *v = atoi(o->version) < 3 ? o->version :
				tentacle_versions[sb_rand(&r) % 5];
		char name[32], env[32];
		snprintf(name, sizeof name, "tentacle-%02ld", i);
		snprintf(env, sizeof env, "Environments-%ld", 1 + (i - 1) % 3);
		sqlite3_reset(s);
		sqlite3_bind_int64(s, 1, i);
		sqlite3_bind_text(s, 2, name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(s, 3, v, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 4, strcmp(v, SB_TENTACLE_LATEST) ? "HasWarnings" : "Healthy",
				  -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 5, env, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(s, 6, o->version, -1, SQLITE_STATIC);
		sqlite3_step(s);
	}
	sqlite3_finalize(s);
}

static enum hoist_status make_keys(struct sb *sb, const struct init_opts *o,
				   unsigned char key[16], struct hoist_error *err)
{
	char *b64, *admin = sb_new_api_key(), *user = sb_new_api_key(), hex[65];
	unsigned char id[16];
	char *uuid;
	enum hoist_status st;
	sb_random(key, 16);
	b64 = sb_base64(key, 16);
	st = write_secret(sb, "master-key", b64, err);
	if (st == HOIST_OK)
		st = write_secret(sb, "api-key", admin, err);
	if (st == HOIST_OK)
		st = write_secret(sb, "api-key-user", user, err);
	hoist_sha256_hex(admin, strlen(admin), hex);
	sb_set(sb, "key_admin_sha256", hex);
	hoist_sha256_hex(user, strlen(user), hex);
	sb_set(sb, "key_user_sha256", hex);
	sb_random(id, sizeof id);
	uuid = hoist_xasprintf("%02x%02x%02x%02x-%02x%02x-4%x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
			       id[0], id[1], id[2], id[3], id[4], id[5], id[6] & 15, id[7],
			       (id[8] & 0x3f) | 0x80, id[9], id[10], id[11], id[12], id[13],
			       id[14], id[15]);
	sb_set(sb, "installation_id", uuid);
	free(uuid);
	free(b64);
	free(admin);
	free(user);
	return st;
}

static enum hoist_status build(const char *dir, const struct init_opts *o, const char *self,
			       struct hoist_error *err)
{
	struct sb sb;
	int ports[SB_NODES_MAX + 1];
	unsigned char key[16];
	enum hoist_status st;
	char *path;
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return hoist_error_set(err, HOIST_IO, _("cannot create %s: %s"), dir, strerror(errno));
	path = hoist_xasprintf("%s/state.db", dir);
	if (access(path, F_OK) == 0) {
		free(path);
		return hoist_error_set(err, HOIST_STATE, _("%s already holds a sandbox; remove it"
							   " or choose another folder."), dir);
	}
	free(path);
	if (!pick_ports(ports, (int)o->nodes + 1))
		return hoist_error_set(err, HOIST_IO, _("cannot find free loopback ports"));
	if (o->port >= 0)
		ports[0] = (int)o->port;
	if ((st = sb_open(&sb, dir, true, err)) != HOIST_OK)
		return st;
	sb_begin(&sb);
	sb_set(&sb, "version", o->version);
	sb_set(&sb, "feed_to", o->feed_to);
	sb_set_int(&sb, "seed", (long long)o->seed);
	sb_set_int(&sb, "package_size", o->package_size);
	sb_set(&sb, "listen", "127.0.0.1");
	sb_set_int(&sb, "lb_port", ports[0]);
	sb_set(&sb, "self", self);
	sb_set_int(&sb, "maintenance", 0);
	st = make_nodes(&sb, o, ports, err);
	if (st == HOIST_OK && o->durations && !sb_durations_set(&sb, o->durations))
		st = hoist_error_set(err, HOIST_USAGE, _("invalid --durations"));
	if (st == HOIST_OK)
		st = make_keys(&sb, o, key, err);
	if (st == HOIST_OK)
		make_machines(&sb, o);
	sb_commit(&sb);
	if (st == HOIST_OK)
		st = sb_db_create(&sb, o->version, o->seed, key, err);
	if (st == HOIST_OK && o->fb)
		st = sb_bundle_slice(o->fb, &sb, err);
	if (st == HOIST_OK)
		st = sb_feed_write(&sb, true, err);
	if (st == HOIST_OK && o->fb)
		st = sb_bundle_finish(o->fb, &sb, err);
	if (st == HOIST_OK)
		st = sb_write_conf(&sb, self, err);
	if (st == HOIST_OK)
		sb_timeline(&sb, "init", NULL, "version", o->version, NULL);
	sb_close(&sb);
	return st;
}

static int usage(void)
{
	fprintf(stderr, _("usage: hoist-sandbox init DIR [--nodes N] [--roles R1,R2,...]"
			  " [--version V] [--feed-to V] [--tentacles M] [--seed S]"
			  " [--package-size BYTES] [--durations ACTION=MS,...] [--port P]\n"
			  "       hoist-sandbox init DIR --from-bundle FILE [--seed S]"
			  " [--package-size BYTES] [--port P]\n"));
	return 2;
}

static bool number(const char *s, long long lo, long long hi, long long *out)
{
	char *end;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return *s && !*end && !errno && *out >= lo && *out <= hi;
}

int sb_cmd_init(int argc, char **argv, const char *self)
{
	struct init_opts o = { 2, 3, -1, NULL, SB_DEFAULT_VERSION, NULL, NULL, 1, 65536, NULL, NULL,
			      NULL };
	struct hoist_version v, t;
	struct hoist_error err;
	char *feed_to = NULL, *abs_self = realpath(self, NULL), *abs_dir;
	long long n;
	int rc = 0;
	if (argc < 2 || argv[1][0] == '-')
		return usage();
	for (int i = 2; i < argc; i += 2) {
		const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		bool ok = val != NULL;
		if (ok && !strcmp(opt, "--nodes"))
			ok = number(val, 1, SB_NODES_MAX, &n), o.nodes = (long)n;
		else if (ok && !strcmp(opt, "--tentacles"))
			ok = number(val, 0, 1000, &n), o.tentacles = (long)n;
		else if (ok && !strcmp(opt, "--seed"))
			ok = number(val, 0, LLONG_MAX, &n), o.seed = (unsigned long long)n;
		else if (ok && !strcmp(opt, "--package-size"))
			ok = number(val, 1, 1LL << 34, &o.package_size);
		else if (ok && !strcmp(opt, "--port"))
			ok = number(val, 0, 65535, &n), o.port = (long)n;
		else if (ok && !strcmp(opt, "--roles"))
			o.roles = val;
		else if (ok && !strcmp(opt, "--version"))
			o.version = val;
		else if (ok && !strcmp(opt, "--feed-to"))
			o.feed_to = val;
		else if (ok && !strcmp(opt, "--durations"))
			o.durations = val;
		else if (ok && !strcmp(opt, "--from-bundle"))
			o.from_bundle = val;
		else
			ok = false;
		if (!ok) {
			free(abs_self);
			return usage();
		}
	}
	hoist_error_init(&err);
	if (o.from_bundle) {
		/* The bundle says what the customer ran; options that say otherwise conflict. */
		if (o.roles || o.feed_to || o.durations || o.nodes != 2 ||
		    strcmp(o.version, SB_DEFAULT_VERSION)) {
			fprintf(stderr, _("hoist-sandbox: --from-bundle takes nodes, roles, versions,"
					  " the feed and durations from the bundle; give none of"
					  " --nodes, --roles, --version, --feed-to, --durations\n"));
			free(abs_self);
			return 2;
		}
		if (sb_bundle_open(o.from_bundle, &o.fb, &err) != HOIST_OK) {
			fprintf(stderr, "hoist-sandbox: %s\n", hoist_error_message(&err));
			hoist_error_done(&err);
			free(abs_self);
			return 2;
		}
		sb_bundle_settings(o.fb, &o.nodes, &o.names, &o.roles, &o.version, &o.feed_to,
				   &o.durations);
	}
	if (hoist_version_parse(o.version, &v, &err) != HOIST_OK || v.pre[0] ||
	    (o.feed_to && hoist_version_parse(o.feed_to, &t, &err) != HOIST_OK)) {
		fprintf(stderr, "hoist-sandbox: %s\n", err.message ? err.message :
			_("a sandbox runs released versions only"));
		hoist_error_done(&err);
		sb_bundle_close(o.fb);
		free(abs_self);
		return 2;
	}
	if (!o.feed_to) {
		feed_to = hoist_xasprintf("%lu.%lu.1", v.major, v.minor + 2);
		o.feed_to = feed_to;
		hoist_version_parse(o.feed_to, &t, NULL);
	}
	if (hoist_version_cmp(&t, &v) < 0 || t.pre[0] ||
	    (t.major != v.major && t.major != v.major + 1) ||
	    (t.major == v.major && t.minor - v.minor > 10)) {
		fprintf(stderr, _("hoist-sandbox: --feed-to %s must be a release at or after %s, in"
				  " the same or the next major version\n"), o.feed_to, o.version);
		rc = 2;
	} else {
		mkdir(argv[1], 0700);
		abs_dir = realpath(argv[1], NULL);
		if (build(abs_dir ? abs_dir : argv[1], &o, abs_self ? abs_self : self, &err) !=
		    HOIST_OK) {
			fprintf(stderr, "hoist-sandbox: %s\n", hoist_error_message(&err));
			rc = err.status == HOIST_USAGE ? 2 : 1;
		}
		if (rc == 0 && o.fb)
			sb_bundle_print(o.fb, abs_dir ? abs_dir : argv[1]);
		free(abs_dir);
	}
	sb_bundle_close(o.fb);
	free(feed_to);
	free(abs_self);
	hoist_error_done(&err);
	return rc;
}
