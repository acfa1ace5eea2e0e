/*
 * The parts of a run the kernel matrix (matrix.c) drives lane by lane: one
 * run per kernel, measured round by round and cell by cell in turn. Private
 * to harness/measure.
 */
#ifndef SPAWNBENCH_RUN_LANE_H
#define SPAWNBENCH_RUN_LANE_H

#include <stdbool.h>
#include <stddef.h>

#include <gsl/gsl_rng.h>

#include "bundle_write.h"
#include "config.h"
#include "events.h"
#include "plan.h"
#include "progress.h"
#include "results.h"
#include "run.h"
#include "sampler.h"
#include "schedule.h"

#define MAX_ROUNDS 100  /* extra rounds of a suite with time to spare stop here */

struct guest;

/* One run of a suite; in a kernel matrix, one per kernel (a lane), all over the same plan. */
struct run {
	struct suite_config config;
	struct plan plan;
	struct event_set events;
	struct bundle bundle;
	struct run_results results;
	struct progress progress;
	struct sampler_paths paths;
	size_t counts[CELL_STATUS_COUNT];
	const struct run_renderer *renderer;
	struct guest *guest;           /* the kernel matrix: the guest this lane measures in; NULL: here */
	bool shares_setup;             /* a lane after the first: the config and the plan's programs are the first's */
	char label[160];               /* the progress lines' prefix in a matrix: "kernel 6.1.0-47-amd64: " */
	struct cost_model model;
	struct schedule schedule;      /* active when the suite has a time */
	double started;
	struct time_accounting {       /* where the run's wall time went (meta.json's time_accounting) */
		double in_windows_s;   /* the kept iterations' roundtrip windows: what is measured */
		double kept_batches_s; /* the batches of kept iterations, protocol and checks included */
		double other_batches_s;/* warm-up and counted iterations */
		double worker_setup_s; /* fresh workers: start, heap population, until ready */
		double cells_s;        /* every cell-round, set-up to exit */
		double probes_s;       /* machine probes and calibration */
		double checks_s;       /* the stopping rule's intervals */
		double teardown_s;     /* workers' exit, their heaps unmapped */
		double summaries_s;    /* the cells' summaries and intervals, at the end and for extra rounds */
	} time;
};

#define KEPT_ROUND_STARTS 16

/* What a cell has gathered over the rounds so far. */
struct cell_progress {
	struct cell_result total;
	unsigned rounds_done;
	double round_started[KEPT_ROUND_STARTS];   /* seconds since the run began, when each round started */
};


/* Topology, events, the plan and the programs' paths, from config (which the run takes over). */
void lane_prepare(struct run *run, struct suite_config *config, const struct run_request *request);
/* Whether the cell at index is still to be measured in this round. */
bool lane_cell_wanted(const struct run *run, const struct cell_progress *progress, size_t index, unsigned round);
/* One round of the cell at index, its samples into the bundle and progress. */
void lane_measure_round(struct run *run, struct cell_progress *progress, size_t index, unsigned round);
/* The summaries of every cell into the bundle, the cells' progress freed. */
void lane_record(struct run *run, struct cell_progress *progress);
/* Closes, renders and publishes the bundle and prints its tables; the exit status. */
int lane_finish(struct run *run, double seconds);
void lane_release(struct run *run);
/* The machine probes at one moment of the run (outside every cell), into meta.json; the seconds they took. */
double lane_probe_machine(json_t *probes, const char *when);
/* order[0..count) shuffled (Fisher-Yates) by rng. */
void lane_shuffle(size_t *order, size_t count, gsl_rng *rng);

#endif
