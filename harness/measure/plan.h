/*
 * Planning: the cross product of a suite's dimensions, with the
 * combinations that make no sense marked n/a and the reason.
 */
#ifndef SPAWNBENCH_PLAN_H
#define SPAWNBENCH_PLAN_H

#include <stddef.h>

#include "cell.h"
#include "config.h"

struct planned_cell {
	struct cell cell;
	char not_applicable[160];   /* empty: the cell makes sense */
	char skipped[240];          /* not empty: the suite's time has no room for it (schedule.c) */
};

struct plan {
	struct planned_cell *cells;
	size_t count, capacity;
	size_t measured;            /* cells that are not n/a */
	char **programs;            /* exec programs the cells name (cell.exec_program) */
	size_t program_count;
};

/*
 * Why cell makes no sense, or NULL. first_* are the values a cell that
 * writes nothing is measured with, so it is measured once only.
 */
const char *cell_not_applicable(const struct cell *cell, const struct suite_config *config,
				char *why, size_t why_size);

void plan_build(struct plan *plan, const struct suite_config *config);
void plan_free(struct plan *plan);

#endif
