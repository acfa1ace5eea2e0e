/* The creators' throughput, its scaling efficiency and the rules of threads and creators, on data given by hand. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "plan.h"
#include "primitive.h"
#include "results.h"
#include "sampler.h"
#include "tests.h"

static void add_sample(struct sample_table *table, double round, double creator, double roundtrip_us, bool counted)
{
	table->values = realloc(table->values, (table->rows + 1) * table->columns * sizeof *table->values);
	double *row = sample_row(table, table->rows++);
	for (size_t c = 0; c < table->columns; c++)
		row[c] = NAN;
	row[COLUMN_ROUND] = round;
	row[COLUMN_CREATOR] = creator;
	row[COLUMN_COUNTED] = counted;
	row[COLUMN_ROUNDTRIP_US] = roundtrip_us;
}

/* One batch of a round: count iterations of each creator, creator 0's first, as the worker reports them. */
static void add_batch(struct sample_table *table, double round, unsigned count, const double *roundtrip_us,
		      unsigned creators, bool counted)
{
	for (unsigned c = 0; c < creators; c++)
		for (unsigned i = 0; i < count; i++)
			add_sample(table, round, c, roundtrip_us[c], counted);
}

/* Two creators at 100 and 200 us a creation make 10000 + 5000 creations per second, whatever the rounds. */
static void test_throughput_sums_the_creators_rates(void **state)
{
	(void)state;
	struct sample_table table = { .columns = FIXED_COLUMNS };
	const double roundtrips[] = { 100, 200 }, fast[] = { 1, 1 };
	for (unsigned round = 0; round < 3; round++) {
		add_batch(&table, round, 2 * THROUGHPUT_CHUNK, roundtrips, 2, false);
		add_batch(&table, round, THROUGHPUT_CHUNK, fast, 2, true); /* counted: its own iterations, not kept here */
	}
	struct summary rate;
	results_throughput(&table, &rate);
	assert_int_equal(rate.rounds, 3);
	assert_int_equal(rate.n, 6); /* two whole chunks per round */
	assert_true(fabs(rate.median - 15000) < 1e-6);
	/* a round shorter than a chunk still counts, as one chunk */
	add_batch(&table, 3, 3, roundtrips, 2, false);
	results_throughput(&table, &rate);
	assert_int_equal(rate.rounds, 4);
	assert_int_equal(rate.n, 7);
	free(table.values);
}

/* Creators slowed by contention: each at 150 us where one alone takes 100 us, scale at 2/3. */
static void test_scaling_efficiency_against_one_creator(void **state)
{
	(void)state;
	struct run_results results = { 0 };
	struct cell one = cell_init(MEASURER_WORKER), two = one, three_threads = one;
	two.creators = 2;
	three_threads.creators = 3;
	three_threads.creator_scope = CREATOR_SCOPE_THREAD;
	const double alone[] = { 100 }, contended[] = { 150, 150, 150 };
	struct { const struct cell *cell; const double *roundtrips; } cells[] = {
		{ &one, alone }, { &two, contended }, { &three_threads, contended } };
	for (size_t i = 0; i < 3; i++) {
		struct sample_table table = { .columns = FIXED_COLUMNS };
		for (unsigned round = 0; round < 3; round++)
			add_batch(&table, round, THROUGHPUT_CHUNK, cells[i].roundtrips, cells[i].cell->creators, false);
		struct cell_summary *summary = results_append(&results, cells[i].cell);
		summary_from_samples(summary, &table);
		free(table.values);
	}
	assert_true(fabs(results_scaling_efficiency(&results, &results.cells[1]) - 2.0 / 3) < 1e-9);
	assert_true(fabs(results_scaling_efficiency(&results, &results.cells[2]) - 2.0 / 3) < 1e-9);
	/* without the one-creator cell there is no baseline: no efficiency is claimed */
	results.cells[0].status = CELL_FAILED;
	assert_true(isnan(results_scaling_efficiency(&results, &results.cells[1])));
	results_free(&results);
}

static const char *rule(struct cell cell, const struct suite_config *config, char *why, size_t size)
{
	return cell_not_applicable(&cell, config, why, size);
}

/* A mode without threads, a scope with one creator and both at once are n/a, with the reason; the rest is measured. */
static void test_rules_of_threads_and_creators(void **state)
{
	(void)state;
	struct suite_config config;
	char why[200];
	config_init(&config);
	assert_int_equal(config_set(&config, NULL, "thread_mode", "busy, idle", why, sizeof why), 0);
	assert_int_equal(config_set(&config, NULL, "creator_scope", "process, thread", why, sizeof why), 0);
	struct cell cell = cell_init(MEASURER_WORKER);
	cell.primitive = (unsigned)primitive_index("fork");
	assert_null(rule(cell, &config, why, sizeof why));
	cell.thread_mode = THREAD_MODE_IDLE;
	assert_string_equal(rule(cell, &config, why, sizeof why), "no extra threads: measured once, as thread_mode=busy");
	cell.threads = 3;
	assert_null(rule(cell, &config, why, sizeof why));
	cell.creators = 2;
	assert_non_null(strstr(rule(cell, &config, why, sizeof why), "one at a time"));
	cell.threads = 0;
	cell.thread_mode = THREAD_MODE_BUSY;
	cell.creator_scope = CREATOR_SCOPE_THREAD;
	assert_null(rule(cell, &config, why, sizeof why));
	cell.placement = PLACEMENT_OTHER_CPU;
	assert_non_null(strstr(rule(cell, &config, why, sizeof why), "other-cpu is measured with one creator"));
	cell.placement = PLACEMENT_SAME_CPU;
	cell.creators = 1;
	assert_string_equal(rule(cell, &config, why, sizeof why), "one creator: measured once, as creator_scope=process");
	config_free(&config);
}

/* Creator processes populate a heap each; creator threads share one. */
static void test_memory_of_creators(void **state)
{
	(void)state;
	struct cell cell = cell_init(MEASURER_WORKER);
	cell.primitive = (unsigned)primitive_index("fork");
	cell.heap_bytes = 1ull << 30;
	uint64_t one = cell_memory_needed(&cell);
	cell.creators = 3;
	assert_true(cell_memory_needed(&cell) >= one + (2ull << 30));
	cell.creator_scope = CREATOR_SCOPE_THREAD;
	assert_int_equal(cell_memory_needed(&cell), one);
}

const struct CMUnitTest concurrency_tests[] = {
	cmocka_unit_test(test_throughput_sums_the_creators_rates),
	cmocka_unit_test(test_scaling_efficiency_against_one_creator),
	cmocka_unit_test(test_rules_of_threads_and_creators),
	cmocka_unit_test(test_memory_of_creators),
};
const size_t concurrency_test_count = sizeof concurrency_tests / sizeof concurrency_tests[0];
