/*
 * Reading a results bundle back: meta.json and summary.csv (and, for
 * comparisons, samples.csv), validated on the way. --plot, --report,
 * --compare and --trend all start here, and so do a run's own charts.
 */
#ifndef SPAWNBENCH_BUNDLE_LOAD_H
#define SPAWNBENCH_BUNDLE_LOAD_H

#include <jansson.h>
#include <limits.h>

#include "schema.h"
#include "results.h"

#define MAX_MISSING 16

struct loaded_bundle {
	char path[PATH_MAX];
	json_t *meta;
	const char *status;                /* complete, interrupted, failed (owned by meta) */
	char suite[64];                    /* meta.json's suite name */
	unsigned long rounds;              /* rounds per cell, from meta.json's configuration (0: not given) */
	double ci_target;                  /* the relative CI half-width the run aimed at (NaN: not given) */
	char time[32];                     /* the suite's time ("15m"), or "" when it had a budget per cell */
	struct axes axes;                  /* the distinct values of each dimension among the cells */
	struct event_set events;           /* counted events have encoded = "" */
	struct run_results results;        /* one cell_summary per cell of summary.csv */
	const char *missing[MAX_MISSING];  /* optional summary.csv columns that are absent */
	size_t missing_count;
	char **commands;                   /* the cells' command strings */
	size_t command_count;
};

/*
 * Resolves a bundle argument: a directory, or a name under results/ such as
 * "latest"; -1 with why when it names nothing.
 */
int bundle_resolve(const char *argument, char *path, size_t size, char *why, size_t why_size);

/* Loads and validates; -1 with one line naming the file at fault in why. */
int bundle_load(const char *path, struct loaded_bundle *bundle, char *why, size_t why_size);
void bundle_unload(struct loaded_bundle *bundle);

/*
 * Parses the dimension columns of a CSV row into cell; -1 with why. A command
 * is kept in *commands (grown as needed) and freed with the bundle.
 */
struct csv_table;
int cell_from_row(const struct csv_table *table, size_t row, struct cell *cell, char ***commands, size_t *command_count,
		  char *why, size_t why_size);

/*
 * Sets the bundle's axes to the distinct values among its cells, as
 * bundle_load does: every renderer iterates over them. For a bundle built in
 * memory (tests), after its cells.
 */
void bundle_axes_from_cells(struct loaded_bundle *bundle);

/* meta.json "machine" field as text ("" when absent). */
/* Whether the bundle was measured in a guest under emulation (qemu TCG): meta.json's "emulated". */
bool bundle_emulated(const struct loaded_bundle *bundle);

/* The sentence every report, comparison and trend of an emulated bundle starts with. */
#define EMULATED_WARNING "EMULATED: measured in a guest under qemu's TCG, instruction by instruction: these timings " \
	"mean nothing for the kernel's performance; the counts (faults, TLB flushes) are the kernel's."

const char *bundle_machine_text(const struct loaded_bundle *bundle, const char *key);

#endif
