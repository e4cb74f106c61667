/* feedgen.c: the sandbox's release feed (hoist-feed/1) with notes and a package per release. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include "buf.h"
#include "i18n.h"
#include "sandbox.h"
#include "sha256.h"
#include "version.h"
#include "xalloc.h"

struct line {
	unsigned long major, minor, last_patch;
};

static const char *const features[] = {
	"Runbooks can now be scheduled per tenant.",
	"The task log loads twice as fast for deployments with many steps.",
	"Project variables can be filtered by scope in the editor.",
	"New dashboard widget for deployment frequency.",
	"Kubernetes agent supports custom namespaces.",
};
static const char *const fixes[] = {
	"Fixed a task cap miscount after a node restarts.",
	"Fixed retention policies skipping releases with channels.",
	"Fixed the health check timing out on slow Tentacles.",
	"Fixed a deadlock when two nodes pick up the same scheduled task.",
	"Fixed variable snapshots losing sensitive values on clone.",
	"Fixed the audit log export for non-ASCII user names.",
};
static const char *const securities[] = {
	"Security: API keys are no longer written to the task log on failure (CVE-2024-0001).",
	"Security: updated the bundled OpenSSL to address a denial of service.",
	"Security: tightened permission checks on the runbook snapshot endpoint.",
};
static const char *const breakings[] = {
	"Breaking: the legacy /api/deployments/{id}/log endpoint was removed; use the task raw log.",
	"Breaking: Tentacles older than 6.0 can no longer connect; upgrade them first.",
	"Breaking: the Script Console is disabled by default for new spaces.",
};
static const char *const dependencies[] = {
	"Requires SQL Server 2017 or newer; SQL Server 2016 is no longer supported.",
	"The Linux container now needs Docker Engine 20.10 or newer.",
	"Requires .NET 8 runtime on Windows nodes (bundled with the installer).",
};
#define PICK(t, r) (t)[sb_rand(r) % (sizeof(t) / sizeof((t)[0]))]

static void note(cJSON *notes, const char *kind, const char *text)
{
	cJSON *n = cJSON_CreateObject();
	cJSON_AddStringToObject(n, "kind", kind);
	cJSON_AddStringToObject(n, "text", text);
	cJSON_AddItemToArray(notes, n);
}

/* The release's package: a deterministic stream of SHA-256 blocks of seed and version. */
static enum hoist_status write_package(const char *path, const char *version,
				       unsigned long long seed, long long size,
				       struct hoist_error *err)
{
	FILE *f = fopen(path, "wb");
	unsigned char block[32];
	long long done = 0;
	if (!f)
		return hoist_error_set(err, HOIST_IO, _("cannot write %s"), path);
	for (unsigned long long i = 0; done < size; i++) {
		char *in = hoist_xasprintf("%llu/%s/%llu", seed, version, i);
		size_t n;
		EVP_Digest(in, strlen(in), block, NULL, EVP_sha256(), NULL);
		free(in);
		n = (size_t)(size - done < 32 ? size - done : 32);
		fwrite(block, 1, n, f);
		done += (long long)n;
	}
	if (fclose(f) != 0)
		return hoist_error_set(err, HOIST_IO, _("cannot write %s"), path);
	return HOIST_OK;
}

static size_t plan_lines(const struct hoist_version *v, const struct hoist_version *t,
			 struct line *out)
{
	size_t n = 0;
	if (v->major == t->major) {
		for (unsigned long m = v->minor; m <= t->minor && n < 12; m++)
			out[n++] = (struct line){ v->major, m, 3 };
	} else {
		out[n++] = (struct line){ v->major, v->minor, 3 };
		out[n++] = (struct line){ v->major, v->minor + 1, 3 };
		for (unsigned long m = 0; m <= t->minor && n < 12; m++)
			out[n++] = (struct line){ t->major, m, 3 };
	}
	if (n == 0)
		return 0;
	if (out[0].last_patch < v->patch + 1)
		out[0].last_patch = v->patch + 1;
	out[n - 1].last_patch = t->patch;
	if (n == 1 && t->patch < v->patch)
		out[0].last_patch = v->patch;
	return n;
}

static void date_of(unsigned long major, int index, char out[16])
{
	struct tm tm = { 0 };
	time_t t;
	tm.tm_year = (major >= 2018 && major <= 2100 ? (int)major : 2024) - 1900;
	tm.tm_mday = 8 + index * 9;
	t = timegm(&tm);
	gmtime_r(&t, &tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
}

/* The release's sandbox package, written (or only hashed) and added to r; false on failure. */
static bool add_package(struct sb *sb, cJSON *r, const char *version, bool write_packages,
			struct hoist_error *err)
{
	unsigned long long seed = (unsigned long long)sb_get_int(sb, "seed", 1);
	long long size = sb_get_int(sb, "package_size", 65536);
	char sha[65], *file, *path, *base, *url;
	cJSON *pkgs, *pkg;
	bool ok = false;
	file = hoist_xasprintf("packages/octopus-sandbox-%s.pkg", version);
	path = sb_path(sb, file);
	if (write_packages && write_package(path, version, seed, size, err) != HOIST_OK)
		goto out;
	if (hoist_sha256_file(path, sha, &size, err) != HOIST_OK)
		goto out;
	pkgs = cJSON_AddArrayToObject(r, "packages");
	pkg = cJSON_CreateObject();
	base = sb_base_url(sb);
	url = hoist_xasprintf("%s/%s", base, file);
	cJSON_AddStringToObject(pkg, "platform", "sandbox");
	cJSON_AddStringToObject(pkg, "url", url);
	cJSON_AddStringToObject(pkg, "sha256", sha);
	cJSON_AddNumberToObject(pkg, "size", (double)size);
	cJSON_AddItemToArray(pkgs, pkg);
	free(base);
	free(url);
	ok = true;
out:
	free(file);
	free(path);
	return ok;
}

static cJSON *release(struct sb *sb, const struct line *l, unsigned long patch,
		      const char *upgrade_from, int index, bool write_packages,
		      struct hoist_error *err)
{
	cJSON *r = cJSON_CreateObject(), *notes;
	char version[64], date[16];
	unsigned long long seed = (unsigned long long)sb_get_int(sb, "seed", 1);
	unsigned long long prng = seed ^ (l->major * 1000003ULL + l->minor * 1009ULL + patch);
	snprintf(version, sizeof version, "%lu.%lu.%lu", l->major, l->minor, patch);
	date_of(l->major, index, date);
	cJSON_AddStringToObject(r, "version", version);
	cJSON_AddStringToObject(r, "date", date);
	cJSON_AddBoolToObject(r, "lts", l->minor % 2 == 1 && patch >= 2);
	if (upgrade_from)
		cJSON_AddStringToObject(r, "upgrade_from", upgrade_from);
	notes = cJSON_AddArrayToObject(r, "notes");
	if (patch == 0) {
		note(notes, "feature", PICK(features, &prng));
		note(notes, "breaking", PICK(breakings, &prng));
		note(notes, "dependency", PICK(dependencies, &prng));
	}
	if (upgrade_from && patch == 0) {
		char *t = hoist_xasprintf("Upgrades from versions before %s must first upgrade to %s"
					  " or newer.", upgrade_from, upgrade_from);
		note(notes, "breaking", t);
		free(t);
	}
	note(notes, "fix", PICK(fixes, &prng));
	if (sb_rand(&prng) % 3 == 0)
		note(notes, "security", PICK(securities, &prng));
	if (!add_package(sb, r, version, write_packages, err)) {
		cJSON_Delete(r);
		return NULL;
	}
	return r;
}

static cJSON *load_feed(const char *path);

/*
 * A sandbox built from a support bundle serves the customer's feed slice (DIR/feed-slice.json:
 * the releases' versions, dates, notes and required stops) with a sandbox package each.
 */
static bool slice_releases(struct sb *sb, cJSON *rels, bool write_packages,
			   enum hoist_status *st, struct hoist_error *err)
{
	char *path = sb_path(sb, "feed-slice.json");
	cJSON *slice = load_feed(path), *src;
	free(path);
	if (!cJSON_IsArray(cJSON_GetObjectItem(slice, "releases"))) {
		cJSON_Delete(slice);
		return false;
	}
	cJSON_ArrayForEach(src, cJSON_GetObjectItem(slice, "releases")) {
		const char *v = cJSON_GetStringValue(cJSON_GetObjectItem(src, "version"));
		cJSON *r;
		if (!v || !hoist_version_valid(v))
			continue;
		r = cJSON_Duplicate(src, true);
		cJSON_DeleteItemFromObject(r, "packages");
		if (!add_package(sb, r, v, write_packages, err)) {
			cJSON_Delete(r);
			*st = HOIST_IO;
			break;
		}
		cJSON_AddItemToArray(rels, r);
	}
	cJSON_Delete(slice);
	return true;
}

enum hoist_status sb_feed_write(struct sb *sb, bool write_packages, struct hoist_error *err)
{
	struct hoist_version v, t;
	struct line lines[12];
	char *from = sb_get(sb, "version"), *to = sb_get(sb, "feed_to"), *text, *path, *tmp;
	char stop[64] = "";
	cJSON *root = cJSON_CreateObject(), *rels;
	size_t n;
	int index = 0;
	enum hoist_status st = HOIST_OK;
	FILE *f;
	hoist_version_parse(from, &v, NULL);
	hoist_version_parse(to, &t, NULL);
	free(from);
	free(to);
	n = plan_lines(&v, &t, lines);
	/* A range of three lines or more gets a required stop: the last line needs the one before. */
	if (n >= 3)
		snprintf(stop, sizeof stop, "%lu.%lu.0", lines[n - 2].major, lines[n - 2].minor);
	path = sb_path(sb, "packages");
	mkdir(path, 0755);
	free(path);
	cJSON_AddStringToObject(root, "format", "hoist-feed/1");
	rels = cJSON_AddArrayToObject(root, "releases");
	if (slice_releases(sb, rels, write_packages, &st, err))
		n = 0;
	for (size_t i = 0; i < n && st == HOIST_OK; i++)
		for (unsigned long p = 0; p <= lines[i].last_patch; p++) {
			cJSON *r = release(sb, &lines[i], p, i == n - 1 && *stop ? stop : NULL,
					   index++, write_packages, err);
			if (!r) {
				st = HOIST_IO;
				break;
			}
			cJSON_AddItemToArray(rels, r);
		}
	text = cJSON_Print(root);
	cJSON_Delete(root);
	path = sb_path(sb, "feed.json");
	tmp = sb_path(sb, "feed.json.tmp");
	if (st == HOIST_OK) {
		if (!(f = fopen(tmp, "w")) || fputs(text, f) < 0 || fclose(f) != 0 ||
		    rename(tmp, path) != 0)
			st = hoist_error_set(err, HOIST_IO, _("cannot write %s"), path);
	}
	free(text);
	free(path);
	free(tmp);
	return st;
}

/* The sandbox's own feed, as written by sb_feed_write; NULL when unreadable. */
static cJSON *load_feed(const char *path)
{
	struct hoist_buf text;
	FILE *f = fopen(path, "r");
	char chunk[8192];
	size_t n;
	cJSON *root;
	hoist_buf_init(&text, 64 << 20);
	while (f && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
		hoist_buf_append(&text, chunk, n);
	if (f)
		fclose(f);
	root = cJSON_Parse(hoist_buf_cstr(&text));
	hoist_buf_done(&text);
	return root;
}

char *sb_feed_latest(struct sb *sb)
{
	char *path = sb_path(sb, "feed.json");
	cJSON *root = load_feed(path);
	cJSON *rels = cJSON_GetObjectItem(root, "releases");
	const char *v = cJSON_GetStringValue(cJSON_GetObjectItem(
		cJSON_GetArrayItem(rels, cJSON_GetArraySize(rels) - 1), "version"));
	char *out = v ? hoist_xstrdup(v) : NULL;
	cJSON_Delete(root);
	free(path);
	return out;
}

enum hoist_status sb_feed_release(struct sb *sb, const char *version, char **package_path,
				  char *sha256, char **upgrade_from, struct hoist_error *err)
{
	char *path = sb_path(sb, "feed.json");
	cJSON *root = load_feed(path), *r, *pkg;
	enum hoist_status st = HOIST_NOTFOUND;
	*package_path = NULL;
	*upgrade_from = NULL;
	cJSON_ArrayForEach(r, cJSON_GetObjectItem(root, "releases")) {
		const char *rv = cJSON_GetStringValue(cJSON_GetObjectItem(r, "version"));
		const char *uf = cJSON_GetStringValue(cJSON_GetObjectItem(r, "upgrade_from"));
		if (!rv || strcmp(rv, version))
			continue;
		cJSON_ArrayForEach(pkg, cJSON_GetObjectItem(r, "packages")) {
			const char *url = cJSON_GetStringValue(cJSON_GetObjectItem(pkg, "url"));
			const char *sha = cJSON_GetStringValue(cJSON_GetObjectItem(pkg, "sha256"));
			const char *plat = cJSON_GetStringValue(cJSON_GetObjectItem(pkg, "platform"));
			const char *slash = url ? strrchr(url, '/') : NULL;
			if (!plat || strcmp(plat, "sandbox") || !slash || !sha || strlen(sha) != 64)
				continue;
			*package_path = hoist_xasprintf("%s/packages%s", sb->dir, slash);
			memcpy(sha256, sha, 65);
			*upgrade_from = uf ? hoist_xstrdup(uf) : NULL;
			st = HOIST_OK;
		}
	}
	cJSON_Delete(root);
	if (st != HOIST_OK)
		hoist_error_set(err, HOIST_NOTFOUND,
				_("Octopus Server %s has no package in the feed %s."), version, path);
	free(path);
	return st;
}
