/*
 * Progress of a run on stderr: on a terminal one line rewritten in place
 * (cell k of n, the cell, time left); otherwise one plain line per cell.
 */
#ifndef SPAWNBENCH_PROGRESS_H
#define SPAWNBENCH_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "plan.h"

struct progress {
	bool terminal;
	size_t total, done;
	double total_weight, done_weight;
	double started;
	double budget_seconds;
};

void progress_init(struct progress *progress, const struct plan *plan, const struct suite_config *config);
void progress_begin_cell(struct progress *progress, const struct cell *cell);
void progress_end_cell(struct progress *progress, const struct cell *cell, const char *status, double seconds);
void progress_finish(struct progress *progress);
/* Seconds since progress_init. */
double progress_elapsed(const struct progress *progress);

/* "1h02m", "3m12s", "45s" into buf. */
void format_duration(double seconds, char *buf, size_t size);

#endif
