/* Numbers as the tables, reports and comparisons print them. */
#ifndef SPAWNBENCH_FORMAT_H
#define SPAWNBENCH_FORMAT_H

#include <stddef.h>

#include "stats.h"

/* "140us", "8.7ms", "1.23s" into buf. */
void format_microseconds(double us, char *buf, size_t size);

/* A ratio with two significant figures: "1.1x", "9.5x", "47x", "1200x"; "-" for NaN. */
void format_ratio(double ratio, char *buf, size_t size);

/* A fit's slope as a sentence part: "27.1 (95% CI 26.9 to 27.3) ms per GiB", "flat (no significant slope)", "not enough points". */
void format_slope(const struct linear_fit *fit, double scale, const char *unit, char *buf, size_t size);

#endif
