/* cli_guide.h: a run's rollback guide saved, printed or carried out (guide_out.c). */
#ifndef HOIST_CLI_GUIDE_H
#define HOIST_CLI_GUIDE_H

#include <stdbool.h>
#include "cli.h"
#include "guide.h"
#include "plan.h"

/*
 * Carries out the guide g of run (its plan) as a run of its own, after showing it and
 * asking (unless yes); returns the exit code.
 */
int cli_guide_carry_out(struct cli *cli, const char *command, const struct hoist_guide *g,
			const struct hoist_plan *run, bool yes);
/*
 * After a run failed: saves its guide as runs/<id>/guide.txt and prints it when the run
 * failed after the point of no return (pnr), else a pointer to it (nothing with json).
 */
void cli_guide_after_failure(struct cli *cli, const char *run_id, bool pnr, bool json);
/* After a run that went past validation failures: saves its guide, which lists them. */
void cli_guide_save_ignored(struct cli *cli, const char *run_id, bool json);

#endif
