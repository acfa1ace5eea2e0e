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

/* Index into cell_summary.medians of the event column called column, or -1. */
static int event_median_index(const struct event_set *events, const char *column)
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

/* The writer's faults per written page in the cell like key but written by writer, or NaN. */
static double faults_per_page(const struct run_results *results, const struct cell *key, enum writer writer)
{
	for (size_t i = 0; i < results->count; i++) {
		const struct cell_summary *s = &results->cells[i];
		struct cell c = s->cell;
		if (s->status != CELL_OK || c.primitive != key->primitive || c.action != key->action ||
		    c.heap_bytes != key->heap_bytes || c.write_ratio != key->write_ratio || c.writer != writer ||
		    c.pattern != key->pattern || c.backing != key->backing || c.fragments != key->fragments ||
		    c.placement != key->placement || !cell_pages_written(&c))
			continue;
		double faults = s->medians[writer == WRITER_CHILD ? COLUMN_CHILD_MINFLT : COLUMN_PARENT_MINFLT];
		return faults / (double)cell_pages_written(&c);
	}
	return NAN;
}

/* The largest written heap and ratio of the suite: where faults per page are read. */
static struct cell written_key(const struct suite_config *config)
{
	struct cell key = { .pattern = config->patterns[0], .backing = config->backings[0],
			    .fragments = config->layouts[0], .placement = config->placements[0] };
	for (size_t h = 0; h < config->heap_count; h++)
		if (config->heaps[h] > key.heap_bytes &&
		    (!config->write_heap_limit || config->heaps[h] <= config->write_heap_limit))
			key.heap_bytes = config->heaps[h];
	for (size_t r = 0; r < config->ratio_count; r++)
		key.write_ratio = fmax(key.write_ratio, config->ratios[r]);
	return key;
}

static void print_counter_header(FILE *out, const struct suite_config *config, const struct cell *key, bool flushes)
{
	char heap[32];
	format_size(key->heap_bytes, heap, sizeof heap);
	fprintf(out, "\n# per creation: %s; faults per written page at heap %s, ratio %g\n",
		flushes ? "TLB flushes (tlb:tlb_flush) at each heap" : "tlb:tlb_flush not counted", heap, key->write_ratio);
	fprintf(out, "%-12s %-6s", "primitive", "action");
	for (size_t h = 0; flushes && h < config->heap_count; h++) {
		format_size(config->heaps[h], heap, sizeof heap);
		fprintf(out, " %8s", heap);
	}
	fprintf(out, " %12s %12s\n", "faults/page", "faults/page");
	fprintf(out, "%-19s%*s %12s %12s\n", "", flushes ? (int)(9 * config->heap_count) : 0, "", "(child)", "(parent)");
}

static void print_counter_row(FILE *out, const struct run_results *results, const struct suite_config *config,
			      unsigned primitive, enum action action, int flush_index, struct cell key)
{
	fprintf(out, "%-12s %-6s", primitive_table[primitive]->name, action_names[action]);
	for (size_t h = 0; flush_index >= 0 && h < config->heap_count; h++) {
		const struct cell_summary *cell = table_cell(results, config, primitive, action, config->heaps[h]);
		if (cell && cell->status == CELL_OK)
			fprintf(out, " %8.0f", cell->medians[flush_index]);
		else
			fprintf(out, " %8s", "-");
	}
	key.primitive = primitive;
	key.action = action;
	for (enum writer writer = WRITER_CHILD; writer <= WRITER_PARENT; writer++) {
		double ratio = faults_per_page(results, &key, writer);
		if (isnan(ratio))
			fprintf(out, " %12s", "-");
		else
			fprintf(out, " %12.3f", ratio);
	}
	fprintf(out, "\n");
}

void table_print_counters(FILE *out, const struct run_results *results, const struct suite_config *config,
			  const struct event_set *events)
{
	int flush_index = event_median_index(events, "tlb_flush");
	struct cell key = written_key(config);
	print_counter_header(out, config, &key, flush_index >= 0);
	for (size_t p = 0; p < config->primitive_count; p++)
		for (size_t a = 0; a < config->action_count; a++) {
			if (config->actions[a] == ACTION_EXIT && !primitive_table[config->primitives[p]]->child_can_exit)
				continue;
			print_counter_row(out, results, config, config->primitives[p], config->actions[a], flush_index, key);
		}
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
