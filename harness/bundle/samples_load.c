#include "samples_load.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "util.h"

const struct cell_samples *samples_find(const struct bundle_samples *samples, const struct cell *cell)
{
	for (size_t i = samples->count; i-- > 0;)
		if (cell_equal(&samples->cells[i].cell, cell))
			return &samples->cells[i];
	return NULL;
}

static struct cell_samples *cell_entry(struct bundle_samples *samples, const struct cell *cell)
{
	struct cell_samples *entry = (struct cell_samples *)samples_find(samples, cell);
	if (entry)
		return entry;
	samples->cells = xrealloc(samples->cells, (samples->count + 1) * sizeof *samples->cells);
	entry = &samples->cells[samples->count++];
	memset(entry, 0, sizeof *entry);
	entry->cell = *cell;
	return entry;
}

static void append(struct cell_samples *entry, int phase, double value, size_t round)
{
	if (round >= MAX_ROUNDS)
		round = MAX_ROUNDS - 1;
	entry->round_size[phase][round]++;
	if (round + 1 > entry->rounds[phase])
		entry->rounds[phase] = round + 1;
	/* grow in powers of two */
	size_t n = entry->count[phase];
	if ((n & (n - 1)) == 0)
		entry->phase[phase] = xrealloc(entry->phase[phase], (n ? 2 * n : 1) * sizeof *entry->phase[phase]);
	entry->phase[phase][entry->count[phase]++] = value;
}

int samples_load(const char *bundle_path, struct bundle_samples *samples, char *why, size_t why_size)
{
	struct csv_table table;
	char *path = xasprintf("%s/samples.csv", bundle_path), problem[300];
	memset(samples, 0, sizeof *samples);
	int result = csv_read(path, &table, why, why_size);
	int columns[PHASE_COUNT], counted = result == 0 ? csv_column(&table, "counted") : -1;
	int round_column = result == 0 ? csv_column(&table, "round") : -1; /* absent: one round */
	for (int phase = 0; result == 0 && phase < PHASE_COUNT; phase++)
		if ((columns[phase] = csv_column(&table, fixed_column_names[phase])) < 0) {
			snprintf(why, why_size, "%s: no column %s", path, fixed_column_names[phase]);
			result = -1;
		}
	for (size_t row = 0; result == 0 && row < table.rows; row++) {
		struct cell cell;
		if (cell_from_row(&table, row, &cell, &samples->commands, &samples->command_count, problem, sizeof problem)) {
			snprintf(why, why_size, "%s: %s", path, problem);
			result = -1;
			break;
		}
		if (counted >= 0 && strcmp(csv_field(&table, row, (size_t)counted), "1") == 0)
			continue; /* counted iterations carry the counters' cost */
		struct cell_samples *entry = cell_entry(samples, &cell);
		size_t round = round_column >= 0 ? strtoul(csv_field(&table, row, (size_t)round_column), NULL, 10) : 0;
		for (int phase = 0; phase < PHASE_COUNT; phase++) {
			const char *text = csv_field(&table, row, (size_t)columns[phase]);
			if (*text)
				append(entry, phase, strtod(text, NULL), round);
		}
	}
	if (table.header)
		csv_free(&table);
	free(path);
	if (result != 0)
		samples_free(samples);
	return result;
}

void samples_free(struct bundle_samples *samples)
{
	for (size_t i = 0; i < samples->count; i++)
		for (int phase = 0; phase < PHASE_COUNT; phase++)
			free(samples->cells[i].phase[phase]);
	free(samples->cells);
	for (size_t i = 0; i < samples->command_count; i++)
		free(samples->commands[i]);
	free(samples->commands);
	memset(samples, 0, sizeof *samples);
}
