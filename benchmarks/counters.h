/*
 * The worker's side of the perf counters: it only opens, enables, reads and
 * closes events whose perf_event_attr the orchestrator encoded (libpfm4).
 * An event travels on the command line as
 *     TYPE:CONFIG:CONFIG1:CONFIG2:EXCLUDE[:FILTER]
 * (numbers in hex; EXCLUDE bit 0 user, bit 1 kernel, bit 2 hypervisor;
 * FILTER a tracepoint filter such as "reason==3").
 */
#ifndef SPAWNBENCH_COUNTERS_H
#define SPAWNBENCH_COUNTERS_H

#include <stdint.h>
#include <stdio.h>

#define MAX_EVENTS 32

struct counter_reading {
	uint64_t value, enabled_ns, running_ns;
};

struct counters {
	int count;
	int fd[MAX_EVENTS];            /* -1: could not be opened */
	int open_errno[MAX_EVENTS];
	const char *spec[MAX_EVENTS];
	struct counter_reading at_start[MAX_EVENTS];
};

/* Parses spec and appends it; -1 if it is malformed or the list is full. */
int counters_add(struct counters *counters, const char *spec);
/* Opens every event for this process and the children it creates (inherit). */
void counters_open(struct counters *counters);
/* Closes the events' descriptors; counters_open opens them again. */
void counters_close(struct counters *counters);
/*
 * An iteration's counts are differences of two reads: PERF_EVENT_IOC_RESET
 * does not clear what exited inherited children have added to an event.
 */
void counters_start(struct counters *counters);
void counters_stop(const struct counters *counters, struct counter_reading *readings);

#endif
