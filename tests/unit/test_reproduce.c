/* The verdict rules on synthetic data, and the reference data file. */
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

#include "bundle_load.h"
#include "primitive.h"
#include "reproduce.h"
#include "tests.h"
#include "util.h"

/* y = x^power on the claim 1 grid, 16 MiB to 4 GiB (in GiB). */
static void power_series(double power, double *x, double *y)
{
	static const double grid[] = { 1.0 / 64, 1.0 / 16, 0.25, 1, 4 };
	for (int i = 0; i < 5; i++) {
		x[i] = grid[i];
		y[i] = 1000 * pow(grid[i], power);
	}
}

static void test_linear_rule(void **state)
{
	(void)state;
	double x[5], y[5];
	struct line_check line;
	/* must accept: a fixed cost plus a cost per GiB, exactly and with a few percent of noise */
	static const double noise[] = { 1.05, 0.95, 1.04, 0.97, 1.02 };
	power_series(1, x, y);
	for (int i = 0; i < 5; i++)
		y[i] = (430 + 27800 * x[i]) * noise[i];
	assert_int_equal(rule_linear(x, y, 5, &line), SHAPE_YES);
	assert_true(line.slope > 25000 && line.slope < 30000 && line.slope_low > 0);
	for (int i = 0; i < 5; i++)
		y[i] = 140 + 36000 * x[i];
	assert_int_equal(rule_linear(x, y, 5, &line), SHAPE_YES);
	assert_true(fabs(line.slope - 36000) < 1e-6 * 36000);
	/* must reject: power laws from x^0.7 to x^1.5, a falling series, a constant one */
	static const double powers[] = { 0.7, 0.9, 1.1, 1.3, 1.5 };
	for (size_t p = 0; p < sizeof powers / sizeof powers[0]; p++) {
		power_series(powers[p], x, y);
		if (rule_linear(x, y, 5, &line) != SHAPE_NO)
			fail_msg("x^%.1f taken as linear (farthest point %.1f%% off)", powers[p], 100 * line.max_relative);
	}
	for (int i = 0; i < 5; i++)
		y[i] = 5000 - 1000 * x[i];
	assert_int_equal(rule_linear(x, y, 5, &line), SHAPE_NO);
	assert_string_equal(line.failed, "it falls");
	double constant[] = { 370, 370, 370, 370, 370 };
	assert_int_equal(rule_linear(x, constant, 5, &line), SHAPE_NO);
	assert_string_equal(line.failed, "no significant slope: flat");
	assert_int_equal(rule_linear(x, y, 2, &line), SHAPE_TOO_FEW); /* two points always fit */
}

static void test_flat_rule(void **state)
{
	(void)state;
	double x[] = { 0, 0.25, 1, 4 }, flat[] = { 410, 452, 430, 400 }, growing[] = { 400, 900, 4000 }, ratio = 0;
	double twice[] = { 400, 500, 650, 800 }, wobbly[] = { 400, 640, 380, 620 };
	assert_int_equal(rule_flat(x, flat, 4, &ratio), SHAPE_YES);
	assert_true(fabs(ratio - 452.0 / 400) < 1e-12);
	assert_int_equal(rule_flat(x, growing, 3, &ratio), SHAPE_NO);
	assert_true(ratio == 10);
	assert_int_equal(rule_flat(x, twice, 4, &ratio), SHAPE_NO); /* grows 2x: not flat, whatever the noise */
	assert_int_equal(rule_flat(x, wobbly, 4, &ratio), SHAPE_YES); /* 1.7x apart, but no slope */
	assert_int_equal(rule_flat(x, flat, 1, &ratio), SHAPE_TOO_FEW);
}

static void test_band_rule(void **state)
{
	(void)state;
	assert_true(rule_in_band(10, 3.9, 23.3));
	assert_false(rule_in_band(41.9, 3.9, 23.3));
	assert_true(rule_in_band(2050, 2076, 2076)); /* a single figure: 25% either way */
	assert_false(rule_in_band(1500, 2076, 2076));
}

static void test_reference_data(void **state)
{
	(void)state;
	struct references refs;
	char why[400];
	char *path = xasprintf("%s/results/reference/published.csv", project_root());
	if (references_load(path, &refs, why, sizeof why) != 0)
		fail_msg("%s", why);
	free(path);
	/* the claims the reproduce suite tests, each with its figure and its source */
	static const int claims[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	for (size_t i = 0; i < sizeof claims / sizeof claims[0]; i++)
		assert_non_null(reference_find(&refs, claims[i], NULL));
	for (size_t i = 0; i < refs.count; i++) {
		assert_true(strlen(refs.rows[i].source) > 10);
		assert_true(strlen(refs.rows[i].published) > 10);
		assert_true(refs.rows[i].low <= refs.rows[i].high && refs.rows[i].low >= 0);
	}
	references_free(&refs);
}

static void test_reference_errors(void **state)
{
	(void)state;
	struct references refs;
	char why[400];
	char dir[] = "/tmp/spawnbench-unit.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *path = xasprintf("%s/published.csv", dir);
	FILE *file = fopen(path, "wx");
	assert_non_null(file);
	fputs("claim,quantity,low,high,unit,published,source\n1,x,5,3,ms,\"a figure\",\"a source\"\n", file);
	fclose(file);
	assert_int_equal(references_load(path, &refs, why, sizeof why), -1);
	assert_non_null(strstr(why, "published.csv:2"));
	remove(path);
	rmdir(dir);
	free(path);
}

/* A fork+exit cell of a private heap with this create median, as a loaded bundle holds it. */
static void add_fork_cell(struct loaded_bundle *b, uint64_t heap, double create_us)
{
	struct cell cell = { .creators = 1, .primitive = (unsigned)primitive_index("fork"), .action = ACTION_EXIT, .heap_bytes = heap };
	struct cell_summary *s = results_append(&b->results, &cell);
	s->status = CELL_OK;
	s->phases[COLUMN_CREATE_US].median = create_us;
	s->phases[COLUMN_ROUNDTRIP_US].median = create_us + 50;
}

static const struct claim_outcome *claim_of(const struct claim_outcome *outcomes, size_t count, int claim)
{
	for (size_t i = 0; i < count; i++)
		if (outcomes[i].claim == claim)
			return &outcomes[i];
	return NULL;
}

/* Claim 1 on known bundles: linear in the band holds, linear off the band holds in shape, x^1.5 differs. */
static void test_claim_one_on_known_bundles(void **state)
{
	(void)state;
	struct references refs;
	char why[400];
	char *path = xasprintf("%s/results/reference/published.csv", project_root());
	assert_int_equal(references_load(path, &refs, why, sizeof why), 0);
	free(path);
	static const struct { double us_per_gib, power; enum claim_verdict verdict; } cases[] = {
		{ 10000, 1, CLAIM_HOLDS }, { 60000, 1, CLAIM_HOLDS_IN_SHAPE }, { 10000, 1.5, CLAIM_DIFFERS },
	};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		struct loaded_bundle b;
		struct claim_outcome outcomes[16];
		memset(&b, 0, sizeof b);
		for (uint64_t heap = 16ull << 20; heap <= 4ull << 30; heap *= 4)
			add_fork_cell(&b, heap, 80 + cases[c].us_per_gib * pow((double)heap / (1 << 30), cases[c].power));
		bundle_axes_from_cells(&b); /* as bundle_load does */
		size_t count = reproduce_claims(&b, &refs, outcomes, 16);
		const struct claim_outcome *one = claim_of(outcomes, count, 1);
		assert_non_null(one);
		if (one->verdict != cases[c].verdict)
			fail_msg("case %zu: %s (%s), %s expected", c, claim_verdict_names[one->verdict], one->reason,
				 claim_verdict_names[cases[c].verdict]);
		assert_int_equal(claim_of(outcomes, count, 5)->verdict, CLAIM_UNTESTABLE); /* no cells for it */
		results_free(&b.results);
	}
	references_free(&refs);
}

/* A published.csv that lacks the quantity a claim needs: "cannot be tested here", naming it, not a crash. */
static void test_missing_quantities(void **state)
{
	(void)state;
	struct reference rows[10];
	struct references refs = { rows, 10 };
	for (int i = 0; i < 10; i++)
		rows[i] = (struct reference){ .claim = i + 1, .quantity = "something_else", .unit = "x", .low = 1, .high = 2,
					       .published = "a figure", .source = "a source" };
	struct loaded_bundle b;
	struct claim_outcome outcomes[16];
	memset(&b, 0, sizeof b);
	for (uint64_t heap = 16ull << 20; heap <= 4ull << 30; heap *= 4)
		add_fork_cell(&b, heap, 80 + 10000 * (double)heap / (1 << 30));
	bundle_axes_from_cells(&b); /* as bundle_load does */
	size_t count = reproduce_claims(&b, &refs, outcomes, 16);
	assert_int_equal(count, 10);
	for (size_t i = 0; i < count; i++) {
		if (outcomes[i].verdict != CLAIM_UNTESTABLE)
			fail_msg("claim %d: %s", outcomes[i].claim, claim_verdict_names[outcomes[i].verdict]);
		if (outcomes[i].claim == 1 || outcomes[i].claim == 10)
			assert_non_null(strstr(outcomes[i].reason, "results/reference/published.csv has no"));
	}
	results_free(&b.results);
}

const struct CMUnitTest reproduce_tests[] = {
	cmocka_unit_test(test_claim_one_on_known_bundles),
	cmocka_unit_test(test_missing_quantities),
	cmocka_unit_test(test_linear_rule),
	cmocka_unit_test(test_flat_rule),
	cmocka_unit_test(test_band_rule),
	cmocka_unit_test(test_reference_data),
	cmocka_unit_test(test_reference_errors),
};
const size_t reproduce_test_count = sizeof reproduce_tests / sizeof reproduce_tests[0];
