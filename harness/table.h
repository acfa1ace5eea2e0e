/* The compact table printed at the end of a run. */
#ifndef SPAWNBENCH_TABLE_H
#define SPAWNBENCH_TABLE_H

#include <stdio.h>

#include "config.h"
#include "events.h"
#include "results.h"

/*
 * Per primitive and action: the roundtrip median at each heap size (cells
 * that write nothing, first backing, layout and placement) and the fitted
 * ms per GiB.
 */
void table_print(FILE *out, const struct run_results *results, const struct suite_config *config);

/*
 * Per primitive and action: TLB flushes per creation at each heap size (when
 * tlb:tlb_flush is counted), and the writer's faults per written page at the
 * largest ratio and heap that were written.
 */
void table_print_counters(FILE *out, const struct run_results *results, const struct suite_config *config,
			  const struct event_set *events);

/* Whole commands timed by hyperfine: median and 95% CI each; nothing when there are none. */
void table_print_commands(FILE *out, const struct run_results *results);

/* The harness's posix_spawn+exec of the helper at heap 0 over hyperfine's median for it; NaN if either is missing. */
double harness_over_hyperfine(const struct run_results *results, const struct suite_config *config,
			      double *harness_us, double *hyperfine_us);

/* Index into cell_summary.medians of the counted event whose column is column, or -1. */
int event_median_index(const struct event_set *events, const char *column);

/* The largest written heap and ratio of the suite, other dimensions at their first value. */
struct cell written_key(const struct run_results *results, const struct suite_config *config);

/* The writer's minor faults per written page in the cell like key written by writer, or NaN. */
double faults_per_written_page(const struct run_results *results, const struct cell *key, enum writer writer);

/* "140us", "8.7ms", "1.23s" into buf. */
void format_microseconds(double us, char *buf, size_t size);
/* A ratio with two significant figures: "1.1x", "9.5x", "47x", "1200x"; "-" for NaN. */
void format_ratio(double ratio, char *buf, size_t size);
/* A fit's slope as a sentence part: "27.1 (95% CI 26.9 to 27.3) ms per GiB", "flat (no significant slope)", "not enough points". */
void format_slope(const struct linear_fit *fit, double scale, const char *unit, char *buf, size_t size);

#endif
