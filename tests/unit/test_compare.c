/* Comparisons: kernel version order and the bootstrap's verdicts on known data. */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "compare.h"
#include "kversion.h"
#include "tests.h"

static void test_kernel_version_order(void **state)
{
	(void)state;
	static const char *const ordered[] = { "not a release" /* no numbers: 0, before every release */, "4.19.0", "5.15", "6.1-rc1", "6.1-rc2", "6.1", "6.1.0-57", "6.1.0-58-amd64",
					       "6.1.1", "6.2-rc1", "6.2", "6.9.2", "6.12.117", "6.18.44", "6.18.44-fc-v857" };
	size_t count = sizeof ordered / sizeof ordered[0];
	for (size_t i = 0; i < count; i++)
		for (size_t j = 0; j < count; j++) {
			int order = kernel_version_compare(ordered[i], ordered[j]);
			if ((i < j && order >= 0) || (i > j && order <= 0) || (i == j && order != 0))
				fail_msg("%s vs %s gave %d", ordered[i], ordered[j], order);
		}
}

/* n lognormal values around median us, from a seeded generator. */
static double *lognormal(size_t n, double median, double sigma, unsigned long seed)
{
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, seed);
	double *values = malloc(n * sizeof *values);
	for (size_t i = 0; i < n; i++)
		values[i] = gsl_ran_lognormal(rng, log(median), sigma);
	gsl_rng_free(rng);
	return values;
}

static struct ratio_ci compare_one_round(const double *a, const double *b, size_t n)
{
	size_t size = n;
	struct sample_groups old_groups = { .values = a, .sizes = &size, .groups = 1, .total = n };
	struct sample_groups new_groups = { .values = b, .sizes = &size, .groups = 1, .total = n };
	struct ratio_ci ci;
	bootstrap_ratio(&old_groups, &new_groups, COMPARE_RESAMPLES, &ci);
	return ci;
}

static void test_identical_samples_are_unchanged(void **state)
{
	(void)state;
	double *a = lognormal(500, 100, 0.1, 1);
	struct ratio_ci ci = compare_one_round(a, a, 500);
	assert_true(ci.ratio == 1 && ci.low <= 1 && ci.high >= 1);
	assert_int_equal(judge(&ci, 0.05), VERDICT_UNCHANGED);
	free(a);
}

static void test_scaled_samples_regress(void **state)
{
	(void)state;
	double *a = lognormal(500, 100, 0.1, 2), *b = malloc(500 * sizeof *b);
	for (size_t i = 0; i < 500; i++)
		b[i] = 1.3 * a[i];
	struct ratio_ci ci = compare_one_round(a, b, 500);
	assert_true(fabs(ci.ratio - 1.3) < 1e-9 && ci.low > 1.05);
	assert_int_equal(judge(&ci, 0.05), VERDICT_REGRESSION);
	for (size_t i = 0; i < 500; i++)
		b[i] = a[i] / 1.3;
	ci = compare_one_round(a, b, 500);
	assert_int_equal(judge(&ci, 0.05), VERDICT_IMPROVEMENT);
	free(a);
	free(b);
}

static void test_verdicts_at_the_threshold(void **state)
{
	(void)state;
	static const struct { struct ratio_ci ci; enum verdict verdict; } cases[] = {
		{ { 1.00, 0.97, 1.03 }, VERDICT_UNCHANGED },    { { 1.05, 1.02, 1.08 }, VERDICT_INCONCLUSIVE },
		{ { 1.10, 1.06, 1.14 }, VERDICT_REGRESSION },   { { 0.95, 0.92, 0.98 }, VERDICT_INCONCLUSIVE },
		{ { 0.90, 0.86, 0.94 }, VERDICT_IMPROVEMENT },  { { 1.00, 0.80, 1.20 }, VERDICT_INCONCLUSIVE },
		{ { 1.00, 0.95, 1.05 }, VERDICT_UNCHANGED },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (judge(&cases[i].ci, 0.05) != cases[i].verdict)
			fail_msg("case %zu: [%.2f, %.2f] gave %d", i, cases[i].ci.low, cases[i].ci.high, judge(&cases[i].ci, 0.05));
}

static void test_noise_is_not_flagged(void **state)
{
	(void)state;
	/* independent draws from one distribution, in many seeds: never a regression or an improvement */
	for (unsigned long seed = 10; seed < 30; seed++) {
		double *a = lognormal(300, 100, 0.2, seed), *b = lognormal(300, 100, 0.2, seed + 1000);
		struct ratio_ci ci = compare_one_round(a, b, 300);
		enum verdict verdict = judge(&ci, 0.05);
		if (verdict == VERDICT_REGRESSION || verdict == VERDICT_IMPROVEMENT)
			fail_msg("seed %lu: ratio %.3f [%.3f, %.3f] flagged", seed, ci.ratio, ci.low, ci.high);
		free(a);
		free(b);
	}
}

static void test_rounds_widen_the_interval(void **state)
{
	(void)state;
	/* three rounds that drifted apart (100, 100, 125): one round alone is tight, the cluster CI is not */
	double *a = malloc(600 * sizeof *a), *b = malloc(600 * sizeof *b);
	double *base = lognormal(600, 100, 0.02, 3);
	for (size_t i = 0; i < 600; i++) {
		a[i] = base[i] * (i >= 400 ? 1.25 : 1.0);
		b[i] = base[599 - i] * (i < 200 ? 1.25 : 1.0);
	}
	size_t sizes[3] = { 200, 200, 200 };
	struct sample_groups old_groups = { .values = a, .sizes = sizes, .groups = 3, .total = 600 };
	struct sample_groups new_groups = { .values = b, .sizes = sizes, .groups = 3, .total = 600 };
	struct ratio_ci grouped;
	bootstrap_ratio(&old_groups, &new_groups, COMPARE_RESAMPLES, &grouped);
	assert_true(grouped.high - grouped.low > 0.1); /* the drift is inside the interval */
	assert_int_equal(judge(&grouped, 0.05), VERDICT_INCONCLUSIVE); /* not a regression: the data cannot tell */
	free(a);
	free(b);
	free(base);
}

/* Two runs per side, three rounds each: new's second run (or both) scaled by factor. */
static enum verdict two_runs_verdict(bool both_scaled)
{
	enum { PER_RUN = 600 };
	double *old_values = lognormal(2 * PER_RUN, 100, 0.05, 41), *new_values = lognormal(2 * PER_RUN, 100, 0.05, 42);
	for (size_t i = 0; i < 2 * PER_RUN; i++)
		if (i >= PER_RUN || both_scaled)
			new_values[i] *= 1.3;
	size_t sizes[6] = { 200, 200, 200, 200, 200, 200 }, run_groups[2] = { 3, 3 };
	struct sample_groups old_groups = { .values = old_values, .sizes = sizes, .groups = 6, .total = 2 * PER_RUN,
					    .run_groups = run_groups, .runs = 2 };
	struct sample_groups new_groups = old_groups;
	new_groups.values = new_values;
	struct ratio_ci ci;
	bootstrap_ratio(&old_groups, &new_groups, COMPARE_RESAMPLES, &ci);
	free(old_values);
	free(new_values);
	return judge(&ci, 0.05);
}

static void test_runs_are_the_outer_level(void **state)
{
	(void)state;
	/* one run of a side shifted: the interval widens, no regression is claimed; both shifted: a regression */
	assert_int_not_equal(two_runs_verdict(false), VERDICT_REGRESSION);
	assert_int_equal(two_runs_verdict(true), VERDICT_REGRESSION);
}

const struct CMUnitTest compare_tests[] = {
	cmocka_unit_test(test_runs_are_the_outer_level),
	cmocka_unit_test(test_kernel_version_order),
	cmocka_unit_test(test_identical_samples_are_unchanged),
	cmocka_unit_test(test_scaled_samples_regress),
	cmocka_unit_test(test_verdicts_at_the_threshold),
	cmocka_unit_test(test_noise_is_not_flagged),
	cmocka_unit_test(test_rounds_widen_the_interval),
};
const size_t compare_test_count = sizeof compare_tests / sizeof compare_tests[0];
