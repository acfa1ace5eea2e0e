#define _GNU_SOURCE
#include "compare.h"

#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "stats.h"
#include "util.h"

#define BOOTSTRAP_SEED 20261129

/* The median of one cluster resample: groups drawn with replacement, then values within each. */
static double resampled_median(const struct sample_groups *g, const size_t *offsets, double *scratch, gsl_rng *rng)
{
	size_t n = 0;
	for (size_t k = 0; k < g->groups; k++) {
		size_t group = gsl_rng_uniform_int(rng, g->groups);
		for (size_t i = 0; i < g->sizes[group]; i++)
			scratch[n++] = g->values[offsets[group] + gsl_rng_uniform_int(rng, g->sizes[group])];
	}
	return gsl_stats_median(scratch, 1, n); /* quickselect: rearranges scratch */
}

/* Where each group starts in values; the largest group's size in *largest. */
static size_t *group_offsets(const struct sample_groups *g, size_t *largest)
{
	size_t *offsets = xmalloc((g->groups ? g->groups : 1) * sizeof *offsets), at = 0;
	for (size_t k = 0; k < g->groups; k++) {
		offsets[k] = at;
		at += g->sizes[k];
		*largest = g->sizes[k] > *largest ? g->sizes[k] : *largest;
	}
	return offsets;
}

static double plain_median(const struct sample_groups *g, double *scratch)
{
	memcpy(scratch, g->values, g->total * sizeof *scratch);
	return gsl_stats_median(scratch, 1, g->total);
}

void bootstrap_ratio(const struct sample_groups *a, const struct sample_groups *b, size_t resamples,
		     struct ratio_ci *ci)
{
	size_t largest = 0;
	size_t *a_offsets = group_offsets(a, &largest), *b_offsets = group_offsets(b, &largest);
	size_t groups = a->groups > b->groups ? a->groups : b->groups, total = a->total > b->total ? a->total : b->total;
	double *scratch = xmalloc((groups * largest > total ? groups * largest : total) * sizeof *scratch);
	double *ratios = xmalloc(resamples * sizeof *ratios);
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, BOOTSTRAP_SEED); /* the same bundles always give the same verdicts */
	ci->ratio = plain_median(b, scratch) / plain_median(a, scratch);
	for (size_t r = 0; r < resamples; r++) {
		double old_median = resampled_median(a, a_offsets, scratch, rng);
		ratios[r] = resampled_median(b, b_offsets, scratch, rng) / old_median;
	}
	free(a_offsets);
	free(b_offsets);
	gsl_sort(ratios, 1, resamples);
	ci->low = gsl_stats_quantile_from_sorted_data(ratios, 1, resamples, 0.025);
	ci->high = gsl_stats_quantile_from_sorted_data(ratios, 1, resamples, 0.975);
	gsl_rng_free(rng);
	free(ratios);
	free(scratch);
}

enum verdict judge(const struct ratio_ci *ci, double threshold)
{
	if (ci->low > 1 + threshold)
		return VERDICT_REGRESSION;
	if (ci->high < 1 - threshold)
		return VERDICT_IMPROVEMENT;
	if (ci->low >= 1 - threshold && ci->high <= 1 + threshold)
		return VERDICT_UNCHANGED;
	return VERDICT_INCONCLUSIVE;
}

static void add_warning(struct comparison *c, char *text)
{
	if (c->warning_count < MAX_NOTES)
		c->warnings[c->warning_count++] = text;
	else
		free(text);
}

static void add_unmatched(struct comparison *c, const struct cell *cell, const char *where)
{
	char description[256];
	c->unmatched_total++;
	if (c->unmatched_count == sizeof c->unmatched / sizeof c->unmatched[0])
		return;
	cell_describe(cell, description, sizeof description);
	c->unmatched[c->unmatched_count++] = xasprintf("%s: %s", description, where);
}

/* Warns where the machines or the suites differ in what changes the shape of the results. */
static void compare_environments(struct comparison *c)
{
	static const char *const machine_keys[] = { "cpu_model", "thp_enabled", "thp_defrag", "clock_source",
						    "virtualisation", "kernel_command_line", "mitigations" };
	json_t *old_machine = json_object_get(c->old.meta, "machine"), *new_machine = json_object_get(c->new.meta, "machine");
	for (size_t i = 0; i < sizeof machine_keys / sizeof machine_keys[0]; i++) {
		json_t *a = json_object_get(old_machine, machine_keys[i]), *b = json_object_get(new_machine, machine_keys[i]);
		if (json_equal(a, b))
			continue;
		char *old_text = json_dumps(a, JSON_ENCODE_ANY | JSON_COMPACT), *new_text = json_dumps(b, JSON_ENCODE_ANY | JSON_COMPACT);
		add_warning(c, xasprintf("%s differs: %.160s -> %.160s", machine_keys[i], old_text ? old_text : "null",
					 new_text ? new_text : "null"));
		free(old_text);
		free(new_text);
	}
	const char *old_version = json_string_value(json_object_get(c->old.meta, "spawnbench_version"));
	const char *new_version = json_string_value(json_object_get(c->new.meta, "spawnbench_version"));
	if (old_version && new_version && strcmp(old_version, new_version) != 0)
		add_warning(c, xasprintf("spawnbench version differs: %s -> %s", old_version, new_version));
	if (!json_equal(json_object_get(c->old.meta, "config"), json_object_get(c->new.meta, "config")))
		add_warning(c, xasprintf("the suites' configurations differ (%s -> %s): sampling or sweep", c->old.config.name,
					 c->new.config.name));
	for (int which = 0; which < 2; which++) {
		const struct loaded_bundle *b = which ? &c->new : &c->old;
		if (b->config.rounds < 2)
			add_warning(c, xasprintf("%s was measured in one round: drift between moments is not in its CIs, "
						 "so expect false alarms (rounds = 5 gives none here)", b->path));
	}
	if (strcmp(c->old.status, "complete") != 0)
		add_warning(c, xasprintf("the old bundle is marked %s: its missing cells are listed below", c->old.status));
	if (strcmp(c->new.status, "complete") != 0)
		add_warning(c, xasprintf("the new bundle is marked %s: its missing cells are listed below", c->new.status));
}

/* A cell's values of one phase grouped by round, rounds that gave none left out. */
static struct sample_groups round_groups(const struct cell_samples *s, int phase, size_t *sizes)
{
	struct sample_groups groups = { .values = s->phase[phase], .sizes = sizes, .total = s->count[phase] };
	for (size_t round = 0; round < s->rounds[phase]; round++)
		if (s->round_size[phase][round])
			sizes[groups.groups++] = s->round_size[phase][round];
	return groups;
}

static void compare_phase(struct comparison *c, const struct cell_samples *a, const struct cell_samples *b, int phase)
{
	if (a->count[phase] < 6 || b->count[phase] < 6) {
		if (a->count[phase] || b->count[phase]) { /* a phase that applies, with too few values for a CI */
			char where[128];
			snprintf(where, sizeof where, "%s: too few samples for a CI (%zu old, %zu new; 6 needed)",
				 phase_names[phase], a->count[phase], b->count[phase]);
			add_unmatched(c, &a->cell, where);
		}
		return;
	}
	c->rows = xrealloc(c->rows, (c->count + 1) * sizeof *c->rows);
	struct comparison_row *row = &c->rows[c->count++];
	memset(row, 0, sizeof *row);
	row->cell = a->cell;
	row->phase = phase;
	row->old_n = a->count[phase];
	row->new_n = b->count[phase];
	size_t old_sizes[MAX_ROUNDS], new_sizes[MAX_ROUNDS];
	struct sample_groups old_groups = round_groups(a, phase, old_sizes);
	struct sample_groups new_groups = round_groups(b, phase, new_sizes);
	bootstrap_ratio(&old_groups, &new_groups, COMPARE_RESAMPLES, &row->ci);
	row->old_median = median_of(a->phase[phase], a->count[phase]);
	row->new_median = median_of(b->phase[phase], b->count[phase]);
	row->verdict = judge(&row->ci, c->threshold);
}

/* Matches the cells that were measured in both; lists the others. */
static void compare_cells(struct comparison *c)
{
	for (size_t i = 0; i < c->old.results.count; i++) {
		const struct cell_summary *old_cell = &c->old.results.cells[i];
		const struct cell_summary *new_cell = results_find(&c->new.results, &old_cell->cell);
		if (old_cell->status == CELL_NOT_APPLICABLE)
			continue;
		if (!new_cell) {
			add_unmatched(c, &old_cell->cell, "in the old bundle only");
			continue;
		}
		if (old_cell->status != CELL_OK || new_cell->status != CELL_OK) {
			add_unmatched(c, &old_cell->cell, old_cell->status != CELL_OK ? "not measured in the old bundle"
										      : "not measured in the new bundle");
			continue;
		}
		const struct cell_samples *a = samples_find(&c->old_samples, &old_cell->cell);
		const struct cell_samples *b = samples_find(&c->new_samples, &old_cell->cell);
		if (!a || !b)
			add_unmatched(c, &old_cell->cell, !a ? "no samples in the old bundle's samples.csv"
							     : "no samples in the new bundle's samples.csv");
		for (int phase = 0; a && b && phase < PHASE_COUNT; phase++)
			compare_phase(c, a, b, phase);
	}
	for (size_t i = 0; i < c->new.results.count; i++)
		if (c->new.results.cells[i].status != CELL_NOT_APPLICABLE &&
		    !results_find(&c->old.results, &c->new.results.cells[i].cell))
			add_unmatched(c, &c->new.results.cells[i].cell, "in the new bundle only");
}

int compare_bundles(const char *old_path, const char *new_path, double threshold, struct comparison *c, char *why,
		    size_t why_size)
{
	memset(c, 0, sizeof *c);
	c->threshold = threshold;
	if (bundle_load(old_path, &c->old, why, why_size) != 0)
		return -1;
	if (bundle_load(new_path, &c->new, why, why_size) != 0 ||
	    samples_load(old_path, &c->old_samples, why, why_size) != 0 ||
	    samples_load(new_path, &c->new_samples, why, why_size) != 0) {
		comparison_free(c);
		return -1;
	}
	compare_environments(c);
	compare_cells(c);
	return 0;
}

void comparison_free(struct comparison *c)
{
	bundle_unload(&c->old);
	bundle_unload(&c->new);
	samples_free(&c->old_samples);
	samples_free(&c->new_samples);
	free(c->rows);
	for (size_t i = 0; i < c->warning_count; i++)
		free(c->warnings[i]);
	for (size_t i = 0; i < c->unmatched_count; i++)
		free(c->unmatched[i]);
	memset(c, 0, sizeof *c);
}

size_t comparison_count(const struct comparison *c, enum verdict verdict)
{
	size_t count = 0;
	for (size_t i = 0; i < c->count; i++)
		count += c->rows[i].verdict == verdict;
	return count;
}
