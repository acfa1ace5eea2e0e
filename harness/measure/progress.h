/*
 * Progress of a run on stderr: on a terminal one line rewritten in place
 * (cell-round k of n, the round, the cell, time left); otherwise one plain
 * line per cell and round.
 */
#ifndef SPAWNBENCH_PROGRESS_H
#define SPAWNBENCH_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "plan.h"
#include "schedule.h"

struct progress {
	bool terminal;
	size_t total, done;
	double total_weight, done_weight;
	double started;
	double budget_seconds;       /* one round's share */
	unsigned long rounds;
	const struct schedule *schedule;   /* a suite planned against its time: its estimate of the end */
	const char *label;           /* before each cell: whose it is ("kernel 6.1.0-47-amd64: "), or NULL */
};

void progress_init(struct progress *progress, const struct plan *plan, const struct suite_config *config);
void progress_begin_cell(struct progress *progress, const struct cell *cell, unsigned round);
void progress_end_cell(struct progress *progress, const struct cell *cell, unsigned round, const char *status,
		       double seconds);
void progress_finish(struct progress *progress);
/* Seconds since progress_init. */
double progress_elapsed(const struct progress *progress);

/* "1h02m", "3m12s", "45s" into buf. */
void format_duration(double seconds, char *buf, size_t size);
/* "120ms", "1.5s", then as format_duration. */
void format_duration_precise(double seconds, char *buf, size_t size);

#endif
