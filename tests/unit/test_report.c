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
#include "tests.h"

static struct cell_summary *add_cell(struct loaded_bundle *b, const char *primitive, enum action action, uint64_t heap,
				     double ratio, enum writer writer, double roundtrip_us)
{
	struct run_results *r = &b->results;
	r->cells = realloc(r->cells, (r->count + 1) * sizeof *r->cells);
	struct cell_summary *s = &r->cells[r->count++];
	memset(s, 0, sizeof *s);
	s->cell = (struct cell){ .primitive = (unsigned)primitive_index(primitive), .action = action, .heap_bytes = heap,
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
	char why[256];
	memset(&b, 0, sizeof b);
	config_init(&b.config);
	assert_int_equal(config_set(&b.config, NULL, "primitives", "fork, vfork, posix_spawn", why, sizeof why), 0);
	assert_int_equal(config_set(&b.config, NULL, "action", "exit, exec", why, sizeof why), 0);
	assert_int_equal(config_set(&b.config, NULL, "heap", "0, 1G", why, sizeof why), 0);
	assert_int_equal(config_set(&b.config, NULL, "ratios", "0, 0.5, 1", why, sizeof why), 0);
	add_cell(&b, "fork", ACTION_EXIT, 0, 0, WRITER_CHILD, 140);
	add_cell(&b, "fork", ACTION_EXIT, 1ull << 30, 0, WRITER_CHILD, 36140);
	add_cell(&b, "vfork", ACTION_EXIT, 0, 0, WRITER_CHILD, 25);
	add_cell(&b, "vfork", ACTION_EXIT, 1ull << 30, 0, WRITER_CHILD, 25);
	add_cell(&b, "posix_spawn", ACTION_EXEC, 0, 0, WRITER_CHILD, 450);
	add_cell(&b, "posix_spawn", ACTION_EXEC, 1ull << 30, 0, WRITER_CHILD, 450);
	add_writes(&b, 0.5);
	add_writes(&b, 1);

	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	report_findings(out, &b);
	fclose(out);
	const char *expected =
		"- fork+exit of a 1G parent takes 36.1ms (roundtrip median), 80 times posix_spawn+exec of the same parent (450us).\n"
		"- Per GiB of populated heap, the roundtrip grows by 36.00 ms for fork+exit (R² 1.000), 0.00 ms for vfork+exit "
		"(R² 1.000), 0.00 ms for posix_spawn+exec (R² 1.000).\n"
		"- After fork, the child's writes take 1.00 minor faults per written page, 2.00 us each (slope over write ratios "
		"at heap 1G): a page is copied when it is first written, not before.\n";
	assert_string_equal(text, expected);
	free(text);
	free(b.results.cells);
	config_free(&b.config);
}

const struct CMUnitTest report_tests[] = {
	cmocka_unit_test(test_findings_from_known_values),
};
const size_t report_test_count = sizeof report_tests / sizeof report_tests[0];
