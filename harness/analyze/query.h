/* Questions asked of a bundle's cells: which cell, what figure, by the axes the cells carry. */
#ifndef SPAWNBENCH_QUERY_H
#define SPAWNBENCH_QUERY_H

#include "results.h"

/* The harness's posix_spawn+exec of the helper at heap 0 over hyperfine's median for it; NaN if either is missing. */
double harness_over_hyperfine(const struct run_results *results, const struct axes *axes,
			      double *harness_us, double *hyperfine_us);

/* Index into cell_summary.medians of the counted event whose column is column, or -1. */
int event_median_index(const struct event_set *events, const char *column);

/* The largest written heap and ratio of the suite, other dimensions at their first value. */
struct cell written_key(const struct run_results *results, const struct axes *axes);

/* The writer's minor faults per written page in the cell like key written by writer, or NaN. */
double faults_per_written_page(const struct run_results *results, const struct cell *key, enum writer writer);

#endif
