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
	summarize(NULL, 0, &summary->creations_per_s);
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
	results_throughput(samples, &summary->creations_per_s);
}

#define MAX_THROUGHPUT_CREATORS 64

/* One round's chunks as they fill: each creator's current chunk, and the rates of the chunks so far. */
struct round_chunks {
	double round;
	size_t filled[MAX_THROUGHPUT_CREATORS];      /* iterations in the creator's current chunk */
	double seconds[MAX_THROUGHPUT_CREATORS];     /* their roundtrips */
	size_t chunk[MAX_THROUGHPUT_CREATORS];       /* the creator's current chunk's index */
	double *rates;                               /* per chunk index: the sum of the creators' rates */
	size_t rate_count, capacity;
	bool any_whole;
};

static void add_rate(struct round_chunks *r, size_t chunk, double rate)
{
	if (chunk >= r->capacity) {
		size_t capacity = r->capacity ? 2 * r->capacity : 64;
		while (capacity <= chunk)
			capacity *= 2;
		r->rates = xrealloc(r->rates, capacity * sizeof *r->rates);
		for (size_t i = r->capacity; i < capacity; i++)
			r->rates[i] = 0;
		r->capacity = capacity;
	}
	r->rates[chunk] += rate;
	if (chunk + 1 > r->rate_count)
		r->rate_count = chunk + 1;
}

static void take_iteration(struct round_chunks *r, size_t creator, double roundtrip_us)
{
	r->filled[creator]++;
	r->seconds[creator] += roundtrip_us / 1e6;
	if (r->filled[creator] < THROUGHPUT_CHUNK)
		return;
	add_rate(r, r->chunk[creator]++, THROUGHPUT_CHUNK / r->seconds[creator]);
	r->filled[creator] = 0;
	r->seconds[creator] = 0;
	r->any_whole = true;
}

/* The round's chunk values into values and rounds (from *n); a round without a whole chunk gives its parts as one. */
static void end_round(struct round_chunks *r, double *values, double *rounds, size_t *n)
{
	if (!r->any_whole)
		for (size_t c = 0; c < MAX_THROUGHPUT_CREATORS; c++)
			if (r->filled[c])
				add_rate(r, 0, (double)r->filled[c] / r->seconds[c]);
	for (size_t k = 0; k < r->rate_count; k++) {
		values[*n] = r->rates[k];
		rounds[(*n)++] = r->round;
	}
	free(r->rates);
	memset(r, 0, sizeof *r);
}

void results_throughput(const struct sample_table *samples, struct summary *out)
{
	/* at most one value per plain iteration */
	double *values = xmalloc((samples->rows + 1) * sizeof *values), *rounds = xmalloc((samples->rows + 1) * sizeof *rounds);
	struct round_chunks chunks;
	size_t n = 0;
	memset(&chunks, 0, sizeof chunks);
	for (size_t row = 0; row < samples->rows; row++) {
		const double *s = sample_row(samples, row);
		size_t creator = (size_t)s[COLUMN_CREATOR];
		if (s[COLUMN_COUNTED] != 0 || isnan(s[COLUMN_ROUNDTRIP_US]) || !(s[COLUMN_CREATOR] >= 0) ||
		    creator >= MAX_THROUGHPUT_CREATORS)
			continue;
		if (s[COLUMN_ROUND] != chunks.round) /* each round's rows are together */
			end_round(&chunks, values, rounds, &n);
		chunks.round = s[COLUMN_ROUND];
		take_iteration(&chunks, creator, s[COLUMN_ROUNDTRIP_US]);
	}
	end_round(&chunks, values, rounds, &n);
	summarize_rounds(values, rounds, n, out);
	free(values);
	free(rounds);
}

/* Whether a and b differ in nothing but their creators and scope. */
static bool same_but_creators(const struct cell *a, const struct cell *b)
{
	struct cell like = *b;
	like.creators = a->creators;
	like.creator_scope = a->creator_scope;
	return cell_equal(a, &like);
}

double results_scaling_efficiency(const struct run_results *results, const struct cell_summary *cell)
{
	for (size_t i = 0; i < results->count; i++) {
		const struct cell_summary *one = &results->cells[i];
		if (one->cell.creators == 1 && one->status == CELL_OK && same_but_creators(&cell->cell, &one->cell))
			return cell->creations_per_s.median / (cell->cell.creators * one->creations_per_s.median);
	}
	return NAN;
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

const struct cell_summary *results_find_ok(const struct run_results *results, const struct cell *key)
{
	const struct cell_summary *cell = results_find(results, key);
	return cell && cell->status == CELL_OK ? cell : NULL;
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
