#include "table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "primitive.h"

void format_microseconds(double us, char *buf, size_t size)
{
	if (isnan(us))
		snprintf(buf, size, "-");
	else if (us < 1000)
		snprintf(buf, size, "%.0fus", us);
	else if (us < 1e6)
		snprintf(buf, size, "%.1fms", us / 1000);
	else
		snprintf(buf, size, "%.2fs", us / 1e6);
}

/* The cell the table shows for this primitive, action and heap, or NULL. */
static const struct cell_summary *table_cell(const struct run_results *results, const struct suite_config *config,
					     unsigned primitive, enum action action, uint64_t heap)
{
	for (size_t i = 0; i < results->count; i++) {
		const struct cell *c = &results->cells[i].cell;
		if (c->primitive == primitive && c->action == action && c->heap_bytes == heap &&
		    c->write_ratio == config->ratios[0] && c->writer == config->writers[0] &&
		    c->pattern == config->patterns[0] && c->backing == config->backings[0] &&
		    c->fragments == config->layouts[0] && c->placement == config->placements[0])
			return &results->cells[i];
	}
	return NULL;
}

static const struct fit_row *roundtrip_fit(const struct fit_row *rows, size_t count, const struct cell *key)
{
	for (size_t i = 0; i < count; i++) {
		const struct cell *k = &rows[i].key;
		if (rows[i].model == FIT_HEAP && rows[i].phase == COLUMN_ROUNDTRIP_US && k->primitive == key->primitive &&
		    k->action == key->action && k->write_ratio == key->write_ratio && k->writer == key->writer &&
		    k->pattern == key->pattern && k->backing == key->backing && k->fragments == key->fragments &&
		    k->placement == key->placement)
			return &rows[i];
	}
	return NULL;
}

static void print_header(FILE *out, const struct suite_config *config)
{
	char layout[32], heap[32];
	layout_format(config->layouts[0], layout, sizeof layout);
	fprintf(out, "\n# roundtrip median (create, run, reap) at ratio %g, writer %s; %s, %s, %s\n", config->ratios[0],
		writer_names[config->writers[0]], backing_names[config->backings[0]], layout,
		placement_names[config->placements[0]]);
	fprintf(out, "%-12s %-6s", "primitive", "action");
	for (size_t h = 0; h < config->heap_count; h++) {
		format_size(config->heaps[h], heap, sizeof heap);
		fprintf(out, " %8s", heap);
	}
	fprintf(out, " %9s %6s\n", "ms/GiB", "R2");
}

static void print_row(FILE *out, const struct run_results *results, const struct suite_config *config,
		      const struct fit_row *fits, size_t fit_count, unsigned primitive, enum action action)
{
	const struct cell_summary *any = NULL;
	char text[32];
	fprintf(out, "%-12s %-6s", primitive_table[primitive]->name, action_names[action]);
	for (size_t h = 0; h < config->heap_count; h++) {
		const struct cell_summary *cell = table_cell(results, config, primitive, action, config->heaps[h]);
		if (cell && cell->status == CELL_OK)
			format_microseconds(cell->phases[COLUMN_ROUNDTRIP_US].median, text, sizeof text);
		else
			snprintf(text, sizeof text, cell && cell->status == CELL_NOT_APPLICABLE ? "n/a" : "-");
		if (cell && !any)
			any = cell;
		fprintf(out, " %8s", text);
	}
	const struct fit_row *fit = any ? roundtrip_fit(fits, fit_count, &any->cell) : NULL;
	if (fit)
		fprintf(out, " %9.2f %6.3f\n", fit->fit.slope / 1000, fit->fit.r2);
	else
		fprintf(out, " %9s %6s\n", "-", "-");
}

void table_print(FILE *out, const struct run_results *results, const struct suite_config *config)
{
	struct fit_row *fits;
	size_t fit_count = results_fit(results, &fits);
	print_header(out, config);
	for (size_t p = 0; p < config->primitive_count; p++)
		for (size_t a = 0; a < config->action_count; a++) {
			const struct cell_summary *first = table_cell(results, config, config->primitives[p],
								       config->actions[a], config->heaps[0]);
			if (first && first->status == CELL_NOT_APPLICABLE &&
			    !primitive_table[config->primitives[p]]->child_can_exit && config->actions[a] == ACTION_EXIT)
				continue; /* posix_spawn has no exit action: no row */
			print_row(out, results, config, fits, fit_count, config->primitives[p], config->actions[a]);
		}
	free(fits);
}
