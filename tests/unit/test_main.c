/* Unit tests: pure helpers of the orchestrator, table-driven where it helps. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "config.h"
#include "parse.h"
#include "plan.h"
#include "primitive.h"
#include "stats.h"
#include "tests.h"

static void test_sizes(void **state)
{
	(void)state;
	static const struct { const char *text; uint64_t bytes; } good[] = {
		{ "0", 0 }, { "4096", 4096 }, { "4K", 4096 }, { "4KiB", 4096 }, { "64M", 64ull << 20 },
		{ "1G", 1ull << 30 }, { "1.5G", 3ull << 29 }, { "2GiB", 2ull << 30 }, { "1T", 1ull << 40 },
	};
	static const char *const bad[] = { "", "5X", "-1M", "1000", "0.5K", "M", "1G2", "nan", "2P" };
	char why[128];
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		uint64_t bytes = 1;
		assert_int_equal(parse_size(good[i].text, &bytes, why, sizeof why), 0);
		assert_true(bytes == good[i].bytes);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		uint64_t bytes;
		why[0] = '\0';
		assert_int_equal(parse_size(bad[i], &bytes, why, sizeof why), -1);
		assert_true(why[0] != '\0');
	}
}

static void test_format_size(void **state)
{
	(void)state;
	static const struct { uint64_t bytes; const char *text; } cases[] = {
		{ 0, "0" }, { 4096, "4K" }, { 1ull << 20, "1M" }, { 3ull << 29, "1536M" }, { 4ull << 30, "4G" }, { 100, "100" },
	};
	char text[32];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		format_size(cases[i].bytes, text, sizeof text);
		assert_string_equal(text, cases[i].text);
	}
}

static void test_ratios_durations_layouts(void **state)
{
	(void)state;
	char why[128];
	double value;
	unsigned fragments;
	assert_int_equal(parse_ratio("0.5", &value, why, sizeof why), 0);
	assert_true(value == 0.5);
	assert_int_equal(parse_ratio("1.01", &value, why, sizeof why), -1);
	assert_int_equal(parse_ratio("-0.1", &value, why, sizeof why), -1);
	assert_int_equal(parse_duration("500ms", &value, why, sizeof why), 0);
	assert_true(fabs(value - 0.5) < 1e-12);
	assert_int_equal(parse_duration("2m", &value, why, sizeof why), 0);
	assert_true(value == 120);
	assert_int_equal(parse_duration("0s", &value, why, sizeof why), -1);
	assert_int_equal(parse_duration("3 hours", &value, why, sizeof why), -1);
	assert_int_equal(parse_layout("contiguous", &fragments, why, sizeof why), 0);
	assert_int_equal(fragments, 0);
	assert_int_equal(parse_layout("fragmented:1000", &fragments, why, sizeof why), 0);
	assert_int_equal(fragments, 1000);
	assert_int_equal(parse_layout("fragmented:1", &fragments, why, sizeof why), -1);
	assert_int_equal(parse_layout("fragmented", &fragments, why, sizeof why), -1);
}

static void test_split_list(void **state)
{
	(void)state;
	char text[] = " fork ,vfork,  clone-vm ";
	char *items[4];
	assert_int_equal(split_list(text, items, 4), 3);
	assert_string_equal(items[0], "fork");
	assert_string_equal(items[2], "clone-vm");
	char empty_item[] = "fork,,vfork";
	assert_int_equal(split_list(empty_item, items, 4), -1);
	char too_many[] = "a,b,c";
	assert_int_equal(split_list(too_many, items, 2), -1);
}

/* Writes text to a temporary INI file; returns its path (static storage). */
static const char *write_config(const char *text)
{
	static char path[] = "/tmp/spawnbench-test-XXXXXX.conf";
	strcpy(path, "/tmp/spawnbench-test-XXXXXX.conf");
	int fd = mkstemps(path, 5);
	assert_true(fd >= 0);
	assert_true(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void expect_config_error(const char *text, const char *expected)
{
	struct suite_config config;
	char why[512];
	const char *path = write_config(text);
	config_init(&config);
	assert_int_equal(config_load(&config, path, why, sizeof why), -1);
	char *located = strstr(why, path);
	assert_non_null(located);
	if (!strstr(why, expected))
		fail_msg("expected '%s' in '%s'", expected, why);
	config_free(&config);
	unlink(path);
}

static void test_config_errors(void **state)
{
	(void)state;
	expect_config_error("[suite]\nheap = 0, 1M\nfrobnicate = 3\n", ":3: unknown key 'frobnicate'");
	expect_config_error("[suite]\n; a comment\nheap = 0, 5X\n", ":3: heap = 0, 5X: '5X' is not a size");
	expect_config_error("[suite]\nprimitives = fork, spork\n", ":2: primitives = fork, spork: 'spork' is not one of");
	expect_config_error("[suite]\nbudget = 2s\n", ":2: key 'budget' belongs in [sampling]");
	expect_config_error("[sampling]\nmin_iterations = -3\n", ":2: min_iterations = -3: not a whole number");
	expect_config_error("[suite]\nratios = 0, 0.5, 0.5\n", "'0.5' is listed twice");
	expect_config_error("[suite]\nthis line is no ini\n", ":2:");
}

static void test_config_loads(void **state)
{
	(void)state;
	struct suite_config config;
	char why[512];
	const char *path = write_config("[suite]\nprimitives = vfork, fork\nheap = 0, 64M\nlayout = contiguous, "
					"fragmented:100\n[sampling]\nbudget = 250ms\n");
	config_init(&config);
	assert_int_equal(config_load(&config, path, why, sizeof why), 0);
	assert_int_equal(config.axes.counts[DIMENSION_PRIMITIVE], 2);
	assert_string_equal(primitive_table[(unsigned)config.axes.values[DIMENSION_PRIMITIVE][0]]->name, "vfork");
	assert_true(config.axes.values[DIMENSION_HEAP][1] == 64ull << 20);
	assert_true(config.axes.values[DIMENSION_LAYOUT][1] == 100);
	assert_true(fabs(config.budget_seconds - 0.25) < 1e-12);
	assert_int_equal(config.min_iterations, 10); /* the built-in default */
	assert_int_equal(config_set(&config, NULL, "heap", "1G", why, sizeof why), 0);
	assert_int_equal(config.axes.counts[DIMENSION_HEAP], 1);
	config_free(&config);
	unlink(path);
}

static void test_median_ci_ranks(void **state)
{
	(void)state;
	/* ranks of the order statistics bounding a 95% CI of the median (binomial tables) */
	static const struct { size_t n, lo, hi; } cases[] = {
		{ 6, 1, 6 }, { 10, 2, 9 }, { 20, 6, 15 }, { 100, 40, 61 },
	};
	size_t lo, hi;
	assert_false(median_ci_ranks(5, &lo, &hi));
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_true(median_ci_ranks(cases[i].n, &lo, &hi));
		assert_int_equal(lo, cases[i].lo);
		assert_int_equal(hi, cases[i].hi);
	}
}

/* count values around median (lognormal, sigma), round r of them shifted by factor when r == shifted_round. */
static void rounds_of(double *values, double *round, size_t rounds, size_t per_round, double median, size_t shifted_round,
		      double factor, unsigned long seed)
{
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, seed);
	for (size_t r = 0; r < rounds; r++)
		for (size_t i = 0; i < per_round; i++) {
			values[r * per_round + i] = median * exp(gsl_ran_gaussian(rng, 0.05)) * (r == shifted_round ? factor : 1);
			round[r * per_round + i] = (double)r;
		}
	gsl_rng_free(rng);
}

static void test_rounds_are_clusters(void **state)
{
	(void)state;
	enum { ROUNDS = 5, PER_ROUND = 200, N = ROUNDS * PER_ROUND };
	double values[N], round[N];
	struct summary pooled, clustered;
	/* one round of five landed in another mode of the machine (x1.5): the interval must say so */
	rounds_of(values, round, ROUNDS, PER_ROUND, 100, 2, 1.5, 1);
	summarize(values, N, &pooled);
	summarize_rounds(values, round, N, &clustered);
	assert_int_equal(clustered.rounds, 5);
	assert_true(clustered.ci_high - clustered.ci_low > 5 * (pooled.ci_high - pooled.ci_low));
	assert_true(clustered.ci_low <= clustered.median && clustered.median <= clustered.ci_high);
	assert_true(clustered.between_share > 0.9);
	/* no drift: about the pooled precision, and little of the variance between rounds */
	rounds_of(values, round, ROUNDS, PER_ROUND, 100, ROUNDS, 1, 2);
	summarize(values, N, &pooled);
	summarize_rounds(values, round, N, &clustered);
	assert_true(clustered.ci_high - clustered.ci_low < 3 * (pooled.ci_high - pooled.ci_low));
	assert_true(fabs(clustered.median - pooled.median) < 0.01 * pooled.median);
	if (!(clustered.between_share < 0.5))
		fail_msg("no drift, yet a between-round share of %.3f", clustered.between_share);
	/* one round far off (a worker in another mode of the machine): the interval widens, among the values the rounds gave */
	rounds_of(values, round, ROUNDS, PER_ROUND, 90, 4, 3.7, 3);
	summarize(values, N, &pooled);
	summarize_rounds(values, round, N, &clustered);
	assert_true(clustered.ci_low >= pooled.min && clustered.ci_high <= pooled.max);
	assert_true(clustered.ci_high - clustered.ci_low > 5 * (pooled.ci_high - pooled.ci_low));
	/* each round weighs the same however many values it gave: 1000 at 10 and 10 at 20 have median 15 */
	double uneven[1010], uneven_round[1010];
	for (size_t i = 0; i < 1010; i++) {
		uneven[i] = i < 1000 ? 10 : 20;
		uneven_round[i] = i < 1000 ? 0 : 1;
	}
	summarize_rounds(uneven, uneven_round, 1010, &clustered);
	assert_true(clustered.median == 15);
	summarize(uneven, 1010, &pooled);
	assert_true(pooled.median == 10);
	/* one round: the distribution-free interval of that round */
	for (size_t i = 0; i < N; i++)
		round[i] = 0;
	summarize(values, N, &pooled);
	summarize_rounds(values, round, N, &clustered);
	assert_int_equal(clustered.rounds, 1);
	assert_true(clustered.ci_low == pooled.ci_low && clustered.ci_high == pooled.ci_high);
	assert_true(isnan(clustered.between_share));
}

static void test_summarize(void **state)
{
	(void)state;
	double values[10] = { 10, 9, 8, 7, 6, 5, 4, 3, 2, 1 };
	struct summary s;
	summarize(values, 10, &s);
	assert_int_equal(s.n, 10);
	assert_true(s.median == 5.5);
	assert_true(s.mean == 5.5);
	assert_true(fabs(s.stddev - 3.0276503540974917) < 1e-12);
	assert_true(s.min == 1 && s.max == 10);
	assert_true(fabs(s.p90 - 9.1) < 1e-12); /* linear interpolation between order statistics */
	assert_true(s.ci_low == 2 && s.ci_high == 9);
	assert_int_equal(s.outliers, 0);

	double with_outlier[6] = { 1, 2, 3, 4, 100, NAN };
	summarize(with_outlier, 6, &s);
	assert_int_equal(s.n, 5); /* NaN skipped */
	assert_true(s.median == 3);
	assert_int_equal(s.outliers, 1);
	assert_true(isnan(s.ci_low)); /* n = 5: no distribution-free 95% interval */
}

static void test_fit_line(void **state)
{
	(void)state;
	double x[] = { 0, 0.25, 1, 4 }, y[4];
	for (int i = 0; i < 4; i++)
		y[i] = 140 + 36000 * x[i];
	struct linear_fit fit;
	assert_true(fit_line(x, y, 4, &fit));
	assert_true(fabs(fit.intercept - 140) < 1e-6 && fabs(fit.slope - 36000) < 1e-6 && fabs(fit.r2 - 1) < 1e-12);
	double same_x[] = { 1, 1, 1 };
	assert_false(fit_line(same_x, y, 3, &fit));
	double noisy_y[] = { 1, 3, 2, 4 }, noisy_x[] = { 1, 2, 3, 4 };
	assert_true(fit_line(noisy_x, noisy_y, 4, &fit));
	assert_true(fabs(fit.slope - 0.8) < 1e-12 && fabs(fit.r2 - 0.64) < 1e-12);
}

static struct cell make_cell(const char *primitive, enum action action, uint64_t heap, double ratio,
			     enum writer writer)
{
	return (struct cell){ .creators = 1, .primitive = (unsigned)primitive_index(primitive), .action = action,
			      .heap_bytes = heap, .write_ratio = ratio, .writer = writer };
}

static void test_not_applicable_rules(void **state)
{
	(void)state;
	struct suite_config config;
	char why[160];
	config_init(&config); /* ratios 0, writer child, pattern sequential */
	static const struct { const char *primitive; enum action action; uint64_t heap; double ratio; enum writer writer;
			      enum backing backing; unsigned fragments; const char *reason; } cases[] = {
		{ "fork", ACTION_EXIT, 1 << 20, 0.5, WRITER_CHILD, BACKING_PRIVATE, 0, NULL },
		{ "posix_spawn", ACTION_EXIT, 0, 0, WRITER_CHILD, BACKING_PRIVATE, 0, "always execs" },
		{ "posix_spawn", ACTION_EXEC, 0, 0, WRITER_CHILD, BACKING_PRIVATE, 0, NULL },
		{ "posix_spawn", ACTION_EXEC, 1 << 20, 0.5, WRITER_CHILD, BACKING_PRIVATE, 0, "exec'd program" },
		{ "vfork", ACTION_EXIT, 1 << 20, 0.5, WRITER_CHILD, BACKING_PRIVATE, 0, "undefined" },
		{ "vfork", ACTION_EXIT, 1 << 20, 0.5, WRITER_PARENT, BACKING_PRIVATE, 0, NULL },
		{ "vfork", ACTION_EXIT, 1 << 20, 0, WRITER_CHILD, BACKING_PRIVATE, 0, NULL },
		{ "clone-vm", ACTION_EXIT, 1 << 20, 1, WRITER_CHILD, BACKING_PRIVATE, 0, NULL }, /* the control */
		{ "fork", ACTION_EXIT, 0, 0.5, WRITER_CHILD, BACKING_PRIVATE, 0, "writes nothing" },
		{ "fork", ACTION_EXIT, 1 << 20, 0, WRITER_PARENT, BACKING_PRIVATE, 0, "writes nothing" },
		{ "fork", ACTION_EXIT, 1 << 20, 0, WRITER_CHILD, BACKING_THP, 0, "at least 2M" },
		{ "fork", ACTION_EXIT, 4 << 20, 0, WRITER_CHILD, BACKING_THP, 0, NULL },
		{ "fork", ACTION_EXIT, 1 << 20, 0, WRITER_CHILD, BACKING_PRIVATE, 1000, "at least 1000 pages" },
		{ "fork", ACTION_EXIT, 64 << 20, 0, WRITER_CHILD, BACKING_PRIVATE, 1000, NULL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct cell cell = make_cell(cases[i].primitive, cases[i].action, cases[i].heap, cases[i].ratio,
					     cases[i].writer);
		cell.backing = cases[i].backing;
		cell.fragments = cases[i].fragments;
		const char *reason = cell_not_applicable(&cell, &config, why, sizeof why);
		if (!cases[i].reason && reason)
			fail_msg("case %zu: unexpected n/a: %s", i, reason);
		if (cases[i].reason && (!reason || !strstr(reason, cases[i].reason)))
			fail_msg("case %zu: expected n/a '%s', got '%s'", i, cases[i].reason, reason ? reason : "(none)");
	}
	config_free(&config);
}

static void test_sweeps(void **state)
{
	(void)state;
	struct suite_config config;
	struct plan plan;
	char why[512];
	/* two sweeps sharing fork+exit at heap 0: planned once */
	const char *path = write_config("[suite]\nprimitives = fork\nheap = 0\n"
					"[sweep heaps]\nheap = 0, 1M, 64M\n"
					"[sweep shell]\naction = exit, exec\nexec = /bin/sh -c true\n");
	config_init(&config);
	assert_int_equal(config_load(&config, path, why, sizeof why), 0);
	assert_int_equal(config.sweep_count, 2);
	plan_build(&plan, &config);
	assert_int_equal(plan.count, 3 + 1); /* fork exit at 0, 1M, 64M; fork exec of the shell at 0 */
	const struct cell *shell = &plan.cells[3].cell;
	assert_int_equal(shell->action, ACTION_EXEC);
	assert_int_equal(shell->measurer, MEASURER_WORKER);
	assert_string_equal(shell->exec_program, "/bin/sh -c true");
	assert_null(shell->command_line);
	plan_free(&plan);
	config_free(&config);
	unlink(path);
	expect_config_error("[suite]\nheap = 0\n[sweep x]\nbudget = 2s\n", ":4: [sweep x] budget: a sweep sets [suite] keys only");
	expect_config_error("[suite]\nheap = 0\n[sweep x]\nheap = 5X\n", ":4: heap = 5X: '5X' is not a size");
}

static void test_max_map_count_rule(void **state)
{
	(void)state;
	struct suite_config config;
	char why[160];
	FILE *file = fopen("/proc/sys/vm/max_map_count", "r");
	unsigned long limit = 0;
	if (!file || fscanf(file, "%lu", &limit) != 1 || limit / 2 + 1 > (1ul << 30) / 4096 * 16)
		skip(); /* no limit to test against, or one no heap here could reach */
	fclose(file);
	config_init(&config);
	struct cell cell = make_cell("fork", ACTION_EXIT, 64ull << 30, 0, WRITER_CHILD);
	cell.fragments = (unsigned)(limit / 2 + 1); /* two mappings per fragment: over the limit */
	const char *reason = cell_not_applicable(&cell, &config, why, sizeof why);
	assert_non_null(reason);
	assert_non_null(strstr(reason, "vm.max_map_count"));
	cell.fragments = (unsigned)(limit / 4); /* half the limit: fits */
	assert_null(cell_not_applicable(&cell, &config, why, sizeof why));
	config_free(&config);
}

static void test_plan_counts(void **state)
{
	(void)state;
	struct suite_config config;
	struct plan plan;
	char why[256];
	config_init(&config);
	assert_int_equal(config_set(&config, NULL, "primitives", "fork, vfork, posix_spawn", why, sizeof why), 0);
	assert_int_equal(config_set(&config, NULL, "action", "exit, exec", why, sizeof why), 0);
	assert_int_equal(config_set(&config, NULL, "heap", "0, 64M", why, sizeof why), 0);
	assert_int_equal(config_set(&config, NULL, "ratios", "0, 1", why, sizeof why), 0);
	plan_build(&plan, &config);
	assert_int_equal(plan.count, 3 * 2 * 2 * 2);
	/* fork: 3 per action (0/0, 64M/0, 64M/1); vfork: exit and exec at 0 and 64M, ratio 0 only;
	   posix_spawn: exec only, ratio 0 only */
	assert_int_equal(plan.measured, 3 * 2 + 2 * 2 + 2);
	plan_free(&plan);
	/* the no-write baseline exists whatever the ratios' order: 0.5 first, 0 after */
	assert_int_equal(config_set(&config, NULL, "primitives", "fork", why, sizeof why), 0);
	assert_int_equal(config_set(&config, NULL, "action", "exit", why, sizeof why), 0);
	assert_int_equal(config_set(&config, NULL, "heap", "1M", why, sizeof why), 0);
	assert_int_equal(config_set(&config, NULL, "ratios", "0.5, 0", why, sizeof why), 0);
	plan_build(&plan, &config);
	assert_int_equal(plan.measured, 2);
	for (size_t i = 0; i < plan.count; i++)
		assert_string_equal(plan.cells[i].not_applicable, "");
	plan_free(&plan);
	config_free(&config);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_format_size),
		cmocka_unit_test(test_ratios_durations_layouts),
		cmocka_unit_test(test_split_list),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_config_loads),
		cmocka_unit_test(test_median_ci_ranks),
		cmocka_unit_test(test_summarize),
		cmocka_unit_test(test_rounds_are_clusters),
		cmocka_unit_test(test_fit_line),
		cmocka_unit_test(test_not_applicable_rules),
		cmocka_unit_test(test_sweeps),
		cmocka_unit_test(test_max_map_count_rule),
		cmocka_unit_test(test_plan_counts),
	};
	int failures = cmocka_run_group_tests_name("harness", tests, NULL, NULL);
	failures += _cmocka_run_group_tests("events", event_tests, event_test_count, NULL, NULL);
	failures += _cmocka_run_group_tests("report", report_tests, report_test_count, NULL, NULL);
	failures += _cmocka_run_group_tests("compare", compare_tests, compare_test_count, NULL, NULL);
	failures += _cmocka_run_group_tests("reproduce", reproduce_tests, reproduce_test_count, NULL, NULL);
	failures += _cmocka_run_group_tests("input", input_tests, input_test_count, NULL, NULL);
	failures += _cmocka_run_group_tests("export", export_tests, export_test_count, NULL, NULL);
	failures += _cmocka_run_group_tests("dimension", dimension_tests, dimension_test_count, NULL, NULL);
	failures += _cmocka_run_group_tests("schedule", schedule_tests, schedule_test_count, NULL, NULL);
	failures += _cmocka_run_group_tests("concurrency", concurrency_tests, concurrency_test_count, NULL, NULL);
	failures += _cmocka_run_group_tests("guest", guest_tests, guest_test_count, NULL, NULL);
	return failures;
}
