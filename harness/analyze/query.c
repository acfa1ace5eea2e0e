#include "query.h"

#include <math.h>
#include <string.h>

#include "primitive.h"

int event_median_index(const struct event_set *events, const char *column)
{
	int counted = 0;
	for (size_t i = 0; i < events->count; i++) {
		if (!events->events[i].encoded)
			continue;
		if (strcmp(events->events[i].column, column) == 0)
			return FIXED_COLUMNS + 2 * counted;
		counted++;
	}
	return -1;
}

double faults_per_written_page(const struct run_results *results, const struct cell *key, enum writer writer)
{
	struct cell cell = *key;
	cell.writer = writer;
	const struct cell_summary *s = results_find(results, &cell);
	if (!s || s->status != CELL_OK || !cell_pages_written(&cell))
		return NAN;
	double faults = s->medians[writer == WRITER_CHILD ? COLUMN_CHILD_MINFLT : COLUMN_PARENT_MINFLT];
	return faults / (double)cell_pages_written(&cell);
}

struct cell written_key(const struct run_results *results, const struct axes *axes)
{
	struct cell key = axes_base_cell(axes);
	size_t ratios = axes->counts[DIMENSION_RATIO];
	key.write_ratio = ratios ? axes->values[DIMENSION_RATIO][ratios - 1] : 0; /* sorted: the largest */
	key.heap_bytes = 0;
	/* the largest heap a measured cell of the worker did write */
	for (size_t i = 0; i < results->count; i++) {
		const struct cell_summary *c = &results->cells[i];
		if (c->status == CELL_OK && c->cell.measurer == MEASURER_WORKER && cell_pages_written(&c->cell) &&
		    c->cell.heap_bytes > key.heap_bytes)
			key.heap_bytes = c->cell.heap_bytes;
	}
	return key;
}

double harness_over_hyperfine(const struct run_results *results, const struct axes *axes,
			      double *harness_us, double *hyperfine_us)
{
	struct cell harness = axes_base_cell(axes), hyperfine = { 0 };
	harness.primitive = (unsigned)primitive_index("posix_spawn");
	harness.action = ACTION_EXEC;
	harness.heap_bytes = 0;
	hyperfine = (struct cell){ .creators = 1, .measurer = MEASURER_HYPERFINE, .action = ACTION_EXEC, .placement = PLACEMENT_ANY,
				   .command_line = "helper" };
	const struct cell_summary *a = results_find(results, &harness), *b = results_find(results, &hyperfine);
	*harness_us = a && a->status == CELL_OK ? a->phases[COLUMN_ROUNDTRIP_US].median : NAN;
	*hyperfine_us = b && b->status == CELL_OK ? b->phases[COLUMN_ROUNDTRIP_US].median : NAN;
	return *harness_us / *hyperfine_us;
}
