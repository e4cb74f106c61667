/* tentacles_advice.c: before a server upgrade, the Tentacles its release notes say stop working. */
#include "config.h"
#include <stdio.h>
#include "cli.h"
#include "i18n.h"
#include "tentacles.h"

void cli_tentacles_advice(const struct cli *cli, const struct hoist_plan *p)
{
	struct hoist_tentacles_advice a;
	struct hoist_error err;
	hoist_error_init(&err);
	/* Advice only: a plan is still a plan when the Tentacles cannot be read. */
	if (hoist_tentacles_advise(&cli->conf, &p->from, &p->to, &a, &err) != HOIST_OK) {
		hoist_error_done(&err);
		return;
	}
	if (a.warned && a.n_affected) {
		printf(_("Tentacles: the release notes of %s say: \"%s\"\n"), a.release, a.note);
		printf(P_("%zu of the %zu deployment targets runs an older Tentacle:",
			  "%zu of the %zu deployment targets run an older Tentacle:", a.n_affected),
		       a.n_affected, a.n_targets);
		for (size_t i = 0; i < a.n_affected; i++)
			printf("%s%s", i ? ", " : " ", a.affected[i]);
		printf("\n");
		printf(_("Upgrade them first: hoist%s%s tentacles (hoist tentacles --dry-run shows "
			 "the batches)\n"), cli->config_path ? " --config " : "",
		       cli->config_path ? cli->config_path : "");
	} else if (a.warned) {
		printf(_("Tentacles: the release notes of %s say: \"%s\" Every deployment target "
			 "already runs a newer one.\n"), a.release, a.note);
	}
	hoist_tentacles_advice_done(&a);
	hoist_error_done(&err);
}
