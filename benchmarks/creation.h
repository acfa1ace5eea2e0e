/*
 * One creator: what it needs to create children (its report page, a stack
 * for a CLONE_VM child, the program an exec'ing child runs, the heap) and
 * one iteration with its timed windows. The worker is creator 0; a cell with
 * several creators runs more of them at once (creators.h).
 */
#ifndef SPAWNBENCH_CREATION_H
#define SPAWNBENCH_CREATION_H

#include <stdbool.h>
#include <stdint.h>
#include <stdnoreturn.h>

#include "cell.h"
#include "child.h"
#include "counters.h"
#include "heap.h"
#include "primitive.h"

#define MAX_EXEC_WORDS 64

struct creator {
	struct cell cell;
	const struct primitive *primitive;
	unsigned index;                 /* 0: the worker's own thread */
	struct heap heap;
	struct counters *counters;      /* creator 0's events; NULL for the others */
	struct child_report *report;    /* MAP_SHARED: the child writes, we read */
	char *exec_argv[MAX_EXEC_WORDS + 1];  /* the program and its arguments, or the helper and its descriptor */
	size_t exec_words;
	char helper_fd_arg[16];
	bool exec_is_helper;            /* the helper reports its start time on a pipe */
	int helper_read_fd;
	void *clone_stack_top;
	uint64_t pages_to_write;
	int move_to_cpu;                /* other-cpu placement: the child's first act */
	unsigned iteration;
};

struct sample {
	bool counted;
	unsigned creator;
	int64_t create_ns, start_ns, cow_ns, roundtrip_ns;   /* -1: does not apply */
	long child_minflt, child_majflt, parent_minflt, parent_majflt;
	struct counter_reading readings[MAX_EVENTS];
};

/* The worker's way out, from any creator: tells the orchestrator (PROTOCOL_FAIL or _SKIP why), then exits. */
noreturn void worker_say_and_exit(const char *verdict, const char *why, int status);

/* The report page, the clone stack and the helper's pipe: each creator has its own. */
void creator_set_up_channels(struct creator *c);
/* Maps and populates the heap (THP checked); a creator sharing another's heap copies it instead. */
void creator_set_up_heap(struct creator *c);
/* Creates one child and measures it into s (counted: the events are read around it). */
void creator_run_iteration(struct creator *c, struct sample *s, bool counted);
/* Pins the calling thread to cpu (>= 0). */
void pin_to_cpu(int cpu);

#endif
