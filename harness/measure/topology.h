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

#define MAX_PLACED_CPUS 64

struct placement_plan {
	bool bind;                  /* false: the worker may run anywhere */
	cpu_set_t worker_cpus;
	int child_cpu;              /* -1: the child stays where it is created */
	/* the extra threads' CPUs, in turn: the PUs other than the worker's (none when not bound) */
	int thread_cpus[MAX_PLACED_CPUS];
	size_t thread_cpu_count;
	/* creator i's CPU: creator_cpus[i % count], the worker's PU first (none when not bound) */
	int creator_cpus[MAX_PLACED_CPUS];
	size_t creator_cpu_count;
};

/*
 * How to place the cell's worker, its child, its extra threads and its other
 * creators; false with why if impossible here.
 */
bool topology_place(const struct cell *cell, struct placement_plan *plan, char *why, size_t why_size);

/* Whether the cell's creators outnumber the PUs, so that some share one. */
bool topology_oversubscribed(const struct cell *cell);

/* hwloc's XML export of the machine; free with topology_free_xml. */
char *topology_xml(void);
void topology_free_xml(char *xml);

#endif
