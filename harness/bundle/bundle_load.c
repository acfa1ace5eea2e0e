#include "bundle_load.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "csv.h"
#include "parse.h"
#include "primitive.h"
#include "safe_output.h"
#include "util.h"

int bundle_resolve(const char *argument, char *path, size_t size, char *why, size_t why_size)
{
	struct stat info;
	if (stat(argument, &info) == 0 && S_ISDIR(info.st_mode)) {
		snprintf(path, size, "%s", argument);
		return 0;
	}
	int length = snprintf(path, size, "%s/results/%s", project_root(), argument);
	if (length > 0 && (size_t)length < size && stat(path, &info) == 0 && S_ISDIR(info.st_mode))
		return 0;
	snprintf(why, why_size, "%s: no such bundle (a directory, or a name under results/ such as latest)", argument);
	return -1;
}

/* The row's command, kept once in the pool; NULL when the row has none. */
static const char *row_command(const struct csv_table *table, size_t row, char ***pool, size_t *count)
{
	int column = csv_column(table, "command");
	const char *text = column >= 0 ? csv_field(table, row, (size_t)column) : "";
	if (!*text)
		return NULL;
	for (size_t i = 0; i < *count; i++)
		if (strcmp((*pool)[i], text) == 0)
			return (*pool)[i];
	*pool = xrealloc(*pool, (*count + 1) * sizeof **pool);
	char *kept = xstrdup(text);
	text_strip_controls(kept); /* shown in tables and charts; a run never writes one */
	return (*pool)[(*count)++] = kept;
}

/* The row's measurer from its primitive column: "hyperfine" names a whole command's cell. */
static enum measurer row_measurer(const char *primitive_text)
{
	int measurer = name_index(measurer_names, MEASURER_COUNT, primitive_text);
	return measurer > MEASURER_WORKER ? (enum measurer)measurer : MEASURER_WORKER;
}

int cell_from_row(const struct csv_table *table, size_t row, struct cell *cell, char ***commands, size_t *command_count,
		  char *why, size_t why_size)
{
	memset(cell, 0, sizeof *cell);
	for (size_t d = 0; d < DIMENSION_COUNT; d++) {
		int column = csv_column(table, dimension_table[d].column);
		const char *text = column >= 0 ? csv_field(table, row, (size_t)column) : dimension_table[d].fallback;
		if (column < 0 && !dimension_table[d].column_optional) {
			snprintf(why, why_size, "no column '%s'", dimension_table[d].column);
			return -1;
		}
		double value;
		char problem[200];
		if (d == DIMENSION_PRIMITIVE && (cell->measurer = row_measurer(text)) != MEASURER_WORKER)
			continue;
		if (dimension_parse(d, text, &value, problem, sizeof problem) != 0) {
			char *shown = text_escape_controls(text); /* a value from someone else's file: one line */
			snprintf(why, why_size, "line %zu: a dimension this spawnbench does not know (%s = %s)", row + 2,
				 dimension_table[d].column, shown);
			free(shown);
			return -1;
		}
		cell_set(cell, d, value);
	}
	const char *command = row_command(table, row, commands, command_count);
	if (cell->measurer == MEASURER_WORKER)
		cell->exec_program = command;
	else
		cell->command_line = command;
	return 0;
}

static double number(const struct csv_table *table, size_t row, int column)
{
	if (column < 0)
		return NAN;
	const char *text = csv_field(table, row, (size_t)column);
	char *end;
	double value = strtod(text, &end);
	return *text && !*end ? value : NAN;
}

static void parse_status(const char *text, struct cell_summary *summary)
{
	const char *reason;
	if (status_parse(text, &summary->status, &reason) == 0) {
		snprintf(summary->reason, sizeof summary->reason, "%s", reason);
		text_strip_controls(summary->reason);
		return;
	}
	summary->status = CELL_FAILED;
	snprintf(summary->reason, sizeof summary->reason, "unknown status '%s'", text);
	text_strip_controls(summary->reason);
}

static struct cell_summary *summary_for(struct run_results *results, const struct cell *cell, size_t columns)
{
	for (size_t i = results->count; i-- > 0;)
		if (cell_equal(&results->cells[i].cell, cell))
			return &results->cells[i];
	struct cell_summary *summary = results_append(results, cell);
	summary->columns = columns;
	return summary;
}

/* Where in summary.csv the median of name is, or -1, noting an absent column for the report. */
static int median_column(struct loaded_bundle *bundle, const struct csv_table *table, const char *name)
{
	int column = csv_column(table, name);
	if (column < 0 && bundle->missing_count < MAX_MISSING)
		bundle->missing[bundle->missing_count++] = name;
	return column;
}

/* Column index in the summary of each median: the faults, then the counted events. */
static void median_columns(struct loaded_bundle *bundle, const struct csv_table *table, int *columns)
{
	size_t counted = 0;
	for (size_t c = 0; c < MAX_COLUMNS; c++)
		columns[c] = -1;
	for (int c = COLUMN_CHILD_MINFLT; c <= COLUMN_PARENT_MAJFLT; c++)
		columns[c] = median_column(bundle, table, fixed_column_names[c]);
	for (size_t i = 0; i < bundle->events.count; i++)
		if (bundle->events.events[i].encoded)
			columns[FIXED_COLUMNS + 2 * counted++] = median_column(bundle, table, bundle->events.events[i].column);
}

/* A count read from a file: 0 unless a whole number a size_t holds (a cast of -1 or 1e300 is undefined). */
static size_t count_value(double value)
{
	return value >= 0 && value < 1e15 ? (size_t)value : 0;
}

static void read_phase(const struct csv_table *table, size_t row, struct summary *phase)
{
	static const char *const names[] = { "n", "median_us", "ci_low_us", "ci_high_us", "mean_us", "stddev_us",
					     "min_us", "p90_us", "p99_us", "max_us", "outliers", "rounds",
					     "between_round_share" };
	double values[13];
	for (size_t i = 0; i < 13; i++)
		values[i] = number(table, row, csv_column(table, names[i]));
	phase->n = count_value(values[0]);
	phase->median = values[1];
	phase->ci_low = values[2];
	phase->ci_high = values[3];
	phase->mean = values[4];
	phase->stddev = values[5];
	phase->min = values[6];
	phase->p90 = values[7];
	phase->p99 = values[8];
	phase->max = values[9];
	phase->outliers = count_value(values[10]);
	phase->rounds = count_value(values[11]);   /* absent before rounds were columns: 0 */
	phase->between_share = values[12];
}

/* All creators together (absent from bundles made before there were creators: NaN, not oversubscribed). */
static void read_throughput(const struct csv_table *table, size_t row, struct cell_summary *summary)
{
	struct summary *rate = &summary->creations_per_s;
	rate->median = number(table, row, csv_column(table, "creations_per_s"));
	rate->ci_low = number(table, row, csv_column(table, "creations_per_s_ci_low"));
	rate->ci_high = number(table, row, csv_column(table, "creations_per_s_ci_high"));
	rate->n = !isnan(rate->median);
	summary->oversubscribed = number(table, row, csv_column(table, "oversubscribed")) == 1;
}

static int load_summary(struct loaded_bundle *bundle, char *why, size_t why_size)
{
	struct csv_table table;
	char *path = xasprintf("%s/summary.csv", bundle->path), problem[300];
	int result = csv_read(path, &table, why, why_size);
	int phase_column = result == 0 ? csv_column(&table, "phase") : -1;
	int status_column = result == 0 ? csv_column(&table, "status") : -1;
	if (result == 0 && (phase_column < 0 || status_column < 0 || csv_column(&table, "median_us") < 0)) {
		snprintf(why, why_size, "%s: no phase, median_us or status column", path);
		result = -1;
	}
	int columns[MAX_COLUMNS];
	if (result == 0)
		median_columns(bundle, &table, columns);
	for (size_t row = 0; result == 0 && row < table.rows; row++) {
		struct cell cell;
		if (cell_from_row(&table, row, &cell, &bundle->commands, &bundle->command_count, problem, sizeof problem) != 0) {
			snprintf(why, why_size, "%s: %s", path, problem);
			result = -1;
			break;
		}
		int phase = name_index(phase_names, PHASE_COUNT, csv_field(&table, row, (size_t)phase_column));
		struct cell_summary *summary = summary_for(&bundle->results, &cell, MAX_COLUMNS);
		parse_status(csv_field(&table, row, (size_t)status_column), summary);
		if (phase >= 0)
			read_phase(&table, row, &summary->phases[phase]);
		read_throughput(&table, row, summary);
		for (size_t c = 0; c < MAX_COLUMNS; c++)
			if (columns[c] >= 0)
				summary->medians[c] = number(&table, row, columns[c]);
	}
	if (table.header) /* read, whatever a row said after that */
		csv_free(&table);
	free(path);
	return result;
}

static void load_events(struct loaded_bundle *bundle)
{
	json_t *events = json_object_get(bundle->meta, "events"), *item;
	size_t index;
	json_array_foreach(events, index, item) {
		if (bundle->events.count == MAX_RUN_EVENTS)
			break;
		struct event *event = &bundle->events.events[bundle->events.count++];
		memset(event, 0, sizeof *event);
		const char *name = json_string_value(json_object_get(item, "name"));
		const char *column = json_string_value(json_object_get(item, "column"));
		const char *reason = json_string_value(json_object_get(item, "not_counted_because"));
		const char *note = json_string_value(json_object_get(item, "note"));
		event->name = xstrdup(name ? name : "?");
		event->column = xstrdup(column ? column : "?");
		event->encoded = json_is_true(json_object_get(item, "counted")) ? xstrdup("") : NULL;
		event->not_counted = reason ? xstrdup(reason) : NULL;
		event->note = note ? xstrdup(note) : NULL;
		event->user_only = json_is_true(json_object_get(item, "user_space_only"));
	}
}

/* What readers take from the configuration meta.json keeps as provenance: the suite's name, rounds, CI target, time. */
static void load_suite_facts(struct loaded_bundle *bundle)
{
	const char *suite = json_string_value(json_object_get(bundle->meta, "suite"));
	json_t *config = json_object_get(bundle->meta, "config");
	const char *rounds = json_string_value(json_object_get(config, "rounds"));
	const char *ci_target = json_string_value(json_object_get(config, "ci_target"));
	const char *time = json_string_value(json_object_get(config, "time"));
	snprintf(bundle->suite, sizeof bundle->suite, "%s", suite ? suite : "?");
	text_strip_controls(bundle->suite);
	bundle->rounds = rounds ? strtoul(rounds, NULL, 10) : 0;
	bundle->ci_target = ci_target ? strtod(ci_target, NULL) : NAN;
	snprintf(bundle->time, sizeof bundle->time, "%s", time && strcmp(time, "none") != 0 ? time : "");
	text_strip_controls(bundle->time);
}

/*
 * The bundle's axes are the distinct values among its cells (whole commands
 * aside), sorted: every renderer iterates over what was measured, sweeps
 * included, whatever the suite's [suite] text said. The first value of each
 * is the base every other dimension is shown at (ratio 0, writer child, ...).
 */
void bundle_axes_from_cells(struct loaded_bundle *bundle)
{
	memset(&bundle->axes, 0, sizeof bundle->axes);
	for (size_t i = 0; i < bundle->results.count; i++) {
		const struct cell *c = &bundle->results.cells[i].cell;
		if (c->measurer != MEASURER_WORKER)
			continue;
		for (size_t d = 0; d < DIMENSION_COUNT; d++)
			axes_add_sorted(&bundle->axes, d, cell_get(c, d));
	}
}

/* What meta.json's cells add: the counted iterations' roundtrip median, a child's page tables. */
static void load_cell_facts(struct loaded_bundle *bundle)
{
	json_t *cells = json_object_get(bundle->meta, "cells"), *item;
	size_t index;
	json_array_foreach(cells, index, item) {
		if (index >= bundle->results.count)
			break;
		json_t *median = json_object_get(item, "counted_roundtrip_median_us");
		json_t *page_tables = json_object_get(item, "child_page_tables_kib");
		if (json_is_number(median))
			bundle->results.cells[index].counted_roundtrip_us = json_number_value(median);
		if (json_is_number(page_tables))
			bundle->results.cells[index].child_page_tables_kib = json_number_value(page_tables);
		bundle->results.cells[index].iterations_sized = json_is_string(json_object_get(item, "iterations_sized"));
	}
}

/*
 * Every string of meta.json without control characters: what reaches a
 * terminal, a chart or a report is text, never an escape sequence or a line
 * of its own.
 */
static void strip_json_controls(json_t *value)
{
	const char *key;
	json_t *item;
	size_t index;
	if (json_is_string(value) && text_has_controls(json_string_value(value))) {
		char *text = xstrdup(json_string_value(value));
		text_strip_controls(text);
		json_string_set(value, text);
		free(text);
	} else if (json_is_object(value)) {
		json_object_foreach(value, key, item)
			strip_json_controls(item);
	} else if (json_is_array(value)) {
		json_array_foreach(value, index, item)
			strip_json_controls(item);
	}
}

static int load_meta(struct loaded_bundle *bundle, char *why, size_t why_size)
{
	char *path = xasprintf("%s/meta.json", bundle->path);
	json_error_t error;
	bundle->meta = json_load_file(path, JSON_REJECT_DUPLICATES, &error);
	int result = 0;
	if (!bundle->meta) {
		snprintf(why, why_size, "%s:%d: %s", path, error.line, error.text);
		result = -1;
	} else if (!json_is_object(bundle->meta)) {
		snprintf(why, why_size, "%s: not a JSON object", path);
		result = -1;
	} else if (json_integer_value(json_object_get(bundle->meta, "schema_version")) != BUNDLE_SCHEMA_VERSION) {
		snprintf(why, why_size, "%s: schema version %lld, this spawnbench reads version %d", path,
			 (long long)json_integer_value(json_object_get(bundle->meta, "schema_version")), BUNDLE_SCHEMA_VERSION);
		result = -1;
	} else {
		strip_json_controls(bundle->meta);
		bundle->status = json_string_value(json_object_get(bundle->meta, "status"));
		if (!bundle->status)
			bundle->status = "unknown";
	}
	free(path);
	return result;
}

int bundle_load(const char *path, struct loaded_bundle *bundle, char *why, size_t why_size)
{
	memset(bundle, 0, sizeof *bundle);
	snprintf(bundle->path, sizeof bundle->path, "%s", path);
	if (bundle_tree_check(path, why, why_size) != 0 || load_meta(bundle, why, why_size) != 0) {
		bundle_unload(bundle);
		return -1;
	}
	load_suite_facts(bundle);
	load_events(bundle);
	if (load_summary(bundle, why, why_size) != 0) {
		bundle_unload(bundle);
		return -1;
	}
	load_cell_facts(bundle);
	bundle_axes_from_cells(bundle);
	return 0;
}

void bundle_unload(struct loaded_bundle *bundle)
{
	json_decref(bundle->meta);
	events_free(&bundle->events);
	results_free(&bundle->results);
	for (size_t i = 0; i < bundle->command_count; i++)
		free(bundle->commands[i]);
	free(bundle->commands);
	memset(bundle, 0, sizeof *bundle);
}

const char *bundle_machine_text(const struct loaded_bundle *bundle, const char *key)
{
	const char *text = json_string_value(json_object_get(json_object_get(bundle->meta, "machine"), key));
	return text ? text : "";
}

bool bundle_emulated(const struct loaded_bundle *bundle)
{
	return json_is_true(json_object_get(bundle->meta, "emulated"));
}
