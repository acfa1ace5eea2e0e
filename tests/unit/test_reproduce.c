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

#include "reproduce.h"
#include "tests.h"
#include "util.h"

static void test_linear_rule(void **state)
{
	(void)state;
	double x[] = { 0.0625, 0.25, 1, 4 }, y[4], slope = 0, r2 = 0;
	for (int i = 0; i < 4; i++)
		y[i] = 140 + 36000 * x[i];
	assert_int_equal(rule_linear(x, y, 4, &slope, &r2), SHAPE_YES);
	assert_true(fabs(slope - 36000) < 1e-6);
	double noisy[] = { 900, 300, 1200, 200 }; /* no line through these */
	assert_int_equal(rule_linear(x, noisy, 4, &slope, &r2), SHAPE_NO);
	assert_true(r2 < LINEAR_R2);
	double slightly_noisy[] = { 2390, 9100, 36200, 144300 }; /* within a few percent of a line */
	assert_int_equal(rule_linear(x, slightly_noisy, 4, &slope, &r2), SHAPE_YES);
	assert_int_equal(rule_linear(x, y, 2, &slope, &r2), SHAPE_TOO_FEW); /* two points always fit */
}

static void test_flat_rule(void **state)
{
	(void)state;
	double flat[] = { 410, 452, 430, 400 }, growing[] = { 400, 900, 4000 }, ratio = 0;
	assert_int_equal(rule_flat(flat, 4, &ratio), SHAPE_YES);
	assert_true(fabs(ratio - 452.0 / 400) < 1e-12);
	assert_int_equal(rule_flat(growing, 3, &ratio), SHAPE_NO);
	assert_true(ratio == 10);
	assert_int_equal(rule_flat(flat, 1, &ratio), SHAPE_TOO_FEW);
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
	static const int claims[] = { 1, 2, 3, 5, 6, 7, 8, 10 };
	for (size_t i = 0; i < sizeof claims / sizeof claims[0]; i++)
		assert_non_null(reference_find(&refs, claims[i], NULL));
	for (size_t i = 0; i < refs.count; i++) {
		assert_true(strlen(refs.rows[i].source) > 10);
		assert_true(strlen(refs.rows[i].published) > 10);
		assert_true(refs.rows[i].low <= refs.rows[i].high && refs.rows[i].low > 0);
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

const struct CMUnitTest reproduce_tests[] = {
	cmocka_unit_test(test_linear_rule),
	cmocka_unit_test(test_flat_rule),
	cmocka_unit_test(test_band_rule),
	cmocka_unit_test(test_reference_data),
	cmocka_unit_test(test_reference_errors),
};
const size_t reproduce_test_count = sizeof reproduce_tests / sizeof reproduce_tests[0];
