/*
 * Comparing two bundles: cells matched by every dimension; per cell and
 * phase, the old and new medians and a bootstrap 95% CI of their ratio from
 * the raw samples. A regression is a CI wholly above 1 + threshold, an
 * improvement one wholly below 1 - threshold: beyond the practical threshold
 * and beyond the noise, both. What is not judged is listed: cells in one
 * bundle only, phases with too few samples, CIs that straddle a threshold.
 */
#ifndef SPAWNBENCH_COMPARE_H
#define SPAWNBENCH_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "bundle_load.h"
#include "schema.h"
#include "samples_load.h"

#define COMPARE_RESAMPLES 1000
#define MAX_RUNS_PER_SIDE 16
#define MAX_NOTES 64

/*
 * unchanged: the CI lies within 1 +- threshold; regression and improvement:
 * wholly beyond it; inconclusive: the CI straddles a threshold, so the data
 * cannot tell (more rounds or runs would).
 */
enum verdict { VERDICT_UNCHANGED, VERDICT_REGRESSION, VERDICT_IMPROVEMENT, VERDICT_INCONCLUSIVE };

struct ratio_ci {
	double ratio, low, high;    /* median(new) / median(old), and its 95% CI */
};

struct comparison_row {
	struct cell cell;
	int phase;
	size_t old_n, new_n;
	double old_median, new_median;
	struct ratio_ci ci;
	enum verdict verdict;
};

struct comparison {
	struct loaded_bundle old, new;         /* the first bundle of each side: its cells and its machine */
	struct bundle_samples *old_runs, *new_runs;  /* every bundle's samples, a run each */
	size_t old_run_count, new_run_count;
	struct comparison_row *rows;
	size_t count;
	double threshold;           /* 0.05 = 5% */
	char *warnings[MAX_NOTES];  /* environment differences, interrupted bundles */
	size_t warning_count;
	char *unmatched[MAX_NOTES * 4];  /* cells in one bundle only, or not ok in one */
	size_t unmatched_count, unmatched_total;
	double old_probes[PROBE_COUNT], new_probes[PROBE_COUNT];  /* medians before the suites; NaN where absent */
	bool confounded;            /* the CPU or the memory bandwidth itself moved: no kernel verdict */
	bool emulated;              /* a side measured in an emulated guest (qemu TCG): no timing verdict at all */
};

/* A probe that moved this much (either way) is a machine that moved. */
#define PROBE_MOVED 1.25

/*
 * Samples in groups (the rounds of a cell): values[0..total), the first
 * sizes[0] from group 0, and so on. With runs > 1, the groups belong to runs
 * (bundles of separate runs of a suite), run_groups[r] of them to run r, in order.
 */
struct sample_groups {
	const double *values;
	const size_t *sizes;
	size_t groups, total;
	const size_t *run_groups;
	size_t runs;
};

/*
 * A bootstrap CI of median(b) / median(a), resamples times, with a fixed seed.
 * A cluster bootstrap: each resample draws runs with replacement (when a side
 * has several), then rounds within each drawn run, then values within each
 * drawn round, so drift between rounds and shifts of whole runs are inside the CI.
 */
void bootstrap_ratio(const struct sample_groups *a, const struct sample_groups *b, size_t resamples,
		     struct ratio_ci *ci);

enum verdict judge(const struct ratio_ci *ci, double threshold);

/* Loads and compares several bundles (runs) per side; -1 with one line naming the file at fault. */
int compare_bundles(char *const *old_paths, size_t old_count, char *const *new_paths, size_t new_count, double threshold,
		    struct comparison *comparison, char *why, size_t why_size);
void comparison_free(struct comparison *comparison);

size_t comparison_count(const struct comparison *comparison, enum verdict verdict);

#endif
