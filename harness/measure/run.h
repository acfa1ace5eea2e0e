/* Running a suite: plan, measure, write the bundle, then hand it to the caller's renderer. */
#ifndef SPAWNBENCH_RUN_H
#define SPAWNBENCH_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "run_renderer.h"

/*
 * Measures every cell of config (which the run takes over and frees), writes
 * the bundle to output_dir (or under results/) and prints the summary tables.
 * events_typed: the event names came from --events, and an unknown one is an
 * error. Returns the exit status.
 */
int run_suite(struct suite_config *config, bool events_typed, const char *output_dir, int argc, char **argv,
	      const struct run_renderer *renderer);

#endif
