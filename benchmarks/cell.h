/*
 * One point of the sweep, as both the orchestrator and the worker see it,
 * and the names each dimension's values go by in configs, on the command
 * line and in the results bundle.
 */
#ifndef SPAWNBENCH_CELL_H
#define SPAWNBENCH_CELL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum action { ACTION_EXIT, ACTION_EXEC, ACTION_COUNT };
enum writer { WRITER_CHILD, WRITER_PARENT, WRITER_COUNT };
enum pattern { PATTERN_SEQUENTIAL, PATTERN_RANDOM, PATTERN_COUNT };
enum backing { BACKING_PRIVATE, BACKING_SHARED, BACKING_THP, BACKING_COUNT };
enum placement { PLACEMENT_SAME_CPU, PLACEMENT_OTHER_CPU, PLACEMENT_ANY, PLACEMENT_COUNT };

extern const char *const action_names[ACTION_COUNT];
extern const char *const writer_names[WRITER_COUNT];
extern const char *const pattern_names[PATTERN_COUNT];
extern const char *const backing_names[BACKING_COUNT];
extern const char *const placement_names[PLACEMENT_COUNT];

/* Index of name in names[0..count), or -1. */
int name_index(const char *const *names, size_t count, const char *name);

struct cell {
	unsigned primitive;        /* index into primitive_table */
	enum action action;
	uint64_t heap_bytes;
	double write_ratio;
	enum writer writer;
	enum pattern pattern;
	enum backing backing;
	unsigned fragments;        /* 0: one contiguous mapping; N: N mappings */
	enum placement placement;
	const char *command;       /* whole-command (hyperfine) cells: the command line; NULL otherwise */
};

/* Whether a and b are the same cell: every dimension, the command included. */
bool cell_equal(const struct cell *a, const struct cell *b);

/* Whether a and b differ at most in the heap (ignore_heap) or the write ratio (otherwise). */
bool cell_same_group(const struct cell *a, const struct cell *b, bool ignore_heap);

#define PAGE_BYTES 4096u

/* Pages the writer stores to: write_ratio of the heap's pages, rounded. */
uint64_t cell_pages_written(const struct cell *cell);

/* "contiguous" or "fragmented:N" into buf. */
void layout_format(unsigned fragments, char *buf, size_t size);

#endif
