#include "topology.h"

#include <hwloc.h>
#include <hwloc/glibc-sched.h>
#include <stdio.h>
#include <string.h>

static hwloc_topology_t topology;

int topology_init(void)
{
	if (hwloc_topology_init(&topology) != 0)
		return -1;
	return hwloc_topology_load(topology);
}

void topology_close(void)
{
	if (topology)
		hwloc_topology_destroy(topology);
	topology = NULL;
}

unsigned topology_pu_count(void)
{
	int count = hwloc_get_nbobjs_by_type(topology, HWLOC_OBJ_PU);
	return count > 0 ? (unsigned)count : 1;
}

/* A PU on another core than first's, if there is one, else another PU. */
static hwloc_obj_t other_pu(hwloc_obj_t first)
{
	hwloc_obj_t first_core = hwloc_get_ancestor_obj_by_type(topology, HWLOC_OBJ_CORE, first);
	hwloc_obj_t fallback = NULL;
	for (unsigned i = 1; i < topology_pu_count(); i++) {
		hwloc_obj_t pu = hwloc_get_obj_by_type(topology, HWLOC_OBJ_PU, i);
		if (hwloc_get_ancestor_obj_by_type(topology, HWLOC_OBJ_CORE, pu) != first_core)
			return pu;
		if (!fallback)
			fallback = pu;
	}
	return fallback;
}

/*
 * The PUs in the order a cell's helpers take them: first's PU, then the PUs
 * on other cores, then the other PUs of first's core (the busy thread on
 * another core is the case the threads dimension is about). Returns the count.
 */
static size_t pus_in_order(hwloc_obj_t first, int *cpus, size_t capacity)
{
	hwloc_obj_t first_core = hwloc_get_ancestor_obj_by_type(topology, HWLOC_OBJ_CORE, first);
	size_t count = 0;
	cpus[count++] = (int)first->os_index;
	for (int same_core = 0; same_core < 2; same_core++)
		for (unsigned i = 0; i < topology_pu_count() && count < capacity; i++) {
			hwloc_obj_t pu = hwloc_get_obj_by_type(topology, HWLOC_OBJ_PU, i);
			bool on_first_core = hwloc_get_ancestor_obj_by_type(topology, HWLOC_OBJ_CORE, pu) == first_core;
			if (pu != first && on_first_core == (bool)same_core)
				cpus[count++] = (int)pu->os_index;
		}
	return count;
}

/* Extra threads go to the PUs other than the worker's, in turn; on a machine of one PU, to the worker's. */
static void place_helpers(hwloc_obj_t first, struct placement_plan *plan)
{
	size_t count = pus_in_order(first, plan->creator_cpus, MAX_PLACED_CPUS);
	plan->creator_cpu_count = count;
	if (count == 1) {
		plan->thread_cpus[0] = plan->creator_cpus[0];
		plan->thread_cpu_count = 1;
		return;
	}
	memcpy(plan->thread_cpus, plan->creator_cpus + 1, (count - 1) * sizeof *plan->thread_cpus);
	plan->thread_cpu_count = count - 1;
}

bool topology_oversubscribed(const struct cell *cell)
{
	return cell->creators > topology_pu_count();
}

bool topology_place(const struct cell *cell, struct placement_plan *plan, char *why, size_t why_size)
{
	enum placement placement = cell->placement;
	memset(plan, 0, sizeof *plan);
	plan->child_cpu = -1;
	if (placement == PLACEMENT_ANY)
		return true;
	hwloc_obj_t first = hwloc_get_obj_by_type(topology, HWLOC_OBJ_PU, 0);
	if (!first) {
		snprintf(why, why_size, "hwloc found no processing unit");
		return false;
	}
	plan->bind = true;
	hwloc_cpuset_to_glibc_sched_affinity(topology, first->cpuset, &plan->worker_cpus, sizeof plan->worker_cpus);
	if (cell->threads || cell->creators > 1)
		place_helpers(first, plan);
	if (placement == PLACEMENT_OTHER_CPU) {
		hwloc_obj_t other = other_pu(first);
		if (!other) {
			snprintf(why, why_size, "other-cpu needs two CPUs, hwloc found %u", topology_pu_count());
			return false;
		}
		plan->child_cpu = (int)other->os_index;
	}
	return true;
}

char *topology_xml(void)
{
	char *xml = NULL;
	int length;
	if (hwloc_topology_export_xmlbuffer(topology, &xml, &length, 0) != 0)
		return NULL;
	return xml;
}

void topology_free_xml(char *xml)
{
	if (xml)
		hwloc_free_xmlbuffer(topology, xml);
}
