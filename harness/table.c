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

void format_ratio(double ratio, char *buf, size_t size)
{
	if (isnan(ratio))
		snprintf(buf, size, "-");
	else if (fabs(ratio) < 9.95)
		snprintf(buf, size, "%.1fx", ratio);
	else if (fabs(ratio) < 100)
		snprintf(buf, size, "%.0fx", ratio);
	else
		snprintf(buf, size, "%.0fx", round(ratio / pow(10, floor(log10(fabs(ratio))) - 1)) *
					       pow(10, floor(log10(fabs(ratio))) - 1));
}

void format_slope(const struct linear_fit *fit, double scale, const char *unit, char *buf, size_t size)
{
	if (fit->verdict == FIT_SLOPE)
		snprintf(buf, size, "%.3g %s (95%% CI %.3g to %.3g)", fit->slope * scale, unit, fit->slope_low * scale,
			 fit->slope_high * scale);
	else if (fit->verdict == FIT_FLAT)
		snprintf(buf, size, "flat (no significant slope: 95%% CI %.3g to %.3g %s)", fit->slope_low * scale,
			 fit->slope_high * scale, unit);
	else
		snprintf(buf, size, "not enough points");
}

/* The cell the table shows for this primitive, action and heap, or NULL. */
static const struct cell_summary *table_cell(const struct run_results *results, const struct suite_config *config,
					     unsigned primitive, enum action action, uint64_t heap)
{
	struct cell key = suite_base_key(config);
	key.primitive = primitive;
	key.action = action;
	key.heap_bytes = heap;
	return results_find(results, &key);
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
	fprintf(out, "  %s\n", "ms/GiB (95% CI)");
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
	const struct fit_row *fit = any ? fit_find(fits, fit_count, FIT_HEAP, &any->cell, COLUMN_ROUNDTRIP_US) : NULL;
	if (fit && fit->fit.verdict == FIT_SLOPE)
		fprintf(out, "  %.3g [%.3g, %.3g]\n", fit->fit.slope / 1000, fit->fit.slope_low / 1000, fit->fit.slope_high / 1000);
	else
		fprintf(out, "  %s\n", fit && fit->fit.verdict == FIT_FLAT ? "flat" : "-");
}

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

struct cell written_key(const struct run_results *results, const struct suite_config *config)
{
	struct cell key = suite_base_key(config);
	key.heap_bytes = largest_written_heap(config);
	for (size_t r = 0; r < config->ratio_count; r++)
		key.write_ratio = fmax(key.write_ratio, config->ratios[r]);
	/* the largest heap a measured cell of the harness did write, when the suite's limit names none */
	uint64_t written = 0;
	for (size_t i = 0; i < results->count; i++) {
		const struct cell_summary *c = &results->cells[i];
		if (c->status == CELL_OK && !c->cell.command && cell_pages_written(&c->cell) && c->cell.heap_bytes > written)
			written = c->cell.heap_bytes;
	}
	if (written && !results_find(results, &key))
		key.heap_bytes = written;
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
		double ratio = faults_per_written_page(results, &key, writer);
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
	struct cell key = written_key(results, config);
	if (flush_index < 0 && (key.heap_bytes == 0 || key.write_ratio == 0))
		return; /* neither flushes counted nor pages written: nothing to show */
	print_counter_header(out, config, &key, flush_index >= 0);
	for (size_t p = 0; p < config->primitive_count; p++)
		for (size_t a = 0; a < config->action_count; a++) {
			if (config->actions[a] == ACTION_EXIT && !primitive_table[config->primitives[p]]->child_can_exit)
				continue;
			print_counter_row(out, results, config, config->primitives[p], config->actions[a], flush_index, key);
		}
}

void table_print_commands(FILE *out, const struct run_results *results)
{
	bool header = false;
	char median[32], low[32], high[32];
	for (size_t i = 0; i < results->count; i++) {
		const struct cell_summary *c = &results->cells[i];
		if (!c->cell.command)
			continue;
		if (!header)
			fprintf(out, "\n# whole commands (hyperfine -N): roundtrip median, 95%% CI\n%-28s %6s %9s %19s\n",
				"command", "runs", "median", "95% CI");
		header = true;
		if (c->status != CELL_OK) {
			fprintf(out, "%-28s %s\n", c->cell.command, c->reason);
			continue;
		}
		const struct summary *s = &c->phases[COLUMN_ROUNDTRIP_US];
		format_microseconds(s->median, median, sizeof median);
		format_microseconds(s->ci_low, low, sizeof low);
		format_microseconds(s->ci_high, high, sizeof high);
		fprintf(out, "%-28s %6zu %9s %9s-%-9s\n", c->cell.command, s->n, median, low, high);
	}
}

double harness_over_hyperfine(const struct run_results *results, const struct suite_config *config,
			      double *harness_us, double *hyperfine_us)
{
	struct cell harness = suite_base_key(config), hyperfine = { 0 };
	harness.primitive = (unsigned)primitive_index("posix_spawn");
	harness.action = ACTION_EXEC;
	harness.heap_bytes = 0;
	hyperfine = (struct cell){ .primitive = (unsigned)primitive_index("hyperfine"), .action = ACTION_EXEC,
				   .placement = PLACEMENT_ANY, .command = "helper" };
	const struct cell_summary *a = results_find(results, &harness), *b = results_find(results, &hyperfine);
	*harness_us = a && a->status == CELL_OK ? a->phases[COLUMN_ROUNDTRIP_US].median : NAN;
	*hyperfine_us = b && b->status == CELL_OK ? b->phases[COLUMN_ROUNDTRIP_US].median : NAN;
	return *harness_us / *hyperfine_us;
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
