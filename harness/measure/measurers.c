#include "measurers.h"

#include "hyperfine.h"

/* hyperfine makes its own runs: one call measures the command whole. */
static void measure_with_hyperfine(const struct cell *cell, const struct suite_config *config,
				   const struct event_set *events, const struct sampler_paths *paths, unsigned round,
				   const struct sample_table *earlier, const struct round_budget *budget,
				   struct cell_result *result)
{
	(void)round;
	(void)earlier;
	(void)budget; /* hyperfine makes the suite's runs of it */
	measure_command(cell, config, events, paths, result);
}

const struct measurer_ops measurers[MEASURER_COUNT] = {
	[MEASURER_WORKER] = { measure_cell, false },
	[MEASURER_HYPERFINE] = { measure_with_hyperfine, true },
};
