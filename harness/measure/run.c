/*
 * One run of a suite: plan the cells, measure them round after round, write
 * the bundle with its charts and reports, print the summary tables.
 */
#define _GNU_SOURCE
#include "run.h"

#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bundle_write.h"
#include "events.h"
#include "measurers.h"
#include "plan.h"
#include "primitive.h"
#include "probes.h"
#include "progress.h"
#include "results.h"
#include "safe_output.h"
#include "sampler.h"
#include "topology.h"
#include "util.h"
#include "worker_link.h"

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
};

/* What a cell has gathered over the rounds so far. */
struct cell_progress {
	struct cell_result total;
	unsigned rounds_done;
};

/* Whether the cell is still to be measured in this round. */
static bool cell_wanted(const struct run *run, const struct cell_progress *progress, size_t index, unsigned round)
{
	const struct planned_cell *planned = &run->plan.cells[index];
	if (planned->not_applicable[0])
		return false;
	if (measurers[planned->cell.measurer].once && round > 0)
		return false;
	return round == 0 || progress->total.status == CELL_OK; /* a skipped or failed cell is not tried again */
}

static void measure_round(struct run *run, struct cell_progress *progress, size_t index, unsigned round)
{
	const struct cell *cell = &run->plan.cells[index].cell;
	struct cell_result result;
	char status[400];
	progress_begin_cell(&run->progress, cell, round);
	measurers[cell->measurer].measure(cell, &run->config, &run->events, &run->paths, round, &progress->total.samples,
					  &result);
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
static void record_cells(struct run *run, struct cell_progress *progress)
{
	for (size_t i = 0; i < run->plan.count; i++) {
		const struct planned_cell *planned = &run->plan.cells[i];
		struct cell_result *total = &progress[i].total;
		if (planned->not_applicable[0]) {
			total->status = CELL_NOT_APPLICABLE;
			snprintf(total->reason, sizeof total->reason, "%s", planned->not_applicable);
		} else if (!progress[i].rounds_done) {
			continue; /* interrupted before its first round */
		}
		struct cell_summary *summary = results_append(&run->results, &planned->cell);
		summary->status = total->status;
		snprintf(summary->reason, sizeof summary->reason, "%s", total->reason);
		if (total->child_page_tables_kib)
			summary->child_page_tables_kib = (double)total->child_page_tables_kib;
		summary_from_samples(summary, &total->samples);
		bundle_add_summary(&run->bundle, &run->results.cells[run->results.count - 1], total, progress[i].rounds_done);
		run->counts[total->status]++;
	}
}

/* order[0..count) shuffled (Fisher-Yates) by rng. */
static void shuffle(size_t *order, size_t count, gsl_rng *rng)
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
		shuffle(order, run->plan.count, rng);
		for (size_t k = 0; k < run->plan.count && !stop_requested; k++)
			if (cell_wanted(run, &progress[order[k]], order[k], round))
				measure_round(run, &progress[order[k]], order[k], round);
	}
	gsl_rng_free(rng);
	free(order);
	progress_finish(&run->progress);
	record_cells(run, progress);
	for (size_t i = 0; i < run->plan.count; i++)
		cell_result_free(&progress[i].total);
	free(progress);
}

static int finish_run(struct run *run, double seconds)
{
	const char *status = stop_requested ? "interrupted" : run->counts[CELL_OK] || !run->plan.measured ? "complete"
															 : "failed";
	if (bundle_close(&run->bundle, &run->results, status) != 0)
		return EXIT_RUN_FAILED;
	run->renderer->render(run->bundle.temp_path);
	if (bundle_publish(&run->bundle) != 0)
		return EXIT_RUN_FAILED;
	char took[32];
	format_duration(seconds, took, sizeof took);
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

/* The machine probes at one moment of the run (outside every cell), and what they took. */
static void probe_machine(json_t *probes, const char *when)
{
	double started = monotonic_seconds();
	json_object_set_new(probes, when, probes_run());
	char key[32];
	snprintf(key, sizeof key, "%s_seconds", when);
	json_object_set_new(probes, key, json_real(monotonic_seconds() - started));
}

int run_suite(struct suite_config *config, bool events_typed, const char *output_dir, int argc, char **argv,
	      const struct run_renderer *renderer)
{
	struct run run;
	char why[512];
	memset(&run, 0, sizeof run);
	run.config = *config; /* the run owns it from here */
	run.renderer = renderer;
	memset(config, 0, sizeof *config);
	if (topology_init() != 0)
		die("hwloc could not load the machine's topology");
	if (events_resolve(&run.events, run.config.event_names, run.config.event_count, events_typed, why, sizeof why) != 0)
		die_bad_input("option --events: %s", why);
	warn_uncounted_events(&run.events);
	plan_build(&run.plan, &run.config);
	char *worker = xasprintf("%s/spawnbench-worker", binary_dir());
	char *helper = xasprintf("%s/spawnbench-helper", binary_dir());
	char *helper_glibc = xasprintf("%s/spawnbench-helper-glibc", binary_dir());
	run.paths = (struct sampler_paths){ worker, helper, helper_glibc };
	worker_link_install_signal_handlers();
	if (bundle_open(&run.bundle, output_dir, &run.config, &run.events, argc, argv, why, sizeof why) != 0)
		die_bad_input("%s", why);
	json_t *probes = json_object();
	json_object_set_new(run.bundle.meta, "machine_probes", probes);
	probe_machine(probes, "before");
	progress_init(&run.progress, &run.plan, &run.config);
	run_cells(&run);
	if (!stop_requested)
		probe_machine(probes, "after");
	int status = finish_run(&run, progress_elapsed(&run.progress));
	results_free(&run.results);
	events_free(&run.events);
	plan_free(&run.plan);
	config_free(&run.config);
	topology_close();
	free(worker);
	free(helper);
	free(helper_glibc);
	return status;
}

