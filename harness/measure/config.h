/*
 * A suite: the sweep to run and how to sample it. One option table drives
 * the INI files in configs/, the command-line overrides and the help text.
 */
#ifndef SPAWNBENCH_CONFIG_H
#define SPAWNBENCH_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "dimension.h"

#define MAX_EVENT_NAMES 32
#define MAX_COMMANDS 16
#define MAX_SWEEPS 16

struct suite_config {
	char name[64];
	char description[256];
	char source[512];             /* the INI file it came from */

	struct axes axes;             /* the values each dimension sweeps, in the order given */
	char exec[512];               /* "helper", or the program an exec'ing child runs */
	uint64_t write_heap_limit;    /* writes measured on heaps up to this; 0: no limit */

	unsigned long warmup;
	unsigned long min_iterations;
	unsigned long max_iterations;
	double ci_target;             /* CI half-width over the median */
	double time_seconds;          /* the whole suite, planned (schedule.c); 0: budget per cell instead */
	double budget_seconds;        /* per cell, heap set-up excluded (time_seconds 0) */
	double timeout_seconds;       /* one iteration; past it the cell fails */
	unsigned long rounds;         /* each cell measured this many times, spread over the run */

	char *event_names[MAX_EVENT_NAMES];
	size_t event_count;

	char *commands[MAX_COMMANDS];  /* whole commands for hyperfine; "helper" is spawnbench's */
	size_t command_count;
	unsigned long hyperfine_runs;

	/* the effective text of every option, for meta.json */
	char *text[64];

	/* [sweep NAME] sections: each a set of keys over [suite]'s; the plan is their union */
	struct sweep {
		char name[64];
		char *keys[32], *values[32];
		size_t count;
	} sweeps[MAX_SWEEPS];
	size_t sweep_count;
	/* the command line's overrides, which win over every sweep's keys */
	char *override_keys[64], *override_values[64];
	size_t override_count;
};

struct option_spec {
	const char *key;              /* INI key; on the command line --key with '_' as '-' */
	const char *section;          /* INI section */
	const char *metavar;
	const char *help;
	const char *fallback;         /* value when no config gives one */
	int (*apply)(struct suite_config *config, char *value, char *why, size_t why_size);
	const struct dimension *dimension;  /* a dimension's list, set into axes; NULL: apply sets it */
};

/* Every option: the dimensions' (from dimension_table), then the others. */
const struct option_spec *suite_options(size_t *count);

void config_init(struct suite_config *config);
void config_free(struct suite_config *config);

/*
 * Sets option `key` from text. Returns 0; CONFIG_BAD_KEY if the key is unknown
 * or in the wrong section; CONFIG_BAD_VALUE if the value is bad; the problem in why.
 */
#define CONFIG_BAD_KEY (-1)
#define CONFIG_BAD_VALUE (-2)
int config_set(struct suite_config *config, const char *section, const char *key, const char *value,
	       char *why, size_t why_size);

/* Loads an INI file; on error returns -1 with "FILE:LINE: ..." in why. */
int config_load(struct suite_config *config, const char *path, char *why, size_t why_size);
/* The same from the file's text; path only names it in messages. */
int config_parse_text(struct suite_config *config, const char *text, const char *path, char *why, size_t why_size);

/* Records a command-line override (already applied to config) for the sweeps. */
void config_add_override(struct suite_config *config, const char *key, const char *value);

/*
 * The configuration of sweep index: [suite]'s values, the sweep's keys, then
 * the command-line overrides. Free with config_free.
 */
void config_for_sweep(const struct suite_config *config, size_t index, struct suite_config *sweep);

/* The option whose command-line name is name (dashes), or NULL. */
const struct option_spec *option_by_cli_name(const char *name);

#endif
