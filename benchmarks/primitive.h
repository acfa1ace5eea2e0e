/*
 * A process-creation primitive: one descriptor per file in benchmarks/,
 * collected in primitive_table (primitives.c). The worker calls create();
 * the orchestrator reads the flags to decide which cells make sense.
 */
#ifndef SPAWNBENCH_PRIMITIVE_H
#define SPAWNBENCH_PRIMITIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct child_job;

struct primitive {
	const char *name;
	const char *summary;
	/* false: the child is always an exec'd program (posix_spawn) */
	bool child_can_exit;
	/* false: the child must not store to the heap; why in no_child_write */
	bool child_can_write;
	const char *no_child_write;
	/* the child runs in the parent's address space (CLONE_VM) */
	bool shares_memory;
	/* create() returns only once the child has exec'd or exited */
	bool parent_suspended;
	/* Starts a child that runs job; returns its pid, or -1 with errno set. */
	pid_t (*create)(const struct child_job *job);
};

extern const struct primitive *const primitive_table[];
extern const size_t primitive_count;

/* clone.c: the system call its last create went through, "clone3" or "clone". */
const char *clone_used(void);

/* Index of the primitive called name, or -1. */
int primitive_index(const char *name);

#endif
