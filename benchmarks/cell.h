/*
 * One point of the sweep, as both the orchestrator and the worker see it.
 * Its dimensions (primitive, heap, ratio ...) are described once, in the
 * table of dimension.h; this header holds the values they take.
 */
#ifndef SPAWNBENCH_CELL_H
#define SPAWNBENCH_CELL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "values.h"

enum action { ACTION_EXIT, ACTION_EXEC, ACTION_COUNT };
enum writer { WRITER_CHILD, WRITER_PARENT, WRITER_COUNT };
enum pattern { PATTERN_SEQUENTIAL, PATTERN_RANDOM, PATTERN_COUNT };
enum backing { BACKING_PRIVATE, BACKING_SHARED, BACKING_THP, BACKING_COUNT };
enum placement { PLACEMENT_SAME_CPU, PLACEMENT_OTHER_CPU, PLACEMENT_ANY, PLACEMENT_COUNT };
/* What the parent's extra threads do while it creates: spin on their stacks, or sleep. */
enum thread_mode { THREAD_MODE_BUSY, THREAD_MODE_IDLE, THREAD_MODE_COUNT };
/* Several creators at once: separate processes, each with its heap, or threads sharing one. */
enum creator_scope { CREATOR_SCOPE_PROCESS, CREATOR_SCOPE_THREAD, CREATOR_SCOPE_COUNT };

/* Who measures a cell: the worker runs a primitive; hyperfine times a whole command. */
enum measurer { MEASURER_WORKER, MEASURER_HYPERFINE, MEASURER_COUNT };

extern const char *const action_names[ACTION_COUNT];
extern const char *const writer_names[WRITER_COUNT];
extern const char *const pattern_names[PATTERN_COUNT];
extern const char *const backing_names[BACKING_COUNT];
extern const char *const placement_names[PLACEMENT_COUNT];
extern const char *const thread_mode_names[THREAD_MODE_COUNT];
extern const char *const creator_scope_names[CREATOR_SCOPE_COUNT];
extern const char *const measurer_names[MEASURER_COUNT];

/* Index of name in names[0..count), or -1. */
int name_index(const char *const *names, size_t count, const char *name);

struct cell {
	enum measurer measurer;
	/* the dimensions: one row each in dimension_table */
	unsigned primitive;        /* index into primitive_table */
	enum action action;
	uint64_t heap_bytes;
	double write_ratio;
	enum writer writer;
	enum pattern pattern;
	enum backing backing;
	unsigned fragments;        /* 0: one contiguous mapping; N: N mappings */
	enum placement placement;
	unsigned threads;          /* extra threads in the parent, started before measuring */
	enum thread_mode thread_mode;
	unsigned creators;         /* creators measuring the cell at once: 1 or more (cell_init) */
	enum creator_scope creator_scope;
	/* what the child or the command runs */
	const char *exec_program;  /* a worker exec cell's program; NULL: spawnbench's helper */
	const char *command_line;  /* a hyperfine cell's whole command; NULL for worker cells */
};

/* A cell at every dimension's first value: fork exit, heap 0, one creator. */
struct cell cell_init(enum measurer measurer);

/* Whether a and b are the same cell: measurer, every dimension and the programs. */
bool cell_equal(const struct cell *a, const struct cell *b);

/* Pages the writer stores to: write_ratio of the heap's pages, rounded. */
uint64_t cell_pages_written(const struct cell *cell);

#endif
