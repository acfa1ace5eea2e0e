/*
 * The dimensions of a sweep, described once. From this table come the
 * suite options (`heap = 0, 64M`, `--heap`), the planner's cross product,
 * the worker's arguments and its option parser, the bundle's CSV and JSON
 * columns and their loader, the cells' labels, a bundle's axes and `--list`.
 * Adding a dimension is one row here, a field in struct cell, and the code
 * that gives it meaning.
 */
#ifndef SPAWNBENCH_DIMENSION_H
#define SPAWNBENCH_DIMENSION_H

#include <stdbool.h>
#include <stddef.h>

#include "cell.h"

/* In the bundle's column order, which is also the order of a cell's label. */
enum dimension_id {
	DIMENSION_PRIMITIVE,
	DIMENSION_ACTION,
	DIMENSION_HEAP,
	DIMENSION_RATIO,
	DIMENSION_WRITER,
	DIMENSION_PATTERN,
	DIMENSION_BACKING,
	DIMENSION_LAYOUT,
	DIMENSION_PLACEMENT,
	DIMENSION_THREADS,
	DIMENSION_THREAD_MODE,
	DIMENSION_CREATORS,
	DIMENSION_CREATOR_SCOPE,
	DIMENSION_COUNT
};

#define MAX_VALUES 32

/* How a dimension's value is stored in struct cell. */
enum value_storage {
	STORED_UNSIGNED,   /* an enumeration, or an index (primitive): a name in JSON */
	STORED_COUNT,      /* unsigned, a number in JSON (threads, creators) */
	STORED_U64,
	STORED_DOUBLE
};

struct dimension {
	const char *name;          /* in descriptions: heap=64M */
	const char *key;           /* suite key; on the command line --key */
	const char *column;        /* the bundle's CSV column and JSON member */
	const char *worker_flag;   /* --flag=TEXT to the worker; NULL: the orchestrator applies it */
	const char *metavar, *help;
	const char *fallback;      /* the suite's value when no config gives one */
	size_t cell_offset;
	enum value_storage storage;
	size_t max_values;         /* a suite lists at most this many */
	/* an enumeration's names, or parse and format for any other value */
	const char *const *names;
	size_t name_count;
	int (*parse)(const char *text, double *value, char *why, size_t why_size);
	void (*format)(double value, char *buf, size_t size);   /* exact: read back by parse */
	void (*label)(double value, char *buf, size_t size);    /* for people; NULL: format */
	const char *label_prefix;  /* in a cell's short label: "r=" before a ratio */
	bool labelled_always;      /* in a cell's short label even at its first value */
	bool described_bare;       /* "fork exit heap=64M": no name= before the value */
	unsigned plan_depth;       /* the planner's nesting: 0 outermost (one primitive at a time) */
	bool column_optional;      /* added after bundles were made without it: missing means the fallback */
};

extern const struct dimension dimension_table[DIMENSION_COUNT];


double cell_get(const struct cell *cell, enum dimension_id id);
void cell_set(struct cell *cell, enum dimension_id id, double value);

/* A value from its text (suite, command line, bundle, worker argument). */
int dimension_parse(enum dimension_id id, const char *text, double *value, char *why, size_t why_size);
/* Exact text, read back by dimension_parse. */
void dimension_format(enum dimension_id id, double value, char *buf, size_t size);
/* Text for people: 64M rather than 67108864. */
void dimension_label(enum dimension_id id, double value, char *buf, size_t size);

/* Whether a and b are the same in every dimension but except (DIMENSION_COUNT: none). */
bool cell_same_except(const struct cell *a, const struct cell *b, enum dimension_id except);

/*
 * A suite's or a bundle's values of every dimension: for a suite, the lists
 * it sweeps; for a bundle, the distinct values among its cells, sorted.
 */
struct axes {
	double values[DIMENSION_COUNT][MAX_VALUES];
	size_t counts[DIMENSION_COUNT];
};

/* Adds value to a sorted set of distinct values; false when it is full. */
bool axes_add_sorted(struct axes *axes, enum dimension_id id, double value);
/* Whether value is one of the axis's values. */
bool axes_holds(const struct axes *axes, enum dimension_id id, double value);
/* A cell at the first value of every dimension. */
struct cell axes_base_cell(const struct axes *axes);

/*
 * The cross product as an odometer: positions[] start at 0; each call moves
 * to the next combination (the innermost dimension fastest) and returns false
 * after the last one.
 */
bool axes_next(const struct axes *axes, size_t positions[DIMENSION_COUNT]);
/* The cell at positions. */
struct cell axes_cell(const struct axes *axes, const size_t positions[DIMENSION_COUNT]);

/*
 * Whether a cell's name states this dimension: a dimension added later is
 * left out at its fallback, so that a cell keeps the name it had before
 * (in descriptions and in the exports that continuous-benchmarking
 * services key their history by).
 */
bool dimension_named(enum dimension_id id, double value);

/* "fork exit heap=64M ratio=0.5 writer=child ..." */
void cell_describe(const struct cell *cell, char *buf, size_t size);
/* "fork exit 64M r=0.5 child", other dimensions only where not at their fallback. */
void cell_label(const struct cell *cell, char *buf, size_t size);

#endif
