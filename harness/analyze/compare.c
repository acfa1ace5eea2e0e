#define _GNU_SOURCE
#include "compare.h"

#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "util.h"

#define BOOTSTRAP_SEED 20261129

/* Draws count groups with replacement from groups [first, first + available), values within each; appends to scratch. */
static size_t draw_groups(const struct sample_groups *g, const size_t *offsets, size_t first, size_t available,
			  size_t count, double *scratch, size_t n, gsl_rng *rng)
{
	for (size_t k = 0; k < count; k++) {
		size_t group = first + gsl_rng_uniform_int(rng, available);
		for (size_t i = 0; i < g->sizes[group]; i++)
			scratch[n++] = g->values[offsets[group] + gsl_rng_uniform_int(rng, g->sizes[group])];
	}
	return n;
}

/* The median of one cluster resample: runs drawn with replacement, then their rounds, then values. */
static double resampled_median(const struct sample_groups *g, const size_t *offsets, double *scratch, gsl_rng *rng)
{
	size_t n = 0;
	if (g->runs < 2) {
		n = draw_groups(g, offsets, 0, g->groups, g->groups, scratch, 0, rng);
	} else {
		for (size_t k = 0; k < g->runs; k++) {
			size_t run = gsl_rng_uniform_int(rng, g->runs), first = 0;
			for (size_t r = 0; r < run; r++)
				first += g->run_groups[r];
			n = draw_groups(g, offsets, first, g->run_groups[run], g->run_groups[run], scratch, n, rng);
		}
	}
	return gsl_stats_median(scratch, 1, n); /* quickselect: rearranges scratch */
}

/* How many values one resample may draw: every run drawn as the largest, or every group as the largest. */
static size_t resample_capacity(const struct sample_groups *g, size_t largest_group)
{
	size_t largest_run = 0, first = 0;
	for (size_t r = 0; r < g->runs; r++) {
		size_t values = 0;
		for (size_t k = first; k < first + g->run_groups[r]; k++)
			values += g->sizes[k];
		first += g->run_groups[r];
		largest_run = values > largest_run ? values : largest_run;
	}
	size_t by_groups = g->groups * largest_group, by_runs = g->runs * largest_run;
	return by_groups > by_runs ? by_groups : by_runs;
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
	size_t capacity = resample_capacity(a, largest), b_capacity = resample_capacity(b, largest);
	capacity = capacity > b_capacity ? capacity : b_capacity;
	capacity = capacity > a->total ? capacity : a->total;
	capacity = capacity > b->total ? capacity : b->total;
	double *scratch = xmalloc((capacity ? capacity : 1) * sizeof *scratch);
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

/* How far new's probe is from old's: 6.3 for 6.3x slower, 0.5 for twice as fast; NaN if either lacks it. */
static double probe_ratio(const struct comparison *c, enum probe probe)
{
	return c->new_probes[probe] / c->old_probes[probe];
}

static bool moved(double ratio)
{
	return !isnan(ratio) && (ratio > PROBE_MOVED || ratio < 1 / PROBE_MOVED);
}

/*
 * The machine probes side by side. The user-space loop and the memory copy
 * do not depend on the kernel: if they moved, the machine did, and no kernel
 * verdict holds (confounded). The page-fault and system-call probes go
 * through the kernel: if they moved while the loop did not, the memory path
 * or the kernel entry changed, which a kernel change can do; that is said.
 */
static void compare_emulation(struct comparison *c)
{
	bool old_emulated = bundle_emulated(&c->old), new_emulated = bundle_emulated(&c->new);
	c->emulated = old_emulated || new_emulated;
}

static void compare_probes(struct comparison *c)
{
	for (int p = 0; p < PROBE_COUNT; p++) {
		c->old_probes[p] = probe_median(c->old.meta, "before", p);
		c->new_probes[p] = probe_median(c->new.meta, "before", p);
	}
	double loop = probe_ratio(c, PROBE_USER_LOOP), copy = probe_ratio(c, PROBE_MEMCPY);
	c->confounded = moved(loop) || moved(copy);
	if (moved(loop) || moved(copy))
		add_warning(c, xasprintf("the machine itself moved: the user-space loop probe is %.2gx and the memory copy %.2gx "
					 "in NEW; timings from these bundles do not compare, whatever the kernel", loop, copy));
	static const struct { enum probe probe; const char *what, *path; } kernel_paths[] = {
		{ PROBE_PAGE_FAULT, "page-fault", "the memory path" }, { PROBE_SYSCALL, "system-call", "the kernel entry" },
	};
	for (size_t i = 0; i < sizeof kernel_paths / sizeof kernel_paths[0]; i++) {
		double ratio = probe_ratio(c, kernel_paths[i].probe);
		if (moved(ratio) && !moved(loop))
			add_warning(c, xasprintf("the %s probe is %.2gx %s in NEW while the user-space loop is unchanged: %s of this "
						 "machine changed; if the kernel did not, comparisons of these bundles are confounded",
						 kernel_paths[i].what, ratio > 1 ? ratio : 1 / ratio, ratio > 1 ? "slower" : "faster",
						 kernel_paths[i].path));
	}
}

/* Warns where the machines or the suites differ in what changes the shape of the results. */
static void compare_environments(struct comparison *c)
{
	static const char *const machine_keys[] = { "cpu_model", "thp_enabled", "thp_defrag", "clock_source",
						    "virtualisation", "kernel_command_line", "mitigations", "aslr",
						    "cpufreq_governor", "cpu_boost", "intel_no_turbo", "nohz_full",
						    "isolated_cpus", "kernel_config_fnv1a64", "glibc" };
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
		add_warning(c, xasprintf("the suites' configurations differ (%s -> %s): sampling or sweep", c->old.suite,
					 c->new.suite));
	for (int which = 0; which < 2; which++) {
		const struct loaded_bundle *b = which ? &c->new : &c->old;
		if (b->rounds < 2)
			add_warning(c, xasprintf("%s was measured in one round: drift between moments is not in its CIs, "
						 "so expect false alarms (rounds = 5 gives none here)", b->path));
	}
	if (strcmp(c->old.status, "complete") != 0)
		add_warning(c, xasprintf("the old bundle is marked %s: its missing cells are listed below", c->old.status));
	if (strcmp(c->new.status, "complete") != 0)
		add_warning(c, xasprintf("the new bundle is marked %s: its missing cells are listed below", c->new.status));
}

/* One side's values of a cell and phase: every run's, grouped by round, and the rounds by run. */
struct side_values {
	double *values;
	size_t sizes[MAX_RUNS_PER_SIDE * MAX_ROUNDS];
	size_t run_groups[MAX_RUNS_PER_SIDE];
	struct sample_groups groups;
};

/* Gathers the cell's phase from every run of a side (rounds that gave none left out); the runs that had it. */
static size_t gather_side(const struct bundle_samples *runs, size_t run_count, const struct cell *cell, int phase,
			  struct side_values *side)
{
	size_t total = 0, present = 0;
	for (size_t r = 0; r < run_count; r++) {
		const struct cell_samples *s = samples_find(&runs[r], cell);
		total += s ? s->count[phase] : 0;
	}
	memset(side, 0, sizeof *side);
	side->values = xmalloc((total ? total : 1) * sizeof *side->values);
	struct sample_groups *g = &side->groups;
	g->values = side->values;
	g->sizes = side->sizes;
	g->run_groups = side->run_groups;
	for (size_t r = 0; r < run_count; r++) {
		const struct cell_samples *s = samples_find(&runs[r], cell);
		if (!s || !s->count[phase])
			continue;
		memcpy(side->values + g->total, s->phase[phase], s->count[phase] * sizeof *side->values);
		g->total += s->count[phase];
		for (size_t round = 0; round < s->rounds[phase]; round++)
			if (s->round_size[phase][round]) {
				side->sizes[g->groups++] = s->round_size[phase][round];
				side->run_groups[present]++;
			}
		present++;
	}
	g->runs = present;
	return present;
}

static void compare_phase(struct comparison *c, const struct cell *cell, int phase)
{
	struct side_values old_side, new_side;
	gather_side(c->old_runs, c->old_run_count, cell, phase, &old_side);
	gather_side(c->new_runs, c->new_run_count, cell, phase, &new_side);
	size_t old_n = old_side.groups.total, new_n = new_side.groups.total;
	if (old_n < 6 || new_n < 6) {
		if (old_n || new_n) { /* a phase that applies, with too few values for a CI */
			char where[128];
			snprintf(where, sizeof where, "%s: too few samples for a CI (%zu old, %zu new; 6 needed)",
				 phase_names[phase], old_n, new_n);
			add_unmatched(c, cell, where);
		}
	} else {
		c->rows = xrealloc(c->rows, (c->count + 1) * sizeof *c->rows);
		struct comparison_row *row = &c->rows[c->count++];
		memset(row, 0, sizeof *row);
		row->cell = *cell;
		row->phase = phase;
		row->old_n = old_n;
		row->new_n = new_n;
		bootstrap_ratio(&old_side.groups, &new_side.groups, COMPARE_RESAMPLES, &row->ci);
		row->old_median = median_of(old_side.values, old_n);
		row->new_median = median_of(new_side.values, new_n);
		/* emulated timings say nothing of the kernel: the counts compare, the times do not */
		row->verdict = c->emulated ? VERDICT_INCONCLUSIVE : judge(&row->ci, c->threshold);
	}
	free(old_side.values);
	free(new_side.values);
}

/* Whether some run of a side has samples of the cell. */
static bool side_has(const struct bundle_samples *runs, size_t run_count, const struct cell *cell)
{
	for (size_t r = 0; r < run_count; r++)
		if (samples_find(&runs[r], cell))
			return true;
	return false;
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
		bool in_old = side_has(c->old_runs, c->old_run_count, &old_cell->cell);
		bool in_new = side_has(c->new_runs, c->new_run_count, &old_cell->cell);
		if (!in_old || !in_new)
			add_unmatched(c, &old_cell->cell, !in_old ? "no samples in the old side's samples.csv"
								  : "no samples in the new side's samples.csv");
		for (int phase = 0; in_old && in_new && phase < PHASE_COUNT; phase++)
			compare_phase(c, &old_cell->cell, phase);
	}
	for (size_t i = 0; i < c->new.results.count; i++)
		if (c->new.results.cells[i].status != CELL_NOT_APPLICABLE &&
		    !results_find(&c->old.results, &c->new.results.cells[i].cell))
			add_unmatched(c, &c->new.results.cells[i].cell, "in the new bundle only");
}

/*
 * One side's runs: every bundle validated (the first kept whole, for its cells
 * and machine) and its samples loaded; a run marked other than complete is
 * said. -1 with why naming the file at fault.
 */
static int load_side(struct comparison *c, char *const *paths, size_t count, const char *side, struct loaded_bundle *first,
		     struct bundle_samples **runs, size_t *run_count, char *why, size_t why_size)
{
	*runs = xcalloc(count, sizeof **runs);
	for (size_t r = 0; r < count; r++) {
		struct loaded_bundle extra, *bundle = r == 0 ? first : &extra;
		if (bundle_load(paths[r], bundle, why, why_size) != 0)
			return -1;
		if (r > 0 && strcmp(extra.status, "complete") != 0)
			add_warning(c, xasprintf("%s run %zu (%s) is marked %s", side, r + 1, paths[r], extra.status));
		if (r > 0)
			bundle_unload(&extra);
		if (samples_load(paths[r], &(*runs)[r], why, why_size) != 0)
			return -1;
		(*run_count)++;
	}
	return 0;
}

int compare_bundles(char *const *old_paths, size_t old_count, char *const *new_paths, size_t new_count, double threshold,
		    struct comparison *c, char *why, size_t why_size)
{
	memset(c, 0, sizeof *c);
	c->threshold = threshold;
	if (old_count > MAX_RUNS_PER_SIDE || new_count > MAX_RUNS_PER_SIDE) {
		snprintf(why, why_size, "--compare: at most %d bundles per side", MAX_RUNS_PER_SIDE);
		return -1;
	}
	if (load_side(c, old_paths, old_count, "old", &c->old, &c->old_runs, &c->old_run_count, why, why_size) != 0 ||
	    load_side(c, new_paths, new_count, "new", &c->new, &c->new_runs, &c->new_run_count, why, why_size) != 0) {
		comparison_free(c);
		return -1;
	}
	if (old_count == 1 || new_count == 1)
		add_warning(c, xasprintf("one run on the %s side: a shift of a whole run (a worker's memory, the host) cannot "
					 "be told from a change; compare two runs per side (OLD1,OLD2 NEW1,NEW2) to tell them "
					 "apart", old_count == 1 && new_count == 1 ? "old and the new" : old_count == 1 ? "old" : "new"));
	compare_emulation(c);
	compare_environments(c);
	compare_probes(c);
	compare_cells(c);
	return 0;
}

void comparison_free(struct comparison *c)
{
	bundle_unload(&c->old);
	bundle_unload(&c->new);
	for (size_t r = 0; r < c->old_run_count; r++)
		samples_free(&c->old_runs[r]);
	for (size_t r = 0; r < c->new_run_count; r++)
		samples_free(&c->new_runs[r]);
	free(c->old_runs);
	free(c->new_runs);
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
