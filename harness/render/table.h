/* The compact table printed at the end of a run. */
#ifndef SPAWNBENCH_TABLE_H
#define SPAWNBENCH_TABLE_H

#include <stdio.h>

#include "format.h"
#include "query.h"
#include "results.h"

/*
 * Per primitive and action: the roundtrip median at each heap size (cells
 * that write nothing, first backing, layout and placement) and the fitted
 * ms per GiB.
 */
void table_print(FILE *out, const struct run_results *results, const struct axes *axes);

/*
 * Per primitive and action: TLB flushes per creation at each heap size (when
 * tlb:tlb_flush is counted), and the writer's faults per written page at the
 * largest ratio and heap that were written.
 */
void table_print_counters(FILE *out, const struct run_results *results, const struct axes *axes,
			  const struct event_set *events);

/* Whole commands timed by hyperfine: median and 95% CI each; nothing when there are none. */
void table_print_commands(FILE *out, const struct run_results *results);

#endif
