/* The dimension table: values read back as written, the planner's odometer, labels, bundle rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bundle_load.h"
#include "config.h"
#include "csv.h"
#include "dimension.h"
#include "plan.h"
#include "primitive.h"
#include "schema.h"
#include "tests.h"

/* Texts each dimension takes: parsed, formatted and parsed again, they give the same value. */
static void test_every_value_reads_back(void **state)
{
	(void)state;
	static const char *const texts[DIMENSION_COUNT][6] = {
		[DIMENSION_PRIMITIVE] = { "fork", "vfork", "posix_spawn", "clone", "clone-vm" },
		[DIMENSION_ACTION] = { "exit", "exec" },
		[DIMENSION_HEAP] = { "0", "4K", "64M", "1G", "1536M", "67108864" },
		[DIMENSION_RATIO] = { "0", "0.1", "0.333", "0.5", "1" },
		[DIMENSION_WRITER] = { "child", "parent" },
		[DIMENSION_PATTERN] = { "sequential", "random" },
		[DIMENSION_BACKING] = { "private", "shared", "thp" },
		[DIMENSION_LAYOUT] = { "contiguous", "fragmented:2", "fragmented:1000" },
		[DIMENSION_PLACEMENT] = { "same-cpu", "other-cpu", "any" },
	};
	char why[200], text[64];
	for (size_t d = 0; d < DIMENSION_COUNT; d++) {
		double fallback;
		assert_int_equal(dimension_parse(d, dimension_table[d].fallback, &fallback, why, sizeof why), 0);
		for (size_t i = 0; i < 6 && texts[d][i]; i++) {
			double value, again;
			struct cell cell = cell_init(MEASURER_WORKER);
			if (dimension_parse(d, texts[d][i], &value, why, sizeof why) != 0)
				fail_msg("%s '%s': %s", dimension_table[d].name, texts[d][i], why);
			cell_set(&cell, d, value);
			assert_true(cell_get(&cell, d) == value);
			dimension_format(d, value, text, sizeof text);
			assert_int_equal(dimension_parse(d, text, &again, why, sizeof why), 0);
			if (again != value)
				fail_msg("%s '%s' wrote '%s', read back otherwise", dimension_table[d].name, texts[d][i], text);
		}
		/* and a value none of them takes is refused with the list of what they take */
		assert_int_equal(dimension_parse(d, "spoon", &fallback, why, sizeof why), -1);
	}
	assert_int_equal(dimension_parse(DIMENSION_PRIMITIVE, "hyperfine", &(double){ 0 }, why, sizeof why), -1);
	assert_non_null(strstr(why, "not one of fork, vfork, posix_spawn, clone, clone-vm"));
}

/* The odometer visits the whole product once, the innermost dimension (ratio) fastest. */
static void test_odometer_covers_the_product(void **state)
{
	(void)state;
	struct suite_config config;
	char why[256];
	config_init(&config);
	assert_int_equal(config_set(&config, NULL, "primitives", "fork, vfork", why, sizeof why), 0);
	assert_int_equal(config_set(&config, NULL, "heap", "0, 1M, 64M", why, sizeof why), 0);
	assert_int_equal(config_set(&config, NULL, "ratios", "0, 1", why, sizeof why), 0);
	assert_int_equal(config_set(&config, NULL, "writer", "child, parent", why, sizeof why), 0);
	size_t positions[DIMENSION_COUNT] = { 0 }, visited = 0;
	struct cell cells[32];
	do {
		assert_true(visited < 32);
		cells[visited++] = axes_cell(&config.axes, positions);
	} while (axes_next(&config.axes, positions));
	assert_int_equal(visited, 2 * 3 * 2 * 2);
	for (size_t i = 0; i < visited; i++)
		for (size_t j = 0; j < i; j++)
			assert_false(cell_equal(&cells[i], &cells[j]));
	assert_true(cell_same_except(&cells[0], &cells[1], DIMENSION_RATIO));
	assert_true(cells[1].write_ratio == 1);
	assert_int_equal(cells[visited / 2].primitive, primitive_index("vfork")); /* the outermost changes last */
	config_free(&config);
}

static void test_labels_and_descriptions(void **state)
{
	(void)state;
	char text[400];
	struct cell cell = { .creators = 1, .primitive = (unsigned)primitive_index("fork"), .action = ACTION_EXIT, .heap_bytes = 64ull << 20,
			     .write_ratio = 0.5, .writer = WRITER_CHILD };
	cell_label(&cell, text, sizeof text);
	assert_string_equal(text, "fork exit 64M r=0.5 child");
	cell.backing = BACKING_THP;
	cell.placement = PLACEMENT_OTHER_CPU;
	cell_label(&cell, text, sizeof text);
	assert_string_equal(text, "fork exit 64M r=0.5 child thp other-cpu");
	cell.action = ACTION_EXEC;
	cell.exec_program = "/bin/sh -c true";
	cell_describe(&cell, text, sizeof text);
	assert_string_equal(text, "fork exec heap=64M ratio=0.5 writer=child pattern=sequential backing=thp "
				  "layout=contiguous placement=other-cpu '/bin/sh -c true'");
	/* the dimensions added later are named where they are not at their fallback */
	cell.threads = 1;
	cell.thread_mode = THREAD_MODE_IDLE;
	cell.creators = 2;
	cell_label(&cell, text, sizeof text);
	assert_string_equal(text, "fork exec 64M r=0.5 child thp other-cpu threads=1 idle creators=2 '/bin/sh -c true'");
	cell_describe(&cell, text, sizeof text);
	assert_string_equal(text, "fork exec heap=64M ratio=0.5 writer=child pattern=sequential backing=thp "
				  "layout=contiguous placement=other-cpu threads=1 thread_mode=idle creators=2 '/bin/sh -c true'");
	cell.threads = 0;
	cell.thread_mode = THREAD_MODE_BUSY;
	cell.creators = 1;
	struct cell command = { .creators = 1, .measurer = MEASURER_HYPERFINE, .action = ACTION_EXEC, .placement = PLACEMENT_ANY,
				.command_line = "/bin/sh -c true" };
	cell_label(&command, text, sizeof text);
	assert_string_equal(text, "hyperfine '/bin/sh -c true'");
	assert_false(cell_equal(&cell, &command));
}

/* A cell written as a bundle row reads back as the same cell: a worker's exec cell and a whole command alike. */
static void test_bundle_rows_read_back(void **state)
{
	(void)state;
	struct cell cells[] = {
		{ .primitive = (unsigned)primitive_index("clone-vm"), .action = ACTION_EXIT, .heap_bytes = 1ull << 30,
		  .write_ratio = 0.1, .writer = WRITER_PARENT, .pattern = PATTERN_RANDOM, .fragments = 64,
		  .placement = PLACEMENT_ANY, .creators = 1 },
		{ .primitive = (unsigned)primitive_index("fork"), .action = ACTION_EXEC, .exec_program = "/bin/sh -c 'a, \"b\"'",
		  .threads = 3, .thread_mode = THREAD_MODE_IDLE, .creators = 2, .creator_scope = CREATOR_SCOPE_THREAD },
		{ .measurer = MEASURER_HYPERFINE, .action = ACTION_EXEC, .placement = PLACEMENT_ANY,
		  .command_line = "/bin/true", .creators = 1 },
	};
	size_t count = sizeof cells / sizeof cells[0];
	char *text = NULL, why[256];
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	write_dimension_header(out);
	fputc('\n', out);
	for (size_t i = 0; i < count; i++) {
		write_dimensions(out, &cells[i]);
		fputc('\n', out);
	}
	fclose(out);
	FILE *in = fmemopen(text, size, "r");
	struct csv_table table;
	assert_int_equal(csv_read_file(in, "rows.csv", &table, why, sizeof why), 0);
	fclose(in);
	char **pool = NULL;
	size_t pool_count = 0;
	for (size_t i = 0; i < count; i++) {
		struct cell back;
		assert_int_equal(cell_from_row(&table, i, &back, &pool, &pool_count, why, sizeof why), 0);
		if (!cell_equal(&back, &cells[i]))
			fail_msg("row %zu did not read back as written", i);
	}
	assert_null(cells[1].command_line);
	for (size_t i = 0; i < pool_count; i++)
		free(pool[i]);
	free(pool);
	csv_free(&table);
	free(text);
}

const struct CMUnitTest dimension_tests[] = {
	cmocka_unit_test(test_every_value_reads_back),
	cmocka_unit_test(test_odometer_covers_the_product),
	cmocka_unit_test(test_labels_and_descriptions),
	cmocka_unit_test(test_bundle_rows_read_back),
};

const size_t dimension_test_count = sizeof dimension_tests / sizeof dimension_tests[0];
