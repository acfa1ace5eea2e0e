/*
 * One table writer for the terminal, Markdown and CSV: a renderer states the
 * columns and the rows once, and the style decides how they look (padded
 * columns, pipes with a rule under the header, or RFC 4180 fields).
 */
#ifndef SPAWNBENCH_TABLE_WRITER_H
#define SPAWNBENCH_TABLE_WRITER_H

#include <stddef.h>
#include <stdio.h>

enum table_style { TABLE_TERMINAL, TABLE_MARKDOWN, TABLE_CSV };

#define TABLE_MAX_COLUMNS 64

struct table_writer {
	FILE *out;
	enum table_style style;
	int widths[TABLE_MAX_COLUMNS];   /* terminal: a column's width; negative: aligned left */
	size_t columns, column;
	size_t rows;                     /* rows ended so far; the first is the header */
};

/* Starts a table of columns columns (at most TABLE_MAX_COLUMNS) with these terminal widths. */
void table_begin(struct table_writer *t, FILE *out, enum table_style style, const int *widths, size_t columns);
void table_cell(struct table_writer *t, const char *text);
/* count cells in a row: a header's names, say. */
void table_cells(struct table_writer *t, const char *const *texts, size_t count);
void table_cellf(struct table_writer *t, const char *format, ...) __attribute__((format(printf, 2, 3)));
/* Ends a row; after the first (the header), Markdown gets its rule. */
void table_end_row(struct table_writer *t);

#endif
