/*
 * The exports of tests/fixtures/bundle: bmf.json as Bencher reads it (parsed
 * back with jansson and checked value by value against summary.csv), the
 * same bytes every time, and the kv lines against a golden file.
 */
#define _GNU_SOURCE
#include <math.h>
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bundle_load.h"
#include "export.h"
#include "tests.h"
#include "util.h"

static char *export_text(const struct loaded_bundle *bundle, enum export_format format)
{
	char *text;
	size_t size;
	FILE *out = open_memstream(&text, &size);
	assert_int_equal(export_write(bundle, format, out), 0);
	fclose(out);
	return text;
}

static void load_fixture(struct loaded_bundle *bundle)
{
	char why[600];
	char *path = xasprintf("%s/tests/fixtures/bundle", project_root());
	if (bundle_load(path, bundle, why, sizeof why) != 0)
		fail_msg("%s", why);
	free(path);
}

/* Every measure of one benchmark: a kebab-case name, a number, lower <= value <= upper where bounds are given. */
static void check_measures(const char *name, json_t *measures, regex_t *kebab)
{
	const char *measure;
	json_t *metric;
	assert_true(strlen(name) <= 1024);
	assert_true(json_object_size(measures) > 0);
	json_object_foreach(measures, measure, metric) {
		if (regexec(kebab, measure, 0, NULL, 0) != 0 || strlen(measure) > 64)
			fail_msg("%s: measure '%s' is not kebab-case", name, measure);
		json_t *value = json_object_get(metric, "value"), *lower = json_object_get(metric, "lower_value"),
		       *upper = json_object_get(metric, "upper_value");
		assert_true(json_is_number(value));
		assert_true((lower == NULL) == (upper == NULL));
		if (lower && !(json_number_value(lower) <= json_number_value(value) &&
			       json_number_value(value) <= json_number_value(upper)))
			fail_msg("%s %s: %g not within [%g, %g]", name, measure, json_number_value(value), json_number_value(lower),
				 json_number_value(upper));
	}
}

static void test_bmf_as_bencher_reads_it(void **state)
{
	(void)state;
	struct loaded_bundle bundle;
	load_fixture(&bundle);
	char *first = export_text(&bundle, EXPORT_BMF), *second = export_text(&bundle, EXPORT_BMF);
	assert_string_equal(first, second); /* byte-identical */
	json_error_t error;
	json_t *root = json_loads(first, JSON_REJECT_DUPLICATES, &error); /* unique names, or this fails */
	if (!root)
		fail_msg("bmf.json does not parse: %s", error.text);
	regex_t kebab;
	assert_int_equal(regcomp(&kebab, "^[a-z0-9]+(-[a-z0-9]+)*$", REG_EXTENDED | REG_NOSUB), 0);
	const char *name;
	json_t *measures;
	json_object_foreach(root, name, measures)
		check_measures(name, measures, &kebab);
	/* one benchmark per ok cell and phase with samples, its latency the median in ns; none for any other cell */
	size_t ok_phases = 0, others = 0;
	for (size_t i = 0; i < bundle.results.count; i++)
		for (int phase = 0; phase < PHASE_COUNT; phase++) {
			const struct cell_summary *cell = &bundle.results.cells[i];
			char benchmark[1100];
			export_benchmark_name(&cell->cell, phase_names[phase], benchmark, sizeof benchmark);
			json_t *latency = json_object_get(json_object_get(root, benchmark), "latency");
			bool expected = cell->status == CELL_OK && cell->phases[phase].n && !isnan(cell->phases[phase].median);
			if (!expected) {
				others += cell->status != CELL_OK;
				assert_null(latency);
				continue;
			}
			ok_phases++;
			assert_non_null(latency);
			assert_true(fabs(json_number_value(json_object_get(latency, "value")) - 1000 * cell->phases[phase].median) <
				    1e-6 * 1000 * cell->phases[phase].median + 1e-9);
		}
	assert_true(ok_phases > 10 && others > 0); /* the fixture has ok cells and n/a or failed ones */
	/* no two benchmarks share a name (one would have replaced the other): every ok phase and every fit is there */
	size_t fits = 0;
	json_object_foreach(root, name, measures)
		fits += strstr(name, "/fit-") != NULL;
	assert_int_equal(json_object_size(root), ok_phases + fits);
	assert_true(fits > 0);
	regfree(&kebab);
	json_decref(root);
	free(first);
	free(second);
	bundle_unload(&bundle);
}

static void test_kv_matches_the_golden_file(void **state)
{
	(void)state;
	struct loaded_bundle bundle;
	load_fixture(&bundle);
	char *text = export_text(&bundle, EXPORT_KV);
	char *path = xasprintf("%s/tests/fixtures/bundle.kv", project_root());
	char *golden = read_text_file(path);
	free(path);
	assert_non_null(golden);
	size_t length = strlen(text);
	if (length && text[length - 1] == '\n')
		text[length - 1] = '\0'; /* read_text_file drops the last newline */
	assert_string_equal(text, golden);
	assert_non_null(strstr(text, ".roundtrip.latency: "));
	free(golden);
	free(text);
	bundle_unload(&bundle);
}

const struct CMUnitTest export_tests[] = {
	cmocka_unit_test(test_bmf_as_bencher_reads_it),
	cmocka_unit_test(test_kv_matches_the_golden_file),
};
const size_t export_test_count = sizeof export_tests / sizeof export_tests[0];
