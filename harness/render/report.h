/*
 * report.md in a bundle: the machine, the key findings as sentences computed
 * from the data, the tables, the charts, what was not measured and why, and
 * the events that could not be counted.
 */
#ifndef SPAWNBENCH_REPORT_H
#define SPAWNBENCH_REPORT_H

#include <stdio.h>

#include "bundle_load.h"
#include "plot.h"

/* The key findings, one "- sentence" line each. */
void report_findings(FILE *out, const struct loaded_bundle *bundle);

/* Writes dir/report.md; -1 if it cannot be written. */
int report_write(const struct loaded_bundle *bundle, const struct chart_report *charts, const char *dir);

/*
 * A difference stated as the data support it: "adds 12us (beyond +-3us, ...)",
 * "changes nothing beyond the noise (-16us, within +-30us, ...)", never a
 * negative cost. noise_us: the half-width of the interval it is judged by.
 */
void difference_sentence(double difference_us, double noise_us, const char *verb, char *buf, size_t size);

#endif
