/*
 * packages.h: where each version's package comes from, by profile (seed 000): the feed's
 * own address when it gives one, else octopus-windows' MSI address under the vendor's
 * download host ([feed] download_base), octopus-linux-docker's image tag (pulled on each
 * node, never downloaded here), or custom's [profile] package_url template. Checksums come
 * from the feed or from [feed] checksums (sha256sum format); none is said plainly.
 */
#ifndef HOIST_PACKAGES_H
#define HOIST_PACKAGES_H

#include <stdbool.h>
#include "conf.h"
#include "feed.h"
#include "plan.h"
#include "error.h"

/* The vendor's download host (seed 000). */
#define HOIST_DOWNLOAD_BASE "https://download.octopusdeploy.com"
/* A package address of an image: pulled by the node itself. */
#define HOIST_IMAGE_SCHEME "docker://"

/*
 * Fills *out (strings owned by the caller, freed with hoist_package_done) with the
 * package of v for cfg's profile; *found false (and HOIST_OK) when there is none and
 * the profile has no rule for one. HOIST_CONFIG for a bad template or checksums file.
 */
enum hoist_status hoist_package_resolve(const struct hoist_config *cfg,
					const struct hoist_feed *feed, const struct hoist_version *v,
					struct hoist_plan_package *out, bool *found,
					struct hoist_error *err);
void hoist_package_done(struct hoist_plan_package *p);

/* True for an image ("docker://..."): nothing to download, copy or hash here. */
bool hoist_package_is_image(const struct hoist_plan_package *p);
/* The file name of a package on a node: the last part of its address (a new string). */
char *hoist_package_file_name(const struct hoist_plan_package *p);

/*
 * A remote node's shell and folder (n->shell and n->remote_dir, borrowed from cfg or
 * static: copy them before cfg goes): [node "NAME"] shell and remote_dir, else [upgrade]
 * remote_dir, else a default by shell; shell = auto asks the node (HOIST_NETWORK when it
 * cannot). A `local` node has neither.
 */
enum hoist_status hoist_plan_node_files(const struct hoist_config *cfg,
				       struct hoist_plan_node *n, struct hoist_error *err);

/* One file of a plan and where it will be. */
struct hoist_file_place {
	char *what;  /* owned: "installer 2024.2.1", "database backup" */
	char *node;  /* owned; NULL: on this machine */
	char *path;  /* owned */
	char *note;  /* owned; may be NULL: "copied back to ...", "SHA-256 checked there" */
};

/*
 * Where every file of the plan will be: each installer in the cache here and in each
 * remote node's folder (when the profile's install takes {package}), the database backup
 * on the primary and here. Freed with
 * hoist_file_places_free.
 */
void hoist_plan_file_places(const struct hoist_config *cfg, const struct hoist_plan *p,
			    struct hoist_file_place **out, size_t *n);
void hoist_file_places_free(struct hoist_file_place *v, size_t n);

/* The state folder's cache path of a package (the run uses the same name). */
char *hoist_package_cache_path(const char *cache_dir, const struct hoist_plan_package *p);
/* Whether the backup is copied back from a remote node ([upgrade] backup_copy, default yes). */
bool hoist_config_backup_copy(const struct hoist_config *cfg);

#endif
