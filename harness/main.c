/*
 * spawnbench: the orchestrator. Reads a suite and the command line, plans
 * the cells, measures each in a fresh worker, writes the results bundle and
 * prints a summary table. run.sh is the usual way in.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bundle.h"
#include "bundle_load.h"
#include "plot.h"
#include "report.h"
#include "config.h"
#include "events.h"
#include "hyperfine.h"
#include "plan.h"
#include "primitive.h"
#include "progress.h"
#include "results.h"
#include "sampler.h"
#include "table.h"
#include "topology.h"
#include "util.h"
#include "worker_link.h"

enum mode { MODE_RUN, MODE_LIST, MODE_HELP, MODE_VERSION, MODE_PLOT, MODE_REPORT };

enum fixed_option {
	OPT_SUITE = 1000, OPT_CONFIG, OPT_OUTPUT, OPT_LIST, OPT_HELP, OPT_VERSION, OPT_PLOT, OPT_REPORT, OPT_TABLE_BASE
};

struct override {
	const struct option_spec *option;
	const char *value;
};

struct cli {
	enum mode mode;
	const char *suite;
	const char *config_path;
	const char *output_dir;
	const char *bundle;               /* --plot / --report */
	struct override overrides[64];
	size_t override_count;
};

static void print_help(FILE *out)
{
	fprintf(out,
		"usage: ./run.sh [--suite NAME | --config FILE] [OPTION...]\n"
		"       ./run.sh --list | --help | --version | --test\n\n"
		"Measures how Linux creates processes: fork, vfork, posix_spawn, clone and clone-vm,\n"
		"across parent heap sizes and post-creation write ratios, and writes a results bundle.\n\n"
		"  --suite NAME        run configs/NAME.conf (default: fork; see --list)\n"
		"  --config FILE       run the suite in FILE\n"
		"  --output DIR        write the bundle to DIR itself (default: results/<time>_<host>_<kernel>_<suite>)\n"
		"  --list              list suites, primitives and dimensions\n"
		"  --help, --version\n\n"
		"Overrides of the suite's settings (lists are comma-separated):\n");
	for (size_t i = 0; i < option_count; i++) {
		char name[64];
		snprintf(name, sizeof name, "--%s", option_table[i].key);
		for (char *c = name; *c; c++)
			*c = *c == '_' ? '-' : *c;
		fprintf(out, "  %-18s %-9s %s\n", name, option_table[i].metavar, option_table[i].help);
	}
	fprintf(out, "\nExit status: 0 done, 1 could not run, 2 bad input (nothing written),\n"
		     "130 interrupted (the bundle keeps the finished cells, marked interrupted).\n");
}

static struct option *long_options(void)
{
	static const struct option fixed[] = {
		{ "suite", required_argument, NULL, OPT_SUITE }, { "config", required_argument, NULL, OPT_CONFIG },
		{ "output", required_argument, NULL, OPT_OUTPUT }, { "list", no_argument, NULL, OPT_LIST },
		{ "help", no_argument, NULL, OPT_HELP },          { "version", no_argument, NULL, OPT_VERSION },
		{ "plot", required_argument, NULL, OPT_PLOT },    { "report", required_argument, NULL, OPT_REPORT },
	};
	size_t fixed_count = sizeof fixed / sizeof fixed[0];
	struct option *options = xcalloc(fixed_count + option_count + 1, sizeof *options);
	memcpy(options, fixed, sizeof fixed);
	for (size_t i = 0; i < option_count; i++) {
		char *name = xstrdup(option_table[i].key);
		for (char *c = name; *c; c++)
			*c = *c == '_' ? '-' : *c;
		options[fixed_count + i] = (struct option){ name, required_argument, NULL, OPT_TABLE_BASE + (int)i };
	}
	return options;
}

static void free_long_options(struct option *options)
{
	for (struct option *o = options; o->name; o++)
		if (o->val >= OPT_TABLE_BASE)
			free((char *)o->name);
	free(options);
}

static void parse_cli(int argc, char **argv, struct cli *cli)
{
	struct option *options = long_options();
	int option;
	opterr = 0;
	while ((option = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (option) {
		case OPT_SUITE: cli->suite = optarg; break;
		case OPT_CONFIG: cli->config_path = optarg; break;
		case OPT_OUTPUT: cli->output_dir = optarg; break;
		case OPT_LIST: cli->mode = MODE_LIST; break;
		case OPT_HELP: cli->mode = MODE_HELP; break;
		case OPT_VERSION: cli->mode = MODE_VERSION; break;
		case OPT_PLOT: cli->mode = MODE_PLOT; cli->bundle = optarg; break;
		case OPT_REPORT: cli->mode = MODE_REPORT; cli->bundle = optarg; break;
		case '?':
			die_bad_input("option %s: %s (see --help)", argv[optind - 1],
				      optopt ? "needs a value" : "unknown option");
		default:
			if (cli->override_count == sizeof cli->overrides / sizeof cli->overrides[0])
				die_bad_input("too many overrides");
			cli->overrides[cli->override_count++] =
				(struct override){ &option_table[option - OPT_TABLE_BASE], optarg };
		}
	}
	free_long_options(options);
	if (optind < argc)
		die_bad_input("unexpected argument '%s' (see --help)", argv[optind]);
	if (cli->suite && cli->config_path)
		die_bad_input("give --suite or --config, not both");
}

static void suite_name_from_path(const char *path, char *name, size_t size)
{
	const char *base = strrchr(path, '/');
	int length = snprintf(name, size, "%s", base ? base + 1 : path);
	if (length < 0 || (size_t)length >= size)
		die_bad_input("%s: the suite's file name is too long", path);
	char *dot = strrchr(name, '.');
	if (dot && strcmp(dot, ".conf") == 0)
		*dot = '\0';
}

static void load_suite(const struct cli *cli, struct suite_config *config)
{
	char path[PATH_MAX], why[768];
	struct stat info;
	if (cli->config_path)
		snprintf(path, sizeof path, "%s", cli->config_path);
	else
		snprintf(path, sizeof path, "%s/configs/%s.conf", project_root(), cli->suite ? cli->suite : "fork");
	if (!cli->config_path && stat(path, &info) != 0)
		die_bad_input("--suite %s: there is no %s (see --list)", cli->suite, path);
	config_init(config);
	if (config_load(config, path, why, sizeof why) != 0)
		die_bad_input("%s", why);
	suite_name_from_path(path, config->name, sizeof config->name);
	for (size_t i = 0; i < cli->override_count; i++) {
		const struct override *o = &cli->overrides[i];
		if (config_set(config, NULL, o->option->key, o->value, why, sizeof why) != 0)
			die_bad_input("option --%s %s: %s", o->option->key, o->value, why);
	}
	if (config->min_iterations > config->max_iterations)
		die_bad_input("min_iterations %lu is above max_iterations %lu (from %s and the command line)",
			      config->min_iterations, config->max_iterations, path);
}

static void list_suites(void)
{
	char *directory = xasprintf("%s/configs", project_root());
	struct dirent **entries;
	int count = scandir(directory, &entries, NULL, alphasort);
	printf("suites (configs/):\n");
	for (int i = 0; i < count; i++) {
		const char *name = entries[i]->d_name;
		size_t length = strlen(name);
		if (length > 5 && strcmp(name + length - 5, ".conf") == 0) {
			char *path = xasprintf("%s/%s", directory, name);
			struct suite_config config;
			char why[512];
			config_init(&config);
			bool loaded = config_load(&config, path, why, sizeof why) == 0;
			printf("  %-12.*s %s\n", (int)(length - 5), name, loaded ? config.description : why);
			config_free(&config);
			free(path);
		}
		free(entries[i]);
	}
	free(entries);
	free(directory);
}

static void list_everything(void)
{
	list_suites();
	printf("\nprimitives:\n");
	for (size_t i = 0; i < primitive_count; i++)
		printf("  %-12s %s\n", primitive_table[i]->name, primitive_table[i]->summary);
	printf("\ndimensions: action (exit, exec), heap (sizes), ratios (0..1), writer (child, parent),\n"
	       "  pattern (sequential, random), backing (private, shared, thp),\n"
	       "  layout (contiguous, fragmented:N), placement (same-cpu, other-cpu, any)\n\n");
	events_list(stdout);
}

struct run {
	struct suite_config config;
	struct plan plan;
	struct event_set events;
	struct bundle bundle;
	struct run_results results;
	struct progress progress;
	struct sampler_paths paths;
	size_t counts[4];
};

static void record_cell(struct run *run, const struct cell *cell, struct cell_result *result)
{
	results_add(&run->results, cell, result);
	bundle_add_cell(&run->bundle, &run->results.cells[run->results.count - 1], result);
	run->counts[result->status]++;
}

static void run_cells(struct run *run)
{
	for (size_t i = 0; i < run->plan.count && !stop_requested; i++) {
		const struct planned_cell *planned = &run->plan.cells[i];
		struct cell_result result;
		char status[400];
		if (planned->not_applicable[0]) {
			memset(&result, 0, sizeof result);
			result.status = CELL_NOT_APPLICABLE;
			snprintf(result.reason, sizeof result.reason, "%s", planned->not_applicable);
			record_cell(run, &planned->cell, &result);
			continue;
		}
		progress_begin_cell(&run->progress, &planned->cell);
		if (primitive_table[planned->cell.primitive]->external)
			measure_command(&planned->cell, &run->config, &run->events, &run->paths, &result);
		else
			measure_cell(&planned->cell, &run->config, &run->events, &run->paths, &result);
		if (!result.interrupted) {
			record_cell(run, &planned->cell, &result);
			status_format(result.status, result.reason, status, sizeof status);
			progress_end_cell(&run->progress, &planned->cell, status, result.seconds);
		}
		cell_result_free(&result);
	}
	progress_finish(&run->progress);
}

/* The charts and report.md of a bundle just written (still NAME.partial): read back as --plot would. */
static void render_charts_and_report(const char *dir)
{
	struct loaded_bundle bundle;
	struct chart_report charts;
	char why[600];
	if (bundle_load(dir, &bundle, why, sizeof why) != 0) {
		warn("no charts or report: %s", why);
		return;
	}
	size_t drawn = plots_render(&bundle, dir, &charts);
	if (report_write(&bundle, &charts, dir) != 0)
		warn("could not write report.md in %s", dir);
	fprintf(stderr, "spawnbench: %zu of %zu charts drawn, report.md written\n", drawn, charts.count);
	bundle_unload(&bundle);
}

static int finish_run(struct run *run, double seconds)
{
	const char *status = stop_requested ? "interrupted" : run->counts[CELL_OK] || !run->plan.measured ? "complete"
															 : "failed";
	if (bundle_close(&run->bundle, &run->results, status) != 0)
		return EXIT_RUN_FAILED;
	render_charts_and_report(run->bundle.temp_path);
	if (bundle_publish(&run->bundle) != 0)
		return EXIT_RUN_FAILED;
	char took[32];
	format_duration(seconds, took, sizeof took);
	printf("spawnbench: suite %s, %s: %zu cells measured, %zu n/a, %zu skipped, %zu failed, in %s\n",
	       run->config.name, status, run->counts[CELL_OK], run->counts[CELL_NOT_APPLICABLE],
	       run->counts[CELL_SKIPPED], run->counts[CELL_FAILED], took);
	printf("bundle: %s\n", run->bundle.final_path);
	table_print(stdout, &run->results, &run->config);
	table_print_counters(stdout, &run->results, &run->config, &run->events);
	table_print_commands(stdout, &run->results);
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

static int run_suite(const struct cli *cli, int argc, char **argv)
{
	struct run run;
	char why[512];
	memset(&run, 0, sizeof run);
	load_suite(cli, &run.config);
	if (topology_init() != 0)
		die("hwloc could not load the machine's topology");
	bool events_typed = false; /* names typed with --events must exist; a suite's may be for other CPUs */
	for (size_t i = 0; i < cli->override_count; i++)
		events_typed |= strcmp(cli->overrides[i].option->key, "events") == 0;
	if (events_resolve(&run.events, run.config.event_names, run.config.event_count, events_typed, why, sizeof why) != 0)
		die_bad_input("option --events: %s", why);
	warn_uncounted_events(&run.events);
	plan_build(&run.plan, &run.config);
	char *worker = xasprintf("%s/spawnbench-worker", binary_dir());
	char *helper = xasprintf("%s/spawnbench-helper", binary_dir());
	run.paths = (struct sampler_paths){ worker, helper };
	worker_link_install_signal_handlers();
	if (bundle_open(&run.bundle, cli->output_dir, &run.config, &run.events, argc, argv, why, sizeof why) != 0)
		die_bad_input("%s", why);
	progress_init(&run.progress, &run.plan, &run.config);
	run_cells(&run);
	int status = finish_run(&run, progress_elapsed(&run.progress));
	results_free(&run.results);
	events_free(&run.events);
	plan_free(&run.plan);
	config_free(&run.config);
	topology_close();
	free(worker);
	free(helper);
	return status;
}

/* Charts (and the report) of an existing bundle, measuring nothing. */
static int redraw_bundle(const char *argument, bool with_report)
{
	char path[PATH_MAX], why[600];
	struct loaded_bundle bundle;
	struct chart_report charts;
	if (bundle_resolve(argument, path, sizeof path, why, sizeof why) != 0 || bundle_load(path, &bundle, why, sizeof why) != 0)
		die_bad_input("%s", why);
	size_t drawn = plots_render(&bundle, path, &charts);
	printf("%s/plots: %zu of %zu charts drawn\n", path, drawn, charts.count);
	for (size_t i = 0; i < charts.count; i++)
		if (charts.charts[i].note[0])
			printf("  %s: %s%s\n", charts.charts[i].name, charts.charts[i].drawn ? "" : "not drawn: ",
			       charts.charts[i].note);
	if (with_report) {
		if (report_write(&bundle, &charts, path) != 0)
			die("cannot write %s/report.md", path);
		printf("%s/report.md written\n", path);
	}
	bundle_unload(&bundle);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	struct cli cli;
	memset(&cli, 0, sizeof cli);
	parse_cli(argc, argv, &cli);
	switch (cli.mode) {
	case MODE_HELP:
		print_help(stdout);
		return EXIT_OK;
	case MODE_VERSION:
		printf("spawnbench %s\n", SPAWNBENCH_VERSION);
		return EXIT_OK;
	case MODE_LIST:
		list_everything();
		return EXIT_OK;
	case MODE_PLOT:
	case MODE_REPORT:
		return redraw_bundle(cli.bundle, cli.mode == MODE_REPORT);
	case MODE_RUN:
		break;
	}
	return run_suite(&cli, argc, argv);
}
