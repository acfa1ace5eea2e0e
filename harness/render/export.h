/*
 * Exports of a loaded bundle for the services that track benchmarks over
 * time, backends of one writer: the Bencher Metric Format (bmf.json, read by
 * `bencher run --adapter json`) and LKP's "name: value" lines (kv).
 */
#ifndef SPAWNBENCH_EXPORT_H
#define SPAWNBENCH_EXPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "bundle_load.h"

enum export_format { EXPORT_BMF, EXPORT_KV, EXPORT_FORMAT_COUNT };
extern const char *const export_format_names[];

/*
 * One benchmark per ok cell and phase, named by every dimension, with the
 * median and its 95% CI in nanoseconds (Bencher's latency) and the counters'
 * medians as further measures; and one per fit. The same bundle gives the
 * same bytes. 0, or -1 if it cannot be written.
 */
int export_write(const struct loaded_bundle *bundle, enum export_format format, FILE *out);

/* A benchmark's name: primitive/action/heap=.../ratio=.../.../phase (at most 1024 characters). */
void export_benchmark_name(const struct cell *cell, const char *phase, char *buf, size_t size);

/* A fit's name: the same without the dimension it runs over (heap, or ratio), then fit-heap-PHASE or fit-cow. */
void export_fit_name(const struct cell *key, bool over_heap, const char *phase, char *buf, size_t size);

/* A column as a measure name: lower-case, '-' between words, at most 64 characters ("tlb-flush-remote-ipi-send"). */
void export_measure_name(const char *column, char *buf, size_t size);

#endif
