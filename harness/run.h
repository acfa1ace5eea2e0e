/* Running a suite, and drawing the charts and writing the reports of a bundle. */
#ifndef SPAWNBENCH_RUN_H
#define SPAWNBENCH_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "plot.h"

/*
 * Measures every cell of config (which the run takes over and frees), writes
 * the bundle to output_dir (or under results/) and prints the summary tables.
 * events_typed: the event names came from --events, and an unknown one is an
 * error. Returns the exit status.
 */
int run_suite(struct suite_config *config, bool events_typed, const char *output_dir, int argc, char **argv);

/*
 * The charts, report.md and reproduce.md of the bundle at dir. Returns how many
 * charts were drawn, or -1 with why.
 */
int render_bundle(const char *dir, struct chart_report *charts, char *why, size_t why_size);

#endif
