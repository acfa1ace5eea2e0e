#include "schema.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "util.h"

const char *const fixed_column_names[FIXED_COLUMNS] = {
	"create_us", "start_us", "cow_us", "roundtrip_us",
	"child_minflt", "child_majflt", "parent_minflt", "parent_majflt", "counted", "round", "creator",
};
const char *const phase_names[PHASE_COUNT] = { "create", "start", "cow", "roundtrip" };
const char *const cell_status_names[CELL_STATUS_COUNT] = { "ok", "n/a", "skipped", "failed" };

void status_format(enum cell_status status, const char *reason, char *buf, size_t size)
{
	if (status == CELL_OK)
		snprintf(buf, size, "ok");
	else
		snprintf(buf, size, "%s: %s", cell_status_names[status], reason);
}

int status_parse(const char *text, enum cell_status *status, const char **reason)
{
	for (int s = CELL_STATUS_COUNT - 1; s >= CELL_OK; s--) {
		size_t length = strlen(cell_status_names[s]);
		if (strncmp(text, cell_status_names[s], length) != 0)
			continue;
		if (s == CELL_OK && text[length] == '\0') {
			*status = CELL_OK;
			*reason = text + length;
			return 0;
		}
		if (s != CELL_OK && strncmp(text + length, ": ", 2) == 0) {
			*status = (enum cell_status)s;
			*reason = text + length + 2;
			return 0;
		}
	}
	return -1;
}

double *sample_column(const struct sample_table *table, size_t column)
{
	double *values = xmalloc(table->rows * sizeof *values);
	for (size_t row = 0; row < table->rows; row++)
		values[row] = sample_row(table, row)[column];
	return values;
}

double *sample_column_where(const struct sample_table *table, size_t column, bool counted)
{
	double *values = sample_column(table, column);
	for (size_t row = 0; row < table->rows; row++)
		if ((sample_row(table, row)[COLUMN_COUNTED] != 0) != counted)
			values[row] = NAN;
	return values;
}

bool samples_have_counted_rows(const struct sample_table *table)
{
	for (size_t row = 0; row < table->rows; row++)
		if (sample_row(table, row)[COLUMN_COUNTED] != 0)
			return true;
	return false;
}

void events_free(struct event_set *set)
{
	for (size_t i = 0; i < set->count; i++) {
		struct event *event = &set->events[i];
		free(event->name);
		free(event->column);
		free(event->encoded);
		free(event->qualified);
		free(event->not_counted);
		free(event->note);
		free(event->meaning);
	}
	memset(set, 0, sizeof *set);
}

const char *const probe_names[] = { "user_loop_ns", "memcpy_ns_per_mib", "page_fault_ns", "syscall_ns" };

double probe_median(json_t *meta, const char *when, enum probe probe)
{
	json_t *value = json_object_get(json_object_get(json_object_get(json_object_get(meta, "machine_probes"), when),
						       probe_names[probe]), "median");
	return json_is_number(value) ? json_number_value(value) : NAN;
}

/*
 * A dimension's text in the bundle. A whole command's cell says "hyperfine"
 * in the primitive column (the bundle's way of naming its measurer since
 * schema 1) and its command line in the command column, where a worker's
 * exec cell names the program its child runs.
 */
void cell_column_text(const struct cell *cell, enum dimension_id id, char *buf, size_t size)
{
	if (id == DIMENSION_PRIMITIVE && cell->measurer != MEASURER_WORKER)
		snprintf(buf, size, "%s", measurer_names[cell->measurer]);
	else
		dimension_format(id, cell_get(cell, id), buf, size);
}

const char *cell_command_text(const struct cell *cell)
{
	const char *text = cell->measurer == MEASURER_WORKER ? cell->exec_program : cell->command_line;
	return text ? text : "";
}

void write_dimension_header(FILE *file)
{
	for (size_t d = 0; d < DIMENSION_COUNT; d++)
		fprintf(file, "%s,", dimension_table[d].column);
	fputs("command", file);
}

void write_dimensions(FILE *file, const struct cell *cell)
{
	for (size_t d = 0; d < DIMENSION_COUNT; d++) {
		char text[64];
		cell_column_text(cell, d, text, sizeof text);
		fprintf(file, "%s%s", d ? "," : "", text);
	}
	fputc(',', file);
	csv_write_text(file, cell_command_text(cell));
}
