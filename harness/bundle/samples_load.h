/* The raw samples of a bundle, per cell and phase, for comparisons. */
#ifndef SPAWNBENCH_SAMPLES_LOAD_H
#define SPAWNBENCH_SAMPLES_LOAD_H

#include <stddef.h>

#include "bundle_load.h"

#define MAX_ROUNDS 100

struct cell_samples {
	struct cell cell;
	double *phase[PHASE_COUNT];   /* the plain iterations' values, round after round, NaN skipped */
	size_t count[PHASE_COUNT];
	size_t round_size[PHASE_COUNT][MAX_ROUNDS];  /* how many of them each round gave */
	size_t rounds[PHASE_COUNT];   /* rounds with values */
};

struct bundle_samples {
	struct cell_samples *cells;
	size_t count;
	char **commands;
	size_t command_count;
};

/* Reads BUNDLE/samples.csv; -1 with one line naming the file at fault. */
int samples_load(const char *bundle_path, struct bundle_samples *samples, char *why, size_t why_size);
void samples_free(struct bundle_samples *samples);

const struct cell_samples *samples_find(const struct bundle_samples *samples, const struct cell *cell);

#endif
