/* Rendering a bundle: what `spawnbench plot` does, and what a run does once its bundle is written. */
#ifndef SPAWNBENCH_RENDER_H
#define SPAWNBENCH_RENDER_H

#include <stddef.h>

#include "plot.h"
#include "run_renderer.h"

/* Charts, report.md, reproduce.md and bmf.json of the bundle in dir; the charts drawn, or -1 with why. */
int render_bundle(const char *dir, struct chart_report *charts, char *why, size_t why_size);

/* The renderer a run hands its bundle to. */
extern const struct run_renderer bundle_renderer;

#endif
