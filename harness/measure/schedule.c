#include "schedule.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "measurers.h"
#include "parse.h"
#include "primitive.h"
#include "progress.h"
#include "stats.h"
#include "util.h"

#define CALIBRATION_HEAP (64ull << 20)  /* large enough for per-page costs to stand out */
#define HYPERFINE_START_S 0.5           /* hyperfine's own start and its warm-up runs */
#define SCALE_MIN 0.05                  /* a round's share shrinks at most this far when running late */
#define SCALE_MAX 20.0
#define MIN_ROUNDS 3
#define END_FIXED_S 1.0                      /* the probes after, the charts and reports of a small suite */
#define SUMMARY_MARGIN 1.5                   /* the summaries' timed cost, with room for a busier machine */
#define COUNTED_ITERATIONS 10                /* about what the first round's counted block runs */
#define SLOW_ITERATION_S 0.01           /* an iteration this long warms the worker up on its own: one warm-up run */

/* What a cell's round would cost per the model: the worker's set-up and exit, and one kept iteration. */
static void model_cost(const struct cost_model *m, const struct cell *cell, double *setup_s, double *iteration_s)
{
	const struct primitive *primitive = primitive_table[cell->primitive];
	double pages = (double)(cell->heap_bytes / PAGE_BYTES);
	double base_setup = m->setup_s[cell->primitive][cell->action], base_iteration = m->iteration_s[cell->primitive][cell->action];
	*iteration_s = base_iteration + (double)cell_pages_written(cell) * m->write_s_per_page +
		       (primitive->shares_memory ? 0 : pages * m->table_copy_s_per_page);
	*setup_s = base_setup + pages * m->populate_s_per_page;
}

/* A hyperfine cell: its runs of the helper, about what posix_spawn+exec costs at heap 0. */
static void command_cost(const struct cost_model *m, const struct suite_config *config, double *setup_s,
			 double *iteration_s)
{
	int spawn = primitive_index("posix_spawn");
	*setup_s = HYPERFINE_START_S;
	*iteration_s = spawn >= 0 && m->known[spawn][ACTION_EXEC] ? m->iteration_s[spawn][ACTION_EXEC] : 0.001;
	*iteration_s *= (double)config->hyperfine_runs; /* one "iteration": the whole command's runs */
}

/* One calibration cell: a short round in a fresh worker; its set-up and iteration times, or -1. */
static int calibrate_cell(const struct cell *cell, const struct suite_config *config, const struct sampler_paths *paths,
			  double *setup_s, double *iteration_s, double *cow_us)
{
	static const struct event_set no_events;
	struct round_budget budget = { .seconds = 0.02, .min_iterations = 5, .max_iterations = 8, .warmup = 1 };
	struct cell_result result;
	measure_cell(cell, config, &no_events, paths, 0, NULL, &budget, &result);
	int status = result.status == CELL_OK && result.samples.rows ? 0 : -1;
	if (status == 0) {
		*setup_s = result.setup_seconds + result.teardown_seconds; /* a fresh worker: its start and its exit */
		/* the median roundtrip, robust to one slow iteration, and the batches' overhead around it */
		double *roundtrips = sample_column(&result.samples, COLUMN_ROUNDTRIP_US), windows_s = 0;
		for (size_t row = 0; row < result.samples.rows; row++)
			windows_s += roundtrips[row] / 1e6;
		double overhead_s = fmax(0, result.batch_seconds - windows_s) / (double)result.samples.rows;
		*iteration_s = median_of(roundtrips, result.samples.rows) / 1e6 + overhead_s;
		free(roundtrips);
		if (cow_us) {
			double *values = sample_column(&result.samples, COLUMN_COW_US);
			*cow_us = median_of(values, result.samples.rows);
			free(values);
		}
	}
	cell_result_free(&result);
	return status;
}

/* The first measured cell of the plan with this primitive and action: its exec program is the one calibrated. */
static const struct cell *plan_cell_like(const struct plan *plan, unsigned primitive, enum action action)
{
	for (size_t i = 0; i < plan->count; i++) {
		const struct cell *c = &plan->cells[i].cell;
		if (!plan->cells[i].not_applicable[0] && c->measurer == MEASURER_WORKER && c->primitive == primitive &&
		    c->action == action)
			return c;
	}
	return NULL;
}

/* The per-page costs, from fork+exit (or the first primitive that copies page tables) at a larger heap. */
static void calibrate_pages(struct cost_model *m, const struct plan *plan, const struct suite_config *config,
			    const struct sampler_paths *paths)
{
	int fork = primitive_index("fork");
	const struct cell *like = fork >= 0 ? plan_cell_like(plan, (unsigned)fork, ACTION_EXIT) : NULL;
	for (unsigned p = 0; !like && p < primitive_count; p++)
		if (!primitive_table[p]->shares_memory)
			like = plan_cell_like(plan, p, ACTION_EXIT);
	if (!like)
		return; /* no cell copies page tables or writes: the defaults stand */
	struct cell cell = { .creators = 1, .primitive = like->primitive, .action = ACTION_EXIT, .heap_bytes = CALIBRATION_HEAP,
			     .writer = WRITER_CHILD };
	double pages = (double)(CALIBRATION_HEAP / PAGE_BYTES), setup_s, iteration_s, written_setup_s, written_s, cow_us;
	if (calibrate_cell(&cell, config, paths, &setup_s, &iteration_s, NULL) != 0)
		return;
	double base_setup = m->setup_s[cell.primitive][ACTION_EXIT], base_iteration = m->iteration_s[cell.primitive][ACTION_EXIT];
	m->populate_s_per_page = fmax(0, setup_s - base_setup) / pages;
	m->table_copy_s_per_page = fmax(0, iteration_s - base_iteration) / pages;
	cell.write_ratio = 1;
	if (calibrate_cell(&cell, config, paths, &written_setup_s, &written_s, &cow_us) == 0)
		m->write_s_per_page = fmax(fmax(0, written_s - iteration_s), cow_us / 1e6) / pages;
}

int cost_model_calibrate(struct cost_model *m, const struct plan *plan, const struct suite_config *config,
			 const struct sampler_paths *paths, char *why, size_t why_size)
{
	double started = monotonic_seconds();
	/* defaults where a calibration cell fails: a slow machine's figures, so the plan errs long */
	*m = (struct cost_model){ .populate_s_per_page = 2e-6, .table_copy_s_per_page = 1e-7, .write_s_per_page = 4e-6 };
	struct suite_config calibration = *config;
	calibration.warmup = 1;
	calibration.rounds = 1;
	size_t known = 0;
	for (unsigned p = 0; p < primitive_count && p < MODEL_MAX_PRIMITIVES; p++)
		for (enum action a = ACTION_EXIT; a < ACTION_COUNT; a++) {
			const struct cell *like = plan_cell_like(plan, p, a);
			if (!like)
				continue;
			struct cell cell = { .creators = 1, .primitive = p, .action = a, .exec_program = like->exec_program };
			m->setup_s[p][a] = 0.05;
			m->iteration_s[p][a] = 0.002;
			if (calibrate_cell(&cell, &calibration, paths, &m->setup_s[p][a], &m->iteration_s[p][a], NULL) == 0)
				known++;
			m->known[p][a] = true;
		}
	calibrate_pages(m, plan, &calibration, paths);
	m->seconds = monotonic_seconds() - started;
	if (!known && plan->measured) {
		snprintf(why, why_size, "no calibration cell could be measured: the plan uses slow defaults");
		return -1;
	}
	return 0;
}

/* The rounds a planned cell gets: hyperfine measures once. */
static unsigned cell_rounds(const struct planned_cell *planned, const struct suite_config *config)
{
	return measurers[planned->cell.measurer].once ? 1 : (unsigned)config->rounds;
}

static bool cell_planned(const struct planned_cell *planned)
{
	return !planned->not_applicable[0] && !planned->skipped[0];
}

/* A round at its minimum: set-up and the minimum count of iterations. */
static double minimum_round_s(const struct schedule *s, size_t i)
{
	return s->cells[i].setup_s + (double)s->min_iterations * s->cells[i].iteration_s;
}

static double minimum_total_s(const struct schedule *s, const struct plan *plan)
{
	double total = 0;
	for (size_t i = 0; i < plan->count; i++)
		if (cell_planned(&plan->cells[i]))
			total += s->cells[i].rounds * minimum_round_s(s, i);
	return total;
}

/* The largest heap among the planned worker cells, above 0; 0 when none. */
static uint64_t largest_planned_heap(const struct plan *plan)
{
	uint64_t largest = 0;
	for (size_t i = 0; i < plan->count; i++)
		if (cell_planned(&plan->cells[i]) && plan->cells[i].cell.measurer == MEASURER_WORKER &&
		    plan->cells[i].cell.heap_bytes > largest)
			largest = plan->cells[i].cell.heap_bytes;
	return largest;
}

/*
 * When even the smallest heaps do not fit: fewer rounds for every cell, down
 * to MIN_ROUNDS (three fresh workers at least, for an interval that sees the
 * spread between them).
 */
static void fewer_rounds(struct schedule *s, const struct plan *plan, double available_s, FILE *out)
{
	double needed_s = minimum_total_s(s, plan);
	unsigned most = 0;
	for (size_t i = 0; i < plan->count; i++)
		if (cell_planned(&plan->cells[i]) && s->cells[i].rounds > most)
			most = s->cells[i].rounds;
	if (needed_s <= available_s || most <= MIN_ROUNDS)
		return;
	unsigned rounds = (unsigned)fmax(MIN_ROUNDS, floor((double)most * available_s / needed_s));
	for (size_t i = 0; i < plan->count; i++)
		if (s->cells[i].rounds > rounds)
			s->cells[i].rounds = rounds;
	char time[32];
	format_duration(s->time_s, time, sizeof time);
	fprintf(out, "spawnbench: %u rounds per cell instead of %u, to fit --time %s\n", rounds, most, time);
}

/*
 * While the minimum of every cell does not fit the time, the cells of the
 * largest heap are skipped, and say what time would include them.
 */
static void skip_what_cannot_fit(struct schedule *s, struct plan *plan, double available_s, FILE *out)
{
	double needed_s = minimum_total_s(s, plan), whole_s = needed_s;
	for (uint64_t heap; needed_s > available_s && (heap = largest_planned_heap(plan)) > 0;) {
		double heap_s = 0;
		for (size_t i = 0; i < plan->count; i++)
			if (cell_planned(&plan->cells[i]) && plan->cells[i].cell.heap_bytes == heap)
				heap_s += s->cells[i].rounds * minimum_round_s(s, i);
		char size[32], heap_time[32], time[32], whole[32];
		format_size(heap, size, sizeof size);
		format_duration(heap_s, heap_time, sizeof heap_time);
		format_duration(s->time_s, time, sizeof time);
		format_duration(ceil((whole_s + (s->time_s - available_s)) / 60) * 60, whole, sizeof whole);
		for (size_t i = 0; i < plan->count; i++)
			if (cell_planned(&plan->cells[i]) && plan->cells[i].cell.heap_bytes == heap)
				snprintf(plan->cells[i].skipped, sizeof plan->cells[i].skipped,
					 "the %s cells alone need %s here, more than --time %s leaves; --time %s includes them",
					 size, heap_time, time, whole);
		fprintf(out, "spawnbench: the %s cells alone need %s here at their minimum; they are skipped, "
			     "use --time %s to include them\n", size, heap_time, whole);
		needed_s -= heap_s;
	}
	fewer_rounds(s, plan, available_s, out);
	needed_s = minimum_total_s(s, plan);
	if (needed_s > available_s) {
		char needed[32], time[32];
		format_duration(needed_s, needed, sizeof needed);
		format_duration(s->time_s, time, sizeof time);
		fprintf(out, "spawnbench: the cells need %s here at their minimum, more than --time %s: the run will end late\n",
			needed, time);
	}
}

/*
 * The same number of iterations per round for every cell, as many as the
 * time beyond the minimum allows (capped at the maximum): cells stop early
 * at their CI target, and the time they leave goes to the rest.
 */
static void share_iterations(struct schedule *s, const struct plan *plan, double spare_s)
{
	double per_iteration_s = 0;
	for (size_t i = 0; i < plan->count; i++)
		if (cell_planned(&plan->cells[i]))
			per_iteration_s += s->cells[i].rounds * s->cells[i].iteration_s;
	double extra = per_iteration_s > 0 ? fmax(0, spare_s) / per_iteration_s : 0;
	for (size_t i = 0; i < plan->count; i++) {
		struct cell_schedule *c = &s->cells[i];
		c->iterations = fmin((double)s->min_iterations + extra, (double)s->max_iterations);
	}
}

/* Cells left at the minimum because one iteration is long beside their share: said in the bundle. */
static void explain_sized(struct schedule *s, const struct plan *plan, double available_s)
{
	size_t rounds = 0;
	for (size_t i = 0; i < plan->count; i++)
		if (cell_planned(&plan->cells[i]))
			rounds += s->cells[i].rounds;
	double share_s = rounds ? available_s / (double)rounds : 0;
	for (size_t i = 0; i < plan->count; i++) {
		struct cell_schedule *c = &s->cells[i];
		if (!cell_planned(&plan->cells[i]) || c->iterations >= (double)s->min_iterations + 1 ||
		    (double)s->min_iterations * c->iteration_s <= share_s)
			continue;
		char one[32], share[32];
		format_duration_precise(c->iteration_s, one, sizeof one);
		format_duration_precise(share_s, share, sizeof share);
		snprintf(c->sized, sizeof c->sized, "%lu iterations per round, the minimum: one takes %s here, "
			 "a cell's round has %s of the suite's time", s->min_iterations, one, share);
	}
}

/*
 * What one round adds to the end of the run: a cell's summaries are four
 * cluster bootstraps (one per phase) whose cost grows with its rounds; one
 * is timed here on values shaped like a cell's five rounds.
 */
static double summary_round_cost_s(void)
{
	enum { ROUNDS = 5, PER_ROUND = 400 };
	double *values = xmalloc(ROUNDS * PER_ROUND * sizeof *values), *rounds = xmalloc(ROUNDS * PER_ROUND * sizeof *rounds);
	unsigned state = 12345;
	for (size_t i = 0; i < ROUNDS * PER_ROUND; i++) {
		state = state * 1103515245u + 12345u;
		values[i] = 100 + (double)(state >> 16 & 0x3ff) / 64;
		rounds[i] = (double)(i / PER_ROUND);
	}
	struct summary summary;
	double started = monotonic_seconds();
	summarize_rounds(values, rounds, ROUNDS * PER_ROUND, &summary);
	double one_s = monotonic_seconds() - started;
	free(values);
	free(rounds);
	return one_s / ROUNDS;
}

/* The end of the run after the last round: every cell's summaries as its rounds stand, the probes, charts and reports. */
static void update_reserve(struct schedule *s, const struct plan *plan)
{
	double rounds = (double)schedule_rounds_total(s, plan);
	s->reserve_s = END_FIXED_S + SUMMARY_MARGIN * PHASE_COUNT * s->summary_round_s * rounds;
}

/* Without a time (a dry run of a suite with a budget per cell): what each round's budget buys. */
static void iterations_from_budget(struct schedule *s, const struct plan *plan, double budget_s)
{
	for (size_t i = 0; i < plan->count; i++) {
		struct cell_schedule *c = &s->cells[i];
		double count = c->iteration_s > 0 ? budget_s / c->iteration_s : (double)s->max_iterations;
		c->iterations = fmax((double)s->min_iterations, fmin(count, (double)s->max_iterations));
	}
}

void schedule_make(struct schedule *s, struct plan *plan, const struct suite_config *config,
		   const struct cost_model *model, double started, FILE *out)
{
	struct round_budget share = round_budget_default(config);
	*s = (struct schedule){ .active = config->time_seconds > 0, .time_s = config->time_seconds, .started = started,
				.summary_round_s = summary_round_cost_s(), .count = plan->count,
				.min_iterations = share.min_iterations, .max_iterations = share.max_iterations };
	s->cells = xcalloc(plan->count ? plan->count : 1, sizeof *s->cells);
	for (size_t i = 0; i < plan->count; i++) {
		struct cell_schedule *c = &s->cells[i];
		c->rounds = cell_rounds(&plan->cells[i], config);
		if (plan->cells[i].cell.measurer == MEASURER_WORKER) {
			model_cost(model, &plan->cells[i].cell, &c->setup_s, &c->iteration_s);
			c->warmup = c->iteration_s > SLOW_ITERATION_S && config->warmup > 1 ? 1 : config->warmup;
			c->setup_s += (double)c->warmup * c->iteration_s;
			/* the counted block of the first round (events open), spread over the rounds */
			if (config->event_count)
				c->setup_s += COUNTED_ITERATIONS * c->iteration_s / c->rounds;
		} else {
			command_cost(model, config, &c->setup_s, &c->iteration_s);
		}
	}
	update_reserve(s, plan);
	if (s->time_s > 0) {
		double available_s = s->time_s - (monotonic_seconds() - started) - s->reserve_s;
		skip_what_cannot_fit(s, plan, available_s, out);
		update_reserve(s, plan); /* fewer cells or rounds: a smaller end */
		available_s = s->time_s - (monotonic_seconds() - started) - s->reserve_s;
		share_iterations(s, plan, available_s - minimum_total_s(s, plan));
		explain_sized(s, plan, available_s);
	} else {
		iterations_from_budget(s, plan, share.seconds);
	}
	for (size_t i = 0; i < plan->count; i++) {
		struct cell_schedule *c = &s->cells[i];
		if (!cell_planned(&plan->cells[i]))
			continue;
		if (plan->cells[i].cell.measurer != MEASURER_WORKER)
			c->iterations = 1; /* hyperfine's runs are its one "iteration" */
		s->setups_left_s += c->rounds * c->setup_s;
		s->iterations_left_s += c->rounds * c->iterations * c->iteration_s;
	}
	s->planned_s = (monotonic_seconds() - started) + s->setups_left_s + s->iterations_left_s + s->reserve_s;
}

void schedule_free(struct schedule *s)
{
	free(s->cells);
	memset(s, 0, sizeof *s);
}

/* How much the planned iterations are stretched or shrunk to end on time. */
static double schedule_scale(const struct schedule *s)
{
	double time_left_s = s->started + s->time_s - monotonic_seconds() - s->reserve_s - s->setups_left_s;
	if (s->iterations_left_s <= 0)
		return 1;
	double scale = time_left_s / s->iterations_left_s;
	return scale < SCALE_MIN ? SCALE_MIN : scale > SCALE_MAX ? SCALE_MAX : scale;
}

struct round_budget schedule_round_budget(const struct schedule *s, size_t index)
{
	const struct cell_schedule *c = &s->cells[index];
	if (c->rounds_done >= c->rounds) {
		/* an extra round: its planned iterations where the time left allows, the minimum where it does not */
		double left_s = s->started + s->time_s - monotonic_seconds() - s->reserve_s - c->setup_s;
		return (struct round_budget){ .seconds = fmax(0, fmin(c->iterations * c->iteration_s, left_s)),
					      .min_iterations = s->min_iterations, .max_iterations = s->max_iterations,
					      .warmup = c->warmup };
	}
	return (struct round_budget){ .seconds = (double)c->iterations * c->iteration_s * schedule_scale(s),
				      .min_iterations = s->min_iterations, .max_iterations = s->max_iterations,
				      .warmup = c->warmup };
}

size_t schedule_rounds_total(const struct schedule *s, const struct plan *plan)
{
	size_t rounds = 0;
	for (size_t i = 0; i < plan->count; i++)
		if (cell_planned(&plan->cells[i]))
			rounds += s->cells[i].rounds;
	return rounds;
}

bool schedule_rounds_planned(const struct schedule *s, size_t index, unsigned rounds_done)
{
	return !s->active || rounds_done < s->cells[index].rounds;
}

bool schedule_round_fits(const struct schedule *s, size_t index)
{
	return monotonic_seconds() + minimum_round_s(s, index) + s->reserve_s <= s->started + s->time_s;
}

void schedule_round_done(struct schedule *s, size_t index, const struct cell_result *round)
{
	struct cell_schedule *c = &s->cells[index];
	if (c->rounds_done >= c->rounds) {
		/* an extra round, beyond the plan: nothing of the plan is left to account for, but its summaries grow */
		c->rounds_done++;
		s->reserve_s += SUMMARY_MARGIN * PHASE_COUNT * s->summary_round_s;
		return;
	}
	double planned_iterations_s = (double)c->iterations * c->iteration_s;
	s->setups_left_s -= c->setup_s;
	s->iterations_left_s -= planned_iterations_s;
	c->rounds_done++;
	if (round->status != CELL_OK) {
		/* a skipped or failed cell is not tried again: its later rounds cost nothing */
		unsigned left = c->rounds - c->rounds_done;
		s->setups_left_s -= left * c->setup_s;
		s->iterations_left_s -= left * planned_iterations_s;
		c->rounds_done = c->rounds;
		return;
	}
	if (!round->samples.rows || round->batch_seconds <= 0)
		return;
	/* what this cell really costs here, for its later rounds */
	double setup_s = round->seconds - round->batch_seconds, iteration_s = round->batch_seconds / (double)round->samples.rows;
	unsigned left = c->rounds - c->rounds_done;
	s->setups_left_s += left * (setup_s - c->setup_s);
	s->iterations_left_s += left * (double)c->iterations * (iteration_s - c->iteration_s);
	c->setup_s = setup_s;
	c->iteration_s = iteration_s;
}

double schedule_expected_end(const struct schedule *s)
{
	/* what time the planned rounds leave goes to extra rounds: the run ends at its time, or later when late */
	double now = monotonic_seconds();
	double planned_end = now + s->setups_left_s + s->iterations_left_s * schedule_scale(s) + s->reserve_s;
	return fmax(planned_end, s->started + s->time_s);
}

void schedule_print(const struct schedule *s, const struct plan *plan, FILE *out)
{
	char text[32];
	fprintf(out, "%-12s %-6s %6s %6s %10s\n", "primitive", "action", "cells", "rounds", "expected");
	for (unsigned p = 0; p <= primitive_count; p++)
		for (enum action a = ACTION_EXIT; a < ACTION_COUNT; a++) {
			size_t cells = 0, rounds = 0;
			double seconds = 0;
			for (size_t i = 0; i < plan->count; i++) {
				const struct cell *cell = &plan->cells[i].cell;
				bool command = cell->measurer != MEASURER_WORKER;
				if (!cell_planned(&plan->cells[i]) || (command ? p != primitive_count || a != ACTION_EXEC
									       : cell->primitive != p || cell->action != a))
					continue;
				cells++;
				rounds += s->cells[i].rounds;
				seconds += s->cells[i].rounds * (s->cells[i].setup_s + s->cells[i].iterations * s->cells[i].iteration_s);
			}
			if (!cells)
				continue;
			format_duration(seconds, text, sizeof text);
			fprintf(out, "%-12s %-6s %6zu %6zu %10s\n", p < primitive_count ? primitive_table[p]->name : "hyperfine",
				action_names[a], cells, rounds, text);
		}
	char total[32], time[32], reserve[32];
	format_duration(s->planned_s, total, sizeof total);
	format_duration(s->time_s, time, sizeof time);
	format_duration(s->reserve_s, reserve, sizeof reserve);
	if (s->time_s > 0)
		fprintf(out, "total: %s expected of --time %s (calibration included; %s kept for the probes, charts and "
			     "reports), %lu to %lu iterations per round\n", total, time, reserve, s->min_iterations,
			s->max_iterations);
	else
		fprintf(out, "total: %s expected with a budget per cell (time = none; each cell may stop sooner at its CI "
			     "target)\n", total);
}
