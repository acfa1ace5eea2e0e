/* CPU placement with hwloc: where the worker runs and where its child moves. */
#ifndef SPAWNBENCH_TOPOLOGY_H
#define SPAWNBENCH_TOPOLOGY_H

#define _GNU_SOURCE
#include <sched.h>
#include <stdbool.h>

#include "cell.h"

int topology_init(void);
void topology_close(void);
unsigned topology_pu_count(void);

struct placement_plan {
	bool bind;                  /* false: the worker may run anywhere */
	cpu_set_t worker_cpus;
	int child_cpu;              /* -1: the child stays where it is created */
};

/* How to place the cell's worker and child; false with why if impossible here. */
bool topology_place(enum placement placement, struct placement_plan *plan, char *why, size_t why_size);

/* hwloc's XML export of the machine; free with topology_free_xml. */
char *topology_xml(void);
void topology_free_xml(char *xml);

#endif
