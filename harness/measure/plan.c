#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "primitive.h"
#include "util.h"

#define HUGE_PAGE_BYTES (2ull << 20)

/* Rules from the primitive's nature. */
static const char *primitive_rule(const struct cell *cell, uint64_t pages_written)
{
	const struct primitive *primitive = primitive_table[cell->primitive];
	if (cell->action == ACTION_EXIT && !primitive->child_can_exit)
		return "posix_spawn always execs: there is no exit action";
	if (cell->writer == WRITER_CHILD && pages_written && !primitive->child_can_write)
		return primitive->no_child_write;
	if (cell->placement == PLACEMENT_OTHER_CPU && !primitive->child_can_exit)
		return "posix_spawn's child cannot move to another CPU before its exec";
	return NULL;
}

/* vm.max_map_count, the kernel's bound on a process's mappings (65530 by default). */
static unsigned long max_map_count(void)
{
	static unsigned long count;
	if (!count) {
		char *text = read_text_file("/proc/sys/vm/max_map_count");
		count = text ? strtoul(text, NULL, 10) : 65530;
		free(text);
	}
	return count;
}

/* Mappings the worker has besides its heap (about a dozen), with room to spare. */
#define WORKER_MAPPINGS 64

/* Rules from the heap's shape. */
static const char *heap_rule(const struct cell *cell, char *why, size_t why_size)
{
	if (cell->backing == BACKING_THP && cell->heap_bytes < HUGE_PAGE_BYTES)
		return "thp needs a heap of at least 2M";
	if (cell->backing == BACKING_THP && cell->fragments)
		return "thp needs a contiguous layout";
	if (cell->fragments && cell->heap_bytes / PAGE_BYTES < cell->fragments) {
		snprintf(why, why_size, "fragmented:%u needs a heap of at least %u pages", cell->fragments,
			 cell->fragments);
		return why;
	}
	/* each fragment and the guard page after it are two mappings */
	if (cell->fragments && 2ul * cell->fragments + WORKER_MAPPINGS > max_map_count()) {
		snprintf(why, why_size, "fragmented:%u needs about %lu mappings, vm.max_map_count is %lu", cell->fragments,
			 2ul * cell->fragments + WORKER_MAPPINGS, max_map_count());
		return why;
	}
	return NULL;
}

/* Rules from the suite's own bounds. */
static const char *suite_rule(const struct cell *cell, const struct suite_config *config, char *why, size_t why_size)
{
	if (config->write_heap_limit && cell->write_ratio > 0 && cell->heap_bytes > config->write_heap_limit) {
		char limit[32];
		format_size(config->write_heap_limit, limit, sizeof limit);
		snprintf(why, why_size, "this suite measures writes on heaps up to %s (write_heap_limit)", limit);
		return why;
	}
	return NULL;
}

/* The first of the suite's ratios at which this cell writes nothing (0 at a 1M heap, whatever comes before it). */
static double first_silent_ratio(const struct cell *cell, const struct suite_config *config)
{
	struct cell probe = *cell;
	const struct axes *axes = &config->axes;
	for (size_t r = 0; r < axes->counts[DIMENSION_RATIO]; r++) {
		probe.write_ratio = axes->values[DIMENSION_RATIO][r];
		if (!cell_pages_written(&probe))
			return probe.write_ratio;
	}
	return cell->write_ratio;
}

/* A cell that writes nothing is measured once: with the first writer and pattern, at the first ratio that writes nothing. */
static const char *duplicate_rule(const struct cell *cell, const struct suite_config *config,
				  uint64_t pages_written, char *why, size_t why_size)
{
	if (pages_written)
		return NULL;
	double silent_ratio = first_silent_ratio(cell, config);
	const struct axes *axes = &config->axes;
	double first_writer = axes->values[DIMENSION_WRITER][0], first_pattern = axes->values[DIMENSION_PATTERN][0];
	if (cell->writer == first_writer && cell->pattern == first_pattern && cell->write_ratio == silent_ratio)
		return NULL;
	snprintf(why, why_size, "writes nothing: measured once, as writer=%s pattern=%s ratio=%g",
		 writer_names[(unsigned)first_writer], pattern_names[(unsigned)first_pattern], silent_ratio);
	return why;
}

/*
 * Rules of the parent's threads and the creators: a mode without threads and
 * a scope with one creator mean nothing, so such cells are measured once, at
 * the suite's first mode and scope.
 */
static const char *concurrency_rule(const struct cell *cell, const struct suite_config *config, char *why,
				    size_t why_size)
{
	const struct axes *axes = &config->axes;
	unsigned first_mode = (unsigned)axes->values[DIMENSION_THREAD_MODE][0];
	unsigned first_scope = (unsigned)axes->values[DIMENSION_CREATOR_SCOPE][0];
	if (cell->threads && cell->creators > 1)
		return "extra threads and several creators are measured one at a time";
	if (cell->creators > 1 && cell->placement == PLACEMENT_OTHER_CPU)
		return "several creators: each child runs on its creator's CPU; other-cpu is measured with one creator";
	if (!cell->threads && cell->thread_mode != first_mode) {
		snprintf(why, why_size, "no extra threads: measured once, as thread_mode=%s", thread_mode_names[first_mode]);
		return why;
	}
	if (cell->creators == 1 && cell->creator_scope != first_scope) {
		snprintf(why, why_size, "one creator: measured once, as creator_scope=%s", creator_scope_names[first_scope]);
		return why;
	}
	return NULL;
}

const char *cell_not_applicable(const struct cell *cell, const struct suite_config *config,
				char *why, size_t why_size)
{
	uint64_t pages_written = cell_pages_written(cell);
	if (cell->measurer != MEASURER_WORKER)
		return NULL; /* a whole command has no heap, writer or ratio */
	const char *reason = primitive_rule(cell, pages_written);
	if (!reason)
		reason = heap_rule(cell, why, why_size);
	if (!reason)
		reason = suite_rule(cell, config, why, why_size);
	if (!reason)
		reason = concurrency_rule(cell, config, why, why_size);
	if (!reason)
		reason = duplicate_rule(cell, config, pages_written, why, why_size);
	return reason;
}

static bool already_planned(const struct plan *plan, const struct cell *cell)
{
	for (size_t i = 0; i < plan->count; i++)
		if (cell_equal(&plan->cells[i].cell, cell))
			return true;
	return false;
}

static void plan_add(struct plan *plan, const struct cell *cell, const struct suite_config *config)
{
	if (already_planned(plan, cell))
		return; /* sweeps may overlap */
	if (plan->count == plan->capacity) {
		plan->capacity = plan->capacity ? 2 * plan->capacity : 256;
		plan->cells = xrealloc(plan->cells, plan->capacity * sizeof *plan->cells);
	}
	struct planned_cell *planned = &plan->cells[plan->count++];
	char why[160];
	memset(planned, 0, sizeof *planned);
	planned->cell = *cell;
	const char *reason = cell_not_applicable(cell, config, why, sizeof why);
	snprintf(planned->not_applicable, sizeof planned->not_applicable, "%s", reason ? reason : "");
	if (!reason)
		plan->measured++;
}

/* The program an exec cell runs, kept by the plan: NULL for spawnbench's helper. */
static const char *exec_program(struct plan *plan, const struct suite_config *config)
{
	if (strcmp(config->exec, "helper") == 0)
		return NULL;
	for (size_t i = 0; i < plan->program_count; i++)
		if (strcmp(plan->programs[i], config->exec) == 0)
			return plan->programs[i];
	plan->programs = xrealloc(plan->programs, (plan->program_count + 1) * sizeof *plan->programs);
	return plan->programs[plan->program_count++] = xstrdup(config->exec);
}

/* One whole command per cell, timed by hyperfine after the rest. */
static void plan_add_commands(struct plan *plan, const struct suite_config *c)
{
	for (size_t i = 0; i < c->command_count; i++) {
		struct cell cell = { .creators = 1, .measurer = MEASURER_HYPERFINE, .action = ACTION_EXEC, .placement = PLACEMENT_ANY,
				     .command_line = c->commands[i] };
		plan_add(plan, &cell, c);
	}
}

/* The cross product of one configuration's dimensions, outermost first: progress shows one primitive at a time. */
static void plan_sweep(struct plan *plan, const struct suite_config *c)
{
	const char *program = exec_program(plan, c);
	for (size_t d = 0; d < DIMENSION_COUNT; d++)
		if (!c->axes.counts[d])
			return;
	size_t positions[DIMENSION_COUNT] = { 0 };
	do {
		struct cell cell = axes_cell(&c->axes, positions);
		cell.exec_program = cell.action == ACTION_EXEC ? program : NULL;
		plan_add(plan, &cell, c);
	} while (axes_next(&c->axes, positions));
}

void plan_build(struct plan *plan, const struct suite_config *config)
{
	memset(plan, 0, sizeof *plan);
	if (!config->sweep_count)
		plan_sweep(plan, config);
	for (size_t i = 0; i < config->sweep_count; i++) {
		struct suite_config sweep;
		config_for_sweep(config, i, &sweep);
		plan_sweep(plan, &sweep);
		config_free(&sweep);
	}
	plan_add_commands(plan, config);
}

void plan_free(struct plan *plan)
{
	for (size_t i = 0; i < plan->program_count; i++)
		free(plan->programs[i]);
	free(plan->programs);
	free(plan->cells);
	memset(plan, 0, sizeof *plan);
}
