#include "table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "primitive.h"

/* The cell the table shows for this primitive, action and heap, or NULL. */
static const struct cell_summary *table_cell(const struct run_results *results, const struct axes *axes,
					     unsigned primitive, enum action action, uint64_t heap)
{
	struct cell key = axes_base_cell(axes);
	key.primitive = primitive;
	key.action = action;
	key.heap_bytes = heap;
	return results_find(results, &key);
}

static void print_header(FILE *out, const struct axes *axes)
{
	char heap[32];
	fprintf(out, "\n# roundtrip median (create, run, reap) at");
	/* the rows are primitive and action, the columns heaps; every other dimension at its first value */
	for (size_t d = DIMENSION_HEAP + 1; d < DIMENSION_COUNT; d++) {
		char value[64];
		dimension_label(d, axes->counts[d] ? axes->values[d][0] : 0, value, sizeof value);
		fprintf(out, "%s %s %s", d == DIMENSION_HEAP + 1 ? "" : ",", dimension_table[d].name, value);
	}
	fprintf(out, "\n");
	fprintf(out, "%-12s %-6s", "primitive", "action");
	for (size_t h = 0; h < axes->counts[DIMENSION_HEAP]; h++) {
		format_size((uint64_t)axes->values[DIMENSION_HEAP][h], heap, sizeof heap);
		fprintf(out, " %8s", heap);
	}
	fprintf(out, "  %s\n", "ms/GiB (95% CI)");
}

static void print_row(FILE *out, const struct run_results *results, const struct axes *axes,
		      const struct fit_row *fits, size_t fit_count, unsigned primitive, enum action action)
{
	const struct cell_summary *any = NULL;
	char text[32];
	fprintf(out, "%-12s %-6s", primitive_table[primitive]->name, action_names[action]);
	for (size_t h = 0; h < axes->counts[DIMENSION_HEAP]; h++) {
		const struct cell_summary *cell = table_cell(results, axes, primitive, action, (uint64_t)axes->values[DIMENSION_HEAP][h]);
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

static void print_counter_header(FILE *out, const struct axes *axes, const struct cell *key, bool flushes)
{
	char heap[32];
	format_size(key->heap_bytes, heap, sizeof heap);
	fprintf(out, "\n# per creation: %s; faults per written page at heap %s, ratio %g\n",
		flushes ? "TLB flushes (tlb:tlb_flush) at each heap" : "tlb:tlb_flush not counted", heap, key->write_ratio);
	fprintf(out, "%-12s %-6s", "primitive", "action");
	for (size_t h = 0; flushes && h < axes->counts[DIMENSION_HEAP]; h++) {
		format_size((uint64_t)axes->values[DIMENSION_HEAP][h], heap, sizeof heap);
		fprintf(out, " %8s", heap);
	}
	fprintf(out, " %12s %12s\n", "faults/page", "faults/page");
	fprintf(out, "%-19s%*s %12s %12s\n", "", flushes ? (int)(9 * axes->counts[DIMENSION_HEAP]) : 0, "", "(child)", "(parent)");
}

static void print_counter_row(FILE *out, const struct run_results *results, const struct axes *axes,
			      unsigned primitive, enum action action, int flush_index, struct cell key)
{
	fprintf(out, "%-12s %-6s", primitive_table[primitive]->name, action_names[action]);
	for (size_t h = 0; flush_index >= 0 && h < axes->counts[DIMENSION_HEAP]; h++) {
		const struct cell_summary *cell = table_cell(results, axes, primitive, action, (uint64_t)axes->values[DIMENSION_HEAP][h]);
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

void table_print_counters(FILE *out, const struct run_results *results, const struct axes *axes,
			  const struct event_set *events)
{
	int flush_index = event_median_index(events, "tlb_flush");
	struct cell key = written_key(results, axes);
	if (flush_index < 0 && (key.heap_bytes == 0 || key.write_ratio == 0))
		return; /* neither flushes counted nor pages written: nothing to show */
	print_counter_header(out, axes, &key, flush_index >= 0);
	for (size_t p = 0; p < axes->counts[DIMENSION_PRIMITIVE]; p++)
		for (size_t a = 0; a < axes->counts[DIMENSION_ACTION]; a++) {
			if ((enum action)axes->values[DIMENSION_ACTION][a] == ACTION_EXIT && !primitive_table[(unsigned)axes->values[DIMENSION_PRIMITIVE][p]]->child_can_exit)
				continue;
			print_counter_row(out, results, axes, (unsigned)axes->values[DIMENSION_PRIMITIVE][p], (enum action)axes->values[DIMENSION_ACTION][a], flush_index, key);
		}
}

void table_print_commands(FILE *out, const struct run_results *results)
{
	bool header = false;
	char median[32], low[32], high[32];
	for (size_t i = 0; i < results->count; i++) {
		const struct cell_summary *c = &results->cells[i];
		if (c->cell.measurer != MEASURER_HYPERFINE)
			continue; /* a worker's exec cell names a program too, but it is no whole command */
		if (!header)
			fprintf(out, "\n# whole commands (hyperfine -N): roundtrip median, 95%% CI\n%-28s %6s %9s %19s\n",
				"command", "runs", "median", "95% CI");
		header = true;
		if (c->status != CELL_OK) {
			fprintf(out, "%-28s %s\n", c->cell.command_line, c->reason);
			continue;
		}
		const struct summary *s = &c->phases[COLUMN_ROUNDTRIP_US];
		format_microseconds(s->median, median, sizeof median);
		format_microseconds(s->ci_low, low, sizeof low);
		format_microseconds(s->ci_high, high, sizeof high);
		fprintf(out, "%-28s %6zu %9s %9s-%-9s\n", c->cell.command_line, s->n, median, low, high);
	}
}

void table_print(FILE *out, const struct run_results *results, const struct axes *axes)
{
	struct fit_row *fits;
	size_t fit_count = results_fit(results, &fits);
	print_header(out, axes);
	for (size_t p = 0; p < axes->counts[DIMENSION_PRIMITIVE]; p++)
		for (size_t a = 0; a < axes->counts[DIMENSION_ACTION]; a++) {
			const struct cell_summary *first = table_cell(results, axes, (unsigned)axes->values[DIMENSION_PRIMITIVE][p],
								       (enum action)axes->values[DIMENSION_ACTION][a], (uint64_t)axes->values[DIMENSION_HEAP][0]);
			if (first && first->status == CELL_NOT_APPLICABLE &&
			    !primitive_table[(unsigned)axes->values[DIMENSION_PRIMITIVE][p]]->child_can_exit && (enum action)axes->values[DIMENSION_ACTION][a] == ACTION_EXIT)
				continue; /* posix_spawn has no exit action: no row */
			print_row(out, results, axes, fits, fit_count, (unsigned)axes->values[DIMENSION_PRIMITIVE][p], (enum action)axes->values[DIMENSION_ACTION][a]);
		}
	free(fits);
}
