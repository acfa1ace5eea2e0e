/*
 * One run of a suite: plan the cells, measure them round after round, write
 * the bundle with its charts and reports, print the summary tables.
 */
#define _GNU_SOURCE
#include "run.h"

#include <gsl/gsl_rng.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bundle_write.h"
#include "run_lane.h"
#include "events.h"
#include "measurers.h"
#include "plan.h"
#include "primitive.h"
#include "probes.h"
#include "progress.h"
#include "results.h"
#include "safe_output.h"
#include "sampler.h"
#include "stats.h"
#include "schedule.h"
#include "topology.h"
#include "util.h"
#include "worker_link.h"
#include "matrix.h"

/* Whether the cell is still to be measured in this round. */
bool lane_cell_wanted(const struct run *run, const struct cell_progress *progress, size_t index, unsigned round)
{
	const struct planned_cell *planned = &run->plan.cells[index];
	if (planned->not_applicable[0] || planned->skipped[0])
		return false;
	if ((measurers[planned->cell.measurer].once && round > 0) ||
	    !schedule_rounds_planned(&run->schedule, index, progress->rounds_done))
		return false;
	return round == 0 || progress->total.status == CELL_OK; /* a skipped or failed cell is not tried again */
}

static void account_round(struct time_accounting *time, const struct cell_result *round)
{
	time->cells_s += round->seconds;
	time->worker_setup_s += round->setup_seconds;
	time->kept_batches_s += round->batch_seconds;
	time->other_batches_s += round->other_batch_seconds;
	time->checks_s += round->check_seconds;
	time->teardown_s += round->teardown_seconds;
	for (size_t row = 0; row < round->samples.rows; row++) {
		const double *sample = sample_row(&round->samples, row);
		/* creator 0's: several creators' windows run at the same time */
		if (sample[COLUMN_COUNTED] == 0 && sample[COLUMN_CREATOR] == 0 && !isnan(sample[COLUMN_ROUNDTRIP_US]))
			time->in_windows_s += sample[COLUMN_ROUNDTRIP_US] / 1e6;
	}
}

/* meta.json's time_accounting: the share of the run's wall time inside the timed windows, and the rest by kind. */
static void record_time(struct run *run)
{
	const struct time_accounting *t = &run->time;
	double wall_s = monotonic_seconds() - run->started;
	json_t *accounting = json_pack("{s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f}", "wall_seconds", wall_s,
				       "summaries_seconds", t->summaries_s,
				       "stopping_checks_seconds", t->checks_s, "worker_teardown_seconds", t->teardown_s,
				       "in_timed_windows_seconds", t->in_windows_s, "kept_batches_seconds", t->kept_batches_s,
				       "warmup_and_counted_seconds", t->other_batches_s,
				       "worker_setup_seconds", t->worker_setup_s, "cells_seconds", t->cells_s,
				       "probes_and_calibration_seconds", t->probes_s,
				       "outside_timed_windows_share", wall_s > 0 ? 1 - t->in_windows_s / wall_s : 0.0);
	json_object_set_new(run->bundle.meta, "time_accounting", accounting);
}

/* meta.json's time_plan: the suite's time, what the plan expected, and the calibrated model it used. */
static void record_plan(struct run *run)
{
	if (!run->schedule.active)
		return;
	const struct cost_model *m = &run->model;
	json_object_set_new(run->bundle.meta, "time_plan",
			    json_pack("{s:f, s:f, s:f, s:f, s:{s:f, s:f, s:f}}", "time_seconds", run->schedule.time_s,
				      "planned_seconds", run->schedule.planned_s, "reserve_seconds", run->schedule.reserve_s,
				      "calibration_seconds", m->seconds, "model_us_per_page", "populate",
				      m->populate_s_per_page * 1e6, "page_table_copy", m->table_copy_s_per_page * 1e6, "write",
				      m->write_s_per_page * 1e6));
}

void lane_measure_round(struct run *run, struct cell_progress *progress, size_t index, unsigned round)
{
	const struct cell *cell = &run->plan.cells[index].cell;
	struct cell_result result;
	char status[400];
	progress_begin_cell(&run->progress, cell, round);
	if (progress->rounds_done < KEPT_ROUND_STARTS)
		progress->round_started[progress->rounds_done] = monotonic_seconds() - run->started;
	struct round_budget budget = run->schedule.active ? schedule_round_budget(&run->schedule, index) : (struct round_budget){ 0 };
	measurers[cell->measurer].measure(cell, &run->config, &run->events, &run->paths, round, &progress->total.samples,
					  run->schedule.active ? &budget : NULL, &result);
	if (run->schedule.active && !result.interrupted)
		schedule_round_done(&run->schedule, index, &result);
	account_round(&run->time, &result);
	if (!result.interrupted) {
		cell_result_merge(&progress->total, &result);
		progress->rounds_done++;
		bundle_add_samples(&run->bundle, cell, &result);
		status_format(result.status, result.reason, status, sizeof status);
		progress_end_cell(&run->progress, cell, round, status, result.seconds);
	}
	cell_result_free(&result);
}

/* Summaries once the rounds are done (or interrupted): every cell with a finished round, and the n/a ones. */
/* When each round began, in seconds since the run did: interleaved lanes alternate here. */
static void note_round_starts(struct run *run, const struct cell_progress *progress)
{
	json_t *starts = json_array();
	for (unsigned r = 0; r < progress->rounds_done && r < KEPT_ROUND_STARTS; r++)
		json_array_append_new(starts, json_real(progress->round_started[r]));
	bundle_note_last_cell(&run->bundle, "round_started_s", starts);
}

static void record_cells(struct run *run, struct cell_progress *progress)
{
	size_t *summary_index = xcalloc(run->plan.count + 1, sizeof *summary_index);
	for (size_t i = 0; i < run->plan.count; i++) {
		const struct planned_cell *planned = &run->plan.cells[i];
		struct cell_result *total = &progress[i].total;
		if (planned->not_applicable[0] || planned->skipped[0]) {
			total->status = planned->not_applicable[0] ? CELL_NOT_APPLICABLE : CELL_SKIPPED;
			snprintf(total->reason, sizeof total->reason, "%s",
				 planned->not_applicable[0] ? planned->not_applicable : planned->skipped);
		} else if (!progress[i].rounds_done) {
			continue; /* interrupted before its first round */
		}
		struct cell_summary *summary = results_append(&run->results, &planned->cell);
		summary->status = total->status;
		snprintf(summary->reason, sizeof summary->reason, "%s", total->reason);
		if (total->child_page_tables_kib)
			summary->child_page_tables_kib = (double)total->child_page_tables_kib;
		summary->oversubscribed = planned->cell.measurer == MEASURER_WORKER && topology_oversubscribed(&planned->cell);
		summary_from_samples(summary, &total->samples);
		summary_index[i] = run->results.count; /* 0: no summary */
	}
	/* then written, once every cell's is known: a scaling efficiency reads the one-creator cell's */
	for (size_t i = 0; i < run->plan.count; i++) {
		if (!summary_index[i])
			continue;
		const struct cell_summary *summary = &run->results.cells[summary_index[i] - 1];
		struct cell_result *total = &progress[i].total;
		bundle_add_summary(&run->bundle, summary, results_scaling_efficiency(&run->results, summary), total,
				   progress[i].rounds_done);
		if (run->schedule.active && run->schedule.cells[i].sized[0])
			bundle_note_last_cell(&run->bundle, "iterations_sized", json_string(run->schedule.cells[i].sized));
		note_round_starts(run, &progress[i]);
		run->counts[total->status]++;
	}
	free(summary_index);
}

/* The roundtrip's 95% CI half-width over its median, rounds as clusters (as summary.csv gives it); NaN if unknown. */
static double roundtrip_imprecision(const struct sample_table *samples)
{
	struct summary summary;
	roundtrip_quick_summary(NULL, samples, &summary);
	return (summary.ci_high - summary.ci_low) / 2 / summary.median;
}

/*
 * The next cell for an extra round in this pass: among the measured cells of
 * the worker not yet taken (imprecision >= 0), the one with the fewest
 * rounds, and of those the furthest from its CI target; SIZE_MAX when none.
 */
static size_t next_extra_cell(const struct run *run, const struct cell_progress *progress, const double *imprecision)
{
	size_t best = SIZE_MAX;
	for (size_t i = 0; i < run->plan.count; i++) {
		if (run->plan.cells[i].cell.measurer != MEASURER_WORKER || progress[i].total.status != CELL_OK ||
		    !progress[i].rounds_done || progress[i].rounds_done >= MAX_ROUNDS || !(imprecision[i] >= 0))
			continue;
		bool fewer = best == SIZE_MAX || progress[i].rounds_done < progress[best].rounds_done;
		bool as_few_less_precise = best != SIZE_MAX && progress[i].rounds_done == progress[best].rounds_done &&
					   imprecision[i] > imprecision[best];
		if (fewer || as_few_less_precise)
			best = i;
	}
	return best;
}

/*
 * A suite planned against its time that has time left after its rounds
 * (cells stop at their CI target, or when their rounds disagree and more
 * iterations of one worker cannot help): further rounds, fresh workers, in
 * passes over the cells, the fewest rounds and then the furthest from the
 * target first, each while its round still fits the time.
 */
static void run_extra_rounds(struct run *run, struct cell_progress *progress)
{
	size_t count = run->plan.count ? run->plan.count : 1;
	double *imprecision = xcalloc(count, sizeof *imprecision), *known = xcalloc(count, sizeof *known);
	unsigned *known_rounds = xcalloc(count, sizeof *known_rounds);
	for (bool measured = true; measured && !stop_requested;) {
		double started = monotonic_seconds();
		for (size_t i = 0; i < run->plan.count; i++) {
			if (progress[i].rounds_done && known_rounds[i] != progress[i].rounds_done) {
				known[i] = roundtrip_imprecision(&progress[i].total.samples); /* only what changed */
				known_rounds[i] = progress[i].rounds_done;
			}
			/* no interval yet: as far from the target as can be */
			imprecision[i] = isnan(known[i]) ? INFINITY : known[i];
		}
		run->time.summaries_s += monotonic_seconds() - started;
		measured = false;
		for (size_t i; !stop_requested && (i = next_extra_cell(run, progress, imprecision)) != SIZE_MAX;) {
			imprecision[i] = -1; /* once per pass */
			if (!schedule_round_fits(&run->schedule, i))
				continue;
			lane_measure_round(run, &progress[i], i, progress[i].rounds_done);
			measured = true;
		}
	}
	free(imprecision);
	free(known);
	free(known_rounds);
}

void lane_shuffle(size_t *order, size_t count, gsl_rng *rng)
{
	for (size_t i = count; i > 1; i--) {
		size_t j = gsl_rng_uniform_int(rng, i), kept = order[i - 1];
		order[i - 1] = order[j];
		order[j] = kept;
	}
}

/*
 * Round after round, every cell, in an order shuffled anew each round (the
 * seed is in meta.json): a cell's samples come from moments spread over the
 * run, and drift of the machine does not line up with the plan's order.
 */
static void run_cells(struct run *run)
{
	struct cell_progress *progress = xcalloc(run->plan.count, sizeof *progress);
	size_t *order = xcalloc(run->plan.count ? run->plan.count : 1, sizeof *order);
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	unsigned long seed = (unsigned long)time(NULL) ^ ((unsigned long)getpid() << 16);
	gsl_rng_set(rng, seed);
	json_object_set_new(run->bundle.meta, "cell_order_seed", json_integer((json_int_t)seed));
	for (unsigned round = 0; round < run->config.rounds && !stop_requested; round++) {
		for (size_t i = 0; i < run->plan.count; i++)
			order[i] = i;
		lane_shuffle(order, run->plan.count, rng);
		for (size_t k = 0; k < run->plan.count && !stop_requested; k++)
			if (lane_cell_wanted(run, &progress[order[k]], order[k], round))
				lane_measure_round(run, &progress[order[k]], order[k], round);
	}
	gsl_rng_free(rng);
	free(order);
	if (run->schedule.active)
		run_extra_rounds(run, progress);
	lane_record(run, progress);
}

void lane_record(struct run *run, struct cell_progress *progress)
{
	progress_finish(&run->progress);
	double summarizing = monotonic_seconds();
	record_cells(run, progress);
	run->time.summaries_s += monotonic_seconds() - summarizing;
	for (size_t i = 0; i < run->plan.count; i++)
		cell_result_free(&progress[i].total);
	free(progress);
}

int lane_finish(struct run *run, double seconds)
{
	const char *status = stop_requested ? "interrupted" : run->counts[CELL_OK] || !run->plan.measured ? "complete"
															 : "failed";
	record_time(run);
	if (bundle_close(&run->bundle, &run->results, status) != 0)
		return EXIT_RUN_FAILED;
	double rendering = monotonic_seconds();
	run->renderer->render(run->bundle.temp_path);
	rendering = monotonic_seconds() - rendering;
	if (bundle_publish(&run->bundle) != 0)
		return EXIT_RUN_FAILED;
	char took[32];
	format_duration(seconds, took, sizeof took);
	double wall_s = monotonic_seconds() - run->started;
	printf("spawnbench: time: %.1f s wall; %.0f%% in the timed windows, %.0f%% in kept batches around them, "
	       "%.0f%% fresh workers' set-up, %.0f%% warm-up and counted iterations, %.0f%% probes and calibration, "
	       "%.1f s charts and reports\n", wall_s, 100 * run->time.in_windows_s / wall_s,
	       100 * (run->time.kept_batches_s - run->time.in_windows_s) / wall_s, 100 * run->time.worker_setup_s / wall_s,
	       100 * run->time.other_batches_s / wall_s, 100 * run->time.probes_s / wall_s, rendering);
	printf("spawnbench: suite %s, %s: %zu cells measured, %zu n/a, %zu skipped, %zu failed, in %s\n",
	       run->config.name, status, run->counts[CELL_OK], run->counts[CELL_NOT_APPLICABLE],
	       run->counts[CELL_SKIPPED], run->counts[CELL_FAILED], took);
	printf("bundle: %s\n", run->bundle.final_path);
	run->renderer->print_tables(run->bundle.final_path);
	if (stop_requested)
		return 128 + stop_requested;
	return strcmp(status, "failed") == 0 ? EXIT_RUN_FAILED : EXIT_OK;
}

static void warn_uncounted_events(const struct event_set *events)
{
	for (size_t i = 0; i < events->count; i++) {
		const struct event *event = &events->events[i];
		if (event->not_counted && (i == 0 || strcmp(event->name, events->events[i - 1].name) != 0))
			warn("%s not counted: %s", event->name, event->not_counted);
		else if (event->note && (i == 0 || strcmp(event->name, events->events[i - 1].name) != 0))
			warn("%s: %s", event->name, event->note);
	}
}

double lane_probe_machine(json_t *probes, const char *when)
{
	double started = monotonic_seconds();
	json_object_set_new(probes, when, probes_run());
	char key[32];
	double seconds = monotonic_seconds() - started;
	snprintf(key, sizeof key, "%s_seconds", when);
	json_object_set_new(probes, key, json_real(seconds));
	return seconds;
}

void lane_release(struct run *run)
{
	schedule_free(&run->schedule);
	results_free(&run->results);
	events_free(&run->events);
	if (run->shares_setup) { /* the first lane's config, programs and paths */
		free(run->plan.cells);
		return;
	}
	plan_free(&run->plan);
	config_free(&run->config);
	topology_close();
	free((char *)run->paths.worker);
	free((char *)run->paths.helper);
	free((char *)run->paths.helper_glibc);
}

void lane_prepare(struct run *run, struct suite_config *config, const struct run_request *request)
{
	char why[512];
	memset(run, 0, sizeof *run);
	run->started = monotonic_seconds(); /* a suite's time counts from here */
	run->config = *config; /* the run owns it from here */
	run->renderer = request->renderer;
	memset(config, 0, sizeof *config);
	if (topology_init() != 0)
		die("hwloc could not load the machine's topology");
	if (events_resolve(&run->events, run->config.event_names, run->config.event_count, request->events_typed, why,
			   sizeof why) != 0)
		die_bad_input("option --events: %s", why);
	warn_uncounted_events(&run->events);
	plan_build(&run->plan, &run->config);
	run->paths = (struct sampler_paths){ .worker = xasprintf("%s/spawnbench-worker", binary_dir()),
					     .helper = xasprintf("%s/spawnbench-helper", binary_dir()),
					     .helper_glibc = xasprintf("%s/spawnbench-helper-glibc", binary_dir()) };
	worker_link_install_signal_handlers();
}

/*
 * A suite with a time (or a dry run): calibrate the cost model, plan every
 * cell's rounds against the time, and print the plan (a dry run) or its
 * first line. 0, or -1 when interrupted.
 */
static int plan_against_time(struct run *run, bool dry_run)
{
	char why[256], expected[32], time[32];
	if (!run->config.time_seconds && !dry_run)
		return 0;
	fprintf(stderr, "spawnbench: calibrating the plan on this machine (%zu cells)\n", run->plan.measured);
	if (cost_model_calibrate(&run->model, &run->plan, &run->config, &run->paths, why, sizeof why) != 0)
		warn("%s", why);
	if (stop_requested)
		return -1;
	schedule_make(&run->schedule, &run->plan, &run->config, &run->model, run->started, stderr);
	if (dry_run) {
		printf("suite %s: %zu cells, %lu rounds each (hyperfine: one); calibration took %.1f s\n", run->config.name,
		       run->plan.measured, run->config.rounds, run->model.seconds);
		printf("model: populate %.2f us, page tables %.3f us per iteration, write %.2f us, per 4K page of heap\n",
		       run->model.populate_s_per_page * 1e6, run->model.table_copy_s_per_page * 1e6,
		       run->model.write_s_per_page * 1e6);
		schedule_print(&run->schedule, &run->plan, stdout);
		return 0;
	}
	format_duration(run->schedule.planned_s, expected, sizeof expected);
	format_duration(run->schedule.time_s, time, sizeof time);
	size_t planned = 0;
	for (size_t i = 0; i < run->plan.count; i++)
		planned += !run->plan.cells[i].not_applicable[0] && !run->plan.cells[i].skipped[0];
	fprintf(stderr, "spawnbench: plan: %zu cells x %lu rounds, %lu to %lu iterations per round, expected %s of --time %s\n",
		planned, run->config.rounds, run->schedule.min_iterations, run->schedule.max_iterations, expected,
		time);
	return 0;
}

/* A run with a budget per cell: its plan in one line, the estimate from the budgets and the heaps (no calibration). */
static void print_budget_plan(const struct run *run)
{
	char expected[32], budget[32];
	format_duration(run->progress.total_weight, expected, sizeof expected);
	format_duration_precise(run->config.budget_seconds, budget, sizeof budget);
	fprintf(stderr, "spawnbench: plan: %zu cells x %lu rounds, a budget of %s per cell (time = none); about %s by the "
			"budgets (--dry-run calibrates a closer estimate)\n",
		run->plan.measured, run->config.rounds, budget, expected);
}

int run_suite(struct suite_config *config, const struct run_request *request)
{
	struct run run;
	char why[512];
	if (request->kernel_count)
		return run_matrix(config, request);
	lane_prepare(&run, config, request);
	if (plan_against_time(&run, request->dry_run) != 0 || request->dry_run) {
		int status = stop_requested ? 128 + stop_requested : EXIT_OK;
		lane_release(&run);
		return status;
	}
	if (bundle_open(&run.bundle, request->output_dir, &run.config, &run.events, request->argc, request->argv, why,
			sizeof why) != 0)
		die_bad_input("%s", why);
	record_plan(&run);
	json_t *probes = json_object();
	json_object_set_new(run.bundle.meta, "machine_probes", probes);
	run.time.probes_s += lane_probe_machine(probes, "before") + run.model.seconds;
	progress_init(&run.progress, &run.plan, &run.config);
	run.progress.schedule = &run.schedule;
	if (!run.schedule.active)
		print_budget_plan(&run);
	else
		run.progress.total = schedule_rounds_total(&run.schedule, &run.plan); /* rounds may have been cut */
	run_cells(&run);
	if (!stop_requested)
		run.time.probes_s += lane_probe_machine(probes, "after");
	int status = lane_finish(&run, progress_elapsed(&run.progress));
	lane_release(&run);
	return status;
}

