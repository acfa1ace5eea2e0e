/*
 * Fuzz target: any CSV file of a bundle (summary.csv, samples.csv, fits.csv,
 * trend.csv, results/reference/published.csv) through the RFC 4180 reader,
 * every field looked at, and a column looked up by name.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	FILE *file = fmemopen((void *)data, size, "r");
	struct csv_table table;
	char why[512];
	if (file && csv_read_file(file, "fuzz.csv", &table, why, sizeof why) == 0) {
		size_t total = 0;
		for (size_t row = 0; row < table.rows; row++)
			for (size_t column = 0; column < table.columns; column++)
				total += strlen(csv_field(&table, row, column));
		(void)total;
		csv_column(&table, "median_us");
		csv_free(&table);
	}
	if (file)
		fclose(file);
	return 0;
}
