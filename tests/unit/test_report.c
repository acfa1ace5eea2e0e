/* The report's findings come from the data: known values give known sentences. */
#define _GNU_SOURCE
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "primitive.h"
#include "report.h"
#include "stats.h"
#include "table.h"
#include "tests.h"

static struct cell_summary *add_cell(struct loaded_bundle *b, const char *primitive, enum action action, uint64_t heap,
				     double ratio, enum writer writer, double roundtrip_us)
{
	struct run_results *r = &b->results;
	r->cells = realloc(r->cells, (r->count + 1) * sizeof *r->cells);
	struct cell_summary *s = &r->cells[r->count++];
	memset(s, 0, sizeof *s);
	s->cell = (struct cell){ .creators = 1, .primitive = (unsigned)primitive_index(primitive), .action = action, .heap_bytes = heap,
				 .write_ratio = ratio, .writer = writer };
	s->status = CELL_OK;
	s->counted_roundtrip_us = NAN;
	for (size_t c = 0; c < MAX_COLUMNS; c++)
		s->medians[c] = NAN;
	for (int p = 0; p < PHASE_COUNT; p++)
		s->phases[p].median = NAN;
	s->phases[COLUMN_ROUNDTRIP_US].median = roundtrip_us;
	return s;
}

/* A child writing every written page at 2 us and one fault each. */
static void add_writes(struct loaded_bundle *b, double ratio)
{
	struct cell_summary *s = add_cell(b, "fork", ACTION_EXIT, 1ull << 30, ratio, WRITER_CHILD, 40000);
	double pages = ratio * (double)((1ull << 30) / 4096);
	s->phases[COLUMN_COW_US].median = 2.0 * pages;
	s->medians[COLUMN_CHILD_MINFLT] = pages;
}

static void test_findings_from_known_values(void **state)
{
	(void)state;
	struct loaded_bundle b;
	memset(&b, 0, sizeof b);
	/* fork grows 36 ms per GiB with a little noise; vfork wobbles around 25 us; posix_spawn has two heaps only */
	add_cell(&b, "fork", ACTION_EXIT, 0, 0, WRITER_CHILD, 140);
	add_cell(&b, "fork", ACTION_EXIT, 512ull << 20, 0, WRITER_CHILD, 18200);
	add_cell(&b, "fork", ACTION_EXIT, 1ull << 30, 0, WRITER_CHILD, 36140);
	add_cell(&b, "vfork", ACTION_EXIT, 0, 0, WRITER_CHILD, 25);
	add_cell(&b, "vfork", ACTION_EXIT, 512ull << 20, 0, WRITER_CHILD, 26);
	add_cell(&b, "vfork", ACTION_EXIT, 1ull << 30, 0, WRITER_CHILD, 24);
	add_cell(&b, "posix_spawn", ACTION_EXEC, 0, 0, WRITER_CHILD, 450);
	add_cell(&b, "posix_spawn", ACTION_EXEC, 1ull << 30, 0, WRITER_CHILD, 450);
	add_writes(&b, 0.25);
	add_writes(&b, 0.5);
	add_writes(&b, 1);
	bundle_axes_from_cells(&b);

	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	report_findings(out, &b);
	fclose(out);
	const char *expected =
		"- fork+exit of a 1G parent takes 36.1ms (roundtrip median), 80x posix_spawn+exec of the same parent (450us).\n"
		/* by hand: slope 36000 us/GiB, s^2 = 2400 on 1 degree of freedom, t = 12.706, half-width 880 us/GiB;
		   vfork: slope -1 us/GiB, half-width 22.0 */
		"- Per GiB of populated heap, the roundtrip of fork+exit grows by 36 ms (95% CI 35.1 to 36.9); vfork+exit is "
		"flat (no significant slope: 95% CI -0.023 to 0.021 ms); posix_spawn+exec cannot be fitted: not enough points.\n"
		"- After fork, the child's writes take 1.00 minor faults per written page, 2.00 us each (slope over write ratios "
		"at heap 1G): a page is copied when it is first written, not before.\n";
	assert_string_equal(text, expected);
	free(text);
	free(b.results.cells);
}

static void test_sentences_say_what_the_data_say(void **state)
{
	(void)state;
	static const struct { double ratio; const char *text; } ratios[] = {
		{ 1.04, "1.0x" }, { 1.1, "1.1x" }, { 9.5, "9.5x" }, { 80.3, "80x" }, { 1234, "1200x" },
	};
	char text[200];
	for (size_t i = 0; i < sizeof ratios / sizeof ratios[0]; i++) {
		format_ratio(ratios[i].ratio, text, sizeof text);
		assert_string_equal(text, ratios[i].text);
	}
	/* a negative difference inside the noise is noise, never a negative cost */
	difference_sentence(-16, 30, "adds", text, sizeof text);
	assert_string_equal(text, "changes nothing beyond the noise (-16us, within +-30us, the 95% CI of the median)");
	difference_sentence(45, 30, "adds", text, sizeof text);
	assert_string_equal(text, "adds 45us (beyond +-30us, the 95% CI of the median)");
	difference_sentence(-45, 30, "adds", text, sizeof text);
	assert_string_equal(text, "saves 45us (beyond +-30us, the 95% CI of the median)");
	/* fits: two points or a constant are not a fit; a slope whose interval holds 0 is flat */
	double x[] = { 0, 0.5, 1 }, two[] = { 10, 20 }, constant[] = { 5, 5, 5 }, noisy_flat[] = { 25, 26, 24 };
	struct linear_fit fit;
	assert_true(fit_line(x, two, 2, &fit) && fit.verdict == FIT_TOO_FEW);
	assert_true(fit_line(x, constant, 3, &fit) && fit.verdict == FIT_TOO_FEW && isnan(fit.r2));
	assert_true(fit_line(x, noisy_flat, 3, &fit) && fit.verdict == FIT_FLAT && fit.slope_low < 0 && fit.slope_high > 0);
	format_slope(&fit, 1, "us", text, sizeof text);
	assert_non_null(strstr(text, "flat (no significant slope"));
}

const struct CMUnitTest report_tests[] = {
	cmocka_unit_test(test_sentences_say_what_the_data_say),
	cmocka_unit_test(test_findings_from_known_values),
};
const size_t report_test_count = sizeof report_tests / sizeof report_tests[0];
