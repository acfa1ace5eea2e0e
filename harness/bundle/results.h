/*
 * What a run keeps of each cell once its raw samples are written: the
 * summaries per phase and the medians of every other column. The fits, the
 * end-of-run table and the bundle's summary.csv all read this.
 */
#ifndef SPAWNBENCH_RESULTS_H
#define SPAWNBENCH_RESULTS_H

#include <stddef.h>

#include "schema.h"
#include "stats.h"

#define MAX_COLUMNS (FIXED_COLUMNS + 2 * MAX_RUN_EVENTS)

struct cell_summary {
	struct cell cell;
	enum cell_status status;
	char reason[320];
	struct summary phases[PHASE_COUNT];
	double medians[MAX_COLUMNS];    /* every sample column's median (faults, counters) */
	size_t columns;
	double counted_roundtrip_us;    /* roundtrip median of the counted iterations; NaN without events */
	double child_page_tables_kib;   /* a child forked from the heap: its VmPTE; NaN when not known */
	bool iterations_sized;          /* the time plan kept it at the minimum of iterations (meta.json) */
	/* every creator together: creations per second (median and interval, no _us), see results_throughput */
	struct summary creations_per_s;
	bool oversubscribed;            /* more creators than PUs: some shared one */
};

struct run_results {
	struct cell_summary *cells;
	size_t count, capacity;
};

/* Fills a summary's phases (clustered by round) and column medians from its samples. */
void summary_from_samples(struct cell_summary *summary, const struct sample_table *samples);

/*
 * Creations per second of every creator together, rounds as clusters. Each
 * creator's iterations in a round are cut into chunks of THROUGHPUT_CHUNK
 * (its k-th chunk runs alongside the others' k-th: a batch starts on all at
 * once); a chunk's rate is its iterations over the sum of their roundtrips,
 * and the value of chunk k is the sum of the creators' rates. A round too
 * short for one whole chunk is one chunk. With one creator it is one over
 * the mean roundtrip, the baseline of the scaling efficiency.
 */
#define THROUGHPUT_CHUNK 16
void results_throughput(const struct sample_table *samples, struct summary *out);

/*
 * A cell's creations per second over those of the same cell with one creator
 * times its creators: 1 scales perfectly; NaN without that cell.
 */
double results_scaling_efficiency(const struct run_results *results, const struct cell_summary *cell);

/* A new summary for cell at the end: no samples yet, every statistic NaN. */
struct cell_summary *results_append(struct run_results *results, const struct cell *cell);
void results_free(struct run_results *results);

/* The cell whose every dimension equals key's, or NULL. */
const struct cell_summary *results_find(const struct run_results *results, const struct cell *key);
/* The same, when it was measured (status ok); NULL otherwise. */
const struct cell_summary *results_find_ok(const struct run_results *results, const struct cell *key);

enum fit_model { FIT_HEAP, FIT_COW };

struct fit_row {
	enum fit_model model;
	struct cell key;                /* the group: heap unused for FIT_HEAP, ratio for FIT_COW */
	int phase;
	struct linear_fit fit;
};

/*
 * FIT_HEAP: per group of every dimension but the heap, each phase's median
 * against heap size (intercept in us, slope in us per GiB).
 * FIT_COW: per group of every dimension but the ratio, the cow median
 * against pages written (slope: us per copy-on-write fault).
 */
size_t results_fit(const struct run_results *results, struct fit_row **rows);

/* The fit of model for the group of key (heap or ratio ignored as the model says) and phase, or NULL. */
const struct fit_row *fit_find(const struct fit_row *rows, size_t count, enum fit_model model, const struct cell *key,
			       int phase);


#endif
