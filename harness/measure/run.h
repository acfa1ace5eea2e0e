/* Running a suite: plan, measure, write the bundle, then hand it to the caller's renderer. */
#ifndef SPAWNBENCH_RUN_H
#define SPAWNBENCH_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "run_renderer.h"

struct run_request {
	bool events_typed;       /* the event names came from --events: an unknown one is an error */
	bool dry_run;            /* print the plan and measure nothing */
	const char *output_dir;  /* the bundle's directory, or NULL for one under results/ */
	int argc;                /* the command line, for meta.json */
	char **argv;
	const struct run_renderer *renderer;
};

/*
 * Measures every cell of config (which the run takes over and frees), writes
 * the bundle and prints the summary tables. Returns the exit status.
 */
int run_suite(struct suite_config *config, const struct run_request *request);

#endif
