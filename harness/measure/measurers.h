/*
 * Who measures each kind of cell, one entry per enum measurer (in the manner
 * of fio's ioengines): the worker runs a primitive's cell round after round;
 * hyperfine times a whole command, once.
 */
#ifndef SPAWNBENCH_MEASURERS_H
#define SPAWNBENCH_MEASURERS_H

#include <stdbool.h>

#include "sampler.h"

struct measurer_ops {
	/* Measures one round of cell into result (earlier: the cell's samples from the rounds before). */
	void (*measure)(const struct cell *cell, const struct suite_config *config, const struct event_set *events,
			const struct sampler_paths *paths, unsigned round, const struct sample_table *earlier,
			const struct round_budget *budget, struct cell_result *result);
	bool once;  /* measured in the first round only */
};

extern const struct measurer_ops measurers[MEASURER_COUNT];

#endif
