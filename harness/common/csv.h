/*
 * CSV as RFC 4180 has it, for the bundle's own files and for copies that
 * other tools re-saved: a header row, quoted fields, LF or CRLF line ends.
 */
#ifndef SPAWNBENCH_CSV_H
#define SPAWNBENCH_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "values.h"

struct csv_table {
	size_t columns, rows;
	char **header;           /* columns names */
	char **fields;           /* rows x columns, row-major */
};

/*
 * Reads path; -1 with why ("FILE:LINE: ...") if it cannot be read, is empty,
 * a quote is never closed, or a row has another number of fields than the
 * header (a truncated file).
 */
int csv_read(const char *path, struct csv_table *table, char *why, size_t why_size);
/* The same from an open file; path only names it in messages. */
int csv_read_file(FILE *file, const char *path, struct csv_table *table, char *why, size_t why_size);
void csv_free(struct csv_table *table);

/* Index of the column called name, or -1. */
int csv_column(const struct csv_table *table, const char *name);

static inline const char *csv_field(const struct csv_table *table, size_t row, size_t column)
{
	return table->fields[row * table->columns + column];
}

/* One field as text, quoted when it holds a comma, a quote, CR or LF. */
void csv_write_text(FILE *file, const char *text);


#endif
