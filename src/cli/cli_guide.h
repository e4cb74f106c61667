/* cli_guide.h: what hoist rollback and hoist downgrade share. */
#ifndef HOIST_CLI_GUIDE_H
#define HOIST_CLI_GUIDE_H

#include <stdbool.h>
#include "cli.h"
#include "guide.h"
#include "plan.h"

/* Standard input and output are a terminal: a question can be asked. */
bool cli_guide_interactive(void);
/* Asks a yes/no question on the terminal; 1 for yes, 0 otherwise (and without one). */
int cli_guide_confirm(const char *question);
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

#endif
