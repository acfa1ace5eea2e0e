/*
 * The results bundle's schema, shared by the run that writes a bundle and
 * everything that reads one: the sample columns and phases, the cells'
 * statuses, the counted events' columns and the schema version. Nothing here
 * measures; a reader includes this and the dimension table, never the
 * sampler or the planner.
 */
#ifndef SPAWNBENCH_SCHEMA_H
#define SPAWNBENCH_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "dimension.h"

/* meta.json's schema_version: moves only when a column changes */
#define BUNDLE_SCHEMA_VERSION 1

enum sample_column {
	COLUMN_CREATE_US,
	COLUMN_START_US,
	COLUMN_COW_US,
	COLUMN_ROUNDTRIP_US,
	COLUMN_CHILD_MINFLT,
	COLUMN_CHILD_MAJFLT,
	COLUMN_PARENT_MINFLT,
	COLUMN_PARENT_MAJFLT,
	COLUMN_COUNTED,              /* 1: perf counters were open (and their cost in the windows) */
	COLUMN_ROUND,                /* which round of the cell (0-based) */
	COLUMN_CREATOR,              /* which creator made the child (0-based; 0 with one creator) */
	FIXED_COLUMNS,
	/* then, per counted event: its scaled value, then enabled/running */
};

extern const char *const fixed_column_names[FIXED_COLUMNS];
#define PHASE_COUNT 4 /* the first four columns are the phases */
extern const char *const phase_names[PHASE_COUNT];

struct sample_table {
	size_t rows, capacity, columns;
	double *values;              /* row-major; NaN where a value does not apply */
};

static inline double *sample_row(const struct sample_table *table, size_t row)
{
	return table->values + row * table->columns;
}

/* All of one column, copied out (caller frees). */
double *sample_column(const struct sample_table *table, size_t column);

/*
 * One column of the rows whose COLUMN_COUNTED is counted; NaN in the other
 * rows, which the statistics skip (caller frees).
 */
double *sample_column_where(const struct sample_table *table, size_t column, bool counted);

/* Whether any row is counted (the run has events). */
bool samples_have_counted_rows(const struct sample_table *table);

enum cell_status { CELL_OK, CELL_NOT_APPLICABLE, CELL_SKIPPED, CELL_FAILED, CELL_STATUS_COUNT };

extern const char *const cell_status_names[CELL_STATUS_COUNT];

/* "ok", or "n/a: REASON", "skipped: REASON", "failed: REASON" (summary.csv's status column). */
void status_format(enum cell_status status, const char *reason, char *buf, size_t size);
/* The reverse: -1 when text is no status; reason points into text. */
int status_parse(const char *text, enum cell_status *status, const char **reason);

#define MAX_RUN_EVENTS 32

struct event {
	char *name;          /* as requested; tlb:tlb_flush also gives one event per flush reason */
	char *column;        /* samples.csv / summary.csv column */
	char *encoded;       /* TYPE:CONFIG:CONFIG1:CONFIG2:EXCLUDE[:FILTER] for the worker; NULL if not counted */
	char *qualified;     /* libpfm's fully qualified name, or the tracepoint and its filter */
	char *not_counted;   /* why it cannot be counted here, NULL if it can */
	char *note;          /* a limit on what is counted (user space only), or NULL */
	char *meaning;       /* what the kernel calls it (a tlb_flush reason, from the tracepoint's format), or NULL */
	bool user_only;
};

struct event_set {
	size_t count;
	struct event events[MAX_RUN_EVENTS];
};

void events_free(struct event_set *set);

/* A cell's text in a dimension's column (a whole command's primitive column says hyperfine), and in the command column. */
void cell_column_text(const struct cell *cell, enum dimension_id id, char *buf, size_t size);
const char *cell_command_text(const struct cell *cell);

/* The dimension columns of samples.csv and summary.csv, then command: the header, and a cell's fields. */
void write_dimension_header(FILE *file);
void write_dimensions(FILE *file, const struct cell *cell);

/* The machine probes meta.json keeps, before and after the suite (probes.c runs them). */
enum probe {
	PROBE_USER_LOOP,     /* ns per iteration of an arithmetic loop: the CPU alone */
	PROBE_MEMCPY,        /* ns per MiB copied, buffers already faulted in: the memory bandwidth */
	PROBE_PAGE_FAULT,    /* ns per first touch of an anonymous page: the memory path, kernel included */
	PROBE_SYSCALL,       /* ns per getppid(): entering and leaving the kernel */
	PROBE_COUNT
};
extern const char *const probe_names[];   /* user_loop_ns, memcpy_ns_per_mib, page_fault_ns, syscall_ns */

/* A probe's median in a bundle's meta.json ("before" or "after"), or NaN. */
double probe_median(json_t *meta, const char *when, enum probe probe);

#endif
