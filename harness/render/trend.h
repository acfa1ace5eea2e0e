/*
 * Medians across many bundles (one per kernel, say), ordered by kernel
 * version: a table, trend.csv, trend.md and a chart per primitive and action.
 */
#ifndef SPAWNBENCH_TREND_H
#define SPAWNBENCH_TREND_H

#include <stdio.h>

#include "bundle_load.h"

struct trend {
	struct loaded_bundle *bundles;   /* in kernel version order */
	size_t count;
};

/* Loads every bundle and orders them; -1 with one line naming the file at fault. */
int trend_load(char *const *paths, size_t count, struct trend *trend, char *why, size_t why_size);
void trend_free(struct trend *trend);

/* The roundtrip medians of cells that write nothing, one column per bundle. */
void trend_print(FILE *out, const struct trend *trend, bool markdown);

/* trend.md, trend.csv and plots/trend_PRIMITIVE_ACTION.{png,svg} under dir. */
int trend_write(const struct trend *trend, const char *dir);

#endif
