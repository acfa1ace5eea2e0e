/*
 * What a created child does, whatever created it: take its start timestamp,
 * move to another CPU if the cell says so, write its share of the heap if it
 * is the writer, wait for the parent if the parent writes meanwhile, then
 * exec or _exit. Only async-signal-safe calls: a raw clone child, a vfork
 * child and a CLONE_VM child all run it.
 */
#ifndef SPAWNBENCH_CHILD_H
#define SPAWNBENCH_CHILD_H

#include <stdint.h>
#include <stdnoreturn.h>

#include "cell.h"
#include "heap.h"

/* Written by the child, read by the parent after wait4: a MAP_SHARED page. */
struct child_report {
	volatile int64_t start_ns;     /* CLOCK_MONOTONIC at the child's first instruction */
	volatile int64_t cow_start_ns;
	volatile int64_t cow_end_ns;
};

struct child_job {
	enum action action;
	char *const *exec_argv;        /* the helper or the configured program */
	char *const *exec_envp;
	const struct heap *heap;
	uint64_t pages_to_write;       /* 0: the child writes nothing */
	unsigned char write_value;
	struct child_report *report;
	int move_to_cpu;               /* -1: stay where created */
	int release_fd;                /* >= 0: wait for one byte from the parent before leaving */
	int parent_end_fd;             /* >= 0: the parent's end of that pipe, closed by the child */
	void *stack_top;               /* clone-vm only: the child's own stack */
};

int64_t monotonic_ns(void);

noreturn void child_run(const struct child_job *job);

/* Exit status a child uses when its exec failed. */
#define CHILD_EXEC_FAILED 127

#endif
