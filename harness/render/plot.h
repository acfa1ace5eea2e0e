/*
 * Charts of a bundle: the data under BUNDLE/plots/data/, drawn by the gnuplot
 * scripts in plots/ into BUNDLE/plots/NAME.png and NAME.svg. A chart whose
 * data is absent is not drawn, and the reason is kept for the report.
 */
#ifndef SPAWNBENCH_PLOT_H
#define SPAWNBENCH_PLOT_H

#include <stdbool.h>
#include <stddef.h>

#include "bundle_load.h"

#define MAX_CHARTS 32

struct chart_outcome {
	char name[64];
	char heading[200];
	bool drawn;
	char note[400];           /* why it was not drawn, or gnuplot's warnings */
};

struct chart_report {
	struct chart_outcome charts[MAX_CHARTS];
	size_t count;
};

/* Draws every chart of the bundle at dir (which may still be NAME.partial); returns how many were drawn. */
size_t plots_render(const struct loaded_bundle *bundle, const char *dir, struct chart_report *report);

#endif
