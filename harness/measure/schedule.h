/*
 * A suite planned against its time (`time = 15m` in a suite, `--time`).
 *
 * A short calibration measures this machine's costs: each primitive and
 * action's worker set-up and iteration at heap 0, and, at one larger heap,
 * what a page costs to populate, to copy the page tables of and to write
 * after creation. From that model every round of every cell gets its
 * expected set-up and a share of the time for its iterations, the same
 * number of iterations for every cell as far as the time allows (so their
 * precision is as even as it can be). Cells whose minimum alone does not fit
 * are skipped, the largest heaps first, with the time that would include
 * them. As the run goes, each round's share is rescaled from what is left
 * of the time and what the cells measured so far really cost, so that the
 * run, its charts and reports end on time.
 */
#ifndef SPAWNBENCH_SCHEDULE_H
#define SPAWNBENCH_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "config.h"
#include "plan.h"
#include "sampler.h"

#define MODEL_MAX_PRIMITIVES 16

struct cost_model {
	double setup_s[MODEL_MAX_PRIMITIVES][ACTION_COUNT];      /* worker start until ready, heap 0 */
	double iteration_s[MODEL_MAX_PRIMITIVES][ACTION_COUNT];  /* one kept iteration's wall time, heap 0 */
	bool known[MODEL_MAX_PRIMITIVES][ACTION_COUNT];
	double populate_s_per_page;     /* the worker's heap, before it is ready */
	double table_copy_s_per_page;   /* per iteration of a primitive that copies the page tables */
	double write_s_per_page;        /* per page written after creation */
	double seconds;                 /* what the calibration took */
};

struct cell_schedule {
	double setup_s;              /* a round's cost outside its kept iterations (estimated, then measured) */
	double iteration_s;          /* one kept iteration (estimated, then measured) */
	double iterations;           /* planned per round (a share of time: not a whole number) */
	unsigned long warmup;        /* per round: one when an iteration is long enough to warm up on its own */
	unsigned rounds, rounds_done;
	char sized[200];             /* why the iterations were cut to the minimum, or "" */
};

struct schedule {
	bool active;                 /* the suite has a time */
	double time_s;
	double started;              /* monotonic seconds: the run's start */
	double reserve_s;            /* kept for the end: the summaries, the probes after, the charts and reports */
	double summary_round_s;      /* what one round of one cell adds to one phase's summary (timed) */
	unsigned long min_iterations, max_iterations;   /* per round */
	struct cell_schedule *cells; /* one per plan cell */
	size_t count;
	double setups_left_s, iterations_left_s;        /* the rounds not measured yet, as planned */
	double planned_s;            /* the whole run as planned at the start, reserve included */
};

/* Calibrates the model on the plan's primitives and actions (about a second); 0, or -1 with why. */
int cost_model_calibrate(struct cost_model *model, const struct plan *plan, const struct suite_config *config,
			 const struct sampler_paths *paths, char *why, size_t why_size);

/*
 * Plans every cell of plan against config->time_seconds from started: cells
 * that cannot fit are marked skipped in the plan (the reasons printed to out).
 */
void schedule_make(struct schedule *schedule, struct plan *plan, const struct suite_config *config,
		   const struct cost_model *model, double started, FILE *out);
void schedule_free(struct schedule *schedule);

/*
 * What round of cell index may spend now: its planned iterations, rescaled to
 * the time left; an extra round, its planned iterations as far as the time left allows.
 */
struct round_budget schedule_round_budget(const struct schedule *schedule, size_t index);

/* The rounds of every planned cell together. */
size_t schedule_rounds_total(const struct schedule *schedule, const struct plan *plan);

/* Whether cell index has planned rounds left after rounds_done (always, without a time: the run's rounds decide). */
bool schedule_rounds_planned(const struct schedule *schedule, size_t index, unsigned rounds_done);

/* Whether one more round of cell index at its minimum (an extra round) ends before the time, the reserve kept. */
bool schedule_round_fits(const struct schedule *schedule, size_t index);

/* A round of cell index is done: the estimates of its later rounds become what it cost. */
void schedule_round_done(struct schedule *schedule, size_t index, const struct cell_result *round);

/* When the run is expected to end (monotonic seconds), charts and reports included. */
double schedule_expected_end(const struct schedule *schedule);

/* The plan by primitive and action: cells, rounds, expected time; then the total. */
void schedule_print(const struct schedule *schedule, const struct plan *plan, FILE *out);

#endif
