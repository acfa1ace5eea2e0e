#include "table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "primitive.h"
#include "table_writer.h"

/* The cell the table shows for this primitive, action and heap, or NULL. */
static const struct cell_summary *table_cell_at(const struct run_results *results, const struct axes *axes,
					     unsigned primitive, enum action action, uint64_t heap)
{
	struct cell key = axes_base_cell(axes);
	key.primitive = primitive;
	key.action = action;
	key.heap_bytes = heap;
	return results_find(results, &key);
}

/* A table whose rows are primitive and action, then one column per heap (heaps), then trailing columns. */
static void begin_heap_table(struct table_writer *table, FILE *out, const struct axes *axes, bool heaps,
			     const int *trailing, size_t trailing_count)
{
	int widths[TABLE_MAX_COLUMNS] = { -12, -6 };
	size_t columns = 2;
	for (size_t h = 0; heaps && h < axes->counts[DIMENSION_HEAP] && columns + trailing_count < TABLE_MAX_COLUMNS; h++)
		widths[columns++] = 8;
	for (size_t k = 0; k < trailing_count; k++)
		widths[columns++] = trailing[k];
	table_begin(table, out, TABLE_TERMINAL, widths, columns);
}

static void heap_cells(struct table_writer *table, const struct axes *axes)
{
	char heap[32];
	for (size_t h = 0; h < axes->counts[DIMENSION_HEAP] && table->column + 1 < table->columns; h++) {
		format_size((uint64_t)axes->values[DIMENSION_HEAP][h], heap, sizeof heap);
		table_cell(table, heap);
	}
}

static void print_header(struct table_writer *table, FILE *out, const struct axes *axes)
{
	static const int trailing[] = { 0 };
	fprintf(out, "\n# roundtrip median (create, run, reap) at");
	/* the rows are primitive and action, the columns heaps; every other dimension at its first value */
	for (size_t d = DIMENSION_HEAP + 1; d < DIMENSION_COUNT; d++) {
		char value[64];
		double first = axes->counts[d] ? axes->values[d][0] : 0;
		if (!dimension_named(d, first))
			continue;
		dimension_label(d, first, value, sizeof value);
		fprintf(out, "%s %s %s", d == DIMENSION_HEAP + 1 ? "" : ",", dimension_table[d].name, value);
	}
	fprintf(out, "\n");
	begin_heap_table(table, out, axes, true, trailing, 1);
	table_cell(table, "primitive");
	table_cell(table, "action");
	heap_cells(table, axes);
	table_cell(table, " ms/GiB (95% CI)");
	table_end_row(table);
}

static void print_row(struct table_writer *table, const struct run_results *results, const struct axes *axes,
		      const struct fit_row *fits, size_t fit_count, unsigned primitive, enum action action)
{
	const struct cell_summary *any = NULL;
	char text[32];
	table_cell(table, primitive_table[primitive]->name);
	table_cell(table, action_names[action]);
	for (size_t h = 0; h < axes->counts[DIMENSION_HEAP]; h++) {
		const struct cell_summary *cell = table_cell_at(results, axes, primitive, action, (uint64_t)axes->values[DIMENSION_HEAP][h]);
		if (cell && cell->status == CELL_OK)
			format_microseconds(cell->phases[COLUMN_ROUNDTRIP_US].median, text, sizeof text);
		else
			snprintf(text, sizeof text, cell && cell->status == CELL_NOT_APPLICABLE ? "n/a" : "-");
		if (cell && !any)
			any = cell;
		table_cell(table, text);
	}
	const struct fit_row *fit = any ? fit_find(fits, fit_count, FIT_HEAP, &any->cell, COLUMN_ROUNDTRIP_US) : NULL;
	if (fit && fit->fit.verdict == FIT_SLOPE)
		table_cellf(table, " %.3g [%.3g, %.3g]", fit->fit.slope / 1000, fit->fit.slope_low / 1000, fit->fit.slope_high / 1000);
	else
		table_cellf(table, " %s", fit && fit->fit.verdict == FIT_FLAT ? "flat" : "-");
	table_end_row(table);
}

static void print_counter_header(struct table_writer *table, FILE *out, const struct axes *axes, const struct cell *key,
				 bool flushes)
{
	static const int trailing[] = { 12, 12 };
	char heap[32];
	format_size(key->heap_bytes, heap, sizeof heap);
	fprintf(out, "\n# per creation: %s; faults per written page at heap %s, ratio %g\n",
		flushes ? "TLB flushes (tlb:tlb_flush) at each heap" : "tlb:tlb_flush not counted", heap, key->write_ratio);
	begin_heap_table(table, out, axes, flushes, trailing, 2);
	table_cell(table, "primitive");
	table_cell(table, "action");
	if (flushes)
		heap_cells(table, axes);
	table_cell(table, "faults/page");
	table_cell(table, "faults/page");
	table_end_row(table);
	while (table->column + 2 < table->columns)
		table_cell(table, "");
	table_cell(table, "(child)");
	table_cell(table, "(parent)");
	table_end_row(table);
}

static void print_counter_row(struct table_writer *table, const struct run_results *results, const struct axes *axes,
			      unsigned primitive, enum action action, int flush_index, struct cell key)
{
	table_cell(table, primitive_table[primitive]->name);
	table_cell(table, action_names[action]);
	for (size_t h = 0; flush_index >= 0 && h < axes->counts[DIMENSION_HEAP]; h++) {
		const struct cell_summary *cell = table_cell_at(results, axes, primitive, action, (uint64_t)axes->values[DIMENSION_HEAP][h]);
		if (cell && cell->status == CELL_OK)
			table_cellf(table, "%.0f", cell->medians[flush_index]);
		else
			table_cell(table, "-");
	}
	key.primitive = primitive;
	key.action = action;
	for (enum writer writer = WRITER_CHILD; writer <= WRITER_PARENT; writer++) {
		double ratio = faults_per_written_page(results, &key, writer);
		if (isnan(ratio))
			table_cell(table, "-");
		else
			table_cellf(table, "%.3f", ratio);
	}
	table_end_row(table);
}

void table_print_counters(FILE *out, const struct run_results *results, const struct axes *axes,
			  const struct event_set *events)
{
	int flush_index = event_median_index(events, "tlb_flush");
	struct cell key = written_key(results, axes);
	if (flush_index < 0 && (key.heap_bytes == 0 || key.write_ratio == 0))
		return; /* neither flushes counted nor pages written: nothing to show */
	struct table_writer table;
	print_counter_header(&table, out, axes, &key, flush_index >= 0);
	for (size_t p = 0; p < axes->counts[DIMENSION_PRIMITIVE]; p++)
		for (size_t a = 0; a < axes->counts[DIMENSION_ACTION]; a++) {
			if ((enum action)axes->values[DIMENSION_ACTION][a] == ACTION_EXIT && !primitive_table[(unsigned)axes->values[DIMENSION_PRIMITIVE][p]]->child_can_exit)
				continue;
			print_counter_row(&table, results, axes, (unsigned)axes->values[DIMENSION_PRIMITIVE][p], (enum action)axes->values[DIMENSION_ACTION][a], flush_index, key);
		}
}

void table_print_commands(FILE *out, const struct run_results *results)
{
	static const int widths[] = { -28, 6, 9, 0 };
	struct table_writer table;
	char median[32], low[32], high[32];
	table.out = NULL;
	for (size_t i = 0; i < results->count; i++) {
		const struct cell_summary *c = &results->cells[i];
		if (c->cell.measurer != MEASURER_HYPERFINE)
			continue; /* a worker's exec cell names a program too, but it is no whole command */
		if (!table.out) {
			fprintf(out, "\n# whole commands (hyperfine -N): roundtrip median, 95%% CI\n");
			table_begin(&table, out, TABLE_TERMINAL, widths, 4);
			table_cell(&table, "command");
			table_cell(&table, "runs");
			table_cell(&table, "median");
			table_cell(&table, "           95% CI");
			table_end_row(&table);
		}
		table_cell(&table, c->cell.command_line);
		if (c->status != CELL_OK) {
			table_cell(&table, c->reason);
			table_end_row(&table);
			continue;
		}
		const struct summary *s = &c->phases[COLUMN_ROUNDTRIP_US];
		format_microseconds(s->median, median, sizeof median);
		format_microseconds(s->ci_low, low, sizeof low);
		format_microseconds(s->ci_high, high, sizeof high);
		table_cellf(&table, "%zu", s->n);
		table_cell(&table, median);
		table_cellf(&table, "%9s-%-9s", low, high);
		table_end_row(&table);
	}
}

void table_print(FILE *out, const struct run_results *results, const struct axes *axes)
{
	struct fit_row *fits;
	size_t fit_count = results_fit(results, &fits);
	struct table_writer table;
	print_header(&table, out, axes);
	for (size_t p = 0; p < axes->counts[DIMENSION_PRIMITIVE]; p++)
		for (size_t a = 0; a < axes->counts[DIMENSION_ACTION]; a++) {
			const struct cell_summary *first = table_cell_at(results, axes, (unsigned)axes->values[DIMENSION_PRIMITIVE][p],
								       (enum action)axes->values[DIMENSION_ACTION][a], (uint64_t)axes->values[DIMENSION_HEAP][0]);
			if (first && first->status == CELL_NOT_APPLICABLE &&
			    !primitive_table[(unsigned)axes->values[DIMENSION_PRIMITIVE][p]]->child_can_exit && (enum action)axes->values[DIMENSION_ACTION][a] == ACTION_EXIT)
				continue; /* posix_spawn has no exit action: no row */
			print_row(&table, results, axes, fits, fit_count, (unsigned)axes->values[DIMENSION_PRIMITIVE][p], (enum action)axes->values[DIMENSION_ACTION][a]);
		}
	free(fits);
}
