/*
 * The results bundle, a public format (DESIGN.md): meta.json, topology.xml,
 * samples.csv, summary.csv, fits.csv. Written under NAME.partial and renamed
 * when done, so nothing half-written ever sits under a final name.
 */
#ifndef SPAWNBENCH_BUNDLE_H
#define SPAWNBENCH_BUNDLE_H

#include <jansson.h>
#include <limits.h>
#include <stdio.h>

#include "config.h"
#include "events.h"
#include "results.h"
#include "sampler.h"

struct bundle {
	char final_path[PATH_MAX];
	char temp_path[PATH_MAX];
	char results_dir[PATH_MAX];     /* set when results/latest is to point here */
	FILE *samples, *summary;
	json_t *meta, *cells;
	const struct event_set *events;
	double ci_target;               /* the suite's, in every summary.csv row */
};

/* Creates the temporary directory and starts the files; -1 with why (bad --output). */
int bundle_open(struct bundle *bundle, const char *output_dir, const struct suite_config *config,
		const struct event_set *events, int argc, char **argv, char *why, size_t why_size);

/* Appends one round's raw samples to samples.csv. */
void bundle_add_samples(struct bundle *bundle, const struct cell *cell, const struct cell_result *round);

/* A cell whose rounds are done: its summary.csv rows and its entry in meta.json (NaN: no efficiency known). */
void bundle_add_summary(struct bundle *bundle, const struct cell_summary *summary, double scaling_efficiency,
			const struct cell_result *result, unsigned long rounds);
/* Adds key (taking value) to the meta.json entry of the cell added last. */
void bundle_note_last_cell(struct bundle *bundle, const char *key, json_t *value);

/* status: "complete", "interrupted" or "failed". Writes meta.json and fits.csv, still under NAME.partial. */
int bundle_close(struct bundle *bundle, const struct run_results *results, const char *status);

/* Renames NAME.partial to NAME and points results/latest at it. */
int bundle_publish(struct bundle *bundle);



#endif
