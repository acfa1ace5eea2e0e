/* Planning a suite against its time, on a cost model given by hand (no calibration). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "plan.h"
#include "primitive.h"
#include "schedule.h"
#include "tests.h"
#include "util.h"

/* fork+exit and vfork+exit: 10 ms to set up a worker, 1 ms an iteration, and per 4K page 2 us to populate, 0.1 us to copy. */
static void hand_model(struct cost_model *model)
{
	memset(model, 0, sizeof *model);
	for (unsigned p = 0; p < primitive_count; p++) {
		model->setup_s[p][ACTION_EXIT] = 0.01;
		model->iteration_s[p][ACTION_EXIT] = 0.001;
		model->known[p][ACTION_EXIT] = true;
	}
	model->populate_s_per_page = 2e-6;
	model->table_copy_s_per_page = 1e-7;
}

static void suite(struct suite_config *config, const char *time)
{
	char why[256];
	config_init(config);
	assert_int_equal(config_set(config, NULL, "primitives", "fork, vfork", why, sizeof why), 0);
	assert_int_equal(config_set(config, NULL, "heap", "0, 64M, 4G", why, sizeof why), 0);
	assert_int_equal(config_set(config, NULL, "time", time, why, sizeof why), 0);
}

static size_t skipped_cells(const struct plan *plan, uint64_t heap)
{
	size_t skipped = 0;
	for (size_t i = 0; i < plan->count; i++)
		skipped += plan->cells[i].skipped[0] && plan->cells[i].cell.heap_bytes == heap;
	return skipped;
}

/*
 * 4G costs 2 s a round to populate (a million pages at 2 us) and 0.1 s an
 * iteration (page tables for fork): 5 rounds of it need more than 20 s, so a
 * 20 s suite skips the 4G cells, says what would include them, and keeps the
 * rest; a 5 minute suite keeps everything.
 */
static void test_what_does_not_fit_is_skipped_and_said(void **state)
{
	(void)state;
	struct suite_config config;
	struct plan plan;
	struct cost_model model;
	struct schedule schedule;
	char *said = NULL;
	size_t said_size = 0;
	hand_model(&model);
	suite(&config, "20s");
	plan_build(&plan, &config);
	FILE *out = open_memstream(&said, &said_size);
	schedule_make(&schedule, &plan, &config, &model, monotonic_seconds(), out);
	fclose(out);
	assert_int_equal(skipped_cells(&plan, 4ull << 30), 2);
	assert_int_equal(skipped_cells(&plan, 64ull << 20), 0);
	assert_non_null(strstr(said, "the 4G cells alone need"));
	assert_non_null(strstr(said, "use --time"));
	free(said);
	schedule_free(&schedule);
	plan_free(&plan);
	config_free(&config);

	suite(&config, "5m");
	plan_build(&plan, &config);
	out = open_memstream(&said, &said_size);
	schedule_make(&schedule, &plan, &config, &model, monotonic_seconds(), out);
	fclose(out);
	assert_int_equal(skipped_cells(&plan, 4ull << 30), 0);
	assert_string_equal(said, "");
	free(said);
	schedule_free(&schedule);
	plan_free(&plan);
	config_free(&config);
}

/* The time beyond the minimum gives every cell the same iterations; the plan fills the time, no more. */
static void test_the_time_is_shared_evenly(void **state)
{
	(void)state;
	struct suite_config config;
	struct plan plan;
	struct cost_model model;
	struct schedule schedule;
	hand_model(&model);
	suite(&config, "5m");
	plan_build(&plan, &config);
	FILE *out = fopen("/dev/null", "w");
	double started = monotonic_seconds();
	schedule_make(&schedule, &plan, &config, &model, started, out);
	fclose(out);
	double iterations = -1;
	for (size_t i = 0; i < plan.count; i++) {
		if (plan.cells[i].not_applicable[0])
			continue;
		if (iterations < 0)
			iterations = schedule.cells[i].iterations;
		assert_true(schedule.cells[i].iterations == iterations);
		assert_true(schedule.cells[i].iterations >= schedule.min_iterations);
	}
	assert_true(iterations > schedule.min_iterations);
	/* the whole plan, reserve included, is the time: within a second */
	assert_true(schedule.planned_s > 299 && schedule.planned_s < 301);
	/* a round's budget is its iterations at its cost per iteration while the run keeps to the plan */
	struct round_budget budget = schedule_round_budget(&schedule, 0);
	double planned = schedule.cells[0].iterations * schedule.cells[0].iteration_s;
	assert_true(budget.seconds > 0.9 * planned && budget.seconds < 1.1 * planned);
	schedule_free(&schedule);
	plan_free(&plan);
	config_free(&config);
}

const struct CMUnitTest schedule_tests[] = {
	cmocka_unit_test(test_what_does_not_fit_is_skipped_and_said),
	cmocka_unit_test(test_the_time_is_shared_evenly),
};

const size_t schedule_test_count = sizeof schedule_tests / sizeof schedule_tests[0];
