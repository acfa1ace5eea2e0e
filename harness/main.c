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
#include <errno.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bundle_load.h"
#include "compare.h"
#include "compare_output.h"
#include "trend.h"
#include "config.h"
#include "events.h"
#include "export.h"
#include "parse.h"
#include "render.h"
#include "run.h"
#include "safe_output.h"
#include "primitive.h"
#include "util.h"

enum mode { MODE_RUN, MODE_LIST, MODE_HELP, MODE_VERSION, MODE_PLOT, MODE_REPORT, MODE_COMPARE, MODE_TREND, MODE_EXPORT };
static const char *const mode_options[] = { "", "--list", "--help", "--version", "--plot", "--report", "--compare",
					    "--trend", "--export" };

enum fixed_option {
	OPT_SUITE = 1000, OPT_CONFIG, OPT_OUTPUT, OPT_LIST, OPT_HELP, OPT_VERSION, OPT_PLOT, OPT_REPORT, OPT_COMPARE,
	OPT_TREND, OPT_THRESHOLD, OPT_EXPORT, OPT_BISECT, OPT_CELLS, OPT_RUNS_PER_SIDE, OPT_DRY_RUN, OPT_KERNEL, OPT_TABLE_BASE
};

/* `spawnbench COMMAND ...`: each command is the mode its --option alias selects. */
static const struct command {
	const char *name;
	enum mode mode;
	const char *usage;
} commands[] = {
	{ "run", MODE_RUN, "run [--suite NAME | --config FILE] [OPTION...]   measure a suite (the default)" },
	{ "compare", MODE_COMPARE, "compare OLD NEW                  as --compare" },
	{ "trend", MODE_TREND, "trend DIR DIR...                 as --trend" },
	{ "plot", MODE_PLOT, "plot DIR                         as --plot" },
	{ "report", MODE_REPORT, "report DIR                       as --report" },
	{ "export", MODE_EXPORT, "export bmf|kv DIR                as --export" },
	{ "list", MODE_LIST, "list                             as --list" },
	{ "help", MODE_HELP, "help                             as --help" },
	{ "version", MODE_VERSION, "version                          as --version" },
};

struct override {
	const struct option_spec *option;
	const char *value;
};

struct cli {
	enum mode mode;
	bool mode_given;                  /* by a command or a mode option: another one is an error */
	const char *command;              /* the command word, when the mode came from one */
	const char *suite;
	const char *config_path;
	const char *output_dir;
	const char *kernels[MAX_MATRIX_KERNELS];   /* --kernel, repeatable: the kernel matrix */
	size_t kernel_count;
	const char *bundle;               /* --plot / --report */
	char **positional;                /* --compare OLD NEW, --trend DIR... */
	int positional_count;
	double threshold;                 /* --compare: 0.05 = 5% */
	bool bisect;                      /* --compare speaks git bisect run's exit statuses */
	const char *cells;                /* --cells: the benchmarks --bisect judges, comma-separated name parts */
	unsigned long runs_per_side;      /* --runs-per-side: --compare wants this many bundles per side (0: any) */
	bool dry_run;                     /* --dry-run: print the run's plan, measure nothing */
	enum export_format export_format; /* --export FORMAT BUNDLE */
	struct override overrides[64];
	size_t override_count;
};

static void print_help(FILE *out)
{
	fprintf(out,
		"usage: ./run.sh [--suite NAME | --config FILE] [OPTION...]\n"
		"       ./run.sh --list | --help | --version | --test\n"
		"       ./run.sh COMMAND ...  where COMMAND is one of\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(out, "         %s\n", commands[i].usage);
	fprintf(out, "\n"
		"Measures how Linux creates processes: fork, vfork, posix_spawn, clone and clone-vm,\n"
		"across parent heap sizes and post-creation write ratios, and writes a results bundle.\n\n"
		"  --suite NAME        run configs/NAME.conf (default: fork; see --list)\n"
		"  --config FILE       run the suite in FILE\n"
		"  --output DIR        write the bundle to DIR itself (default: results/<time>_<host>_<kernel>_<suite>)\n"
		"  --list              list suites, primitives, dimensions and the events this machine counts\n"
		"  --plot DIR          redraw the charts and rewrite report.md and reproduce.md of a bundle\n"
		"  --report DIR        the same (DIR: a directory, or a name under results/ such as latest)\n"
		"  --compare OLD NEW   compare two bundles, or runs (OLD1,OLD2 NEW1,NEW2): exit 3 if a cell regressed\n"
		"                      beyond the threshold\n"
		"  --runs-per-side N   with --compare: N bundles on each side, or exit 2\n"
		"  --dry-run           print the run's plan (cells, rounds, the time each group is expected to take\n"
		"                      here) after a short calibration, and measure nothing\n"
		"  --threshold PCT     the practical threshold of --compare (default 5)\n"
		"  --trend DIR...      medians across bundles, ordered by kernel version\n"
		"  --export FMT DIR    print a bundle as bmf (Bencher Metric Format JSON) or kv (LKP's name: value lines)\n"
		"  --bisect            with --compare: exit 0 good, 1 bad (a regression), 125 cannot tell (git bisect run)\n"
		"  --cells PARTS       with --bisect: judge only benchmarks whose name holds one of these, comma-separated\n"
		"                      (names as in bmf.json: fork/exit/heap=1G/...)\n"
		"  --help, --version\n\n"
		"Overrides of the suite's settings (lists are comma-separated):\n");
	size_t count;
	const struct option_spec *options = suite_options(&count);
	for (size_t i = 0; i < count; i++) {
		char name[64];
		snprintf(name, sizeof name, "--%s", options[i].key);
		for (char *c = name; *c; c++)
			*c = *c == '_' ? '-' : *c;
		fprintf(out, "  %-18s %-9s %s\n", name, options[i].metavar, options[i].help);
	}
	fprintf(out, "\nExit status: 0 done, 1 could not run, 2 bad input (nothing written), 3 --compare found a\n"
		     "regression, 130 or 143 interrupted (the bundle keeps the finished cells, marked interrupted).\n");
}

static struct option *long_options(void)
{
	static const struct option fixed[] = {
		{ "suite", required_argument, NULL, OPT_SUITE }, { "config", required_argument, NULL, OPT_CONFIG },
		{ "output", required_argument, NULL, OPT_OUTPUT }, { "list", no_argument, NULL, OPT_LIST },
		{ "help", no_argument, NULL, OPT_HELP },          { "version", no_argument, NULL, OPT_VERSION },
		{ "plot", required_argument, NULL, OPT_PLOT },    { "report", required_argument, NULL, OPT_REPORT },
		{ "compare", no_argument, NULL, OPT_COMPARE },    { "trend", no_argument, NULL, OPT_TREND },
		{ "threshold", required_argument, NULL, OPT_THRESHOLD }, { "export", required_argument, NULL, OPT_EXPORT },
		{ "bisect", no_argument, NULL, OPT_BISECT },      { "cells", required_argument, NULL, OPT_CELLS },
		{ "runs-per-side", required_argument, NULL, OPT_RUNS_PER_SIDE }, { "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "kernel", required_argument, NULL, OPT_KERNEL },
	};
	size_t fixed_count = sizeof fixed / sizeof fixed[0];
	size_t suite_count;
	const struct option_spec *suite = suite_options(&suite_count);
	struct option *options = xcalloc(fixed_count + suite_count + 1, sizeof *options);
	memcpy(options, fixed, sizeof fixed);
	for (size_t i = 0; i < suite_count; i++) {
		char *name = xstrdup(suite[i].key);
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

/* "5", "5%" or "2.5": a percentage above 0 and below 100. */
static double parse_threshold(const char *text)
{
	char *end;
	double percent = strtod(text, &end);
	if (end == text || (*end && strcmp(end, "%") != 0) || !(percent > 0 && percent < 100))
		die_bad_input("option --threshold %s: not a percentage above 0 and below 100 (5 means 5%%)", text);
	return percent / 100;
}

static enum export_format parse_export_format(const char *text)
{
	int index = name_index(export_format_names, EXPORT_FORMAT_COUNT, text);
	if (index < 0)
		die_bad_input("option --export %s: not one of bmf, kv", text);
	return (enum export_format)index;
}

/* One run mode per call: a second one is an error, not "the last one wins". */
static void set_mode(struct cli *cli, enum mode mode)
{
	if (cli->mode_given && cli->mode != mode)
		die_bad_input("give one of %s and %s, not both",
			      cli->command ? cli->command : mode_options[cli->mode], mode_options[mode]);
	cli->mode = mode;
	cli->mode_given = true;
}

/* The command word in argv[1], if any: its mode is set; returns how many words it took (0 or 1). */
static int take_command(int argc, char **argv, struct cli *cli)
{
	if (argc < 2 || argv[1][0] == '-')
		return 0;
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[1], commands[i].name) == 0) {
			set_mode(cli, commands[i].mode);
			cli->command = commands[i].name;
			return 1;
		}
	die_bad_input("unknown command '%s': run, compare, trend, plot, report, export, list, help or version", argv[1]);
}

/* plot DIR, report DIR and export FORMAT DIR take as arguments what their options take as values. */
static void command_arguments(struct cli *cli)
{
	if (!cli->command)
		return;
	if ((cli->mode == MODE_PLOT || cli->mode == MODE_REPORT) && !cli->bundle) {
		if (cli->positional_count != 1)
			die_bad_input("%s takes one bundle (given %d)", cli->command, cli->positional_count);
		cli->bundle = cli->positional[0];
		cli->positional_count = 0;
	}
	if (cli->mode == MODE_EXPORT && cli->positional_count == 2) {
		cli->export_format = parse_export_format(cli->positional[0]);
		cli->positional++;
		cli->positional_count--;
	}
}

static void check_cli(const struct cli *cli);

static void parse_cli(int argc, char **argv, struct cli *cli)
{
	struct option *options = long_options();
	int option;
	opterr = 0;
	/* after a command word, the options are parsed as if it were the program's name */
	int taken = take_command(argc, argv, cli);
	argc -= taken;
	argv += taken;
	while ((option = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (option) {
		case OPT_SUITE: cli->suite = optarg; break;
		case OPT_CONFIG: cli->config_path = optarg; break;
		case OPT_OUTPUT: cli->output_dir = optarg; break;
		case OPT_LIST: set_mode(cli, MODE_LIST); break;
		case OPT_HELP: set_mode(cli, MODE_HELP); break;
		case OPT_VERSION: set_mode(cli, MODE_VERSION); break;
		case OPT_PLOT: set_mode(cli, MODE_PLOT); cli->bundle = optarg; break;
		case OPT_REPORT: set_mode(cli, MODE_REPORT); cli->bundle = optarg; break;
		case OPT_COMPARE: set_mode(cli, MODE_COMPARE); break;
		case OPT_TREND: set_mode(cli, MODE_TREND); break;
		case OPT_EXPORT: set_mode(cli, MODE_EXPORT); cli->export_format = parse_export_format(optarg); break;
		case OPT_THRESHOLD: cli->threshold = parse_threshold(optarg); break;
		case OPT_BISECT: cli->bisect = true; set_bad_input_status(BISECT_SKIP); break;
		case OPT_CELLS: cli->cells = optarg; break;
		case OPT_DRY_RUN: cli->dry_run = true; break;
		case OPT_KERNEL:
			if (cli->kernel_count == MAX_MATRIX_KERNELS)
				die_bad_input("--kernel: at most %d kernels", MAX_MATRIX_KERNELS);
			cli->kernels[cli->kernel_count++] = optarg;
			break;
		case OPT_RUNS_PER_SIDE: {
			char why[128];
			if (parse_count(optarg, 1, MAX_RUNS_PER_SIDE, &cli->runs_per_side, why, sizeof why) != 0)
				die_bad_input("option --runs-per-side %s: %s", optarg, why);
			break;
		}
		case '?':
			die_bad_input("option %s: %s (see --help)", argv[optind - 1],
				      optopt ? "needs a value" : "unknown option");
		default:
			if (cli->override_count == sizeof cli->overrides / sizeof cli->overrides[0])
				die_bad_input("too many overrides");
			cli->overrides[cli->override_count++] =
				(struct override){ &suite_options(&(size_t){ 0 })[option - OPT_TABLE_BASE], optarg };
		}
	}
	free_long_options(options);
	cli->positional = argv + optind;
	cli->positional_count = argc - optind;
	command_arguments(cli);
	check_cli(cli);
}

/* What the options and arguments say together: each mode's arguments, and options that go with one mode only. */
static void check_cli(const struct cli *cli)
{
	if (cli->mode == MODE_COMPARE && cli->positional_count != 2)
		die_bad_input("--compare takes two bundles, OLD and NEW (given %d)", cli->positional_count);
	if (cli->mode == MODE_TREND && cli->positional_count < 2)
		die_bad_input("--trend takes two bundles or more (given %d)", cli->positional_count);
	if (cli->mode == MODE_EXPORT && cli->positional_count != 1)
		die_bad_input("--export takes one bundle (given %d)", cli->positional_count);
	if ((cli->bisect || cli->cells || cli->runs_per_side) && cli->mode != MODE_COMPARE)
		die_bad_input("--bisect, --cells and --runs-per-side go with --compare");
	if (cli->cells && !cli->bisect)
		die_bad_input("--cells goes with --bisect");
	if (cli->mode != MODE_COMPARE && cli->mode != MODE_TREND && cli->mode != MODE_EXPORT && cli->positional_count)
		die_bad_input("unexpected argument '%s' (see --help)", cli->positional[0]);
	if (cli->suite && cli->config_path)
		die_bad_input("give --suite or --config, not both");
	if (cli->dry_run && cli->mode != MODE_RUN)
		die_bad_input("--dry-run goes with a run (--suite or --config)");
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

static bool override_given(const struct cli *cli, const char *key)
{
	for (size_t i = 0; i < cli->override_count; i++)
		if (strcmp(cli->overrides[i].option->key, key) == 0)
			return true;
	return false;
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
		if (config_set(config, NULL, o->option->key, o->value, why, sizeof why) != 0) {
			char *shown = text_escape_controls(o->value), option[64];
			snprintf(option, sizeof option, "%s", o->option->key);
			for (char *c = option; *c; c++) /* as it was typed: --thread-mode, not the suite key thread_mode */
				*c = *c == '_' ? '-' : *c;
			die_bad_input("option --%s %s: %s", option, shown, why);
		}
		config_add_override(config, o->option->key, o->value);
	}
	if (override_given(cli, "budget") && !override_given(cli, "time")) {
		/* a budget per cell asked for on the command line: the suite's time plan gives way to it */
		config_set(config, NULL, "time", "none", why, sizeof why);
		config_add_override(config, "time", "none");
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
	printf("\ndimensions (suite key, then the values it takes):\n");
	for (size_t d = 0; d < DIMENSION_COUNT; d++)
		printf("  %-12s %s\n", dimension_table[d].key, dimension_table[d].help);
	printf("\n");
	events_list(stdout);
}

/*
 * Where a comparison or a trend writes: DIR (--output), or results/KIND_<time>,
 * under NAME.partial until done; an existing non-empty DIR is never overwritten.
 */
static void output_paths(const struct cli *cli, const char *kind, char *final_path, char *temp_path, size_t size)
{
	char stamp[32], why[PATH_MAX + 100];
	time_t now = time(NULL);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", gmtime(&now));
	char *wanted = cli->output_dir ? xstrdup(cli->output_dir) : xasprintf("%s/results/%s_%s", project_root(), kind, stamp);
	if (output_dir_choose(wanted, final_path, size, why, sizeof why) != 0)
		die_bad_input("%s", why);
	free(wanted);
	snprintf(temp_path, size, "%s.partial", final_path);
	if (mkdir(temp_path, 0755) != 0)
		die("cannot create %s: %s", temp_path, strerror(errno));
}

static void resolve_or_die(const char *argument, char *path, size_t size)
{
	char why[600];
	if (bundle_resolve(argument, path, size, why, sizeof why) != 0)
		die_bad_input("%s", why);
}

/* Whether a benchmark name holds one of the comma-separated parts (all match without --cells). */
static bool cell_selected(const char *cells, const struct comparison_row *row)
{
	if (!cells)
		return true;
	char name[1100], *copy = xstrdup(cells), *save = NULL;
	export_benchmark_name(&row->cell, phase_names[row->phase], name, sizeof name);
	bool selected = false;
	for (char *part = strtok_r(copy, ",", &save); part && !selected; part = strtok_r(NULL, ",", &save))
		selected = *trim(part) && strstr(name, trim(part));
	free(copy);
	return selected;
}

/*
 * git bisect run's answer: 125 when the bundles cannot tell (one failed or
 * interrupted, or its timings are emulated), 1 when a selected cell regressed,
 * 0 otherwise. One line says which and why.
 */
static int bisect_verdict(const struct cli *cli, const struct comparison *c)
{
	const struct loaded_bundle *sides[] = { &c->old, &c->new };
	for (int i = 0; i < 2; i++) {
		if (strcmp(sides[i]->status, "complete") != 0) {
			printf("bisect: skip (125): %s is marked %s\n", sides[i]->path, sides[i]->status);
			return BISECT_SKIP;
		}
		if (json_is_true(json_object_get(sides[i]->meta, "emulated"))) {
			printf("bisect: skip (125): %s was measured under emulation: its timings say nothing of the kernel\n",
			       sides[i]->path);
			return BISECT_SKIP;
		}
	}
	if (c->confounded) {
		printf("bisect: skip (125): the machine probes moved between the two runs: the machine, not only the kernel, changed\n");
		return BISECT_SKIP;
	}
	size_t selected = 0, regressions = 0;
	for (size_t i = 0; i < c->count; i++)
		if (cell_selected(cli->cells, &c->rows[i])) {
			selected++;
			regressions += c->rows[i].verdict == VERDICT_REGRESSION;
		}
	if (!selected) {
		printf("bisect: skip (125): no compared cell matches --cells %s\n", cli->cells ? cli->cells : "");
		return BISECT_SKIP;
	}
	printf("bisect: %s: %zu of %zu selected cell phases regressed beyond %.1f%%\n", regressions ? "bad (1)" : "good (0)",
	       regressions, selected, 100 * c->threshold);
	return regressions ? BISECT_BAD : BISECT_GOOD;
}

/*
 * A side of --compare: one bundle, or several runs apart by commas
 * ("base1,base2"); an argument that names a bundle whole is one, commas and all.
 * Returns the paths (free with free_paths) and their count in *count.
 */
static char **side_paths(const char *argument, const char *side, size_t *count)
{
	char path[PATH_MAX], why[PATH_MAX + 100], **paths = xcalloc(MAX_RUNS_PER_SIDE + 1, sizeof *paths);
	*count = 0;
	if (bundle_resolve(argument, path, sizeof path, why, sizeof why) == 0) {
		paths[(*count)++] = xstrdup(path);
		return paths;
	}
	char *copy = xstrdup(argument), *save = NULL;
	for (char *part = strtok_r(copy, ",", &save); part; part = strtok_r(NULL, ",", &save)) {
		if (*count == MAX_RUNS_PER_SIDE)
			die_bad_input("--compare: more than %d bundles on the %s side", MAX_RUNS_PER_SIDE, side);
		resolve_or_die(part, path, sizeof path);
		paths[(*count)++] = xstrdup(path);
	}
	free(copy);
	if (!*count)
		die_bad_input("--compare: no bundle on the %s side", side);
	return paths;
}

static void free_paths(char **paths)
{
	for (char **p = paths; *p; p++)
		free(*p);
	free(paths);
}

static int compare_main(const struct cli *cli)
{
	char final_path[PATH_MAX], temp_path[PATH_MAX], why[700];
	struct comparison comparison;
	size_t old_count, new_count;
	char **old_paths = side_paths(cli->positional[0], "old", &old_count);
	char **new_paths = side_paths(cli->positional[1], "new", &new_count);
	if (cli->runs_per_side && (old_count != cli->runs_per_side || new_count != cli->runs_per_side))
		die_bad_input("--runs-per-side %lu: the old side has %zu bundles, the new side %zu", cli->runs_per_side,
			      old_count, new_count);
	if (compare_bundles(old_paths, old_count, new_paths, new_count, cli->threshold, &comparison, why, sizeof why) != 0)
		die_bad_input("%s", why);
	free_paths(old_paths);
	free_paths(new_paths);
	output_paths(cli, "compare", final_path, temp_path, sizeof final_path);
	comparison_print(stdout, &comparison, false);
	if (comparison_write(&comparison, temp_path) != 0 || rename(temp_path, final_path) != 0) {
		if (cli->bisect)
			exit(BISECT_SKIP);
		die("cannot write the comparison in %s", temp_path);
	}
	printf("\ncompare.md, compare.csv and the chart: %s\n", final_path);
	size_t regressions = comparison_count(&comparison, VERDICT_REGRESSION);
	int status = cli->bisect ? bisect_verdict(cli, &comparison) : regressions ? EXIT_REGRESSION : EXIT_OK;
	comparison_free(&comparison);
	return status;
}

static int trend_main(const struct cli *cli)
{
	char final_path[PATH_MAX], temp_path[PATH_MAX], why[700];
	char **paths = xcalloc((size_t)cli->positional_count, sizeof *paths);
	struct trend trend;
	for (int i = 0; i < cli->positional_count; i++) {
		paths[i] = xmalloc(PATH_MAX);
		resolve_or_die(cli->positional[i], paths[i], PATH_MAX);
	}
	if (trend_load(paths, (size_t)cli->positional_count, &trend, why, sizeof why) != 0)
		die_bad_input("%s", why);
	for (size_t i = 0; i < trend.count; i++)
		if (strcmp(trend.bundles[i].status, "complete") != 0)
			warn("%s is marked %s: used as it is", trend.bundles[i].path, trend.bundles[i].status);
	output_paths(cli, "trend", final_path, temp_path, sizeof final_path);
	trend_print(stdout, &trend, false);
	if (trend_write(&trend, temp_path) != 0 || rename(temp_path, final_path) != 0)
		die("cannot write the trend in %s", temp_path);
	printf("\ntrend.md, trend.csv and the charts: %s\n", final_path);
	trend_free(&trend);
	for (int i = 0; i < cli->positional_count; i++)
		free(paths[i]);
	free(paths);
	return EXIT_OK;
}

/* DIR/NAME for a kernel matrix's comparison or trend, made anew. */
static char *matrix_output_dir(const struct matrix_bundles *m, const char *name)
{
	char *dir = xasprintf("%s/%s", m->dir, name);
	if (mkdir(dir, 0755) != 0) {
		warn("cannot create %s: %s", dir, strerror(errno));
		free(dir);
		return NULL;
	}
	return dir;
}

/* Each kernel's bundle against the first kernel's: DIR/compare_K_vs_1. */
static void matrix_compare(const struct matrix_bundles *m, size_t k, FILE *index)
{
	char why[700], name[64];
	struct comparison comparison;
	snprintf(name, sizeof name, "compare_%zu_vs_1", k + 1);
	if (compare_bundles(&m->paths[0], 1, &m->paths[k], 1, 0.05, &comparison, why, sizeof why) != 0) {
		warn("kernel matrix: %s", why);
		return;
	}
	char *dir = matrix_output_dir(m, name);
	if (dir && comparison_write(&comparison, dir) == 0)
		fprintf(index, "- [%s](%s/compare.md): kernel %zu against kernel 1, %zu regressions, %zu improvements%s\n",
			name, name, k + 1, comparison_count(&comparison, VERDICT_REGRESSION),
			comparison_count(&comparison, VERDICT_IMPROVEMENT), comparison.emulated ? " (emulated: counts only)" : "");
	free(dir);
	comparison_free(&comparison);
}

static void matrix_trend(const struct matrix_bundles *m, FILE *index)
{
	char why[700], *paths[MAX_MATRIX_KERNELS];
	size_t count = 0;
	struct trend trend;
	for (size_t k = 0; k < m->count; k++)
		if (m->paths[k])
			paths[count++] = m->paths[k];
	if (count < 2 || trend_load(paths, count, &trend, why, sizeof why) != 0)
		return;
	char *dir = matrix_output_dir(m, "trend");
	if (dir && trend_write(&trend, dir) == 0)
		fprintf(index, "- [trend](trend/trend.md): every kernel, ordered by kernel version\n");
	free(dir);
	trend_free(&trend);
}

/* A kernel matrix's index.md, comparisons and trend, beside its bundles. */
static void matrix_outputs(struct matrix_bundles *m)
{
	char *path = xasprintf("%s/index.md", m->dir);
	FILE *index = output_file_create(path);
	if (!index) {
		warn("cannot write %s: %s", path, strerror(errno));
		free(path);
		return;
	}
	fprintf(index, "# spawnbench kernel matrix\n\nOne bundle per kernel, measured side by side in virtual machines, "
		       "their rounds interleaved.\n\n## Bundles\n\n");
	for (size_t k = 0; k < m->count; k++) {
		const char *base = m->paths[k] ? strrchr(m->paths[k], '/') + 1 : NULL;
		if (base)
			fprintf(index, "- kernel %zu: [%s](%s/report.md)\n", k + 1, base, base);
		else
			fprintf(index, "- kernel %zu: did not boot; its bundle (marked failed) keeps the console log\n", k + 1);
	}
	fprintf(index, "\n## Comparisons and trend\n\n");
	for (size_t k = 1; k < m->count; k++)
		if (m->paths[0] && m->paths[k])
			matrix_compare(m, k, index);
	matrix_trend(m, index);
	fclose(index);
	printf("kernel matrix: %s (index.md)\n", m->dir);
	free(path);
	for (size_t k = 0; k < m->count; k++)
		free(m->paths[k]);
	free(m->dir);
}

/* A bundle as bmf or kv on standard output. */
static int export_main(const struct cli *cli)
{
	char path[PATH_MAX], why[600];
	struct loaded_bundle bundle;
	resolve_or_die(cli->positional[0], path, sizeof path);
	if (bundle_load(path, &bundle, why, sizeof why) != 0)
		die_bad_input("%s", why);
	int written = export_write(&bundle, cli->export_format, stdout);
	bundle_unload(&bundle);
	if (written != 0 || fflush(stdout) != 0)
		die("could not write the export to standard output");
	return EXIT_OK;
}

/* Charts (and the report) of an existing bundle, measuring nothing. */
static int redraw_bundle(const char *argument)
{
	char path[PATH_MAX], why[600];
	struct chart_report charts;
	resolve_or_die(argument, path, sizeof path);
	int drawn = render_bundle(path, &charts, why, sizeof why);
	if (drawn < 0)
		die_bad_input("%s", why);
	printf("%s: %d of %zu charts drawn; report.md and reproduce.md written\n", path, drawn, charts.count);
	for (size_t i = 0; i < charts.count; i++)
		if (charts.charts[i].note[0])
			printf("  %s: %s%s\n", charts.charts[i].name, charts.charts[i].drawn ? "" : "not drawn: ",
			       charts.charts[i].note);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	struct cli cli;
	memset(&cli, 0, sizeof cli);
	cli.threshold = 0.05;
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
		return redraw_bundle(cli.bundle);
	case MODE_COMPARE:
		return compare_main(&cli);
	case MODE_TREND:
		return trend_main(&cli);
	case MODE_EXPORT:
		return export_main(&cli);
	case MODE_RUN:
		break;
	}
	struct suite_config config;
	load_suite(&cli, &config);
	bool events_typed = false; /* names typed with --events must exist; a suite's may be for other CPUs */
	for (size_t i = 0; i < cli.override_count; i++)
		events_typed |= strcmp(cli.overrides[i].option->key, "events") == 0;
	struct matrix_bundles matrix = { .count = 0 };
	struct run_request request = { .events_typed = events_typed, .dry_run = cli.dry_run, .output_dir = cli.output_dir,
				       .argc = argc, .argv = argv, .renderer = &bundle_renderer,
				       .kernel_count = cli.kernel_count, .matrix = &matrix };
	memcpy(request.kernels, cli.kernels, sizeof request.kernels);
	if (cli.kernel_count && cli.dry_run)
		die_bad_input("--dry-run calibrates on the host: it does not go with --kernel");
	int status = run_suite(&config, &request);
	if (matrix.dir)
		matrix_outputs(&matrix);
	return status;
}
