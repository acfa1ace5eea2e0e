/* Running a suite: plan, measure, write the bundle, then hand it to the caller's renderer. */
#ifndef SPAWNBENCH_RUN_H
#define SPAWNBENCH_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "run_renderer.h"

#define MAX_MATRIX_KERNELS 8

/* A kernel matrix's bundles, one per kernel in the order given, once written (NULL: that kernel's was not). */
struct matrix_bundles {
	char *paths[MAX_MATRIX_KERNELS];
	size_t count;
	char *dir;               /* the parent directory */
};

struct run_request {
	const char *kernels[MAX_MATRIX_KERNELS];   /* --kernel: measure in a guest of each, side by side */
	size_t kernel_count;
	struct matrix_bundles *matrix;             /* with kernels: where the bundles went */
	bool events_typed;       /* the event names came from --events: an unknown one is an error */
	bool dry_run;            /* print the plan and measure nothing */
	const char *output_dir;  /* the bundle's directory, or NULL for one under results/ */
	int argc;                /* the command line, for meta.json */
	char **argv;
	const struct run_renderer *renderer;
};

/*
 * Measures every cell of config (which the run takes over and frees), writes
 * the bundle and prints the summary tables. Returns the exit status.
 */
int run_suite(struct suite_config *config, const struct run_request *request);

#endif
