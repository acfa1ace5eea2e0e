#include "results.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct cell_summary *results_append(struct run_results *results, const struct cell *cell)
{
	if (results->count == results->capacity) {
		results->capacity = results->capacity ? results->capacity * 2 : 64;
		results->cells = xrealloc(results->cells, results->capacity * sizeof *results->cells);
	}
	struct cell_summary *summary = &results->cells[results->count++];
	memset(summary, 0, sizeof *summary);
	summary->cell = *cell;
	summary->counted_roundtrip_us = summary->child_page_tables_kib = NAN;
	for (size_t column = 0; column < MAX_COLUMNS; column++)
		summary->medians[column] = NAN;
	for (int phase = 0; phase < PHASE_COUNT; phase++)
		summarize(NULL, 0, &summary->phases[phase]);
	return summary;
}

void summary_from_samples(struct cell_summary *summary, const struct sample_table *samples)
{
	summary->columns = samples->columns;
	/* timings and rusage from the plain iterations, perf counts from the counted ones; rounds are clusters */
	double *rounds = sample_column_where(samples, COLUMN_ROUND, false);
	for (size_t column = 0; column < samples->columns; column++) {
		bool counted = column >= FIXED_COLUMNS;
		double *values = sample_column_where(samples, column, counted);
		if (column < PHASE_COUNT)
			summarize_rounds(values, rounds, samples->rows, &summary->phases[column]);
		summary->medians[column] = median_of(values, samples->rows);
		free(values);
	}
	free(rounds);
	double *counted_roundtrip = sample_column_where(samples, COLUMN_ROUNDTRIP_US, true);
	summary->counted_roundtrip_us = median_of(counted_roundtrip, samples->rows);
	free(counted_roundtrip);
}

void results_free(struct run_results *results)
{
	free(results->cells);
	memset(results, 0, sizeof *results);
}

const struct cell_summary *results_find(const struct run_results *results, const struct cell *key)
{
	for (size_t i = 0; i < results->count; i++)
		if (cell_equal(&results->cells[i].cell, key))
			return &results->cells[i];
	return NULL;
}

static bool same_group(const struct cell *a, const struct cell *b, enum fit_model model)
{
	return cell_same_except(a, b, model == FIT_HEAP ? DIMENSION_HEAP : DIMENSION_RATIO);
}

/* Fits one group (the cells like results->cells[first]) for one phase. */
static bool fit_group(const struct run_results *results, size_t first, enum fit_model model, int phase,
		      struct linear_fit *fit)
{
	const struct cell *key = &results->cells[first].cell;
	double *x = xmalloc(results->count * sizeof *x), *y = xmalloc(results->count * sizeof *y);
	size_t n = 0;
	for (size_t i = first; i < results->count; i++) {
		const struct cell_summary *c = &results->cells[i];
		double value = c->phases[phase].median;
		if (c->status != CELL_OK || !same_group(&c->cell, key, model) || isnan(value))
			continue;
		x[n] = model == FIT_HEAP ? (double)c->cell.heap_bytes / (1 << 30) : (double)cell_pages_written(&c->cell);
		y[n++] = value;
	}
	bool fitted = fit_line(x, y, n, fit);
	free(x);
	free(y);
	return fitted;
}

static bool group_seen_before(const struct run_results *results, size_t index, enum fit_model model)
{
	for (size_t i = 0; i < index; i++)
		if (same_group(&results->cells[i].cell, &results->cells[index].cell, model))
			return true;
	return false;
}

const struct fit_row *fit_find(const struct fit_row *rows, size_t count, enum fit_model model, const struct cell *key,
			       int phase)
{
	for (size_t i = 0; i < count; i++)
		if (rows[i].model == model && rows[i].phase == phase && same_group(&rows[i].key, key, model))
			return &rows[i];
	return NULL;
}

size_t results_fit(const struct run_results *results, struct fit_row **rows)
{
	size_t count = 0;
	*rows = xcalloc(results->count * (PHASE_COUNT + 1), sizeof **rows);
	for (size_t i = 0; i < results->count; i++) {
		for (enum fit_model model = FIT_HEAP; model <= FIT_COW; model++) {
			if (group_seen_before(results, i, model))
				continue;
			for (int phase = 0; phase < PHASE_COUNT; phase++) {
				if (model == FIT_COW && phase != COLUMN_COW_US)
					continue;
				struct fit_row *row = &(*rows)[count];
				if (fit_group(results, i, model, phase, &row->fit)) {
					row->model = model;
					row->key = results->cells[i].cell;
					row->phase = phase;
					count++;
				}
			}
		}
	}
	return count;
}
