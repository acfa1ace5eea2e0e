/* What a comparison prints and writes: a table, compare.csv, compare.md and a chart. */
#ifndef SPAWNBENCH_COMPARE_OUTPUT_H
#define SPAWNBENCH_COMPARE_OUTPUT_H

#include <stdio.h>

#include "compare.h"

/* The terminal table: header, warnings, regressions first, then improvements. */
void comparison_print(FILE *out, const struct comparison *comparison, bool markdown);

/* compare.csv, compare.md and plots/compare_ratios.{png,svg} under dir; -1 if they cannot be written. */
int comparison_write(const struct comparison *comparison, const char *dir);

#endif
